// SiteGrid (site_grid.hpp) fed facility energy step by step: the energy balance every step, an
// interconnect cap never exceeded while responses remain and the shortfall reported when they run
// out, gensets started ahead of a known event, solar surplus, the demand charge by hand, and the
// VC3 arithmetic (calibration.yaml) reproduced with a constant load.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>

#include "models/grid/presets.hpp"
#include "models/grid/site_grid.hpp"
#include "sim/util/rng.hpp"
#include "tests/unit/grid_support.hpp"

using namespace dcsim::grid;
using namespace dcsim::grid::test;

namespace {

// A World that applies the grid's actions: the site draws its demand minus what the grid asked
// the pools to remove (cap, then shed), never below zero.
struct FakeWorld {
  SiteGrid& grid;
  double cap_floor_w = 0;
  double t = 0;
  GridActions actions;
  const GridStep& step(double dt, double demand_w) {
    const double drawn = std::max(0.0, demand_w - actions.cap_reduction_w - actions.shed_w);
    SiteLoad l = load(t, t + dt, drawn);
    l.uncapped_power_w = demand_w;
    l.cap_floor_power_w = cap_floor_w;
    const GridStep& s = grid.step(l);
    actions = s.actions;
    t += dt;
    return s;
  }
};

}  // namespace

TEST_CASE("grid site: the energy balance holds every step with everything on and random loads") {
  SiteGridSpec spec;
  spec.interconnect_w = 20e6;
  spec.events = {{"dr", "demand_response", 3 * 86400.0, 3 * 86400.0 + 4 * 3600.0, 8e6}};
  spec.export_limit_w = 1e6;
  spec.battery.capacity_j = 10e6 * 3600;
  spec.battery.charge_power_w = spec.battery.discharge_power_w = 5e6;
  spec.battery.reserve = 0.3;
  spec.policy = BatteryPolicy::clean;
  spec.pv.dc_capacity_w = 15e6;
  dcsim::Rng sun(1, "sun");
  spec.irradiance = synthetic_irradiance(37, -120, 2025, 0.7, 0.2, sun);
  spec.irradiance.bind(kStart2025);
  spec.gensets.capacity_w = 4e6;
  spec.gensets.start_delay_s = 30;
  const RegionPreset& p = find_preset("camx");
  dcsim::Rng rng(2, "mix");
  SiteGrid grid(GridSupply::from_mix(synthesize_mix(p.shares, p.shape, 2025, rng), emission_factors(FactorBasis::direct),
                                     default_merit_order(), 0.02, "camx", kStart2025),
                flat_price(80), spec, context());
  FakeWorld w{grid, 6e6};
  dcsim::Rng load_rng(3, "load");
  double emissions = 0, energy_balance = 0;
  for (int i = 0; i < 7 * 8640; ++i) {
    const double demand = load_rng.uniform(2e6, 18e6);
    const GridStep& s = w.step(10, demand);
    emissions += std::max(0.0, s.grid_import_w) * 10 * s.intensity_g_per_j + s.genset_w * 10 * spec.gensets.emission_factor_g_per_j;
    energy_balance += (s.grid_import_w + std::max(s.battery_w, 0.0) + s.solar_used_w + s.genset_w - s.facility_w -
                       std::max(-s.battery_w, 0.0)) * 10;
    REQUIRE(s.battery_soc >= spec.battery.soc_min - 1e-12);
    REQUIRE(s.battery_soc <= spec.battery.soc_max + 1e-12);
    REQUIRE(s.curtailed_w >= 0);
    REQUIRE(s.export_w <= spec.export_limit_w + 1e-6);
  }
  grid.finish(w.t);
  const GridTotals& T = grid.totals();
  CHECK(T.max_balance_residual_w < 1e-9 * 20e6);
  CHECK(std::abs(energy_balance) < 1e-6 * T.facility_j);
  // Totals: import - export + discharge + solar + gensets = facility + charge.
  CHECK(T.import_j - T.export_j + T.battery_discharge_j + T.solar_j + T.genset_j ==
        Approx(T.facility_j + T.battery_charge_j).epsilon(1e-12));
  CHECK(T.emissions_g == Approx(emissions).epsilon(1e-12));  // emissions = sum of energy x intensity
  CHECK(T.emissions_g == Approx(T.emissions_grid_g + T.emissions_genset_g).epsilon(1e-12));
  CHECK(T.cost_usd == Approx(T.cost_energy_usd + T.cost_fuel_usd + T.cost_demand_usd).epsilon(1e-12));
  CHECK(T.solar_j > 0);
  CHECK(T.battery_charge_j > 0);
  CHECK(T.battery_loss_j == Approx(T.battery_charge_j - T.battery_discharge_j - (grid.battery().stored_j() - 0.5 * spec.battery.capacity_j)).epsilon(1e-9));
}

