// Tests of the Hawkes arrivals (models/arrivals/hawkes.hpp), fixed seeds:
// - empirical mean rate over 2e5 s (about 4e6 arrivals) = mu/(1-n) within 1 % (sampling sd
//   1/sqrt(mu T (1-n)) = 0.1 %);
// - counts per 50 s window are overdispersed: variance/mean > 1, and within 10 % of the theory
//   for the exponential kernel, F(w) = 1 + (1/(1-n)^2 - 1)(1 - (1 - e^{-b w})/(b w)), b = (1-n)/tau
//   (about 4000 windows: sd of the estimate about 3 %);
// - n = 0 is a Poisson process (variance/mean within 5 % of 1);
// - bad inputs: branching ratio 1.0 and 1.5 ("must be < 1 for a stationary process"), zero or
//   negative base rate or decay, missing parameters: errors naming the file, key path and value.
#include "models/arrivals/hawkes.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

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

std::string error_of(const std::string& yaml) {
  try {
    build(yaml);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

struct Counts {
  double rate, fano;
};

// Arrivals over [0, horizon): mean rate and variance/mean of counts per window.
Counts run(ArrivalProcess& p, double horizon, double window, uint64_t seed) {
  const int bins = static_cast<int>(horizon / window);
  std::vector<double> count(bins, 0.0);
  Rng rng(seed, "test/hawkes");
  double t = 0, n = 0;
  for (;;) {
    t = p.next_arrival(t, rng);
    if (t >= horizon) break;
    count[static_cast<int>(t / window)] += 1;
    n += 1;
  }
  double s = 0, s2 = 0;
  for (double c : count) {
    s += c;
    s2 += c * c;
  }
  const double mean = s / bins;
  return {n / horizon, (s2 / bins - mean * mean) / mean};
}

}  // namespace

TEST_CASE("arrivals: hawkes mean rate is mu over one minus n and counts are overdispersed") {
  const double mu = 10, n = 0.5, tau = 1, horizon = 2e5, w = 50;
  const auto p = build("arrivals: {model: hawkes, base_rate: 10 /s, branching_ratio: 0.5, decay: 1 s}\n");
  CHECK(p->mean_rate() == Approx(mu / (1 - n)));
  const Counts c = run(*p, horizon, w, 5);
  const double b = (1 - n) / tau;
  const double fano = 1 + (1 / ((1 - n) * (1 - n)) - 1) * (1 - (1 - std::exp(-b * w)) / (b * w));
  WARN("hawkes: rate " << c.rate << " vs " << mu / (1 - n) << " (rel err " << (c.rate - mu / (1 - n)) / (mu / (1 - n))
                       << "), variance/mean " << c.fano << " vs theory " << fano);
  CHECK(c.rate == Approx(mu / (1 - n)).epsilon(0.01));
  CHECK(c.fano > 1.5);
  CHECK(c.fano == Approx(fano).epsilon(0.10));
}

TEST_CASE("arrivals: hawkes with a strong kernel keeps its mean rate") {
  const auto p = build("arrivals: {model: hawkes, base_rate: 2 /s, branching_ratio: 0.9, decay: 200 ms}\n");
  const Counts c = run(*p, 5e5, 100, 9);  // sd of the rate 1/sqrt(mu T (1-n)) = 0.3 %
  WARN("hawkes n=0.9: rate " << c.rate << " vs 20 (rel err " << (c.rate - 20) / 20 << "), variance/mean " << c.fano);
  CHECK(c.rate == Approx(20).epsilon(0.03));
  CHECK(c.fano > 10);  // theory about 1/(1-n)^2 = 100 for windows >> tau/(1-n) = 2 s
}

TEST_CASE("arrivals: hawkes without excitation is poisson") {
  const auto p = build("arrivals: {model: hawkes, base_rate: 20 /s, branching_ratio: 0, decay: 1 s}\n");
  const Counts c = run(*p, 1e5, 10, 2);
  CHECK(c.rate == Approx(20).epsilon(0.01));
  CHECK(c.fano == Approx(1).epsilon(0.05));
}

TEST_CASE("arrivals: hawkes rejects bad inputs with path and value") {
  for (const std::string n : {"1.0", "1.5"}) {
    const std::string e = error_of("arrivals: {model: hawkes, base_rate: 10 /s, branching_ratio: " + n + ", decay: 1 s}\n");
    INFO(e);
    CHECK(e.find("t.yaml") != std::string::npos);
    CHECK(e.find("arrivals.branching_ratio") != std::string::npos);
    CHECK(e.find("got '" + n + "'") != std::string::npos);
    CHECK(e.find("must be < 1 for a stationary process") != std::string::npos);
  }
  for (const std::string rate : {"0 /s", "-3 /s"}) {
    const std::string e = error_of("arrivals: {model: hawkes, base_rate: " + rate + ", branching_ratio: 0.5, decay: 1 s}\n");
    INFO(e);
    CHECK(e.find("arrivals.base_rate") != std::string::npos);
    CHECK(e.find(rate) != std::string::npos);
  }
  {
    const std::string e = error_of("arrivals: {model: hawkes, base_rate: 1 /s, branching_ratio: 0.5, decay: 0 s}\n");
    INFO(e);
    CHECK(e.find("arrivals.decay") != std::string::npos);
  }
  {
    const std::string e = error_of("arrivals: {model: hawkes, base_rate: 1 /s, branching_ratio: -0.2, decay: 1 s}\n");
    INFO(e);
    CHECK(e.find("arrivals.branching_ratio") != std::string::npos);
    CHECK(e.find("-0.2") != std::string::npos);
  }
  {
    const std::string e = error_of("arrivals: {model: hawkes, base_rate: 1 /s}\n");
    INFO(e);
    CHECK(e.find("branching_ratio") != std::string::npos);
    CHECK(e.find("decay") != std::string::npos);
  }
}
