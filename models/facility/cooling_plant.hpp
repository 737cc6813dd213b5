// The cooling plant: economizer, chillers, distribution (CRAH fans, CDU pumps), primary and
// condenser pumps, heat rejection (cooling towers or dry coolers, optional adiabatic assist) and
// the water it uses. Temperatures in degC; powers in W; water in L (1 kg).
//
// Heat-rejection air temperature and leaving water:
//   T_air   = T_wb (tower) | T_db (dry cooler) | T_db − ε (T_db − T_wb) when adiabatic and T_db > T_ad
//   T_rej   = T_air + approach_tower | approach_dry
// Economizer (plate heat exchanger, approach ΔT_hx) on a loop with supply T_s and return T_s + ΔT:
//   T_econ  = T_rej + ΔT_hx
//   φ       = clamp((T_s + δ + ΔT − T_econ) / ΔT, 0, 1)  share of the loop's heat (1: full, 0: none)
//   δ = how far the loop runs above its setpoint (thermal.hpp): a loop short of chillers warms
//   until its economizer carries the heat (T_s + δ ≥ T_econ), so an economizer-only loop floats at
//   T_econ instead of warming without bound.
// Chillers carry (1 − φ) Q at leaving T_s with condenser entering T_rej (water-cooled) or T_air
// (air-cooled), staged (chiller.hpp). Loop capacity:
//   Q_cap = min(chiller capacity / (1 − φ), Q_design)     (chillers alone: ∞ at φ = 1)
// The loop's fans (CRAH) and pumps (CDU) move at most their design flow, which carries Q_design at
// the design ΔT: a loop that warmed in a shortfall is pulled back at most at Q_design − Q_in, not
// in one step (an unbounded capacity removed the whole stored heat C·δ in one step and the
// cube law then charged the fans (Q/Q_design)³ for it: 880 MW of fans for a 5 kW site; the
// facility's energy balance failed on the rounding of the transformer loss that load implied).
// Distribution and pumps by the affinity laws (flow ∝ heat at a fixed ΔT, power ∝ flow³):
//   P = k · Q_design · max(f_min, Q/Q_design)³,   k = Δp / (η · ρ c_p · ΔT)   (W per W of heat)
//   CRAH fans: air Δp, η, ΔT_air; loop pumps: head, η, ΔT; condenser pumps: head, η, ΔT_cw;
//   tower / dry-cooler fans: k given as a fraction of the design heat rejected.
// Rejected heat Q_rej = economizer heat + water-cooled chillers' condenser heat (Q + P).
// Water (towers):  E = s · Q_rej / h_fg,  B = E / (N − 1),  D = d · Q_rej / (ρ c_p ΔT_cw)
//   s = 0.895: the rule of thumb "evaporation = 0.00085 × flow × range (°F)" (ASHRAE Handbook—HVAC
//   Systems and Equipment, cooling towers; Cooling Technology Institute) is 0.00085 lb per Btu,
//   i.e. 0.895 of the heat as latent at h_fg = 2.45 MJ/kg (20 degC); N cycles of concentration;
//   d drift fraction of the circulating flow.
// Water (adiabatic assist): the air through dry coolers (and air-cooled condensers) is pre-cooled
//   by ε (T_db − T_wb): W = Q_rej,air · ε (T_db − T_wb) / (ΔT_coil · h_fg)   (kg/s of evaporation;
//   ΔT_coil the air's rise through the coil). Dry coolers alone use no water.
// Simplifications: fan and pump heat is not fed back into the load; the chillers' chilled water
// leaves at the loop's supply temperature whatever the load.
#pragma once

#include "models/facility/chiller.hpp"
#include "models/weather/weather.hpp"

namespace dcsim::facility {

enum class ChillerKind { water_cooled, air_cooled, none };
enum class Rejection { cooling_tower, dry_cooler };

inline constexpr double kLatentHeatJPerKg = 2.45e6;  // water at 20 degC (steam tables)
inline constexpr double kWaterCp = 4186.0;           // J/(kg K)
inline constexpr double kAirCp = 1006.0;             // J/(kg K)
inline constexpr double kAirDensity = 1.2;           // kg/m³ at 20 degC, sea level

// W of fan or pump power per W of heat at design flow: Δp / (η ρ c_p ΔT).
inline double affinity_k(double pressure_pa, double efficiency, double density, double cp, double delta_c) {
  return pressure_pa / (efficiency * density * cp * delta_c);
}

struct LoopSpec {
  double design_heat_w = 0;   // 0: the loop is absent
  double supply_c = 18;       // chilled / facility water supply setpoint
  double delta_c = 8;         // return − supply
  double distribution_k = 0;  // CRAH fans (air loop) or CDU pumps (liquid loop), per W at design
  double pump_k = 0;          // primary loop pumps, per W at design
  int chillers = 0;           // 0: economizer only
  ChillerSpec chiller;
};

struct PlantSpec {
  ChillerKind chillers = ChillerKind::water_cooled;
  Rejection rejection = Rejection::cooling_tower;
  bool economizer = true;
  double hx_approach_c = 2;
  double tower_approach_c = 4;
  double dry_cooler_approach_c = 6;
  bool adiabatic = false;
  double adiabatic_above_c = 20;
  double adiabatic_effectiveness = 0.8;
  double coil_air_delta_c = 10;
  double evaporated_share = 0.895;
  double cycles = 5;
  double drift = 5e-5;
  double condenser_delta_c = 5.6;
  double condenser_pump_k = 0;
  double rejection_fan_k = 0.0134;
  double design_rejection_w = 0;
  double min_flow = 0.3;
  LoopSpec loops[2];  // 0 air, 1 liquid
};

struct Availability {
  double t_air_c = 0, t_reject_c = 0, t_condenser_c = 0;
  bool adiabatic_on = false;
  double economizer_fraction[2] = {0, 0};
  double capacity_w[2] = {0, 0};
};

struct PlantStep {
  double chillers_w = 0, distribution_w = 0, pumps_w = 0, rejection_fans_w = 0;
  double total_w = 0;
  double economizer_heat_w = 0, chiller_heat_w = 0, rejected_w = 0;
  double water_l_per_s = 0;
  int chillers_running = 0;
};

class CoolingPlant {
 public:
  explicit CoolingPlant(PlantSpec s) : s_(s) {}
  const PlantSpec& spec() const { return s_; }
  // delta_c[l]: loop l's temperature above its setpoint (≥ 0).
  Availability available(const weather::Conditions& out, const double delta_c[2]) const;
  PlantStep operate(const weather::Conditions& out, const Availability& a, const double removed_w[2]) const;

 private:
  PlantSpec s_;
};

}  // namespace dcsim::facility