TEST_CASE("grid site: an interconnect cap is never exceeded while responses remain - the shortfall reported when they run out") {
  SiteGridSpec spec;
  spec.interconnect_w = 10e6;
  spec.events = {{"dr", "demand_response", 3600.0, 7200.0, 5e6}};
  spec.battery.capacity_j = 1e6 * 3600;  // 1 MWh
  spec.battery.charge_power_w = spec.battery.discharge_power_w = 3e6;
  spec.battery.soc_initial = 0.95;
  spec.gensets.capacity_w = 1e6;
  spec.gensets.start_delay_s = 30;

  SECTION("with every response: the import stays at or below the limit in every step") {
    SiteGrid grid(constant_supply(400), flat_price(50), spec, context());
    FakeWorld w{grid, 9e6};
    bool battery_used = false, gensets_used = false, capped = false, shed = false;
    for (int i = 0; i < 3 * 360; ++i) {
      const GridStep& s = w.step(10, 12e6);
      INFO("t = " << s.t0_s << " s: import " << s.grid_import_w << " W, limit " << s.limit_w);
      CHECK(s.grid_import_w <= s.limit_w * (1 + 1e-12));
      CHECK(s.over_limit_w == 0);
      CHECK(s.actions.shortfall_w == 0);
      battery_used = battery_used || s.battery_w > 0;
      gensets_used = gensets_used || s.genset_w > 0;
      capped = capped || s.actions.cap_reduction_w > 0;
      shed = shed || s.actions.shed_w > 0;
      // During the event: 12 MW demand - 5 MW limit - 1 MW gensets - 3 MW cap (to the 9 MW floor) = 3 MW shed.
      if (s.t1_s > 3700 && s.t1_s < 7100 && grid.battery().soc() <= 0.05 + 1e-9) {
        CHECK(s.actions.shed_w == Approx(3e6).epsilon(1e-9));
        CHECK(s.actions.cap_reduction_w == Approx(3e6).epsilon(1e-9));
      }
    }
    CHECK(battery_used);
    CHECK(gensets_used);
    CHECK(capped);
    CHECK(shed);
    // Order: the battery first, the gensets started before it ran dry, then the cap.
    const auto& ev = grid.events();
    double first_battery = -1, genset_start = -1, first_cap = -1;
    for (const auto& e : ev) {
      if (e.kind == "grid_battery_response_start" && first_battery < 0) first_battery = e.time_s;
      if (e.kind == "grid_genset_start" && genset_start < 0) genset_start = e.time_s;
      if (e.kind == "grid_cap_start" && first_cap < 0) first_cap = e.time_s;
    }
    CHECK(first_battery == 10);
    CHECK(genset_start > first_battery);
    CHECK(first_cap > genset_start);
    grid.finish(w.t);
    CHECK(grid.totals().over_limit_j == 0);
    CHECK(grid.totals().shortfall_j == 0);
  }
  SECTION("without shed: the shortfall is reported and the limit exceeded by it") {
    spec.responses = {Response::battery, Response::gensets, Response::cap};
    SiteGrid grid(constant_supply(400), flat_price(50), spec, context());
    FakeWorld w{grid, 9e6};
    double shortfall = 0, over = 0;
    for (int i = 0; i < 720; ++i) {
      const GridStep& s = w.step(10, 12e6);
      if (s.t1_s > 3600 + 1200 && s.t1_s < 7200) {
        shortfall = std::max(shortfall, s.actions.shortfall_w);
        over = std::max(over, s.over_limit_w);
      }
    }
    CHECK(shortfall == Approx(3e6).epsilon(1e-9));
    CHECK(over == Approx(3e6).epsilon(1e-9));
    bool reported = false;
    for (const auto& e : grid.events()) reported = reported || e.kind == "grid_shortfall_start";
    CHECK(reported);
  }
}

