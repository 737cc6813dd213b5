// The cooling plant and the site facility (models/facility): chiller curves at and away from
// their rating, economizer hours against a hand count, tower water per kWh of heat, annual PUE
// and WUE by climate (predictions), a constructed cooling shortfall (thermal mass and throttling),
// the energy balance every step, the constant-PUE mode and bad facility input.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "facility_support.hpp"
#include "models/facility/chiller.hpp"
#include "models/facility/cooling_plant.hpp"
#include "models/weather/synthetic_weather.hpp"

using namespace dcsim;
using namespace dcsim::facility;
using Catch::Contains;

TEST_CASE("Chiller power at rated conditions is capacity over rated COP", "[facility]") {
  for (const EirCurves* c : {&doe2_centrifugal(), &doe2_reciprocating()}) {
    ChillerSpec s{*c, 1e6, 6.28, 0};
    // At full load (PLR 1) at the reference temperatures: P = Q_avail/COP · EIRFT, and the DOE-2
    // curves are 1 at their reference point within 0.4 %, so P = Q_ref / COP_ref within 0.4 %.
    const double q = chiller_at(s, 0, 6.67, 29.4).capacity_w;
    const ChillerPoint p = chiller_at(s, q, 6.67, 29.4);
    CHECK(p.plr == Approx(1.0));
    CHECK(p.capacity_w == Approx(1e6).epsilon(4e-3));
    CHECK(p.power_w == Approx(q / 6.28 * biquadratic(c->eirft, 6.67, 29.4)).epsilon(1e-5));  // EIRFPLR(1) = 1 ± 1e-6
    CHECK(p.power_w == Approx(1e6 / 6.28).epsilon(4e-3));
  }
  // Air-cooled: the rating point is 35 degC air (offset 5.6 K onto the curve's 29.4 degC).
  ChillerSpec air{doe2_reciprocating(), 1e6, 2.96, 5.6};
  const ChillerPoint p = chiller_at(air, chiller_at(air, 0, 6.67, 35.0).capacity_w, 6.67, 35.0);
  CHECK(p.power_w == Approx(1e6 / 2.96).epsilon(5e-3));
}

TEST_CASE("Chiller COP falls as the condenser temperature rises", "[facility]") {
  for (const EirCurves* c : {&doe2_centrifugal(), &doe2_reciprocating()}) {
    ChillerSpec s{*c, 1e6, 5.0, 0};
    double last = 1e9;
    for (double y = 12; y <= 48; y += 2) {
      const ChillerPoint p = chiller_at(s, 5e5, 7.0, y);
      CHECK(p.cop < last);
      last = p.cop;
    }
    // Part load: the DOE-2 EIRFPLR of the centrifugal set makes half load cheaper per kW than full.
  }
  ChillerSpec s{doe2_centrifugal(), 1e6, 6.0, 0};
  CHECK(chiller_at(s, 5e5, 6.67, 29.4).cop > chiller_at(s, 1e6, 6.67, 29.4).cop);
  // Staging: the fewest chillers that cover the load run; beyond all of them, the rest is short.
  const StagedPoint st = staged(s, 3, 1.5e6, 6.67, 29.4);
  CHECK(st.running == 2);
  CHECK(st.shortfall_w == 0);
  CHECK(staged(s, 3, 4e6, 6.67, 29.4).shortfall_w == Approx(4e6 - st.capacity_w));
}

TEST_CASE("Economizer hours of a synthetic climate match a hand count", "[facility]") {
  // Annual sinusoid only (no diurnal term): T(d) = 10 + 12 cos(2π (d − 200)/Y). A dry cooler with
  // a 6 K approach and a 2 K exchanger serves an 18 degC supply: full free cooling while
  // T + 8 ≤ 18, i.e. T ≤ 10 degC: half the year by symmetry; none while T + 8 ≥ 26 (T ≥ 18):
  // the share of the year with cos θ ≥ 8/12 is arccos(2/3)/π.
  weather::SyntheticClimate c;
  c.mean_c = 10;
  c.annual_amplitude_c = 12;
  c.diurnal_amplitude_c = 0;
  weather::SyntheticWeather w(c);
  PlantSpec s;
  s.rejection = Rejection::dry_cooler;
  s.loops[0].design_heat_w = 1e6;
  s.loops[0].supply_c = 18;
  s.loops[0].delta_c = 8;
  s.loops[0].chillers = 1;
  s.loops[0].chiller = {doe2_centrifugal(), 1e6, 6, 0};
  const CoolingPlant plant(s);
  const double zero[2] = {0, 0};
  int full = 0, none = 0;
  const int hours = 8766;  // 365.25 days
  for (int h = 0; h < hours; ++h) {
    const double phi = plant.available(w.at((h + 0.5) * 3600.0), zero).economizer_fraction[0];
    full += phi >= 1.0;
    none += phi <= 0.0;
  }
  CHECK(full == Approx(hours * 0.5).margin(3));
  CHECK(none == Approx(hours * std::acos(2.0 / 3.0) / std::numbers::pi).margin(3));
}

