// Series statistics over a time window (sim/experiments/collect.hpp), by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "sim/experiments/collect.hpp"

using namespace dcsim::experiments;

namespace {

OutputSpec stat(Stat s, double from = -INFINITY, double to = INFINITY, double q = 0) {
  OutputSpec o;
  o.name = "x";
  o.series = "g/x";
  o.stat = s;
  o.quantile = q;
  o.window_from = from;
  o.window_to = to;
  return o;
}

}  // namespace

TEST_CASE("collect: statistics of a series over a window skip NaN samples") {
  const std::vector<double> t = {10, 20, 30, 40, 50, 60};
  const std::vector<double> v = {1, NAN, 3, 8, 5, 6};
  CHECK(series_statistic(stat(Stat::mean), t, v) == Approx((1 + 3 + 8 + 5 + 6) / 5.0));
  CHECK(series_statistic(stat(Stat::max), t, v) == 8);
  CHECK(series_statistic(stat(Stat::min), t, v) == 1);
  CHECK(series_statistic(stat(Stat::sum), t, v) == 23);
  CHECK(series_statistic(stat(Stat::count), t, v) == 5);
  // window (20, 50]: samples at 30, 40, 50
  CHECK(series_statistic(stat(Stat::sum, 20, 50), t, v) == 16);
  CHECK(series_statistic(stat(Stat::first, 20, 50), t, v) == 3);
  CHECK(series_statistic(stat(Stat::last, 20, 50), t, v) == 5);
  // p50 of {3, 8, 5} is 5; p90 interpolates between 5 and 8: 5 + 0.8 * 3
  CHECK(series_statistic(stat(Stat::quantile, 20, 50, 0.5), t, v) == Approx(5));
  CHECK(series_statistic(stat(Stat::quantile, 20, 50, 0.9), t, v) == Approx(7.4));
  // nothing in the window
  CHECK(std::isnan(series_statistic(stat(Stat::max, 60, 100), t, v)));
  CHECK(series_statistic(stat(Stat::count, 60, 100), t, v) == 0);
}
