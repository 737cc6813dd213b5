#include "models/arrivals/population.hpp"

#include <cmath>
#include <stdexcept>

namespace dcsim::arrivals {

Population Population::bass(double market, double p, double q, double initial_users, double onset_s) {
  if (!(market > 0) || !(p > 0) || !(q >= 0) || !(initial_users >= 0) || !(initial_users < market)) {
    throw std::invalid_argument("Bass population needs m > 0, p > 0, q >= 0 and 0 <= N0 < m");
  }
  Population pop;
  pop.kind_ = Kind::bass;
  pop.n0_ = initial_users;
  pop.onset_ = onset_s;
  pop.ceiling_ = market;
  pop.rate_ = p + q;
  pop.ratio_ = q / p;
  const double f = initial_users / market;
  const double x0 = (1 - f) / (1 + f * pop.ratio_);
  pop.offset_ = -std::log(x0) / pop.rate_;
  return pop;
}

Population Population::logistic(double initial_users, double target_users, double target_time_s, double capacity,
                                double onset_s) {
  if (!(initial_users > 0) || !(target_users > initial_users) || !(capacity > target_users) || !(target_time_s > 0)) {
    throw std::invalid_argument("logistic population needs 0 < N0 < N1 < K and T > 0");
  }
  Population pop;
  pop.kind_ = Kind::logistic;
  pop.n0_ = initial_users;
  pop.onset_ = onset_s;
  pop.ceiling_ = capacity;
  pop.ratio_ = (capacity - initial_users) / initial_users;
  pop.rate_ = std::log(target_users * (capacity - initial_users) / (initial_users * (capacity - target_users))) /
              target_time_s;
  return pop;
}

double Population::users(double t) const {
  if (t <= onset_) return n0_;
  if (kind_ == Kind::bass) {
    const double e = std::exp(-rate_ * (t - onset_ + offset_));
    return ceiling_ * (1 - e) / (1 + ratio_ * e);
  }
  return ceiling_ / (1 + ratio_ * std::exp(-rate_ * (t - onset_)));
}

}  // namespace dcsim::arrivals