TEST_CASE("Tower water per kWh of heat rejected and none for dry coolers", "[facility]") {
  PlantSpec s;
  s.rejection = Rejection::cooling_tower;
  s.loops[0].design_heat_w = 1e6;
  s.loops[0].supply_c = 18;
  s.loops[0].chillers = 0;
  s.design_rejection_w = 1e6;
  const CoolingPlant plant(s);
  weather::Conditions cold;
  cold.drybulb_c = 5;
  cold.wetbulb_c = 3;  // full economizer: all heat through the tower
  const double zero[2] = {0, 0};
  const double q[2] = {1e6, 0};
  const PlantStep p = plant.operate(cold, plant.available(cold, zero), q);
  const double per_kwh = p.water_l_per_s * 3600.0 / 1e3;  // L per kWh of heat
  // By hand: evaporation 0.895 · 3.6e6 / 2.45e6 = 1.3151 L/kWh, blowdown /4, drift 5e-5 · 3.6e6 / (4186 · 5.6).
  CHECK(per_kwh == Approx(1.3151 * 1.25 + 5e-5 * 3.6e6 / (4186 * 5.6)).epsilon(1e-3));
  // Literature range for open towers: ~1.5-2.0 L per kWh of heat rejected (latent heat alone gives
  // 1.47 at 100 % evaporation; 3-6 cycles of concentration add 20-50 %).
  CHECK(per_kwh > 1.4);
  CHECK(per_kwh < 2.2);
  s.rejection = Rejection::dry_cooler;
  const CoolingPlant dry(s);
  CHECK(dry.operate(cold, dry.available(cold, zero), q).water_l_per_s == 0);
}

namespace {

struct YearResult {
  double pue, wue, econ_share;
};

YearResult run_year(const std::string& yaml, double u_mean, double step = 600) {
  const auto loaded = test::facility_block(yaml);
  const auto pools = test::dgx_pools(4, 64);
  SiteFacility site(loaded.root, pools, {test::kStart2025, 365 * 86400.0, ".", "dc1"});
  SyntheticItLoad load(pools, 75, u_mean, 0.15);
  test::run_facility(site, load, 365 * 86400.0, step);
  const auto& t = site.totals();
  CHECK(t.max_balance_residual < 1e-9);
  return {t.pue(), t.wue_l_per_kwh(), 0};
}

// Hyperscale design: modern double-conversion UPS (the default curve), 415 V distribution (PDUs
// without a transformer), warm chilled water (18 degC), hot-aisle containment (14 K air rise,
// 250 Pa fans), water-cooled chillers, towers and a water-side economizer. None of these was
// tuned to the PUE band; with eco-mode UPS (a = 0.003, b = 0.002, c = 0.005) instead the same
// site predicts 1.073 in Helsinki (below the band: see docs/models/facility.md).
const char* kHyperscale = R"(
delivery: {pdu: {count: 8, no_load_loss: 0.001, square_loss: 0.004}}
cooling:
  chillers: water_cooled
  heat_rejection: cooling_tower
  air: {supply_temperature: 18 degC, inlet_setpoint: 27 degC, air_delta: 14 degC, fan_pressure: 250, fan_efficiency: 0.7}
)";

// Legacy enterprise design: double-conversion UPS of 2005, PDUs with transformers, 10 degC chilled
// water, air-cooled chillers without economizer, CRAH fans at 500 Pa and a 10 K air rise.
const char* kLegacyAirCooled = R"(
delivery: {ups: {no_load_loss: 0.0263, proportional_loss: 0.0564, square_loss: 0.0043}, pdu: {count: 8}}
cooling:
  chillers: air_cooled
  heat_rejection: dry_cooler
  economizer: false
  design_drybulb: 44 degC
  design_wetbulb: 22 degC
  air: {supply_temperature: 10 degC, inlet_setpoint: 24 degC, air_delta: 10 degC, fan_pressure: 500, fan_efficiency: 0.6, chillers: 4}
)";

}  // namespace

