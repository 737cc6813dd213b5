// Tests of the rate curves and the nhpp (thinning) model: thinning reproduces the curve (binned
// counts vs the integral of the rate per bin, chi-square), the thinning bound holds, diurnal
// regions in different time zones peak at the right UTC hours, the weekly factor falls on the
// right local weekday, and every bad curve is an InputError naming file:line and key.
#include "models/arrivals/nhpp.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "models/register_models.hpp"
#include "sim/scenario/datetime.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/unit/arrivals_support.hpp"

using Catch::Contains;
using dcsim::Rng;
using dcsim::arrivals::ArrivalContext;
using dcsim::arrivals::arrivals_registry;
using dcsim::arrivals::integrate;
using dcsim::arrivals::NhppArrivals;
using dcsim::arrivals::RateCurve;
using dcsim::scenario::ChildKind;
using dcsim::scenario::ChildSpec;
using dcsim::scenario::InputError;
using dcsim::scenario::Schema;

namespace {

// 2025-03-24T00:00Z is a Monday.
ArrivalContext context(double horizon_s = 86400) {
  ArrivalContext c;
  c.start_epoch_s = dcsim::scenario::parse_datetime("2025-03-24T00:00Z");
  c.horizon_s = horizon_s;
  c.scenario_dir = DCSIM_TEST_DATA "/arrivals";
  return c;
}

std::unique_ptr<NhppArrivals> build(const std::string& yaml, const ArrivalContext& ctx = context()) {
  auto p = dcsim::test::build_arrivals(yaml, ctx);
  auto* n = dynamic_cast<NhppArrivals*>(p.get());
  REQUIRE(n != nullptr);
  p.release();
  return std::unique_ptr<NhppArrivals>(n);
}

std::string error_of(const std::string& yaml, const ArrivalContext& ctx = context()) {
  try {
    build(yaml, ctx);
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL_CHECK("expected an InputError for:\n" << yaml);
  return "";
}

// Counts of arrivals in bins of `bin` s over [0, horizon).
std::vector<double> counts(NhppArrivals& p, double horizon, double bin, uint64_t seed) {
  std::vector<double> c(static_cast<size_t>(std::ceil(horizon / bin)), 0.0);
  Rng rng(seed, "test/nhpp");
  for (double t = p.next_arrival(0, rng); t < horizon; t = p.next_arrival(t, rng)) c[static_cast<size_t>(t / bin)] += 1;
  return c;
}

// Chi-square of counts against the integral of the curve per bin; checks it against the number
// of bins k: E = k, sd = sqrt(2k); accepted below k + 5 sqrt(2k).
void check_reproduces(NhppArrivals& p, double horizon, double bin, uint64_t seed) {
  const auto c = counts(p, horizon, bin, seed);
  double chi2 = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    const double e = integrate(p.curve(), bin * static_cast<double>(i), bin * static_cast<double>(i + 1));
    REQUIRE(e > 20);  // the normal approximation holds
    chi2 += (c[i] - e) * (c[i] - e) / e;
    CHECK(std::abs(c[i] - e) < 5 * std::sqrt(e));  // every bin within 5 sd
  }
  const double k = static_cast<double>(c.size());
  INFO("chi-square " << chi2 << " over " << k << " bins");
  CHECK(chi2 < k + 5 * std::sqrt(2 * k));
  CHECK(chi2 > k - 5 * std::sqrt(2 * k));
}

const char* const kSurgeCurve = R"(arrivals:
  model: nhpp
  base: points
  points:
    - {t: 0 s, rate: 20 /s}
    - {t: 20 min, rate: 80 /s}
    - {t: 40 min, rate: 30 /s}
  surges:
    - {start: 50 min, peak: 8, rise: 2 min, decay: 5 min}
    - {start: 70 min, peak: 3, rise: 5 min, rise_shape: logistic, decay: 10 min}
)";

}  // namespace

