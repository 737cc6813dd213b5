// The planner's search (sim/experiments/planner_search.hpp) on constructed monotone cases with a
// known answer, and the statistics of its confidence rule (stats.hpp) against table values.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "sim/experiments/planner_search.hpp"
#include "sim/experiments/stats.hpp"

using namespace dcsim::experiments;

namespace {

PlanSpec one_axis(long from, std::optional<long> to, long step = 1) {
  PlanSpec p;
  CapacityAxis a;
  a.name = "servers";
  a.key = "x";
  a.from = from;
  a.to = to;
  a.step = step;
  p.axes.push_back(a);
  return p;
}

long ceil_log2(long n) {
  long k = 0;
  while ((1L << k) < n) ++k;
  return k;
}

}  // namespace

TEST_CASE("planner: bisection finds the least feasible value within ceil(log2(range)) + 2 points") {
  for (const long from : {0L, 1L, 7L}) {
    for (const long range : {1L, 2L, 3L, 10L, 64L, 100L, 1000L}) {
      const long to = from + range - 1;
      for (long answer = from; answer <= to + 1; answer += std::max(1L, range / 13)) {
        const auto r = search_least(one_axis(from, to), [&](const Point& x) { return PointVerdict{x[0] >= answer, false}; });
        INFO("from " << from << " range " << range << " answer " << answer);
        if (answer <= to) {
          REQUIRE(r.best);
          CHECK((*r.best)[0] == answer);
        } else {
          CHECK_FALSE(r.best);  // none feasible in the range
        }
        CHECK(static_cast<long>(r.evaluated.size()) <= ceil_log2(range) + 2);
      }
    }
  }
}

TEST_CASE("planner: steps of the axis are kept and the answer is a multiple of them") {
  const auto r = search_least(one_axis(2, 40, 4), [](const Point& x) { return PointVerdict{x[0] >= 17, false}; });
  REQUIRE(r.best);
  CHECK((*r.best)[0] == 18);
  for (const auto& x : r.evaluated) CHECK((x[0] - 2) % 4 == 0);
}

TEST_CASE("planner: galloping without an upper bound") {
  for (const long answer : {0L, 1L, 5L, 100L, 5000L}) {
    const auto r = search_least(one_axis(0, std::nullopt), [&](const Point& x) { return PointVerdict{x[0] >= answer, false}; });
    REQUIRE(r.best);
    CHECK((*r.best)[0] == answer);
    // doubling up to the answer, then bisection of the last doubling
    CHECK(static_cast<long>(r.evaluated.size()) <= 2 * ceil_log2(answer + 2) + 1);
  }
}

TEST_CASE("planner: a failed point stops the search") {
  const auto r = search_least(one_axis(1, 64), [](const Point& x) { return PointVerdict{false, x[0] < 40}; });
  CHECK_FALSE(r.best);
  CHECK(r.stopped == "runs failed");
}

TEST_CASE("planner: two axes with costs give the brute-force least cost") {
  // feasible when 3a + 2b >= 20 (monotone in both), cost 5a + 2b: the cheapest is a = 0, b = 10
  // (cost 20); with the costs reversed (2a + 5b), a = 7, b = 0 (cost 14).
  for (const auto& [ca, cb] : std::vector<std::pair<double, double>>{{5, 2}, {2, 5}, {1, 1}}) {
    PlanSpec p;
    p.axes.push_back(CapacityAxis{"a", "a", 0, 12, 1, ca, {}});
    p.axes.push_back(CapacityAxis{"b", "b", 0, 15, 1, cb, {}});
    auto feasible = [](long a, long b) { return 3 * a + 2 * b >= 20; };
    double best = 1e300;
    for (long a = 0; a <= 12; ++a) {
      for (long b = 0; b <= 15; ++b) {
        if (feasible(a, b)) best = std::min(best, ca * static_cast<double>(a) + cb * static_cast<double>(b));
      }
    }
    std::map<Point, int> calls;
    const auto r = search_least(p, [&](const Point& x) {
      ++calls[x];
      return PointVerdict{feasible(x[0], x[1]), false};
    });
    REQUIRE(r.best);
    CHECK(r.best_cost == Approx(best));
    CHECK(feasible((*r.best)[0], (*r.best)[1]));
    for (const auto& [x, n] : calls) CHECK(n == 1);        // no point twice
    CHECK(r.evaluated.size() < 13 * 16 / 2);               // far fewer than the grid
  }
}

TEST_CASE("stats: Student t quantiles match the published table") {
  // Two-sided 95 % (p = 0.975) and one-sided 95 % (p = 0.95) critical values, e.g. NIST/SEMATECH
  // e-Handbook of Statistical Methods, table 1.3.6.7.2.
  CHECK(student_t_quantile(0.975, 1) == Approx(12.706).epsilon(1e-4));
  CHECK(student_t_quantile(0.975, 4) == Approx(2.776).epsilon(1e-3));
  CHECK(student_t_quantile(0.95, 4) == Approx(2.132).epsilon(1e-3));
  CHECK(student_t_quantile(0.975, 10) == Approx(2.228).epsilon(1e-3));
  CHECK(student_t_quantile(0.99, 30) == Approx(2.457).epsilon(1e-3));
  CHECK(student_t_quantile(0.5, 7) == Approx(0).margin(1e-6));
  CHECK(student_t_quantile(0.025, 10) == Approx(-2.228).epsilon(1e-3));
}

TEST_CASE("stats: one-sided confidence bound on the mean") {
  const std::vector<double> xs = {10, 12, 14};  // mean 12, s = 2
  const double t = 2.920;                        // t(0.95, 2)
  CHECK(confidence_bound(xs, 0.95, true) == Approx(12 + t * 2 / std::sqrt(3.0)).epsilon(1e-3));
  CHECK(confidence_bound(xs, 0.95, false) == Approx(12 - t * 2 / std::sqrt(3.0)).epsilon(1e-3));
  CHECK(std::isnan(confidence_bound({1.0}, 0.95, true)));
  CHECK(std::isnan(confidence_bound({1.0, NAN}, 0.95, true)));
}