TEST_CASE("grid site: gensets start ahead of a known event so that they are ready when it begins") {
  SiteGridSpec spec;
  spec.events = {{"dr", "curtailment", 600.0, 1800.0, 3e6}};
  spec.gensets.capacity_w = 2e6;
  spec.gensets.start_delay_s = 60;
  spec.responses = {Response::gensets, Response::cap};
  SiteGrid grid(constant_supply(400), nullptr, spec, context());
  FakeWorld w{grid};
  for (int i = 0; i < 190; ++i) {
    const GridStep& s = w.step(10, 5e6);
    if (s.t0_s >= 600 && s.t1_s <= 1800) {
      CHECK(s.genset_w == Approx(2e6));
      CHECK(s.grid_import_w <= 3e6 * (1 + 1e-12));
    }
  }
  double started = -1;
  for (const auto& e : grid.events()) {
    if (e.kind == "grid_genset_start") started = e.time_s;
  }
  CHECK(started >= 530);
  CHECK(started <= 540);
  CHECK(grid.gensets().fuel_l() == Approx(2e6 * 1200 * 0.27 / 3.6e6).epsilon(1e-9));
}

TEST_CASE("grid site: solar surplus charges the battery - then exports up to the limit - then is curtailed") {
  SiteGridSpec spec;
  spec.pv.dc_capacity_w = 12e6;
  spec.irradiance = HourlySeries(kStart2025, {1000});
  spec.irradiance.bind(kStart2025);
  spec.ambient_c = 25;
  spec.export_limit_w = 1e6;
  spec.battery.capacity_j = 2e6 * 3600;
  spec.battery.charge_power_w = spec.battery.discharge_power_w = 2e6;
  SiteGrid grid(constant_supply(300), nullptr, spec, context());
  const double solar = pv_ac_power_w(spec.pv, 1000, 25);
  const GridStep& s = grid.step(load(0, 60, 5e6));
  CHECK(s.solar_w == Approx(solar));
  CHECK(s.battery_w == Approx(-2e6));
  CHECK(s.export_w == Approx(1e6));
  CHECK(s.curtailed_w == Approx(solar - 5e6 - 2e6 - 1e6));
  CHECK(s.grid_import_w == Approx(-1e6));
  CHECK(s.emissions_g == 0);
}

TEST_CASE("grid site: the demand charge on each month's peak 15-minute import - by hand") {
  SiteGridSpec spec;
  spec.demand_charge_usd_per_w = 10.0 / 1000;  // 10 USD/kW
  const double start = dcsim::scenario::parse_datetime("2025-01-31T23:00:00Z");
  SiteGrid grid(constant_supply(300), flat_price(0), spec, context("dc1", start));
  // Jan 31 23:00-23:15 at 1 MW, 23:15-23:30 at 3 MW, 23:30-00:00 at 2 MW; Feb 1 00:00-01:00 at 1 MW,
  // with one 15-minute interval at 1.5 MW (a step straddles no boundary: 30 s steps).
  double t = 0;
  const auto run = [&](double until, double p) {
    for (; t < until - 1e-9; t += 30) grid.step(load(t, t + 30, p));
  };
  run(900, 1e6);
  run(1800, 3e6);
  run(3600, 2e6);
  run(4500, 1.5e6);
  run(7200, 1e6);
  grid.finish(t);
  // January: 3000 kW x 10 USD; February: 1500 kW x 10 USD.
  CHECK(grid.totals().cost_demand_usd == Approx(30000 + 15000).epsilon(1e-9));
  CHECK(grid.totals().cost_usd == Approx(45000).epsilon(1e-9));
}

