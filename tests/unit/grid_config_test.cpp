// A site's `grid:` block (grid_schema(), grid_config.cpp) through the scenario loader: every
// supply and price model builds, a time-of-use tariff's hours, and bad blocks and bad grid files
// are InputErrors with file:line (the CLI's exit 2).
#include <catch2/catch.hpp>

#include "models/register_models.hpp"
#include "models/grid/presets.hpp"
#include "models/grid/site_grid.hpp"
#include "sim/scenario/datetime.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "tests/unit/grid_support.hpp"

using namespace dcsim::grid;
using Catch::Contains;
using dcsim::scenario::Issue;

namespace {

std::string scenario_with_grid(const std::string& grid) {
  return R"(
name: g
horizon: 1 h
start: 2025-03-05T00:00:00Z
sites:
  - name: dc1
    pools: [{name: p, servers: 1, service: {model: fixed, time: 1 s}}]
    grid:
)" + grid + R"(
workloads:
  - {name: w, pool: dc1/p, arrivals: {model: poisson, rate: 1 /s}}
)";
}

dcsim::scenario::LoadedScenario load(const std::string& grid) {
  dcsim::register_builtin_models();
  return dcsim::scenario::load_text(scenario_with_grid(grid), "g.yaml", dcsim::scenario::scenario_schema(), {},
                                    dcsim::scenario::check_scenario);
}

GridContext ctx_of(const dcsim::scenario::Config& root) {
  GridContext c = test::context("dc1", root.num("start"));
  c.scenario_dir = test::kGridData;
  return c;
}

std::unique_ptr<SiteGrid> build(const std::string& grid) {
  const auto s = load(grid);
  const auto& g = s.root.list("sites")[0].child("grid");
  REQUIRE(grid_configured(g));
  return std::make_unique<SiteGrid>(g, ctx_of(s.root));
}

template <class F>
std::vector<Issue> issues(F&& f) {
  return test::input_issues(std::forward<F>(f));
}

}  // namespace

TEST_CASE("grid config: no grid block - or one without supply - builds no grid") {
  const auto s = load("      interconnect: 10 MW");
  CHECK_FALSE(grid_configured(s.root.list("sites")[0].child("grid")));
  const auto i = issues([&] { SiteGrid(s.root.list("sites")[0].child("grid"), ctx_of(s.root)); });
  CHECK_THAT(i[0].message, Contains("missing block 'supply'"));
}

TEST_CASE("grid config: each supply model builds from the scenario") {
  CHECK(g_per_kwh(build("      supply: {model: constant, intensity: 367.4 g/kWh}")->supply().intensity(0, 10)) ==
        Approx(367.4));
  const auto p = build("      supply: {model: preset, region: rfcw, hourly: false}");
  CHECK(g_per_kwh(p->supply().intensity(0, 10)) == Approx(find_preset("rfcw").annual_g_per_kwh(FactorBasis::direct)));
  const auto l = build("      supply: {model: preset, region: rfcw, factors: lifecycle}");
  CHECK(g_per_kwh(l->supply().weighted_mean()) == Approx(find_preset("rfcw").annual_g_per_kwh(FactorBasis::lifecycle)));
  const auto syn = build(
      "      supply: {model: synthetic, coal: 0.5, wind: 0.3, solar: 0.2, dispatch: coal, latitude: 50, longitude: 10, "
      "utc_offset: 1 h}");
  CHECK(g_per_kwh(syn->supply().weighted_mean()) == Approx(0.5 * 820 + 0.3 * 11 + 0.2 * 48).epsilon(1e-9));
  const auto e = build(
      "      supply: {model: eia930, path: eia930_balance_sample.csv, respondent: CISO, emission_factors: {other: 230 g/kWh}}");
  // The sample's first hour with `other` at 230 g/kWh: (3,920,000 + 26,400 + 36,000 + 14,300 + 230,000) / 14,000.
  // The sample starts 2023-07-01T07:00Z; the scenario (5 March) sees its hours repeat.
  const double first = (3920000 + 26400 + 36000 + 14300 + 230000) / 14000.0;
  bool seen = false;
  for (int h = 0; h < 4; ++h) seen = seen || std::abs(g_per_kwh(e->supply().intensity_at(h * 3600.0 + 1)) - first) < 1e-9;
  CHECK(seen);
}

