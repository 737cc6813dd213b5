// Region presets (models/grid/presets.yaml) against the intensities their sources cite
// (calibration.yaml grid.*), the synthetic hourly profile (synthetic_mix.hpp) keeping the annual
// shares, the duck curve of a solar-heavy grid, and the regional gap between grid regions.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdio>

#include "models/grid/presets.hpp"
#include "models/grid/supply.hpp"
#include "models/grid/synthetic_mix.hpp"
#include "tests/unit/grid_support.hpp"

using namespace dcsim::grid;

namespace {

// Generation-weighted annual intensity (g/kWh) of a synthesized year.
double weighted_g_per_kwh(const HourlyMix& m, const FuelArray& ef) {
  double total = 0, w = 0;
  for (const auto& h : m.mw) {
    for (size_t f = 0; f < kFuelCount; ++f) {
      total += h[f];
      w += h[f] * ef[f];
    }
  }
  return g_per_kwh(w / total);
}

}  // namespace

TEST_CASE("grid presets: every preset's annual intensity is within 5 % of each figure it cites") {
  REQUIRE(builtin_presets().size() >= 12);
  for (const RegionPreset& p : builtin_presets()) {
    for (const CitedIntensity& c : p.cited) {
      const double got = p.annual_g_per_kwh(c.basis);
      std::printf("%-18s %-9s %7.1f g/kWh  cited %s %.1f [%g, %g]\n", p.name.c_str(), basis_name(c.basis), got,
                  c.id.c_str(), c.g_per_kwh, c.low, c.high);
      INFO(p.name << " " << c.id << " (" << basis_name(c.basis) << "): " << got << " g/kWh vs " << c.low << "-" << c.high);
      CHECK(got >= 0.95 * c.low);
      CHECK(got <= 1.05 * c.high);
    }
  }
}

TEST_CASE("grid presets: the US 2023 average within 5 % of EIA - direct and OWID - lifecycle") {
  const RegionPreset& us = find_preset("us-2023");
  CHECK(us.annual_g_per_kwh(FactorBasis::direct) == Approx(367).epsilon(0.05));
  CHECK(us.annual_g_per_kwh(FactorBasis::lifecycle) == Approx(369).epsilon(0.05));
  // The table's own arithmetic: 1532 Mt / 4183.271 TWh = 366.2 g/kWh, within 0.5 %.
  CHECK(us.annual_g_per_kwh(FactorBasis::direct) == Approx(1532e3 / 4183.271).epsilon(0.005));
}

TEST_CASE("grid presets: a data center draws from its grid region - RFCW ~2x CAMX - West Virginia's plants ~4x California's") {
  const double camx = find_preset("camx").annual_g_per_kwh(FactorBasis::direct);
  const double rfcw = find_preset("rfcw").annual_g_per_kwh(FactorBasis::direct);
  const double ca = find_preset("california").annual_g_per_kwh(FactorBasis::direct);
  const double wv = find_preset("west-virginia").annual_g_per_kwh(FactorBasis::direct);
  CHECK(rfcw / camx == Approx(2.0).epsilon(0.1));  // eGRID: 454.1 / 225.6 = 2.01
  CHECK(wv / ca > 3.5);
  CHECK(wv / ca < 5.0);
  CHECK(find_preset("west-virginia").draws_from == "rfcw");
  CHECK(find_preset("california").draws_from == "camx");
  CHECK(find_preset("virginia").draws_from == "srvc");
}

TEST_CASE("grid presets: the synthetic hourly year keeps every preset's annual shares") {
  for (const RegionPreset& p : builtin_presets()) {
    dcsim::Rng rng(3, "test/" + p.name);
    const HourlyMix m = synthesize_mix(p.shares, p.shape, 2025, rng);
    REQUIRE(m.mw.size() == kSyntheticHours);
    FuelArray energy{};
    double total = 0;
    for (const auto& h : m.mw) {
      for (size_t f = 0; f < kFuelCount; ++f) {
        CHECK(h[f] >= 0);
        energy[f] += h[f];
        total += h[f];
      }
    }
    for (size_t f = 0; f < kFuelCount; ++f) {
      INFO(p.name << " " << fuel_name(static_cast<Fuel>(f)));
      CHECK(energy[f] / total == Approx(p.shares[f]).margin(1e-9));
    }
    for (FactorBasis b : {FactorBasis::lifecycle, FactorBasis::direct}) {
      CHECK(weighted_g_per_kwh(m, emission_factors(b)) == Approx(p.annual_g_per_kwh(b)).epsilon(1e-9));
    }
  }
}

TEST_CASE("grid presets: CAMX's synthetic day has the duck curve - low at midday - steep evening rise") {
  const RegionPreset& p = find_preset("camx");
  dcsim::Rng rng(3, "test/duck");
  const HourlyMix m = synthesize_mix(p.shares, p.shape, 2025, rng);
  const FuelArray ef = emission_factors(FactorBasis::direct);
  std::array<double, 24> by_hour{};
  for (size_t h = 0; h < m.mw.size(); ++h) {
    const int local = static_cast<int>((h + 24 - 8) % 24);  // PST
    by_hour[static_cast<size_t>(local)] += g_per_kwh(intensity(m.mw[h], ef)) / 365.0;
  }
  double midday = 0, evening = 0, night = 0;
  for (int h = 10; h < 15; ++h) midday += by_hour[static_cast<size_t>(h)] / 5;
  for (int h = 19; h < 22; ++h) evening += by_hour[static_cast<size_t>(h)] / 3;
  for (int h = 0; h < 5; ++h) night += by_hour[static_cast<size_t>(h)] / 5;
  std::printf("CAMX mean intensity by local hour: 10-15 h %.0f, 19-22 h %.0f, 0-5 h %.0f g/kWh\n", midday, evening, night);
  CHECK(midday < 0.8 * evening);  // grid.duck_curve: lowest ~10:00-15:00
  CHECK(midday < 0.8 * night);    // high overnight
  CHECK(by_hour[20] - by_hour[16] > 0.2 * midday);  // steep rise 17:00-21:00
}

TEST_CASE("grid presets: the marginal intensity of a coal-and-gas grid is gas's factor in most hours") {
  const RegionPreset& p = find_preset("rfcw");
  dcsim::Rng rng(3, "test/marginal");
  const auto supply = GridSupply::from_mix(synthesize_mix(p.shares, p.shape, 2025, rng),
                                           emission_factors(FactorBasis::direct), default_merit_order(), 0.02, "rfcw",
                                           test::kStart2025);
  int gas = 0;
  for (int h = 0; h < 8760; ++h) gas += supply->marginal_at(h * 3600.0 + 1) == emission_factors(FactorBasis::direct)[index(Fuel::gas)];
  CHECK(gas > 8000);
  // The supply's weighted mean is the annual figure.
  CHECK(g_per_kwh(supply->weighted_mean()) == Approx(p.annual_g_per_kwh(FactorBasis::direct)).epsilon(1e-9));
}

TEST_CASE("grid presets: a bad presets file is reported at file:line") {
  const auto issues = test::input_issues([] { load_presets(test::kGridData + "bad_presets.yaml"); });
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].where.line == 7);
  CHECK_THAT(issues[0].message, Catch::Contains("shares sum to"));
}
