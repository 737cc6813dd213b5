// Tests of the viral adoption arrivals (models/arrivals/viral.hpp, population.hpp):
// - Bass and logistic populations against their closed forms (relative 1e-9) and their ODEs;
// - binned arrival counts of one long run against the integral of N(t) r_user a(t) per bin:
//   every bin within 4.5 Poisson sd and the chi-square over the bins below 2x the dof + 20;
// - the March 2025 GPT-4o image launch (surge.openai_images_week1: 700 M images in 7 days, 130 M
//   users) integrated numerically (Simpson, 20,000 steps): within 5 % of 700 M, and the growth
//   at day 6 within 15 % of surge.openai_1M_per_hour;
// - bad inputs: errors naming the file, the key path and the value.
#include "models/arrivals/viral.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "models/register_models.hpp"
#include "sim/engine/engine.hpp"
#include "sim/output/recorder.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/unit/arrivals_support.hpp"

using dcsim::Rng;
using dcsim::arrivals::ArrivalContext;
using dcsim::arrivals::ArrivalProcess;
using dcsim::arrivals::arrivals_registry;
using dcsim::arrivals::Population;
using dcsim::arrivals::ViralArrivals;
using dcsim::scenario::ChildKind;
using dcsim::scenario::ChildSpec;
using dcsim::scenario::InputError;
using dcsim::scenario::Schema;