TEST_CASE("grid config: a time-of-use tariff prices weekday peaks and leaves weekends at the base") {
  const auto g = build(R"(      supply: {model: constant, intensity: 300 g/kWh}
      price:
        model: tou
        base: 40 USD/MWh
        utc_offset: -8 h
        periods:
          - {name: peak, from: 16 h, to: 21 h, price: 200 USD/MWh, days: weekdays}
          - {name: night, from: 23 h, to: 6 h, price: 20 USD/MWh})");
  // 2025-03-05 is a Wednesday; t = 0 is 16:00 PST on 4 March (a Tuesday).
  const auto price_at_local = [&](const char* local) {
    const double t = dcsim::scenario::parse_datetime(local) - dcsim::scenario::parse_datetime("2025-03-05T00:00:00Z");
    return g->price()->price_at(t) * kJPerMWh;
  };
  CHECK(price_at_local("2025-03-05T17:30:00-08:00") == Approx(200));
  CHECK(price_at_local("2025-03-05T12:00:00-08:00") == Approx(40));
  CHECK(price_at_local("2025-03-06T02:00:00-08:00") == Approx(20));
  CHECK(price_at_local("2025-03-08T17:30:00-08:00") == Approx(40));  // Saturday
}

TEST_CASE("grid config: every part of the block maps to the spec") {
  const auto g = build(R"(      supply: {model: constant, intensity: 300 g/kWh}
      price: {model: csv, path: prices_sample.csv}
      interconnect: 30 MW
      responses: gensets, cap
      demand_charge_usd_per_kw: 12
      events: [{name: dr1, start: 2 h, duration: 3 h, limit: 10 MW}]
      battery: {capacity: 20 MWh, power: 5 MW, policy: peak_shaving, peak_threshold: 25 MW, reserve: 0.2}
      solar: {capacity: 5 MW, irradiance: csv, path: irradiance_sample.csv}
      gensets: {capacity: 4 MW, start_delay: 30 s})");
  const SiteGridSpec& s = g->spec();
  CHECK(s.interconnect_w == 30e6);
  CHECK(s.responses == std::vector<Response>{Response::gensets, Response::cap});
  CHECK(s.demand_charge_usd_per_w == Approx(0.012));
  REQUIRE(s.events.size() == 1);
  CHECK(s.events[0].start_s == 7200);
  CHECK(s.events[0].end_s == 7200 + 10800);
  CHECK(s.battery.capacity_j == 20e6 * 3600);
  CHECK(s.battery.charge_power_w == 5e6);
  CHECK(s.battery.reserve == 0.2);
  CHECK(s.policy == BatteryPolicy::peak_shaving);
  CHECK(s.irradiance.size() == 4);
  CHECK(s.gensets.start_delay_s == 30);
  CHECK(g->import_limit(3 * 3600) == 10e6);
  CHECK(g->import_limit(0) == 30e6);
}

TEST_CASE("grid config: bad blocks are reported with their place and all at once") {
  SECTION("unknown response, battery policy without a battery, bad SoC bounds") {
    const auto s = load(R"(      supply: {model: constant, intensity: 300 g/kWh}
      responses: battery, gensetz
      battery: {policy: clean})");
    const auto i = issues([&] { SiteGrid(s.root.list("sites")[0].child("grid"), ctx_of(s.root)); });
    REQUIRE(i.size() == 2);
    CHECK_THAT(i[0].message, Contains("unknown response 'gensetz'; did you mean 'gensets'?"));
    CHECK(i[0].where.line == 10);
    CHECK_THAT(i[1].message, Contains("a battery policy needs a battery"));
  }
  SECTION("synthetic shares that do not sum to 1") {
    const auto i = issues([] { build("      supply: {model: synthetic, coal: 0.5, gas: 0.2}"); });
    CHECK_THAT(i[0].message, Contains("the fuel shares sum to 0.7"));
    CHECK(i[0].where.line == 9);
  }
  SECTION("an unknown region preset is a load error with did-you-mean") {
    const auto i = issues([] { load("      supply: {model: preset, region: rfwc}"); });
    CHECK_THAT(i[0].message, Contains("rfcw"));
    CHECK(i[0].where.file == "g.yaml");
    CHECK(i[0].where.line == 9);
  }
  SECTION("a bad EIA-930 file: its own file:line") {
    const auto i = issues([] { build("      supply: {model: eia930, path: eia930_gap.csv}"); });
    CHECK(i[0].where.file == test::kGridData + "eia930_gap.csv");
    CHECK(i[0].where.line == 4);
    CHECK(i[0].path == "sites[0].grid.supply.path");
    CHECK_THAT(i[0].str(), Contains("eia930_gap.csv:4"));
  }
  SECTION("a bad irradiance file") {
    const auto i = issues([] {
      build("      supply: {model: constant, intensity: 1 g/kWh}\n      solar: {capacity: 1 MW, irradiance: csv, path: prices_gap.csv}");
    });
    CHECK_THAT(i[0].message, Contains("missing column 'poa_w_per_m2'"));
  }
  SECTION("a tariff period off the hour") {
    const auto i = issues([] {
      build("      supply: {model: constant, intensity: 1 g/kWh}\n      price: {model: tou, base: 1 USD/MWh, periods: "
            "[{name: p, from: 16.5 h, to: 20 h, price: 2 USD/MWh}]}");
    });
    CHECK_THAT(i[0].message, Contains("expected a whole hour"));
  }
}
