// What the utility lets the site import: the interconnect capacity, lowered by demand-response
// and curtailment events (each "reduce to X W from start for duration").
//
//   L(t) = min(capacity, min over events e active at t of X_e)      (capacity 0 = unlimited)
//   over a step: L̲(t0, t1) = min of L over [t0, t1) (the tightest limit the step meets)
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace dcsim::grid {

struct LimitEvent {
  std::string name;
  std::string kind;  // "demand_response" or "curtailment" (labels only)
  double start_s = 0, end_s = 0;
  double limit_w = 0;
};

class GridLimits {
 public:
  GridLimits() = default;
  GridLimits(double capacity_w, std::vector<LimitEvent> events);

  double capacity_w() const { return capacity_; }
  double at(double t) const;
  double min_over(double t0, double t1) const;
  const std::vector<LimitEvent>& events() const { return events_; }

 private:
  double capacity_ = std::numeric_limits<double>::infinity();
  std::vector<LimitEvent> events_;  // by start time
};

}  // namespace dcsim::grid
