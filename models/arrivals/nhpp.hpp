// Non-homogeneous Poisson arrivals, sampled exactly by thinning (Lewis & Shedler 1979,
// "Simulation of nonhomogeneous Poisson processes by thinning", Naval Res. Logistics Q. 26(3)).
//
//   Over a window [t, u) where lambda(s) <= lambda_max (RateCurve::bound), candidates are a
//   homogeneous Poisson process of rate lambda_max: gaps ~ Exp(lambda_max); a candidate at s is
//   kept with probability lambda(s)/lambda_max. A candidate beyond u is discarded and sampling
//   restarts at u with the next window's bound (exact: the exponential is memoryless).
//   Windows end at the base curve's points and at most `window` (<= 1 h) later, so the bound
//   follows the curve and acceptance stays high on peaky curves. Nothing is materialised over
//   the horizon: one window (two numbers) is kept.
//   mean_rate() = integral of lambda over [0, horizon] / horizon (Simpson), NaN if no horizon.
// The curve (rate_curve.hpp) is base x diurnal x weekly (per region) x surges.
#pragma once

#include <memory>

#include "models/arrivals/arrival_process.hpp"
#include "models/arrivals/thinning.hpp"
#include "models/arrivals/rate_curve.hpp"

namespace dcsim::arrivals {

class NhppArrivals final : public ArrivalProcess {
 public:
  NhppArrivals(std::unique_ptr<RateCurve> curve, double window_s, double horizon_s);
  double next_arrival(double now, Rng& rng) override;
  double mean_rate() const override { return mean_rate_; }
  double rate(double t) const override { return curve_->value(t); }
  const RateCurve& curve() const { return *curve_; }
  // Candidates drawn and accepted so far (efficiency = accepted / candidates).
  uint64_t candidates() const { return thinning_.candidates(); }
  uint64_t accepted() const { return thinning_.accepted(); }

 private:
  std::unique_ptr<RateCurve> curve_;
  double window_;
  double mean_rate_;
  Thinning thinning_;
};

void register_nhpp_models(ArrivalRegistry& r);

}  // namespace dcsim::arrivals
