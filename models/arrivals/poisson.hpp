// Homogeneous Poisson arrivals.
//
//   inter-arrival times T ~ Exponential(lambda):  P(T > t) = exp(-lambda t),  E[T] = 1/lambda,
//   coefficient of variation CV = 1;  counts in a window of length w ~ Poisson(lambda w).
// Parameter: rate lambda (1/s), > 0.
#pragma once

#include "models/arrivals/arrival_process.hpp"

namespace dcsim::arrivals {

class PoissonArrivals final : public ArrivalProcess {
 public:
  explicit PoissonArrivals(double rate_per_s);
  double next_arrival(double now, Rng& rng) override { return now + rng.exponential(rate_); }
  double mean_rate() const override { return rate_; }
  double rate(double) const override { return rate_; }

 private:
  double rate_;
};

}  // namespace dcsim::arrivals
