// A declared site signal (sites[].signals): a step function of simulated time, the value of the
// latest point at or before `now` (the first point's value before it):
//
//   x(t) = v_j   for t_j <= t < t_{j+1};   x(t) = v_0 for t < t_0;   x(t) = v_last for t >= t_last
//
// Grid data (carbon intensity, day-ahead prices) come hourly or half-hourly, held over the
// interval, hence a step and not an interpolation. Lookups are O(1) amortised for the
// non-decreasing times of a run (a cursor), O(log n) otherwise. Until the grid component feeds
// Site::signal, this is where carbon- and price-aware routing read their signal
// (docs/models/scheduling.md "Site signals").
#pragma once

#include <vector>

#include "models/site/site.hpp"

namespace dcsim::site {

class SignalSeries final : public SignalSource {
 public:
  // Times strictly increasing, same length, at least one point (std::invalid_argument otherwise).
  SignalSeries(std::vector<double> times_s, std::vector<double> values);
  double at(double now) const override;

 private:
  std::vector<double> t_;
  std::vector<double> v_;
  mutable size_t cursor_ = 0;
};

}  // namespace dcsim::site
