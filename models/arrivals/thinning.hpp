// Exact sampling of a non-homogeneous Poisson process by thinning (Lewis & Shedler 1979), with a
// piecewise-constant bound: on each window [lo, hi) a bound M >= lambda(t) is known; candidates
// come at rate M and one at s is kept with probability lambda(s) / M. A candidate past hi is
// discarded and sampling restarts at hi (memoryless), so only the current window is kept.
// Shared by the rate-curve (nhpp) and viral models; the efficiency is accepted / candidates.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "sim/util/rng.hpp"

namespace dcsim::arrivals {

class Thinning {
 public:
  // new_window(t) -> {until, max}: the bound `max` on [t, until). rate(t) -> lambda(t).
  // Returns the next arrival after `now`, or +inf when the bound is 0 up to +inf.
  template <class NewWindow, class Rate>
  double next(double now, Rng& rng, NewWindow&& new_window, Rate&& rate) {
    double t = now;
    for (;;) {
      if (!(t >= lo_ && t < hi_)) {
        const auto b = new_window(t);
        lo_ = t;
        hi_ = b.until;
        bound_ = b.max;
        if (bound_ <= 0 && std::isinf(hi_)) return std::numeric_limits<double>::infinity();
      }
      if (bound_ <= 0) {
        t = hi_;
        continue;
      }
      const double candidate = t + rng.exponential(bound_);
      if (candidate >= hi_) {
        t = hi_;
        continue;
      }
      t = candidate;
      ++candidates_;
      if (rng.uniform() * bound_ <= rate(t)) {
        ++accepted_;
        return t;
      }
    }
  }

  uint64_t candidates() const { return candidates_; }
  uint64_t accepted() const { return accepted_; }

 private:
  double lo_ = 1, hi_ = 0;  // current window [lo, hi) (empty at first)
  double bound_ = 0;
  uint64_t candidates_ = 0, accepted_ = 0;
};

}  // namespace dcsim::arrivals
