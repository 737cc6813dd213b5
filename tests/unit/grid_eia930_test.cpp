// The EIA-930 reader (eia930.hpp) on hand-made samples in the published layouts (six-month
// BALANCE file, API v2 fuel-type-data export), and bad grid files (missing column, gap, negative
// generation, several balancing authorities, bad price file) reported at file:line.
#include <catch2/catch.hpp>

#include "models/grid/eia930.hpp"
#include "models/grid/series_csv.hpp"
#include "models/grid/supply.hpp"
#include "sim/scenario/datetime.hpp"
#include "tests/unit/grid_support.hpp"

using namespace dcsim::grid;
using Catch::Contains;
using dcsim::scenario::parse_datetime;

namespace {

Eia930Options opts(const std::string& respondent = "") {
  Eia930Options o;
  o.respondent = respondent;
  o.key_path = "sites[0].grid.supply.path";
  return o;
}

}  // namespace

TEST_CASE("grid eia930: the balance layout - Adjusted columns preferred - thousands separators - one BA chosen") {
  const HourlyMix m = read_eia930(test::kGridData + "eia930_balance_sample.csv", opts("CISO"));
  CHECK(m.layout == "balance");
  CHECK(m.respondent == "CISO");
  REQUIRE(m.mw.size() == 4);
  // UTC time at end of hour 07/01/2023 8:00:00 AM: the first hour starts at 07:00 UTC.
  CHECK(m.first_hour_epoch_s == parse_datetime("2023-07-01T07:00:00Z"));
  // Adjusted values (the reported ones are 100 MW lower).
  CHECK(m.mw[0][index(Fuel::gas)] == 8000);
  CHECK(m.mw[0][index(Fuel::nuclear)] == 2200);
  CHECK(m.mw[0][index(Fuel::hydro)] == 1500);
  CHECK(m.mw[0][index(Fuel::wind)] == 1300);
  CHECK(m.mw[0][index(Fuel::other)] == 1000);
  CHECK(m.mw[0][index(Fuel::coal)] == 0);  // an empty cell: no coal
  CHECK(m.mw[3][index(Fuel::gas)] == 8600);
  // Its intensity, by hand: 4,696,700 / 14,000 = 335.48 g/kWh in the first hour (lifecycle).
  const auto s = GridSupply::from_mix(m, emission_factors(FactorBasis::lifecycle), default_merit_order(), 0.02, "t",
                                      parse_datetime("2025-07-01T07:00:00Z"));
  CHECK(g_per_kwh(s->intensity_at(0)) == Approx(4696700.0 / 14000.0).epsilon(1e-12));
  CHECK(g_per_kwh(s->marginal_at(0)) == Approx(490));  // gas: the last fuel of the merit order above 2 %
  const HourlyMix pjm = read_eia930(test::kGridData + "eia930_balance_sample.csv", opts("PJM"));
  CHECK(pjm.mw[0][index(Fuel::coal)] == 20000);
  CHECK(pjm.mw[0][index(Fuel::other)] == 1500 + 500);  // other + unknown
}

TEST_CASE("grid eia930: the API layout in any row order gives the same hours; storage rows are left out") {
  const HourlyMix api = read_eia930(test::kGridData + "eia930_api_sample.csv", opts());
  const HourlyMix bal = read_eia930(test::kGridData + "eia930_balance_sample.csv", opts("CISO"));
  CHECK(api.layout == "api");
  REQUIRE(api.mw.size() == bal.mw.size());
  CHECK(api.first_hour_epoch_s == bal.first_hour_epoch_s);
  for (size_t h = 0; h < api.mw.size(); ++h) {
    for (size_t f = 0; f < kFuelCount; ++f) CHECK(api.mw[h][f] == bal.mw[h][f]);
  }
}