namespace {

constexpr double kDay = 86400, kHour = 3600;

std::unique_ptr<ArrivalProcess> build(const std::string& yaml, double horizon_s = 0) {
  ArrivalContext ctx;
  ctx.horizon_s = horizon_s;
  return dcsim::test::build_arrivals(yaml, ctx);
}

ViralArrivals& as_viral(const std::unique_ptr<ArrivalProcess>& p) {
  auto* v = dynamic_cast<ViralArrivals*>(p.get());
  REQUIRE(v != nullptr);
  return *v;
}

double integral(const ViralArrivals& v, double a, double b, int n = 2000) {
  const double h = (b - a) / n;
  double s = v.intensity(a) + v.intensity(b);
  for (int i = 1; i < n; ++i) s += (i % 2 ? 4 : 2) * v.intensity(a + i * h);
  return s * h / 3;
}

std::string error_of(const std::string& yaml) {
  try {
    build(yaml);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("arrivals: bass population matches its closed form") {
  const double m = 1e8, p = 0.03 / kDay, q = 0.4 / kDay;
  // N0 = 0: the textbook form, no offset.
  const Population a = Population::bass(m, p, q, 0, 0);
  for (double t = 0; t <= 60 * kDay; t += 1.7 * kDay) {
    const double e = std::exp(-(p + q) * t);
    const double want = m * (1 - e) / (1 + (q / p) * e);
    CHECK(a.users(t) == Approx(want).epsilon(1e-9).margin(1e-9));
  }
  // N0 > 0 from onset t0: N(t0) = N0, then the Bass ODE dN/dt = (p + q N/m)(m - N).
  const double n0 = 2e6, t0 = 3 * kHour;
  const Population b = Population::bass(m, p, q, n0, t0);
  CHECK(b.users(0) == n0);
  CHECK(b.users(t0) == Approx(n0).epsilon(1e-9));
  // Central difference, h = 600 s: truncation ~ (h (p+q))^2 ~ 1e-5; up to 30 d, where the
  // cancellation in N(t+h) - N(t-h) (N ~ 1e8) stays below 1e-4 of the difference.
  for (double t = t0 + kDay; t <= 30 * kDay; t += 2.3 * kDay) {
    const double h = 600;
    const double dn = (b.users(t + h) - b.users(t - h)) / (2 * h);
    const double n = b.users(t);
    CHECK(dn == Approx((p + q * n / m) * (m - n)).epsilon(1e-4));
  }
  // The shifted curve is the N0 = 0 curve translated in time: same N at the same level.
  const double s0 = -std::log((1 - n0 / m) / (1 + (n0 / m) * q / p)) / (p + q);
  for (double t = t0; t <= 40 * kDay; t += 3.1 * kDay) {
    CHECK(b.users(t) == Approx(a.users(t - t0 + s0)).epsilon(1e-9));
  }
}

TEST_CASE("arrivals: logistic population matches its closed form") {
  const double n0 = 300, n1 = 13000, T = 22 * kHour, K = 50000, t0 = 2 * kHour;  // surge.kakao_ddmm
  const Population pop = Population::logistic(n0, n1, T, K, t0);
  const double r = std::log(n1 * (K - n0) / (n0 * (K - n1))) / T;
  CHECK(pop.rate() == Approx(r).epsilon(1e-12));
  CHECK(pop.users(0) == n0);
  CHECK(pop.users(t0) == Approx(n0).epsilon(1e-9));
  CHECK(pop.users(t0 + T) == Approx(n1).epsilon(1e-9));
  for (double t = t0; t <= t0 + 5 * kDay; t += 0.37 * kHour) {
    const double want = K / (1 + ((K - n0) / n0) * std::exp(-r * (t - t0)));
    CHECK(pop.users(t) == Approx(want).epsilon(1e-9));
  }
  CHECK(pop.users(t0 + 60 * kDay) == Approx(K).epsilon(1e-9));
}

TEST_CASE("arrivals: viral binned counts match the integral of the rate") {
  struct Case {
    std::string yaml;
    double horizon;
  };
  const std::vector<Case> cases = {
      // Logistic with novelty fade: rises, then falls after 12 h.
      {"arrivals: {model: viral, growth: logistic, initial_users: 300, target_users: 13000, target_time: 22 h,\n"
       "            capacity: 50000, rate_per_user: 2000 /d, fade_start: 12 h, fade_tau: 6 h, fade_floor: 0.3}\n",
       kDay},
      // Bass from zero users, starting at 1 h; no fade.
      {"arrivals: {model: viral, growth: bass, market: 1e6, innovation: 0.05 /d, imitation: 0.6 /d, onset: 1 h,\n"
       "            rate_per_user: 5 /d, window: 600 s}\n",
       4 * kDay},
  };
  for (const auto& c : cases) {
    INFO(c.yaml);
    const auto p = build(c.yaml, c.horizon);
    const auto& v = as_viral(p);
    const int bins = 48;
    const double w = c.horizon / bins;
    std::vector<double> count(bins, 0.0);
    Rng rng(11, "test/viral");
    double t = 0;
    for (;;) {
      t = p->next_arrival(t, rng);
      if (t >= c.horizon) break;
      count[static_cast<int>(t / w)] += 1;
    }
    double chi2 = 0, total = 0, want_total = 0, worst_z = 0;
    for (int i = 0; i < bins; ++i) {
      const double want = integral(v, i * w, (i + 1) * w);
      const double z = (count[i] - want) / std::sqrt(want);
      chi2 += z * z;
      worst_z = std::max(worst_z, std::abs(z));
      total += count[i];
      want_total += want;
      CHECK(std::abs(z) < 4.5);
    }
    INFO("arrivals " << total << " expected " << want_total << " chi2 " << chi2 << " worst z " << worst_z
                     << " acceptance " << double(v.accepted()) / double(v.candidates()));
    CHECK(want_total > 1e6);
    CHECK(chi2 < 2 * bins + 20);
    CHECK(total == Approx(want_total).epsilon(0.005));
    CHECK(p->mean_rate() == Approx(want_total / c.horizon).epsilon(1e-6));
    WARN("viral counts: total rel err " << (total - want_total) / want_total << ", chi2 " << chi2 << " / " << bins
                                        << " bins, worst |z| " << worst_z << ", acceptance "
                                        << double(v.accepted()) / double(v.candidates()));
  }
}

TEST_CASE("arrivals: viral March 2025 image launch gives about 700 M images in a week") {
  // surge.openai_images_week1: 130 M users and 700 M images in the 7 days after 25 Mar 2025.
  // Logistic: 1 M users at launch, 130 M at 7 d, capacity 140 M; 2 images per user per day
  // (below the 3 /d free-tier limit of surge.openai_rate_limit).
  const std::string yaml =
      "arrivals: {model: viral, growth: logistic, initial_users: 1e6, target_users: 130e6, target_time: 7 d,\n"
      "           capacity: 140e6, rate_per_user: 2 /d}\n";
  const auto p = build(yaml, 7 * kDay);
  const auto& v = as_viral(p);
  const double images = integral(v, 0, 7 * kDay, 20000);
  WARN("week-1 images " << images / 1e6 << " M (rel err " << (images - 700e6) / 700e6 << ")");
  CHECK(images == Approx(700e6).epsilon(0.05));
  CHECK(v.population().users(7 * kDay) == Approx(130e6).epsilon(1e-9));
  CHECK(p->mean_rate() * 7 * kDay == Approx(images).epsilon(1e-6));
  // surge.openai_1M_per_hour (31 Mar = day 6): dN/dt there.
  const double per_hour = (v.population().users(6 * kDay + 1800) - v.population().users(6 * kDay - 1800));
  WARN("new users per hour at day 6: " << per_hour / 1e6 << " M");
  CHECK(per_hour == Approx(1e6).epsilon(0.15));
  // A few arrivals are drawn lazily at launch rate ~ 1e6 x 2 /d = 23 /s.
  Rng rng(3, "test/viral");
  double t = 0;
  for (int i = 0; i < 1000; ++i) t = p->next_arrival(t, rng);
  CHECK(t == Approx(1000 / v.intensity(0)).epsilon(0.15));
}

TEST_CASE("arrivals: viral declares the active_users series") {
  const auto p = build(
      "arrivals: {model: viral, growth: logistic, initial_users: 300, target_users: 13000, target_time: 22 h,\n"
      "           capacity: 50000, rate_per_user: 20 /d}\n");
  dcsim::Engine engine(dcsim::platform::simgrid_config());
  dcsim::output::Recorder rec(engine, 60);
  p->declare_series(rec, "workloads/chat");
  CHECK(rec.has_series("workloads/chat", "active_users"));
}

TEST_CASE("arrivals: viral rejects bad inputs with path and value") {
  const std::string logistic = "arrivals: {model: viral, growth: logistic, rate_per_user: 20 /d, ";
  SECTION("target users not above initial users") {
    const std::string e = error_of(logistic + "initial_users: 300, target_users: 300, target_time: 22 h, capacity: 5e4}\n");
    INFO(e);
    CHECK(e.find("t.yaml") != std::string::npos);
    CHECK(e.find("arrivals.target_users") != std::string::npos);
    CHECK(e.find("got '300'") != std::string::npos);
    CHECK(e.find("initial_users") != std::string::npos);
  }
  SECTION("capacity not above target users") {
    const std::string e = error_of(logistic + "initial_users: 300, target_users: 13000, target_time: 22 h, capacity: 13000}\n");
    INFO(e);
    CHECK(e.find("arrivals.capacity") != std::string::npos);
    CHECK(e.find("got '13000'") != std::string::npos);
  }
  SECTION("logistic from zero users") {
    const std::string e = error_of(logistic + "target_users: 13000, target_time: 22 h, capacity: 5e4}\n");
    INFO(e);
    CHECK(e.find("arrivals.initial_users") != std::string::npos);
    CHECK(e.find("got '0'") != std::string::npos);
  }
  SECTION("missing logistic parameters") {
    const std::string e = error_of(logistic + "initial_users: 300}\n");
    INFO(e);
    CHECK(e.find("arrivals.capacity") != std::string::npos);
    CHECK(e.find("arrivals.target_users") != std::string::npos);
    CHECK(e.find("arrivals.target_time") != std::string::npos);
    CHECK(e.find("growth: logistic") != std::string::npos);
  }
  SECTION("bass parameter given with logistic growth") {
    const std::string e =
        error_of(logistic + "initial_users: 300, target_users: 13000, target_time: 22 h, capacity: 5e4, market: 1e6}\n");
    INFO(e);
    CHECK(e.find("arrivals.market") != std::string::npos);
    CHECK(e.find("got '1e6'") != std::string::npos);
  }
  SECTION("missing bass parameters and initial users above the market") {
    const std::string e = error_of("arrivals: {model: viral, growth: bass, rate_per_user: 5 /d, market: 1e6}\n");
    INFO(e);
    CHECK(e.find("arrivals.innovation") != std::string::npos);
    CHECK(e.find("arrivals.imitation") != std::string::npos);
    const std::string e2 = error_of(
        "arrivals: {model: viral, growth: bass, rate_per_user: 5 /d, market: 1e6, innovation: 0.01 /d, "
        "imitation: 0.3 /d, initial_users: 2e6}\n");
    INFO(e2);
    CHECK(e2.find("arrivals.initial_users") != std::string::npos);
    CHECK(e2.find("got '2e6'") != std::string::npos);
  }
  SECTION("fade without its parameters") {
    const std::string e = error_of(
        logistic + "initial_users: 300, target_users: 13000, target_time: 22 h, capacity: 5e4, fade_start: 2 d}\n");
    INFO(e);
    CHECK(e.find("arrivals.fade_tau") != std::string::npos);
    CHECK(e.find("arrivals.fade_floor") != std::string::npos);
  }
  SECTION("negative or zero per-user rate") {
    for (const std::string rate : {"-5 /d", "0 /d"}) {
      const std::string e = error_of(
          "arrivals: {model: viral, growth: logistic, initial_users: 300, target_users: 13000, target_time: 22 h, "
          "capacity: 5e4, rate_per_user: " + rate + "}\n");
      INFO(e);
      CHECK(e.find("arrivals.rate_per_user") != std::string::npos);
      CHECK(e.find(rate) != std::string::npos);
    }
  }
  SECTION("missing growth and rate") {
    const std::string e = error_of("arrivals: {model: viral, initial_users: 300}\n");
    INFO(e);
    CHECK(e.find("growth") != std::string::npos);
    CHECK(e.find("rate_per_user") != std::string::npos);
  }
}
