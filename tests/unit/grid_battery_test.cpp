// The battery (battery.hpp): state of charge within its bounds, and round-trip losses equal to
// the product of the charge and discharge efficiencies; PVWatts (solar_pv.hpp) against a hand
// calculation; gensets' start delay (genset.hpp).
#include <catch2/catch.hpp>

#include <cmath>

#include "models/grid/battery.hpp"
#include "models/grid/genset.hpp"
#include "models/grid/solar_pv.hpp"
#include "sim/util/rng.hpp"

using namespace dcsim::grid;

namespace {

BatterySpec spec() {
  BatterySpec s;
  s.capacity_j = 3.6e9;  // 1 MWh
  s.charge_power_w = 0.5e6;
  s.discharge_power_w = 0.5e6;
  s.charge_efficiency = 0.95;
  s.discharge_efficiency = 0.9;
  s.soc_min = 0.1;
  s.soc_max = 0.9;
  s.soc_initial = 0.1;
  s.reserve = 0.1;
  return s;
}

}  // namespace

TEST_CASE("grid battery: round-trip losses equal the efficiencies and SoC stays within its bounds") {
  Battery b(spec());
  const double dt = 10;
  double in = 0, out = 0;
  // Charge as hard as allowed until full; the SoC never passes soc_max.
  while (b.max_charge_w(dt) > 0) {
    const double c = b.max_charge_w(dt);
    b.apply(-c, dt);
    in += c * dt;
    CHECK(b.soc() <= 0.9 + 1e-12);
  }
  CHECK(b.soc() == Approx(0.9).epsilon(1e-12));
  // 0.8 MWh stored took 0.8 / 0.95 MWh of AC energy.
  CHECK(in == Approx(0.8 * 3.6e9 / 0.95).epsilon(1e-12));
  while (b.max_discharge_w(dt, 0.1) > 0) {
    const double p = b.max_discharge_w(dt, 0.1);
    b.apply(p, dt);
    out += p * dt;
    CHECK(b.soc() >= 0.1 - 1e-12);
  }
  CHECK(b.soc() == Approx(0.1).epsilon(1e-12));
  CHECK(out / in == Approx(0.95 * 0.9).epsilon(1e-12));
  CHECK(b.loss_j() == Approx(in - out).epsilon(1e-12));
  CHECK(b.charged_j() == Approx(in));
  CHECK(b.discharged_j() == Approx(out));
  // Power ratings bound a step: 0.5 MW.
  Battery c(spec());
  CHECK(c.max_charge_w(1) == 0.5e6);
  CHECK_THROWS_AS(c.apply(0.6e6 * -1, 1), std::logic_error);
}

TEST_CASE("grid battery: random charge and discharge never leave soc_min - soc_max") {
  Battery b(spec());
  dcsim::Rng rng(1, "battery");
  for (int i = 0; i < 20000; ++i) {
    const double dt = rng.uniform(1, 600);
    const double p = rng.uniform(-1, 1) > 0 ? b.max_discharge_w(dt, 0.1) * rng.uniform() : -b.max_charge_w(dt) * rng.uniform();
    b.apply(p, dt);
    REQUIRE(b.soc() >= 0.1 - 1e-12);
    REQUIRE(b.soc() <= 0.9 + 1e-12);
  }
  // Energy conservation: stored change = in x eta_c - out / eta_d.
  CHECK(b.stored_j() - 0.1 * 3.6e9 == Approx(b.charged_j() * 0.95 - b.discharged_j() / 0.9).margin(1e-3));
}

TEST_CASE("grid solar: PVWatts v5 at 1000 W/m2 and 25 degC by hand") {
  PvSpec s;
  s.dc_capacity_w = 1e6;
  // T_m = 1000 exp(-3.56 - 0.075) + 25 = 51.39 degC; T_c = 54.39 degC.
  const double t_cell = 1000 * std::exp(-3.56 - 0.075) + 25 + 3;
  const double p_dc = 1e6 * (1 - 0.0047 * (t_cell - 25)) * (1 - 0.14);
  const double p_ac0 = 1e6 / 1.2;
  const double zeta = p_dc / (p_ac0 / 0.96);
  const double eta = 0.96 / 0.9637 * (-0.0162 * zeta - 0.0059 / zeta + 0.9858);
  CHECK(pv_ac_power_w(s, 1000, 25) == Approx(std::min(eta * p_dc, p_ac0)).epsilon(1e-12));
  CHECK(pv_ac_power_w(s, 0, 25) == 0);
  // Hotter modules give less; the inverter clips at the AC rating.
  CHECK(pv_ac_power_w(s, 800, 40) < pv_ac_power_w(s, 800, 10));
  s.dc_ac_ratio = 2.0;
  CHECK(pv_ac_power_w(s, 1000, 0) == Approx(0.5e6));
  // Synthetic irradiance: zero at night, a midday maximum below 1100 W/m2.
  dcsim::Rng rng(1, "sun");
  const HourlySeries sun = synthetic_irradiance(37, -120, 2025, 1.0, 0.0, rng);
  CHECK(sun.values()[172 * 24 + 8] == 0);                 // 00:00 PST on 21 June
  CHECK(sun.values()[172 * 24 + 20] > 800);               // 12:00 PST
  CHECK(sun.values()[172 * 24 + 20] < 1100);
}

TEST_CASE("grid gensets: available only after the start delay - stop after min_run without need") {
  GensetSpec s;
  s.capacity_w = 2e6;
  s.start_delay_s = 10;
  s.min_run_s = 60;
  Gensets g(s);
  CHECK(g.available_w(0, 10) == 0);
  g.start(0);
  CHECK(g.available_w(0, 10) == 0);
  CHECK(g.available_w(5, 15) == Approx(1e6));  // ready at 10 s: half the step
  CHECK(g.available_w(10, 20) == 2e6);
  CHECK_FALSE(g.run(10, 20, 2e6));
  CHECK(g.energy_j() == 2e7);
  CHECK(g.emissions_g() == Approx(2e7 * 730 / 3.6e6));
  CHECK_FALSE(g.run(20, 60, 0));
  CHECK(g.run(60, 80, 0));  // 60 s since the last need at 20 s
  CHECK_FALSE(g.started());
}
