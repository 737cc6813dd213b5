#include "models/arrivals/nhpp.hpp"

#include <cmath>
#include <limits>

namespace dcsim::arrivals {

NhppArrivals::NhppArrivals(std::unique_ptr<RateCurve> curve, double window_s, double horizon_s)
    : curve_(std::move(curve)), window_(window_s) {
  mean_rate_ = horizon_s > 0 ? integrate(*curve_, 0.0, horizon_s) / horizon_s : std::numeric_limits<double>::quiet_NaN();
}

double NhppArrivals::next_arrival(double now, Rng& rng) {
  return thinning_.next(
      now, rng, [this](double t) { return curve_->bound(t, window_); }, [this](double t) { return curve_->value(t); });
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
