#include "models/arrivals/nhpp.hpp"

#include <cmath>
#include <limits>

namespace dcsim::arrivals {

NhppArrivals::NhppArrivals(std::unique_ptr<RateCurve> curve, double window_s, double horizon_s)
    : curve_(std::move(curve)), window_(window_s) {
  mean_rate_ = horizon_s > 0 ? integrate(*curve_, 0.0, horizon_s) / horizon_s : std::numeric_limits<double>::quiet_NaN();
}

double NhppArrivals::next_arrival(double now, Rng& rng) {
  double t = now;
  for (;;) {
    if (!(t >= win_lo_ && t < win_hi_)) {
      const RateBound b = curve_->bound(t, window_);
      win_lo_ = t;
      win_hi_ = b.until;
      lam_ = b.max;
      if (lam_ <= 0 && std::isinf(win_hi_)) return std::numeric_limits<double>::infinity();
    }
    if (lam_ <= 0) {
      t = win_hi_;
      continue;
    }
    const double cand = t + rng.exponential(lam_);
    if (cand >= win_hi_) {
      t = win_hi_;
      continue;
    }
    t = cand;
    ++candidates_;
    if (rng.uniform() * lam_ <= curve_->value(t)) {
      ++accepted_;
      return t;
    }
  }
}

void register_nhpp_models(ArrivalRegistry& r) {
  r.add("nhpp",
        "Non-homogeneous Poisson process sampled by thinning: a base rate (constant, points or CSV) x diurnal and "
        "weekly cycles per region (local time) x surges.",
        rate_curve_params(),
        [](const scenario::Config& c, const ArrivalContext& ctx) {
          return std::make_unique<NhppArrivals>(build_rate_curve(c, ctx), c.num("window"), ctx.horizon_s);
        },
        rate_curve_children());
}

}  // namespace dcsim::arrivals
