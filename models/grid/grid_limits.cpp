#include "models/grid/grid_limits.hpp"

#include <algorithm>

namespace dcsim::grid {

GridLimits::GridLimits(double capacity_w, std::vector<LimitEvent> events)
    : capacity_(capacity_w > 0 ? capacity_w : std::numeric_limits<double>::infinity()), events_(std::move(events)) {
  std::stable_sort(events_.begin(), events_.end(),
                   [](const LimitEvent& a, const LimitEvent& b) { return a.start_s < b.start_s; });
}

double GridLimits::at(double t) const {
  double l = capacity_;
  for (const auto& e : events_) {
    if (e.start_s > t) break;
    if (t < e.end_s) l = std::min(l, e.limit_w);
  }
  return l;
}

double GridLimits::min_over(double t0, double t1) const {
  if (!(t1 > t0)) return at(t0);
  double l = capacity_;
  for (const auto& e : events_) {
    if (e.start_s >= t1) break;
    if (e.end_s > t0) l = std::min(l, e.limit_w);
  }
  return l;
}

}  // namespace dcsim::grid
