// Carbon intensity arithmetic (fuel.hpp) against hand-computed mixes, the marginal fuel rule,
// and hourly series on the scenario calendar (hourly_series.hpp): exact means, calendar
// alignment, repetition.
#include <catch2/catch.hpp>

#include "models/grid/fuel.hpp"
#include "models/grid/hourly_series.hpp"
#include "sim/scenario/datetime.hpp"
#include "tests/unit/grid_support.hpp"

using namespace dcsim::grid;
using dcsim::scenario::parse_datetime;

namespace {

FuelArray mix(std::initializer_list<std::pair<Fuel, double>> shares) {
  FuelArray m{};
  for (const auto& [f, s] : shares) m[index(f)] = s;
  return m;
}

}  // namespace

TEST_CASE("grid intensity: hand-computed mixes with the lifecycle and direct factor sets") {
  const FuelArray lc = emission_factors(FactorBasis::lifecycle);
  const FuelArray di = emission_factors(FactorBasis::direct);
  // Half coal, half wind: (0.5 x 820 + 0.5 x 11) = 415.5 g/kWh lifecycle; 0.5 x 1050.22 direct.
  const FuelArray a = mix({{Fuel::coal, 50}, {Fuel::wind, 50}});
  CHECK(g_per_kwh(intensity(a, lc)) == Approx(415.5).epsilon(1e-12));
  CHECK(g_per_kwh(intensity(a, di)) == Approx(0.5 * 709e3 / 675.115).epsilon(1e-12));
  // 8000 MW gas, 2200 nuclear, 1500 hydro, 1300 wind, 1000 other (the EIA-930 sample's first hour):
  // (8000x490 + 2200x12 + 1500x24 + 1300x11 + 1000x700) / 14000 = 4,696,700 / 14,000 = 335.4786 g/kWh.
  const FuelArray b = mix({{Fuel::gas, 8000}, {Fuel::nuclear, 2200}, {Fuel::hydro, 1500}, {Fuel::wind, 1300}, {Fuel::other, 1000}});
  CHECK(g_per_kwh(intensity(b, lc)) == Approx(4696700.0 / 14000.0).epsilon(1e-12));
  // Direct: only gas and other emit: (8000 x 437.41 + 1000 x 900) / 14000.
  CHECK(g_per_kwh(intensity(b, di)) == Approx((8000 * 790e3 / 1806.063 + 1000 * 900.0) / 14000).epsilon(1e-12));
  // The US 2023 EIA table: the generation of coal, gas and petroleum with their factors and the
  // 15 Mt of other fossil gases over 4,183,271 GWh gives 1532 Mt / 4,183,271 GWh = 366.2 g/kWh.
  const FuelArray us = mix({{Fuel::coal, 675115}, {Fuel::gas, 1806063}, {Fuel::oil, 16233}, {Fuel::other, 15e3 / 0.9}});
  FuelArray us_all = us;
  us_all[index(Fuel::nuclear)] = 4183271 - 675115 - 1806063 - 16233 - 15e3 / 0.9;
  CHECK(g_per_kwh(intensity(us_all, di)) == Approx(1532e3 / 4183.271).epsilon(1e-3));
  CHECK(intensity(FuelArray{}, lc) == 0);
}

TEST_CASE("grid intensity: the marginal fuel is the last of the merit order above the threshold") {
  const MeritOrder order = default_merit_order();
  // Coal 60 %, gas 38 %, oil 2 %: oil makes the 2 % threshold and is last in the order.
  CHECK(marginal_fuel(mix({{Fuel::coal, 60}, {Fuel::gas, 38}, {Fuel::oil, 2}}), order, 0.02) == Fuel::oil);
  // Oil at 1 %: below the threshold, so gas is marginal.
  CHECK(marginal_fuel(mix({{Fuel::coal, 61}, {Fuel::gas, 38}, {Fuel::oil, 1}}), order, 0.02) == Fuel::gas);
  // Only zero-cost fuels: the last of them (nuclear after hydro, wind, solar).
  CHECK(marginal_fuel(mix({{Fuel::nuclear, 70}, {Fuel::hydro, 20}, {Fuel::wind, 10}}), order, 0.02) == Fuel::nuclear);
  // A custom order: gas before coal (cheap gas) makes coal marginal.
  const MeritOrder gas_first{Fuel::solar, Fuel::wind, Fuel::nuclear, Fuel::gas, Fuel::coal};
  CHECK(marginal_fuel(mix({{Fuel::coal, 30}, {Fuel::gas, 50}, {Fuel::nuclear, 20}}), gas_first, 0.02) == Fuel::coal);
}

TEST_CASE("grid hourly series: exact means over steps that straddle hours - and the cyclic repeat") {
  const double start = parse_datetime("2025-03-10T00:00:00Z");
  HourlySeries s(start, {100, 200, 400});
  s.bind(start);
  CHECK(s.at(0) == 100);
  CHECK(s.at(3599.999) == 100);
  CHECK(s.at(3600) == 200);
  // [1800, 5400]: half an hour at 100, half at 200.
  CHECK(s.mean(1800, 5400) == Approx(150).epsilon(1e-12));
  // The 3-hour series repeats: hour 3 is hour 0 again.
  CHECK(s.at(3 * 3600 + 10) == 100);
  CHECK(s.integral(0, 6 * 3600) == Approx(2 * 700 * 3600.0).epsilon(1e-12));
  // A step across the wrap: [2.5 h, 3.5 h] = half at 400, half at 100.
  CHECK(s.mean(2.5 * 3600, 3.5 * 3600) == Approx(250).epsilon(1e-12));
  CHECK(s.mean(10, 10) == 100);
}

TEST_CASE("grid hourly series: a file's hours line up with the scenario by calendar date") {
  // A file of 2023 starting 1 July; a scenario starting 2025-07-01T02:00Z sees hour 2 first.
  const double file_start = parse_datetime("2023-07-01T00:00:00Z");
  std::vector<double> v(48);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i);
  HourlySeries s(file_start, v);
  s.bind(parse_datetime("2025-07-01T02:00:00Z"));
  CHECK(s.at(0) == 2);
  CHECK(s.at(3600) == 3);
  // A scenario starting before 1 July of its year uses the previous year's 1 July: 2025-06-30T23:00
  // is 364 days and 23 h after 2024-07-01, i.e. hour 8759 of a 48-hour cycle = hour 23.
  HourlySeries t(file_start, v);
  t.bind(parse_datetime("2025-06-30T23:00:00Z"));
  CHECK(t.at(0) == (364 * 24 + 23) % 48);
  CHECK(same_date_before(parse_datetime("2024-02-29T06:00:00Z"), parse_datetime("2025-05-01T00:00:00Z")) ==
        parse_datetime("2025-03-01T06:00:00Z"));
}