TEST_CASE("arrivals: thinning reproduces a points curve with surges") {
  auto p = build(kSurgeCurve);
  check_reproduces(*p, 2 * 3600.0, 60.0, 5);
  INFO("accepted " << p->accepted() << " of " << p->candidates());
  CHECK(static_cast<double>(p->accepted()) / static_cast<double>(p->candidates()) > 0.8);
}

TEST_CASE("arrivals: thinning reproduces a diurnal weekly curve") {
  auto p = build(R"(arrivals:
  model: nhpp
  rate: 2 /s
  utc_offset: 9 h
  diurnal: {peak_time: 20 h, trough_ratio: 0.2}
  weekly: {weekend: 0.5}
)",
                 context(7 * 86400.0));
  check_reproduces(*p, 7 * 86400.0, 3600.0, 9);
  CHECK(p->mean_rate() == Approx(2.0).epsilon(1e-4));  // diurnal and weekly have mean 1
}

TEST_CASE("arrivals: a surge with a plateau holds its peak for its duration") {
  auto p = build("arrivals: {model: nhpp, rate: 10 /s, surges: [{start: 100 s, peak: 3, rise: 10 s, duration: 200 s, "
                 "decay: 50 s}]}\n");
  const RateCurve& c = p->curve();
  CHECK(c.value(50) == Approx(10));
  CHECK(c.value(105) == Approx(20));   // half-way up the linear rise: 1 + 2 x 0.5
  CHECK(c.value(110) == Approx(30));   // the top
  CHECK(c.value(250) == Approx(30));   // on the plateau
  CHECK(c.value(310) == Approx(30));   // its end
  CHECK(c.value(360) == Approx(10 * (1 + 2 * std::exp(-1.0))));  // one decay constant later
  check_reproduces(*p, 600.0, 60.0, 11);
}

TEST_CASE("arrivals: the thinning bound holds over its window") {
  for (const char* yaml : {kSurgeCurve,
                           "arrivals: {model: nhpp, rate: 40 /s, surges: [{start: 300 s, peak: 5, rise: 60 s, "
                           "duration: 1 h, decay: 20 min}]}\n",
                           "arrivals: {model: nhpp, rate: 5 /s, diurnal: {hourly: '1 1 1 1 1 1 2 3 4 5 6 7 8 9 8 7 6 5 4 3 2 1 1 1'}, "
                           "weekly: {days: '1 2 3 4 5 6 7'}, utc_offset: 5.5 h}\n",
                           "arrivals: {model: nhpp, base: points, interpolation: step, points: [{t: 0 s, rate: 1 /s}, "
                           "{t: 90 s, rate: 9 /s}, {t: 7 min, rate: 0 /s}], diurnal: {trough_ratio: 0.1, peak_time: 3 h}}\n"}) {
    auto p = build(yaml);
    const RateCurve& c = p->curve();
    for (double t = 0; t < 2 * 86400; t += 97.3) {
      const auto b = c.bound(t, 900);
      REQUIRE(b.until > t);
      const double end = std::min(b.until, t + 900);
      for (int i = 0; i < 50; ++i) {
        const double s = t + (end - t) * i / 50.0;
        REQUIRE(c.value(s) <= b.max);
      }
    }
  }
}

TEST_CASE("arrivals: step curve ending at zero stops the process") {
  auto p = build("arrivals: {model: nhpp, base: points, interpolation: step, points: [{t: 0 s, rate: 10 /s}, {t: 60 s, rate: 0 /s}]}\n");
  Rng rng(3, "x");
  double t = 0, last = 0;
  int n = 0;
  while (std::isfinite(t = p->next_arrival(t, rng))) {
    last = t;
    ++n;
  }
  CHECK(last < 60);
  CHECK(n == Approx(600).margin(5 * std::sqrt(600)));
}