TEST_CASE("grid site: VC3 - 700 M images x 2.907 Wh x PUE 1.2 at the US average and a coal-heavy grid - within 2 %") {
  // calibration.yaml VC3_ghibli_surge_energy_carbon: IT 2.035 GWh, facility 2.442 GWh over 7 days,
  // 897 t CO2 at 367.4 g/kWh (EIA US 2023), 1338 t at 548 g/kWh (data-center weighted, Guidi).
  const double facility_j = 700e6 * 2.907 * 3600 * 1.2;
  const double week = 7 * 86400.0;
  const double power = facility_j / week;
  CHECK(power == Approx(14.53e6).epsilon(1e-3));  // VC3 mean facility power 14.53 MW
  const auto co2_t = [&](std::unique_ptr<GridSupply> supply) {
    SiteGrid grid(std::move(supply), nullptr, SiteGridSpec{}, context());
    for (int i = 0; i < 7 * 8640; ++i) grid.step(load(i * 10.0, (i + 1) * 10.0, power));
    grid.finish(week);
    CHECK(grid.totals().import_j == Approx(facility_j).epsilon(1e-12));
    return grid.totals().emissions_g / 1e6;
  };
  const double hand_us = facility_j / 3.6e6 * 367.4 / 1e6;
  const double hand_dc = facility_j / 3.6e6 * 548 / 1e6;
  CHECK(hand_us == Approx(897).epsilon(0.001));
  CHECK(hand_dc == Approx(1338).epsilon(0.001));
  const double us_const = co2_t(constant_supply(367.4));
  const double dc_const = co2_t(constant_supply(548));
  CHECK(us_const == Approx(hand_us).epsilon(1e-9));
  CHECK(dc_const == Approx(hand_dc).epsilon(1e-9));
  // The us-2023 preset (direct factors, flat at its annual average) and the coal-heavy RFCW grid.
  const RegionPreset& us = find_preset("us-2023");
  const FuelArray ef = emission_factors(FactorBasis::direct);
  const auto flat = [&](const RegionPreset& p) {
    const double i = intensity(p.shares, ef);
    HourlySeries a(kStart2025, {i});
    a.bind(kStart2025);
    return std::make_unique<GridSupply>(a, a, p.name, i);
  };
  const double us_preset = co2_t(flat(us));
  const double rfcw_preset = co2_t(flat(find_preset("rfcw")));
  std::printf("VC3: hand %.1f t (US 367.4 g/kWh), %.1f t (548 g/kWh); SiteGrid: constant %.1f / %.1f t, preset "
              "us-2023 %.1f t, rfcw %.1f t (hand at 454.1 g/kWh: %.1f t)\n",
              hand_us, hand_dc, us_const, dc_const, us_preset, rfcw_preset, facility_j / 3.6e6 * 454.1 / 1e6);
  CHECK(us_preset == Approx(hand_us).epsilon(0.02));
  CHECK(rfcw_preset == Approx(facility_j / 3.6e6 * 454.1 / 1e6).epsilon(0.02));
  // The hourly synthetic us-2023 profile over the surge week (25-31 March): reported, its seasonal
  // shape moves it off the annual mean.
  dcsim::Rng rng(1, "vc3");
  const double march = dcsim::scenario::parse_datetime("2025-03-25T00:00:00Z");
  auto hourly = GridSupply::from_mix(synthesize_mix(us.shares, us.shape, 2025, rng), ef, default_merit_order(), 0.02,
                                     "us", march);
  SiteGrid g(std::move(hourly), nullptr, SiteGridSpec{}, context("dc1", march));
  for (int i = 0; i < 7 * 8640; ++i) g.step(load(i * 10.0, (i + 1) * 10.0, power));
  std::printf("VC3 with the hourly us-2023 profile, 25-31 March: %.1f t (%+.1f %% of the annual-mean figure)\n",
              g.totals().emissions_g / 1e6, 100 * (g.totals().emissions_g / 1e6 / us_preset - 1));
  CHECK(g.totals().emissions_g / 1e6 == Approx(us_preset).epsilon(0.1));
}

