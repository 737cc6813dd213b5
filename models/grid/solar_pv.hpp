// On-site solar, after NREL's PVWatts v5 (Dobos 2014, NREL/TP-6A20-62641):
//
//   cell temperature (Sandia module model, open rack glass/polymer: a = −3.56, b = −0.075, ΔT = 3 °C)
//       T_m = E · exp(a + b·v_wind) + T_amb,   T_c = T_m + (E / 1000 W/m²) · ΔT
//   DC   P_dc = (E / 1000 W/m²) · P_dc0 · (1 + γ (T_c − 25 °C)) · (1 − losses)
//            γ = −0.47 %/°C (standard module), losses = 14 % (PVWatts default)
//   AC   P_ac0 = P_dc0 / (DC/AC ratio, 1.2); ζ = P_dc / (P_ac0 / η_nom);
//        η = (η_nom / 0.9637) · (−0.0162 ζ − 0.0059/ζ + 0.9858), η_nom = 0.96;
//        P_ac = min(max(0, η P_dc), P_ac0)
//
// E is the plane-of-array irradiance: an hourly CSV (timestamp, poa_w_per_m2) or a synthetic
// clear-sky series (Haurwitz 1945: GHI = 1098 cos z · exp(−0.057 / cos z) W/m², hourly means of
// four samples) times a clearness factor k = clamp(k̄ + σ_k x_h, 0, 1), x an AR(1) with 24 h
// persistence. The synthetic series is horizontal (no tilt, no angle-of-incidence losses).
// T_amb is the weather model's dry-bulb temperature when the World passes it, else a constant.
#pragma once

#include "models/grid/hourly_series.hpp"
#include "sim/util/rng.hpp"

namespace dcsim::grid {

struct PvSpec {
  double dc_capacity_w = 0;  // 0: no solar
  double dc_ac_ratio = 1.2;
  double gamma_per_c = -0.0047;
  double losses = 0.14;
  double inverter_efficiency = 0.96;
  double wind_speed_m_s = 1.0;
};

// AC output (W) at plane-of-array irradiance poa (W/m²) and ambient temperature t_amb (°C).
double pv_ac_power_w(const PvSpec& spec, double poa_w_m2, double t_amb_c);

// One year of hourly synthetic irradiance (W/m²) from 1 January 00:00 UTC of `year`.
HourlySeries synthetic_irradiance(double latitude_deg, double longitude_deg, int year, double mean_clearness,
                                  double clearness_sd, Rng& rng);

}  // namespace dcsim::grid