TEST_CASE("Annual PUE of a hyperscale site in a cool climate is in the published range", "[facility]") {
  // pue.google_2024 1.09, pue.meta_2023 1.08, pue.google_2023 1.10: the issue's band 1.08-1.15.
  const YearResult helsinki = run_year(std::string("weather: {model: preset, climate: helsinki}\n") + kHyperscale, 0.75);
  WARN("hyperscale helsinki PUE " << helsinki.pue << " WUE " << helsinki.wue);
  CHECK(helsinki.pue > 1.08);
  CHECK(helsinki.pue < 1.15);
  const YearResult oregon = run_year(std::string("weather: {model: preset, climate: oregon}\n") + kHyperscale, 0.75);
  WARN("hyperscale oregon PUE " << oregon.pue << " WUE " << oregon.wue);
  CHECK(oregon.pue > 1.08);
  CHECK(oregon.pue < 1.15);
  // Towers evaporate all year: site WUE of order 1-2 L/kWh (Microsoft's 0.3 and Meta's 0.26,
  // wue.microsoft_fy23, pue.meta_2023, come from air-side designs that evaporate only on hot days).
  CHECK(helsinki.wue > 0.8);
  CHECK(helsinki.wue < 2.2);
}

TEST_CASE("Annual PUE of an air-cooled site in a hot climate is in the published range", "[facility]") {
  // pue.uptime_2024: industry average 1.56; the issue's band 1.4-1.7.
  const YearResult phoenix = run_year(std::string("weather: {model: preset, climate: phoenix}\n") + kLegacyAirCooled, 0.5);
  WARN("legacy air-cooled phoenix PUE " << phoenix.pue << " WUE " << phoenix.wue);
  CHECK(phoenix.pue > 1.4);
  CHECK(phoenix.pue < 1.7);
  CHECK(phoenix.wue == 0);  // no towers, no adiabatic pads
}

TEST_CASE("A cooling shortfall raises the inlet temperature at the rate the thermal mass implies and throttles at the limit",
          "[facility]") {
  // No chillers and no economizer: the plant removes nothing, so the air loop warms at
  // (IT + indoor losses + other) / C.
  const auto loaded = test::facility_block(R"(
weather: {model: synthetic, mean: 20 degC, annual_amplitude: 0 degC, diurnal_amplitude: 0 degC}
cooling: {chillers: none, economizer: false, air: {chillers: 0}}
thermal: {air_volume: 2000 m^3, water_volume: 0 L, equipment_mass: 10000 kg}
)");
  const auto pools = test::dgx_pools(1, 32);
  SiteFacility site(loaded.root, pools, {test::kStart2025, 3600, ".", "dc1"});
  const double c = 1.2 * 1006 * 2000 + 500 * 10000 + 4186 * 0;  // J/K (water_volume 0: auto 5 L/kW)
  const double cap = site.parts().nodes[0].capacity_j_per_k;
  const double water = cap - (1.2 * 1006 * 2000 + 500 * 10000);  // the auto chilled-water volume
  CHECK(water == Approx(4186 * 5.0 * site.parts().design_heat_w / 1e3).epsilon(1e-9));
  (void)c;
  std::vector<double> e{32 * 6000.0 * 10};
  const double t0 = site.parts().nodes[0].t_c;
  const auto& o1 = site.step(10, 10, {e});
  const double heat = o1.it_w + site.last_delivery().indoor_losses_w + o1.other_w;
  CHECK(o1.inlet_c - t0 == Approx(heat * 10 / cap).epsilon(1e-9));
  CHECK(o1.shortfall_w == Approx(heat).epsilon(1e-9));
  CHECK(o1.throttle_factor == 1.0);
  // Keep going until the inlet passes the 30 degC limit: the speed factor follows
  // ((87 − T)/(87 − 30))^(1/3) and the thermal cap a · TDP.
  bool throttled = false;
  for (int k = 2; k < 2000 && !throttled; ++k) {
    const auto& o = site.step(10.0 * k, 10, {e});
    if (o.inlet_c > 30) {
      throttled = true;
      const double a = (87 - o.inlet_c) / (87 - 30);
      CHECK(o.throttle_factor == Approx(std::cbrt(a)).epsilon(1e-12));
      CHECK(o.thermal_changed);
      CHECK(o.thermal_gpu_cap_w[0] == Approx(a * 700).epsilon(1e-12));
      CHECK(o.speed_factor[0] == Approx(std::cbrt(a)).epsilon(1e-12));
    } else {
      CHECK(o.throttle_factor == 1.0);
    }
  }
  CHECK(throttled);
}