TEST_CASE("arrivals: two regions peak at their own local evening") {
  // Each region: 5x in local hour 20. Korea (UTC+9) 20:00 = 11:00 UTC; US East (UTC-5) 20:00 = 01:00 UTC.
  const std::string hourly = "'1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 5 1 1 1'";
  auto p = build(R"(arrivals:
  model: nhpp
  rate: 10 /s
  regions:
    - {name: kr, share: 0.7, utc_offset: 9 h, diurnal: {hourly: )" + hourly + R"(}}
    - {name: us_east, share: 0.3, utc_offset: -5 h, diurnal: {hourly: )" + hourly + R"(}}
)",
                 context(7 * 86400.0));
  const RateCurve& c = p->curve();
  const double m = 24.0 / 28.0;  // hourly multipliers scaled to mean 1
  CHECK(c.value(11.5 * 3600) == Approx(10 * (0.7 * 5 * m + 0.3 * m)));
  CHECK(c.value(1.5 * 3600) == Approx(10 * (0.7 * m + 0.3 * 5 * m)));
  CHECK(c.value(6.5 * 3600) == Approx(10 * m));
  // Arrivals per UTC hour of day over a week: the two largest are hours 11 and 1, in that order.
  const auto cnt = counts(*p, 7 * 86400.0, 3600.0, 21);
  std::vector<double> by_hour(24, 0.0);
  for (size_t i = 0; i < cnt.size(); ++i) by_hour[i % 24] += cnt[i];
  std::vector<int> order(24);
  for (int i = 0; i < 24; ++i) order[static_cast<size_t>(i)] = i;
  std::sort(order.begin(), order.end(), [&](int a, int b) { return by_hour[static_cast<size_t>(a)] > by_hour[static_cast<size_t>(b)]; });
  CHECK(order[0] == 11);
  CHECK(order[1] == 1);
  CHECK(p->mean_rate() == Approx(10).epsilon(1e-4));
}

TEST_CASE("arrivals: sinusoid peaks at the local peak time") {
  auto p = build("arrivals: {model: nhpp, rate: 4 /s, utc_offset: 9 h, diurnal: {peak_time: 20 h, trough_ratio: 0.25}}\n");
  const double a = 0.75 / 1.25;
  CHECK(p->curve().value(11 * 3600.0) == Approx(4 * (1 + a)));  // 20:00 KST = 11:00 UTC
  CHECK(p->curve().value(23 * 3600.0) == Approx(4 * (1 - a)));
}

TEST_CASE("arrivals: weekly factor falls on the local weekday") {
  // Start Monday 2025-03-24 00:00Z; weekdays 1, weekend 0.5, scaled to mean 1.
  const double wd = 7.0 / 6.0, we = 0.5 * 7.0 / 6.0;
  auto utc = build("arrivals: {model: nhpp, rate: 1 /s, weekly: {weekend: 0.5}}\n");
  CHECK(utc->curve().value(4 * 86400.0 + 12 * 3600) == Approx(wd));  // Friday noon
  CHECK(utc->curve().value(5 * 86400.0 + 12 * 3600) == Approx(we));  // Saturday noon
  CHECK(utc->curve().value(6 * 86400.0 + 23 * 3600) == Approx(we));  // Sunday 23:00
  CHECK(utc->curve().value(7 * 86400.0 + 1 * 3600) == Approx(wd));   // Monday 01:00
  // Friday 20:00 UTC is Saturday 05:00 in Korea; Monday 02:00 UTC is Sunday 21:00 in US East.
  auto kr = build("arrivals: {model: nhpp, rate: 1 /s, utc_offset: 9 h, weekly: {weekend: 0.5}}\n");
  CHECK(kr->curve().value(4 * 86400.0 + 20 * 3600) == Approx(we));
  CHECK(kr->curve().value(6 * 86400.0 + 16 * 3600) == Approx(wd));  // Monday 01:00 KST
  auto us = build("arrivals: {model: nhpp, rate: 1 /s, utc_offset: -5 h, weekly: {days: '1 1 1 1 1 3 3'}}\n");
  CHECK(us->curve().value(7 * 86400.0 + 2 * 3600) == Approx(3 * 7.0 / 11.0));
  CHECK(us->curve().value(7 * 86400.0 + 6 * 3600) == Approx(7.0 / 11.0));
}

