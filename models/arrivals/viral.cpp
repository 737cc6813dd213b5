#include "models/arrivals/viral.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "sim/output/recorder.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace dcsim::arrivals {

namespace {

double simpson(const ViralArrivals& p, double a, double b, int n) {
  const double h = (b - a) / n;
  double s = p.intensity(a) + p.intensity(b);
  for (int i = 1; i < n; ++i) s += (i % 2 ? 4 : 2) * p.intensity(a + i * h);
  return s * h / 3;
}

}  // namespace

ViralArrivals::ViralArrivals(Population population, double rate_per_user, Activity activity, double window_s,
                             double horizon_s)
    : population_(population), rate_per_user_(rate_per_user), activity_(activity), window_(window_s) {
  mean_rate_ = horizon_s > 0 ? simpson(*this, 0.0, horizon_s, 20000) / horizon_s
                             : std::numeric_limits<double>::quiet_NaN();
}

double ViralArrivals::next_arrival(double now, Rng& rng) {
  // On [lo, lo + window) the bound r_user N(hi) a(lo) holds: N never falls and a never rises.
  struct Window {
    double until, max;
  };
  return thinning_.next(
      now, rng,
      [this](double t) {
        return Window{t + window_, rate_per_user_ * population_.users(t + window_) * activity_.value(t)};
      },
      [this](double t) { return intensity(t); });
}

void ViralArrivals::declare_series(output::Recorder& recorder, const std::string& group) {
  recorder.gauge(group, "active_users", "1", "Users of the service N(t) at the sample instant (viral adoption)",
                 [this, &recorder] { return population_.users(recorder.now()); });
}

namespace {

using scenario::Config;
using scenario::Issue;

const char* const kBassKeys[] = {"market", "innovation", "imitation"};
const char* const kLogisticKeys[] = {"target_users", "target_time", "capacity"};

std::unique_ptr<ArrivalProcess> build_viral(const Config& c, const ArrivalContext& ctx) {
  std::vector<Issue> issues;
  const auto bad = [&](const std::string& key, const std::string& expected) {
    const std::string got = c.has(key) ? "got '" + c.value(key).text + "', " : "";
    issues.push_back(Issue{c.where(key), c.path() + "." + key, got + expected});
  };
  const std::string& growth = c.str("growth");
  const bool bass = growth == "bass";
  for (const char* k : bass ? kBassKeys : kLogisticKeys) {
    if (!c.has(k)) bad(k, "missing required key '" + std::string(k) + "' (required with growth: " + growth + ")");
  }
  for (const char* k : bass ? kLogisticKeys : kBassKeys) {
    if (c.has(k)) bad(k, "expected no value: applies only to growth: " + std::string(bass ? "logistic" : "bass"));
  }
  const double n0 = c.num("initial_users");
  if (issues.empty()) {
    if (bass && !(n0 < c.num("market"))) {
      bad("initial_users", "expected < market (" + c.value("market").text + ")");
    }
    if (!bass) {
      if (!(n0 > 0)) bad("initial_users", "expected > 0 with growth: logistic");
      if (!(c.num("target_users") > n0)) {
        bad("target_users", "expected > initial_users (" + c.value("initial_users").text + ")");
      } else if (!(c.num("capacity") > c.num("target_users"))) {
        bad("capacity", "expected > target_users (" + c.value("target_users").text + ")");
      }
    }
  }
  Activity act;
  if (c.has("fade_start")) {
    if (!c.has("fade_tau")) bad("fade_tau", "missing required key 'fade_tau' (required with fade_start)");
    if (!c.has("fade_floor")) bad("fade_floor", "missing required key 'fade_floor' (required with fade_start)");
  } else {
    for (const char* k : {"fade_tau", "fade_floor"}) {
      if (c.has(k)) bad(k, "expected no value without fade_start");
    }
  }
  if (!issues.empty()) throw scenario::InputError(std::move(issues));
  if (c.has("fade_start")) act = Activity{c.num("fade_start"), c.num("fade_tau"), c.num("fade_floor")};

  const double onset = c.num("onset");
  Population pop = bass ? Population::bass(c.num("market"), c.num("innovation"), c.num("imitation"), n0, onset)
                        : Population::logistic(n0, c.num("target_users"), c.num("target_time"), c.num("capacity"), onset);
  return std::make_unique<ViralArrivals>(pop, c.num("rate_per_user"), act, c.num("window"), ctx.horizon_s);
}

}  // namespace

void register_viral_models(ArrivalRegistry& r) {
  using scenario::ParamSpec;
  using units::Quantity;
  r.add("viral",
        "Viral adoption: non-homogeneous Poisson with rate N(t) x rate_per_user x a(t); N(t) a Bass or logistic "
        "user population, a(t) a per-user activity fading after the novelty.",
        {
            ParamSpec::choice("growth", {"bass", "logistic"}).req().doc(
                "Population model. bass: market, innovation, imitation. logistic: target_users, target_time, "
                "capacity. Both: initial_users, onset."),
            ParamSpec::quantity_of("rate_per_user", Quantity::rate).req().above(0).doc(
                "Requests per user while fully active, e.g. '2 /d'."),
            ParamSpec::quantity_of("initial_users", Quantity::dimensionless).def("0").at_least(0).doc(
                "Users N0 at onset (and before it). Logistic: must be > 0."),
            ParamSpec::quantity_of("onset", Quantity::time).def("0 s").at_least(0).doc(
                "Time t0 (from the scenario start) at which growth begins."),
            ParamSpec::quantity_of("market", Quantity::dimensionless).above(0).doc(
                "Bass only: market size m (users at saturation), > initial_users."),
            ParamSpec::quantity_of("innovation", Quantity::rate).above(0).doc(
                "Bass only: innovation coefficient p, e.g. '0.03 /d'."),
            ParamSpec::quantity_of("imitation", Quantity::rate).at_least(0).doc(
                "Bass only: imitation coefficient q, e.g. '0.4 /d'."),
            ParamSpec::quantity_of("target_users", Quantity::dimensionless).above(0).doc(
                "Logistic only: users N1 reached at onset + target_time (> initial_users)."),
            ParamSpec::quantity_of("target_time", Quantity::time).above(0).doc(
                "Logistic only: time T after onset at which target_users is reached."),
            ParamSpec::quantity_of("capacity", Quantity::dimensionless).above(0).doc(
                "Logistic only: carrying capacity K (> target_users)."),
            ParamSpec::quantity_of("fade_start", Quantity::time).at_least(0).doc(
                "Time t_fade after which per-user activity decays (absent: no decay)."),
            ParamSpec::quantity_of("fade_tau", Quantity::time).above(0).doc(
                "Decay time tau of per-user activity (required with fade_start)."),
            ParamSpec::quantity_of("fade_floor", Quantity::dimensionless).at_least(0).at_most(1).doc(
                "Long-run fraction of the initial per-user activity (required with fade_start)."),
            ParamSpec::quantity_of("window", Quantity::time).def("60 s").above(0).doc(
                "Thinning window: the rate bound is recomputed at most this far apart (exactness does not "
                "depend on it; acceptance does)."),
        },
        build_viral);
}

}  // namespace dcsim::arrivals