TEST_CASE("The facility energy balance holds every step", "[facility]") {
  // A hot synthetic year with a heat wave, oversubscribed PDUs and a DLC share: caps, economizer
  // changes and throttling all happen; step() throws if any step breaks the balance by 1e-9.
  const auto loaded = test::facility_block(R"(
weather:
  model: synthetic
  mean: 22 degC
  annual_amplitude: 12 degC
  heat_waves: [{start: 2025-07-10T00:00Z, duration: 5 d, delta: 12 degC}]
delivery: {oversubscription: 1.3, pdu: {count: 4}}
cooling: {liquid: {share: 0.75}, air: {chillers: 2, spare_chillers: 0}}
)");
  const auto pools = test::dgx_pools(2, 32);
  SiteFacility site(loaded.root, pools, {test::kStart2025, 365 * 86400.0, ".", "dc1"});
  SyntheticItLoad load(pools, 75, 0.85, 0.15);
  const long n = test::run_facility(site, load, 365 * 86400.0, 900);
  const auto& t = site.totals();
  CHECK(n == 35040);
  CHECK(t.max_balance_residual < 1e-9);
  CHECK(t.energy_facility_j == Approx(t.energy_it_j + t.energy_losses_j + t.energy_cooling_j + t.energy_other_j).epsilon(1e-12));
  CHECK(t.cap_events > 0);
}

TEST_CASE("Constant PUE mode multiplies IT power", "[facility]") {
  const auto loaded = test::facility_block("mode: constant_pue\npue: 1.4\nwue: 0.5 L/kWh\n");
  const auto pools = test::dgx_pools(1, 4);
  SiteFacility site(loaded.root, pools, {test::kStart2025, 3600, ".", "dc1"});
  std::vector<double> e{4 * 5000.0 * 60};
  const auto& o = site.step(60, 60, {e});
  CHECK(o.facility_w == Approx(1.4 * 20000));
  CHECK(o.cooling_w == Approx(0.4 * 20000));
  CHECK(o.water_l == Approx(0.5 * 20000 * 60 / 3.6e6));
  CHECK(site.totals().pue() == Approx(1.4));
}

TEST_CASE("Bad facility input is an input error at its key", "[facility]") {
  const auto pools = test::dgx_pools(1, 4);
  const auto cold_air = test::facility_block("cooling: {air: {supply_temperature: 20 degC, inlet_setpoint: 21 degC}}\n");
  CHECK_THROWS_WITH(SiteFacility(cold_air.root, pools, {test::kStart2025, 3600, ".", "dc1"}),
                    Contains("facility.yaml:1:") && Contains("cooling.air.inlet_setpoint") &&
                        Contains("expected at least the chilled-water supply + 2 K"));
  const auto gap = test::facility_block("weather: {model: csv, path: " DCSIM_TEST_DATA "/weather/gap.csv}\n");
  CHECK_THROWS_WITH(SiteFacility(gap.root, pools, {test::kStart2025, 3600, ".", "dc1"}),
                    Contains("gap.csv:9:1: weather: time 2025-01-01T08:00:00Z follows 2025-01-01T06:00:00Z: a gap"));
  const auto epw = test::facility_block("weather: {model: epw, path: " DCSIM_TEST_DATA "/weather/missing_value.epw}\n");
  CHECK_THROWS_WITH(SiteFacility(epw.root, pools, {test::kStart2025, 3600, ".", "dc1"}),
                    Contains("missing_value.epw:18:7: weather: dry bulb temperature: got '99.9'"));
  const auto uncovered = test::facility_block("weather: {model: csv, path: " DCSIM_TEST_DATA "/weather/hourly.csv}\n");
  CHECK_THROWS_WITH(SiteFacility(uncovered.root, pools, {test::kStart2025, 2 * 86400.0, ".", "dc1"}),
                    Contains("facility.yaml:1:") && Contains("weather.path") && Contains("expected the whole run"));
  const auto too_many = test::facility_block("delivery: {pdu: {count: 3}}\n");
  CHECK_THROWS_WITH(SiteFacility(too_many.root, pools, {test::kStart2025, 3600, ".", "dc1"}),
                    Contains("facility.yaml:1:") && Contains("delivery.pdu.count: got '3', expected at most 1"));
}