TEST_CASE("grid site: signals - intensity now and forecast - price - limit and headroom") {
  SiteGridSpec spec;
  spec.interconnect_w = 10e6;
  spec.forecast_window_s = 2 * 3600.0;
  HourlySeries a(kStart2025, {100 / 3.6e6, 300 / 3.6e6, 500 / 3.6e6}), m(kStart2025, {200 / 3.6e6});
  a.bind(kStart2025);
  m.bind(kStart2025);
  SiteGrid grid(std::make_unique<GridSupply>(a, m, "t", 300 / 3.6e6), flat_price(70), spec, context());
  grid.step(load(0, 1800, 4e6));
  const GridSignals& s = grid.signals();
  CHECK(s.t_s == 1800);
  CHECK(g_per_kwh(s.intensity_g_per_j) == Approx(100));
  // Forecast over [0.5 h, 2.5 h]: 0.5 h at 100, 1 h at 300, 0.5 h at 500 = 300.
  CHECK(g_per_kwh(s.intensity_forecast_g_per_j) == Approx(300));
  CHECK(g_per_kwh(s.marginal_forecast_g_per_j) == Approx(200));
  CHECK(s.price_usd_per_j * kJPerMWh == Approx(70));
  CHECK(s.limit_w == 10e6);
  CHECK(s.headroom_w == Approx(6e6));
  CHECK(g_per_kwh(grid.intensity_forecast(3600, 3600)) == Approx(300));
}

TEST_CASE("grid site: the margin keeps a rising load below the limit at every step - without it the limit holds one step late") {
  // Demand rises 1 % per 10 s step from 11 MW; the interconnect is 10 MW and capping the only
  // response (floor 0). The plan caps the next step from this step's demand D_k, so by hand
  //   import_{k+1} = D_{k+1} − (D_k − (1 − m) L) = (1 − m) L + (D_{k+1} − D_k)        (k ≥ 0)
  // m = 0.02: 9.8 MW + 0.01 D_k ≤ 9.8 + 0.145 MW < 10 MW at every step after the first;
  // m = 0: 10 MW + 0.01 D_k, above the limit at every step.
  SiteGridSpec spec;
  spec.interconnect_w = 10e6;
  spec.responses = {Response::cap};
  for (const double m : {0.0, 0.02}) {
    spec.margin = m;
    SiteGrid grid(constant_supply(400), flat_price(50), spec, context());
    FakeWorld w{grid, 0.0};
    double d_prev = 0, max_import = 0;
    for (int k = 0; k < 30; ++k) {
      const double d = 11e6 * std::pow(1.01, k);
      const GridStep& s = w.step(10, d);
      if (k == 0) {
        CHECK(s.grid_import_w == Approx(11e6).epsilon(1e-12));  // the first step is already drawn
      } else {
        CHECK(s.grid_import_w == Approx((1 - m) * 10e6 + (d - d_prev)).epsilon(1e-9));
        max_import = std::max(max_import, s.grid_import_w);
      }
      d_prev = d;
    }
    if (m > 0) {
      CHECK(max_import < 10e6);
      CHECK(max_import == Approx(9.8e6 + 0.01 * 11e6 * std::pow(1.01, 28)).epsilon(1e-9));
    } else {
      CHECK(max_import > 10e6);
    }
  }
}
