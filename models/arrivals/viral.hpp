// Viral adoption arrivals (`model: viral`): a growing user population times a per-user request
// rate times a per-user activity that fades after the novelty wears off.
//
//   lambda(t) = N(t) x r_user x a(t)
//   N(t): Bass or logistic population (population.hpp), non-decreasing;
//   a(t) = 1                                                for t <= t_fade (or without fade_start)
//   a(t) = floor + (1 - floor) e^{-(t - t_fade)/tau}        for t > t_fade, non-increasing.
// Sampling: non-homogeneous Poisson by thinning (Lewis & Shedler 1979). Over a window [lo, hi)
// of length `window`, lambda(s) <= r_user N(hi) a(lo) (N rises, a falls), so candidates at that
// rate kept with probability lambda(s)/bound are exact; a candidate past hi is dropped and
// sampling restarts at hi (memoryless). Lazy: only the current window (two numbers) is kept.
//   mean_rate() = integral of lambda over [0, horizon] / horizon (Simpson), NaN without horizon.
// Series: <group>/active_users (gauge) = N(t) at the last arrival drawn (lags the sample instant
// by less than one inter-arrival gap).
// Calibration (surge.openai_images_week1, surge.openai_1M_per_hour, surge.openai_rate_limit,
// surge.kakao_ddmm, usage.chatgpt_weekly_users): docs/models/arrivals-viral-hawkes.md.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "models/arrivals/arrival_process.hpp"
#include "models/arrivals/thinning.hpp"
#include "models/arrivals/population.hpp"

namespace dcsim::arrivals {

// Per-user activity a(t) (see above). Without a fade it is 1 at all times.
struct Activity {
  double fade_start = std::numeric_limits<double>::infinity();
  double tau = 1;
  double floor = 1;
  double value(double t) const {
    return t <= fade_start ? 1.0 : floor + (1 - floor) * std::exp(-(t - fade_start) / tau);
  }
};

class ViralArrivals final : public ArrivalProcess {
 public:
  ViralArrivals(Population population, double rate_per_user, Activity activity, double window_s, double horizon_s);
  double next_arrival(double now, Rng& rng) override;
  double mean_rate() const override { return mean_rate_; }
  double rate(double t) const override { return intensity(t); }
  double users(double t) const override { return population_.users(t); }
  void declare_series(output::Recorder& recorder, const std::string& group) override;

  // lambda(t) (1/s).
  double intensity(double t) const { return population_.users(t) * rate_per_user_ * activity_.value(t); }
  const Population& population() const { return population_; }
  const Activity& activity() const { return activity_; }
  uint64_t candidates() const { return thinning_.candidates(); }
  uint64_t accepted() const { return thinning_.accepted(); }

 private:
  Population population_;
  double rate_per_user_;
  Activity activity_;
  double window_;
  double mean_rate_;
  Thinning thinning_;
};

void register_viral_models(ArrivalRegistry& r);

}  // namespace dcsim::arrivals