TEST_CASE("arrivals: csv curve is read with units") {
  auto p = build(R"(arrivals:
  model: nhpp
  base: csv
  interpolation: step
  csv: {file: rate.csv, time_column: minute, rate_column: requests_per_min, time_unit: min, rate_unit: /min}
)");
  CHECK(p->curve().value(5 * 60.0) == Approx(10));
  CHECK(p->curve().value(15 * 60.0) == Approx(50));
  CHECK(p->curve().value(25 * 60.0) == Approx(20));
  CHECK(p->curve().value(5 * 3600.0) == Approx(20));  // the last rate holds
  check_reproduces(*p, 3600.0, 60.0, 13);
}

TEST_CASE("arrivals: bad curves are input errors with file line and key") {
  SECTION("zero and negative rates") {
    CHECK_THAT(error_of("arrivals: {model: nhpp, rate: 0 /s}\n"), Contains("t.yaml:1:") && Contains("arrivals.rate"));
    CHECK_THAT(error_of("arrivals:\n  model: nhpp\n  base: points\n  points:\n    - {t: 0 s, rate: -1 /s}\n"),
               Contains("t.yaml:5:") && Contains("arrivals.points[0].rate"));
  }
  SECTION("no points") {
    CHECK_THAT(error_of("arrivals: {model: nhpp, base: points}\n"), Contains("t.yaml:1:") && Contains("at least one point"));
  }
  SECTION("unsorted points") {
    CHECK_THAT(error_of("arrivals:\n  model: nhpp\n  base: points\n  points:\n    - {t: 10 s, rate: 1 /s}\n    - {t: 10 s, rate: 2 /s}\n"),
               Contains("t.yaml:6:") && Contains("arrivals.points[1].t") && Contains("sorted"));
  }
  SECTION("rate with a points base") {
    CHECK_THAT(error_of("arrivals: {model: nhpp, base: points, rate: 3 /s, points: [{t: 0 s, rate: 1 /s}]}\n"),
               Contains("arrivals.rate"));
  }
  SECTION("csv problems") {
    const std::string head = "arrivals:\n  model: nhpp\n  base: csv\n  csv: {time_column: minute, rate_column: requests_per_min, file: ";
    CHECK_THAT(error_of(head + "missing_column.csv}\n"), Contains("missing_column.csv:1") && Contains("requests_per_min"));
    CHECK_THAT(error_of(head + "bad_row.csv}\n"), Contains("bad_row.csv:4:4") && Contains("'abc'"));
    CHECK_THAT(error_of(head + "unsorted.csv}\n"), Contains("unsorted.csv:4:1") && Contains("increase"));
    CHECK_THAT(error_of(head + "no_such_file.csv}\n"), Contains("t.yaml:4:") && Contains("arrivals.csv.file"));
    CHECK_THAT(error_of("arrivals: {model: nhpp, base: csv}\n"), Contains("csv.file"));
    CHECK_THAT(error_of(head + "rate.csv, time_unit: fortnights}\n"), Contains("arrivals.csv.time_unit"));
  }
  SECTION("region shares") {
    CHECK_THAT(error_of("arrivals:\n  model: nhpp\n  regions:\n    - {name: a, share: 0.6}\n    - {name: b, share: 0.3}\n"),
               Contains("t.yaml:4:") && Contains("arrivals.regions") && Contains("sum to 0.9"));
    CHECK_THAT(error_of("arrivals:\n  model: nhpp\n  utc_offset: 1 h\n  regions:\n    - {name: a, share: 1}\n"),
               Contains("arrivals.regions"));
  }
  SECTION("diurnal and weekly declarations") {
    CHECK_THAT(error_of("arrivals: {model: nhpp, diurnal: {hourly: '1 2 3'}}\n"), Contains("arrivals.diurnal.hourly") && Contains("expected 24"));
    CHECK_THAT(error_of("arrivals: {model: nhpp, diurnal: {hourly: '1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1', trough_ratio: 0.5}}\n"),
               Contains("not both"));
    CHECK_THAT(error_of("arrivals: {model: nhpp, weekly: {days: '1 1 x 1 1 1 1'}}\n"), Contains("arrivals.weekly.days"));
  }
}
