// Helpers shared by the grid tests.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "models/grid/site_grid.hpp"
#include "sim/scenario/datetime.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace dcsim::grid::test {

inline const std::string kGridData = std::string(DCSIM_TEST_DATA) + "/grid/";
inline const double kStart2025 = scenario::parse_datetime("2025-01-01T00:00:00Z");

// The issues of the InputError thrown by f (fails the test if none is thrown).
template <class F>
std::vector<scenario::Issue> input_issues(F&& f) {
  try {
    f();
  } catch (const scenario::InputError& e) {
    return e.issues();
  }
  FAIL("expected an InputError");
  return {};
}

inline GridContext context(const std::string& site = "dc1", double start = kStart2025) {
  GridContext c;
  c.site = site;
  c.start_epoch_s = start;
  c.horizon_s = 365 * 86400.0;
  c.seed = 7;
  return c;
}

// A constant supply and (optionally) a flat price.
inline std::unique_ptr<GridSupply> constant_supply(double g_per_kwh_avg, double g_per_kwh_marginal = -1) {
  HourlySeries a(kStart2025, {g_per_j(g_per_kwh_avg)});
  HourlySeries m(kStart2025, {g_per_j(g_per_kwh_marginal < 0 ? g_per_kwh_avg : g_per_kwh_marginal)});
  a.bind(kStart2025);
  m.bind(kStart2025);
  return std::make_unique<GridSupply>(std::move(a), std::move(m), "test", g_per_j(g_per_kwh_avg));
}

inline std::unique_ptr<GridPrice> flat_price(double usd_per_mwh) {
  HourlySeries s(kStart2025, {usd_per_mwh / kJPerMWh});
  s.bind(kStart2025);
  return std::make_unique<GridPrice>(std::move(s), "test");
}

inline SiteLoad load(double t0, double t1, double power_w) {
  SiteLoad l;
  l.t0_s = t0;
  l.t1_s = t1;
  l.facility_energy_j = power_w * (t1 - t0);
  l.uncapped_power_w = power_w;
  return l;
}

}  // namespace dcsim::grid::test