TEST_CASE("grid eia930: bad files exit 2 with file:line - missing column - gap - negative - several BAs") {
  SECTION("missing column") {
    const auto i = test::input_issues([] { read_eia930(test::kGridData + "eia930_missing_column.csv", opts()); });
    REQUIRE(i.size() == 1);
    CHECK(i[0].where.file == test::kGridData + "eia930_missing_column.csv");
    CHECK(i[0].where.line == 1);
    CHECK_THAT(i[0].message, Contains("missing column 'Net Generation (MW) from Nuclear'"));
    CHECK_THAT(i[0].str(), Contains("eia930_missing_column.csv:1"));
  }
  SECTION("gap") {
    const auto i = test::input_issues([] { read_eia930(test::kGridData + "eia930_gap.csv", opts()); });
    REQUIRE(i.size() == 1);
    CHECK(i[0].where.line == 4);
    CHECK_THAT(i[0].message, Contains("gap: 1 hour missing"));
    CHECK_THAT(i[0].message, Contains("2023-07-01T09:00Z"));
  }
  SECTION("negative generation") {
    const auto i = test::input_issues([] { read_eia930(test::kGridData + "eia930_negative.csv", opts()); });
    REQUIRE(i.size() == 1);
    CHECK(i[0].where.line == 3);
    CHECK_THAT(i[0].message, Contains("'Net Generation (MW) from Solar (Adjusted)' is '-12': negative generation"));
    CHECK_THAT(i[0].message, Contains("clip_negative"));
    Eia930Options o = opts();
    o.clip_negative = true;
    const HourlyMix m = read_eia930(test::kGridData + "eia930_negative.csv", o);
    CHECK(m.clipped == 1);
    CHECK(m.mw[1][index(Fuel::solar)] == 0);
  }
  SECTION("several balancing authorities without a respondent") {
    const auto i = test::input_issues([] { read_eia930(test::kGridData + "eia930_balance_sample.csv", opts()); });
    REQUIRE(i.size() == 1);
    CHECK(i[0].where.line == 6);
    CHECK_THAT(i[0].message, Contains("'CISO' and 'PJM'"));
  }
  SECTION("a respondent with no rows") {
    const auto i = test::input_issues([] { read_eia930(test::kGridData + "eia930_balance_sample.csv", opts("ERCO")); });
    CHECK_THAT(i[0].message, Contains("no rows of balancing authority 'ERCO'"));
  }
  SECTION("not an EIA-930 file") {
    const auto i = test::input_issues([] { read_eia930(test::kGridData + "prices_sample.csv", opts()); });
    CHECK(i[0].where.line == 1);
    CHECK_THAT(i[0].message, Contains("not an EIA-930 file"));
  }
  SECTION("a file that is not there") {
    const auto i = test::input_issues([] { read_eia930(test::kGridData + "nope.csv", opts()); });
    CHECK_THAT(i[0].message, Contains("cannot open EIA-930 file"));
    CHECK(i[0].path == "sites[0].grid.supply.path");
  }
}

TEST_CASE("grid series csv: hourly prices - negative allowed and a gap reported at its line") {
  SeriesCsvSpec spec;
  spec.path = test::kGridData + "prices_sample.csv";
  spec.value_column = "price_usd_per_mwh";
  spec.what = "price file";
  spec.allow_negative = true;
  const HourlySeries s = read_series_csv(spec);
  REQUIRE(s.size() == 4);
  CHECK(s.values()[2] == -5);
  spec.path = test::kGridData + "prices_gap.csv";
  const auto i = test::input_issues([&] { read_series_csv(spec); });
  CHECK(i[0].where.line == 4);
  CHECK_THAT(i[0].message, Contains("gap: 1 hour missing after 2025-01-01T01:00:00Z"));
  spec.path = test::kGridData + "prices_sample.csv";
  spec.allow_negative = false;
  const auto j = test::input_issues([&] { read_series_csv(spec); });
  CHECK(j[0].where.line == 4);
  CHECK_THAT(j[0].message, Contains("expected a value >= 0"));
}
