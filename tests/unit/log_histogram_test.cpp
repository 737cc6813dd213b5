// Relative-error histogram: quantiles within the declared relative accuracy of the exact
// order statistic, fixed memory, merge, clear.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/metrics/log_histogram.hpp"
#include "sim/util/rng.hpp"

using dcsim::LogHistogram;

TEST_CASE("histogram: quantiles are within 1 % of the exact order statistics") {
  dcsim::Rng rng(9, "hist");
  LogHistogram h(0.01);
  std::vector<double> xs;
  for (int i = 0; i < 100000; ++i) {
    const double x = rng.lognormal(0.0, 1.5);  // spans several decades
    xs.push_back(x);
    h.add(x);
  }
  std::sort(xs.begin(), xs.end());
  for (double q : {0.0, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    const double exact = xs[static_cast<size_t>(std::floor(q * (xs.size() - 1)))];
    CHECK(std::abs(h.quantile(q) - exact) <= 0.01 * exact * (1 + 1e-12));
  }
  CHECK(h.count() == 100000);
}

TEST_CASE("histogram: empty gives NaN and zeros are counted and clear resets") {
  LogHistogram h;
  CHECK(std::isnan(h.quantile(0.5)));
  CHECK(std::isnan(h.mean()));
  h.add(0.0);
  h.add(0.0);
  h.add(2.0);
  CHECK(h.quantile(0.0) == 0.0);
  CHECK(h.quantile(1.0) == Approx(2.0).epsilon(0.01));
  CHECK(h.mean() == Approx(2.0 / 3));
  h.clear();
  CHECK(h.count() == 0);
  CHECK(std::isnan(h.quantile(0.99)));
  h.add(5.0);
  CHECK(h.quantile(0.5) == Approx(5.0).epsilon(0.01));
}

TEST_CASE("histogram: merge equals adding everything to one") {
  LogHistogram a, b, all;
  for (int i = 1; i <= 1000; ++i) {
    (i % 2 ? a : b).add(i * 0.01);
    all.add(i * 0.01);
  }
  a.merge(b);
  for (double q : {0.1, 0.5, 0.99}) CHECK(a.quantile(q) == all.quantile(q));
  CHECK(a.count() == all.count());
  CHECK(a.sum() == Approx(all.sum()));
}

TEST_CASE("histogram: bad parameters and mismatched merge are rejected") {
  CHECK_THROWS_AS(LogHistogram(0.0), std::invalid_argument);
  CHECK_THROWS_AS(LogHistogram(0.01, 1.0, 0.5), std::invalid_argument);
  LogHistogram a(0.01), b(0.02);
  CHECK_THROWS_AS(a.merge(b), std::invalid_argument);
}

TEST_CASE("log histogram: n observations at once equal n single ones") {
  // The fluid fidelity's counts (models/serving/fluid/fluid_pool.cpp): add(x, n) is n x add(x).
  LogHistogram one, many;
  const double xs[] = {0.0, 0.003, 1.5, 1.5, 42.0};
  const uint64_t ns[] = {2, 7, 1, 3, 11};
  for (size_t i = 0; i < 5; ++i) {
    many.add(xs[i], ns[i]);
    for (uint64_t k = 0; k < ns[i]; ++k) one.add(xs[i]);
  }
  many.add(9.0, 0);  // no observation
  REQUIRE(many.count() == one.count());
  CHECK(many.sum() == Approx(one.sum()).epsilon(1e-15));
  for (double q : {0.0, 0.1, 0.5, 0.9, 0.99, 1.0}) CHECK(many.quantile(q) == one.quantile(q));
}
