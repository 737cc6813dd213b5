// Battery policies of SiteGrid (site_grid.hpp): clean charges in clean hours and discharges in
// dirty ones (and lowers the emissions), cheap does the same on price, peak shaving holds the
// import at its threshold while the battery lasts, and the reserve is kept for responses.
#include <catch2/catch.hpp>

#include <vector>

#include "models/grid/site_grid.hpp"
#include "tests/unit/grid_support.hpp"

using namespace dcsim::grid;
using namespace dcsim::grid::test;

namespace {

// 12 clean hours (100 g/kWh) then 12 dirty ones (500), repeating.
std::unique_ptr<GridSupply> day_night_supply() {
  std::vector<double> v(24);
  for (size_t h = 0; h < 24; ++h) v[h] = g_per_j(h < 12 ? 100 : 500);
  HourlySeries a(kStart2025, v);
  a.bind(kStart2025);
  return std::make_unique<GridSupply>(a, a, "day-night", g_per_j(300));
}

SiteGridSpec battery_spec(BatteryPolicy p) {
  SiteGridSpec s;
  s.battery.capacity_j = 4e6 * 3600;  // 4 MWh
  s.battery.charge_power_w = s.battery.discharge_power_w = 1e6;
  s.policy = p;
  s.forecast_window_s = 6 * 3600;
  return s;
}

double run_days(SiteGrid& g, int days, double power, std::vector<GridStep>* steps = nullptr) {
  for (int i = 0; i < days * 24 * 60; ++i) {
    const GridStep& s = g.step(load(i * 60.0, (i + 1) * 60.0, power));
    if (steps) steps->push_back(s);
  }
  return g.totals().emissions_g;
}

}  // namespace

TEST_CASE("grid policy: clean charges before the dirty hours and discharges in them - fewer emissions") {
  SiteGrid with(day_night_supply(), nullptr, battery_spec(BatteryPolicy::clean), context());
  SiteGrid without(day_night_supply(), nullptr, SiteGridSpec{}, context());
  std::vector<GridStep> steps;
  const double e_with = run_days(with, 4, 2e6, &steps);
  const double e_without = run_days(without, 4, 2e6);
  bool charged_clean = false, discharged_dirty = false, wrong = false;
  for (const auto& s : steps) {
    const bool clean = g_per_kwh(s.intensity_g_per_j) < 200;
    charged_clean = charged_clean || (clean && s.battery_w < 0);
    discharged_dirty = discharged_dirty || (!clean && s.battery_w > 0);
    wrong = wrong || (clean && s.battery_w > 0) || (!clean && s.battery_w < 0);
  }
  CHECK(charged_clean);
  CHECK(discharged_dirty);
  CHECK_FALSE(wrong);
  // Each day the battery moves up to 4 x 0.9 MWh x 0.922 = 3.3 MWh from 500 g/kWh hours to 100 g/kWh
  // ones (118 g/kWh after the round trip): ~1.3 t of 14.4 t a day, ~9 %.
  CHECK(e_with < 0.95 * e_without);
  CHECK(e_with > 0.85 * e_without);
  // Energy: the battery's losses come from the grid.
  CHECK(with.totals().import_j == Approx(without.totals().import_j + with.totals().battery_loss_j +
                                         (with.battery().stored_j() - 0.5 * 4e6 * 3600)).epsilon(1e-9));
}

TEST_CASE("grid policy: cheap shifts the load to the cheap hours") {
  std::vector<double> p(24);
  for (size_t h = 0; h < 24; ++h) p[h] = (h < 12 ? 20 : 150) / kJPerMWh;
  HourlySeries price(kStart2025, p);
  price.bind(kStart2025);
  SiteGrid g(constant_supply(300), std::make_unique<GridPrice>(price, "two-rate"), battery_spec(BatteryPolicy::cheap), context());
  HourlySeries price2(kStart2025, p);
  price2.bind(kStart2025);
  SiteGrid base(constant_supply(300), std::make_unique<GridPrice>(price2, "two-rate"), SiteGridSpec{}, context());
  run_days(g, 4, 2e6);
  run_days(base, 4, 2e6);
  CHECK(g.totals().cost_energy_usd < 0.9 * base.totals().cost_energy_usd);
}

TEST_CASE("grid policy: peak shaving holds the import at its threshold while the battery lasts") {
  SiteGridSpec s = battery_spec(BatteryPolicy::peak_shaving);
  s.peak_threshold_w = 1.5e6;
  s.battery.soc_initial = 0.95;
  s.battery.reserve = 0.25;
  SiteGrid g(constant_supply(300), nullptr, s, context());
  // 2 MW for 2 h: 0.5 MW from the battery (0.7 x 4 MWh x 0.922 above the reserve lasts 5.2 h), then 1 MW for 2 h (recharge).
  for (int i = 0; i < 240; ++i) {
    const double p = i < 120 ? 2e6 : 1e6;
    const GridStep& st = g.step(load(i * 60.0, (i + 1) * 60.0, p));
    if (i < 120) {
      CHECK(st.grid_import_w == Approx(1.5e6));
      CHECK(st.battery_w == Approx(0.5e6));
    } else {
      CHECK(st.grid_import_w <= 1.5e6 * (1 + 1e-12));
      CHECK(st.battery_w <= 0);
    }
    CHECK(st.battery_soc >= 0.25 - 1e-12);
  }
}

TEST_CASE("grid policy: the reserve is kept by the policy and used by the responses") {
  SiteGridSpec s = battery_spec(BatteryPolicy::peak_shaving);
  s.interconnect_w = 1.5e6;
  s.battery.soc_initial = 0.3;
  s.battery.reserve = 0.3;
  s.responses = {Response::battery};
  SiteGrid g(constant_supply(300), nullptr, s, context());
  const GridStep& st = g.step(load(0, 60, 2e6));
  // Peak shaving may not go below the reserve, the response to the limit may.
  CHECK(st.battery_w == Approx(0.5e6));
  CHECK(st.grid_import_w == Approx(1.5e6));
  CHECK(g.battery().soc() < 0.3);
  bool response = false;
  for (const auto& e : g.events()) response = response || e.kind == "grid_battery_response_start";
  CHECK(response);
}
