// Random streams: reproducible, independent per component name, and distributions whose moments
// match theory (tolerances stated per check: 4 standard errors of the sample mean).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "sim/util/rng.hpp"

using dcsim::Rng;

TEST_CASE("rng: same seed and name give the same stream") {
  Rng a(42, "workloads/chat/arrivals"), b(42, "workloads/chat/arrivals");
  for (int i = 0; i < 1000; ++i) REQUIRE(a.next_u64() == b.next_u64());
}

TEST_CASE("rng: streams differ by name and by seed") {
  Rng a(42, "workloads/chat/arrivals"), b(42, "workloads/image/arrivals"), c(43, "workloads/chat/arrivals");
  int same_ab = 0, same_ac = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto x = a.next_u64();
    same_ab += x == b.next_u64();
    same_ac += x == c.next_u64();
  }
  CHECK(same_ab == 0);
  CHECK(same_ac == 0);
}

TEST_CASE("rng: a component's draws do not depend on which other streams exist") {
  // Stream independence by construction: a stream depends only on (seed, its own name).
  Rng alone(7, "sites/dc1/pools/chat/service");
  Rng other1(7, "workloads/a/arrivals");
  Rng other2(7, "workloads/b/arrivals");
  for (int i = 0; i < 100; ++i) {
    other1.next_u64();
    other2.next_u64();
  }
  Rng again(7, "sites/dc1/pools/chat/service");
  for (int i = 0; i < 1000; ++i) REQUIRE(alone.next_u64() == again.next_u64());
}

TEST_CASE("rng: streams are uncorrelated (|r| < 4/sqrt(n))") {
  Rng a(1, "x"), b(1, "y");
  const int n = 200000;
  double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
  for (int i = 0; i < n; ++i) {
    const double x = a.uniform(), y = b.uniform();
    sa += x;
    sb += y;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  const double cov = sab / n - (sa / n) * (sb / n);
  const double r = cov / std::sqrt((saa / n - (sa / n) * (sa / n)) * (sbb / n - (sb / n) * (sb / n)));
  CHECK(std::abs(r) < 4.0 / std::sqrt(double(n)));
}

namespace {
struct Moments {
  double mean, var;
};
template <class F>
Moments moments(F draw, int n) {
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = draw();
    s += x;
    s2 += x * x;
  }
  const double m = s / n;
  return {m, s2 / n - m * m};
}
}  // namespace

TEST_CASE("rng: uniform is in (0 1) with mean 1/2 and variance 1/12") {
  Rng r(3, "u");
  const int n = 400000;
  for (int i = 0; i < 1000; ++i) {
    const double u = r.uniform();
    REQUIRE(u > 0.0);
    REQUIRE(u < 1.0);
  }
  const auto m = moments([&] { return r.uniform(); }, n);
  CHECK(std::abs(m.mean - 0.5) < 4 * std::sqrt(1.0 / 12 / n));
  CHECK(m.var == Approx(1.0 / 12).epsilon(0.01));
}

TEST_CASE("rng: exponential normal gamma weibull and lognormal match their moments") {
  Rng r(11, "moments");
  const int n = 400000;
  {
    const double rate = 2.5;
    const auto m = moments([&] { return r.exponential(rate); }, n);
    CHECK(std::abs(m.mean - 1 / rate) < 4 * (1 / rate) / std::sqrt(n));
    CHECK(m.var == Approx(1 / (rate * rate)).epsilon(0.02));
  }
  {
    const auto m = moments([&] { return r.normal(3.0, 2.0); }, n);
    CHECK(std::abs(m.mean - 3.0) < 4 * 2.0 / std::sqrt(n));
    CHECK(m.var == Approx(4.0).epsilon(0.02));
  }
  for (double shape : {0.3, 1.0, 4.0}) {
    const double scale = 1.5;
    const auto m = moments([&] { return r.gamma(shape, scale); }, n);
    const double mean = shape * scale, var = shape * scale * scale;
    CHECK(std::abs(m.mean - mean) < 4 * std::sqrt(var / n));
    CHECK(m.var == Approx(var).epsilon(0.04));
  }
  {
    const double k = 2.0, lambda = 3.0;
    const auto m = moments([&] { return r.weibull(k, lambda); }, n);
    const double mean = lambda * std::tgamma(1 + 1 / k);
    const double var = lambda * lambda * (std::tgamma(1 + 2 / k) - std::pow(std::tgamma(1 + 1 / k), 2));
    CHECK(std::abs(m.mean - mean) < 4 * std::sqrt(var / n));
  }
  {
    const double mu = 0.5, sigma = 0.4;
    const auto m = moments([&] { return r.lognormal(mu, sigma); }, n);
    const double mean = std::exp(mu + sigma * sigma / 2);
    const double var = (std::exp(sigma * sigma) - 1) * mean * mean;
    CHECK(std::abs(m.mean - mean) < 4 * std::sqrt(var / n));
  }
}

TEST_CASE("rng: below(n) is uniform over 0..n-1") {
  Rng r(5, "below");
  std::vector<int> counts(7, 0);
  const int n = 70000;
  for (int i = 0; i < n; ++i) {
    const auto k = r.below(7);
    REQUIRE(k < 7);
    ++counts[k];
  }
  double chi2 = 0;
  for (int c : counts) chi2 += (c - n / 7.0) * (c - n / 7.0) / (n / 7.0);
  CHECK(chi2 < 22.46);  // chi-square, 6 degrees of freedom, p = 0.001
}
