// Tests of the renewal arrival models (gamma, weibull, deterministic) and of poisson: empirical
// mean rate and coefficient of variation of 1e6 inter-arrival times against theory, with fixed
// seeds. Tolerances: rate within 0.5 %, cv within 2 % (the sampling sd of the mean gap is
// cv/sqrt(1e6) <= 0.2 %; of the cv, < 0.6 % for the laws below).
#include "models/arrivals/renewal.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>

#include "models/arrivals/poisson.hpp"
#include "models/register_models.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/unit/arrivals_support.hpp"

using dcsim::Rng;
using dcsim::arrivals::ArrivalContext;
using dcsim::arrivals::ArrivalProcess;
using dcsim::arrivals::arrivals_registry;
using dcsim::scenario::ChildKind;
using dcsim::scenario::ChildSpec;
using dcsim::scenario::InputError;
using dcsim::scenario::Schema;

namespace {

std::unique_ptr<ArrivalProcess> build(const std::string& yaml) {
  return dcsim::test::build_arrivals(yaml);
}

struct Stats {
  double rate, cv;
};

Stats sample(ArrivalProcess& p, int n, uint64_t seed) {
  Rng rng(seed, "test/arrivals");
  double now = 0, sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double next = p.next_arrival(now, rng);
    const double gap = next - now;
    sum += gap;
    sum2 += gap * gap;
    now = next;
  }
  const double mean = sum / n;
  const double var = sum2 / n - mean * mean;
  return {1.0 / mean, std::sqrt(std::max(0.0, var)) / mean};
}

}  // namespace

TEST_CASE("arrivals: poisson has the set rate and cv 1") {
  const auto p = build("arrivals: {model: poisson, rate: 50 /s}\n");
  const Stats s = sample(*p, 1'000'000, 1);
  CHECK(s.rate == Approx(50).epsilon(0.005));
  CHECK(s.cv == Approx(1).epsilon(0.02));
  CHECK(p->mean_rate() == Approx(50));
}

TEST_CASE("arrivals: gamma matches rate and cv") {
  for (const double cv : {0.5, 1.0, 2.0, 4.0}) {
    INFO("cv " << cv);
    const auto p = build("arrivals: {model: gamma, rate: 20 /s, cv: " + std::to_string(cv) + "}\n");
    const Stats s = sample(*p, 1'000'000, 7);
    CHECK(s.rate == Approx(20).epsilon(cv > 2 ? 0.01 : 0.005));  // cv 4: sd of the mean 0.4 %
    CHECK(s.cv == Approx(cv).epsilon(cv > 2 ? 0.03 : 0.02));
    CHECK(p->mean_rate() == Approx(20));
  }
}

TEST_CASE("arrivals: weibull matches rate and cv") {
  for (const double cv : {0.3, 1.0, 2.0}) {
    INFO("cv " << cv);
    const auto p = build("arrivals: {model: weibull, rate: 3 /min, cv: " + std::to_string(cv) + "}\n");
    const Stats s = sample(*p, 1'000'000, 11);
    CHECK(s.rate == Approx(3.0 / 60).epsilon(0.005));
    CHECK(s.cv == Approx(cv).epsilon(0.02));
  }
}

TEST_CASE("arrivals: weibull shape solves the cv equation") {
  using dcsim::arrivals::weibull_cv;
  using dcsim::arrivals::weibull_shape_for_cv;
  CHECK(weibull_shape_for_cv(1.0) == Approx(1.0).epsilon(1e-10));  // Weibull(1) = exponential
  // k = 2 (Rayleigh): cv = sqrt(4/pi - 1) = 0.5227232...
  CHECK(weibull_shape_for_cv(std::sqrt(4.0 / M_PI - 1.0)) == Approx(2.0).epsilon(1e-9));
  for (const double cv : {0.01, 0.1, 0.7, 1.5, 3.0, 10.0}) CHECK(weibull_cv(weibull_shape_for_cv(cv)) == Approx(cv).epsilon(1e-9));
}

TEST_CASE("arrivals: deterministic gives even gaps from the phase") {
  const auto p = build("arrivals: {model: deterministic, rate: 4 /s, phase: 100 ms}\n");
  Rng rng(1, "x");
  double now = 0;
  for (int i = 0; i < 1000; ++i) {
    const double t = p->next_arrival(now, rng);
    REQUIRE(t == Approx(0.1 + 0.25 * i).margin(1e-9));
    now = t;
  }
  const Stats s = sample(*build("arrivals: {model: deterministic, rate: 1000 /s, phase: 1 ms}\n"), 1'000'000, 3);
  CHECK(s.rate == Approx(1000).epsilon(1e-9));
  CHECK(s.cv < 1e-6);
  // Skipping ahead resumes on the grid.
  CHECK(p->next_arrival(1000.3, rng) == Approx(1000.35));
}

TEST_CASE("arrivals: renewal models reject bad rates and cv") {
  for (const std::string bad : {"{model: gamma, rate: 0 /s}", "{model: weibull, rate: -2 /s}", "{model: deterministic, rate: 0 /s}",
                                "{model: gamma, rate: 1 /s, cv: 0}", "{model: weibull, rate: 1 /s, cv: 11}",
                                "{model: deterministic, rate: 1 /s, phase: -1 s}", "{model: gamma, cv: 2}"}) {
    INFO(bad);
    try {
      build("# line 1\narrivals: " + bad + "\n");
      FAIL_CHECK("expected an InputError");
    } catch (const InputError& e) {
      CHECK_THAT(e.what(), Catch::Contains("t.yaml:2:"));
      CHECK_THAT(e.what(), Catch::Contains("arrivals"));
    }
  }
}
