#include "models/facility/cooling_plant.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dcsim::facility {

namespace {
double cube_law(double k, double design, double q, double min_flow) {
  if (design <= 0 || q <= 0) return 0;
  const double f = std::max(min_flow, q / design);
  return k * design * f * f * f;
}
}  // namespace

Availability CoolingPlant::available(const weather::Conditions& out, const double delta_c[2]) const {
  Availability a;
  a.adiabatic_on = s_.adiabatic && out.drybulb_c > s_.adiabatic_above_c;
  const double db_eff = a.adiabatic_on ? out.drybulb_c - s_.adiabatic_effectiveness * (out.drybulb_c - out.wetbulb_c)
                                       : out.drybulb_c;
  if (s_.rejection == Rejection::cooling_tower) {
    a.t_air_c = out.wetbulb_c;
    a.t_reject_c = out.wetbulb_c + s_.tower_approach_c;
  } else {
    a.t_air_c = db_eff;
    a.t_reject_c = db_eff + s_.dry_cooler_approach_c;
  }
  a.t_condenser_c = s_.chillers == ChillerKind::air_cooled ? db_eff : a.t_reject_c;
  const double t_econ = a.t_reject_c + s_.hx_approach_c;
  for (int l = 0; l < 2; ++l) {
    const LoopSpec& loop = s_.loops[l];
    if (loop.design_heat_w <= 0) continue;
    const double supply = loop.supply_c + std::max(0.0, delta_c[l]);
    const double phi = s_.economizer ? std::clamp((supply + loop.delta_c - t_econ) / loop.delta_c, 0.0, 1.0) : 0.0;
    a.economizer_fraction[l] = phi;
    const int n = s_.chillers == ChillerKind::none ? 0 : loop.chillers;
    const double chill = n > 0 ? staged(loop.chiller, n, 0, supply, a.t_condenser_c).capacity_w : 0.0;
    const double plant = phi >= 1.0 ? std::numeric_limits<double>::infinity() : chill / (1.0 - phi);
    a.capacity_w[l] = std::min(plant, loop.design_heat_w);  // fans and pumps at most at design flow

  }
  return a;
}

PlantStep CoolingPlant::operate(const weather::Conditions& out, const Availability& a, const double removed_w[2]) const {
  PlantStep p;
  double rejected_air_path = 0;  // heat leaving through dry coolers / air-cooled condensers (adiabatic water)
  for (int l = 0; l < 2; ++l) {
    const LoopSpec& loop = s_.loops[l];
    const double q = std::max(0.0, removed_w[l]);
    if (loop.design_heat_w <= 0 || q <= 0) continue;
    const double econ = a.economizer_fraction[l] * q;
    const double chill_q = q - econ;
    double chill_w = 0;
    if (chill_q > 0 && s_.chillers != ChillerKind::none && loop.chillers > 0) {
      const StagedPoint sp = staged(loop.chiller, loop.chillers, chill_q, loop.supply_c, a.t_condenser_c);
      chill_w = sp.power_w;
      p.chillers_running += sp.running;
    }
    p.chillers_w += chill_w;
    p.economizer_heat_w += econ;
    p.chiller_heat_w += chill_q;
    p.distribution_w += cube_law(loop.distribution_k, loop.design_heat_w, q, s_.min_flow);
    p.pumps_w += cube_law(loop.pump_k, loop.design_heat_w, q, s_.min_flow);
    if (s_.chillers == ChillerKind::air_cooled) {
      p.rejected_w += econ;
      rejected_air_path += chill_q + chill_w;
    } else {
      p.rejected_w += econ + chill_q + chill_w;
    }
  }
  p.pumps_w += cube_law(s_.condenser_pump_k, s_.design_rejection_w, p.rejected_w, s_.min_flow);
  p.rejection_fans_w = cube_law(s_.rejection_fan_k, s_.design_rejection_w, p.rejected_w, s_.min_flow);
  if (s_.rejection == Rejection::cooling_tower) {
    const double evap = s_.evaporated_share * p.rejected_w / kLatentHeatJPerKg;                // kg/s
    const double blowdown = s_.cycles > 1 ? evap / (s_.cycles - 1) : 0;
    const double drift = s_.drift * p.rejected_w / (kWaterCp * s_.condenser_delta_c);          // kg/s
    p.water_l_per_s = evap + blowdown + drift;
  } else {
    rejected_air_path += p.rejected_w;
  }
  if (a.adiabatic_on) {
    p.water_l_per_s += rejected_air_path * s_.adiabatic_effectiveness * (out.drybulb_c - out.wetbulb_c) /
                       (s_.coil_air_delta_c * kLatentHeatJPerKg);
  }
  p.total_w = p.chillers_w + p.distribution_w + p.pumps_w + p.rejection_fans_w;
  return p;
}

}  // namespace dcsim::facility
