#include "models/grid/genset.hpp"

#include <algorithm>

namespace dcsim::grid {

void Gensets::start(double t) {
  if (!present() || started_) return;
  started_ = true;
  ready_at_ = t + spec_.start_delay_s;
  last_need_ = t;
  ++starts_;
}

void Gensets::stop() { started_ = false; }

double Gensets::available_w(double t0, double t1) const {
  if (!started_ || !(t1 > t0)) return 0;
  const double from = std::max(t0, ready_at_);
  return from >= t1 ? 0.0 : spec_.capacity_w * (t1 - from) / (t1 - t0);
}

bool Gensets::run(double t0, double t1, double p_w) {
  if (!started_) return false;
  energy_ += p_w * (t1 - t0);
  if (p_w > 0) last_need_ = t1;
  if (t1 - last_need_ >= spec_.min_run_s && t1 >= ready_at_) {
    started_ = false;
    return true;
  }
  return false;
}

}  // namespace dcsim::grid
