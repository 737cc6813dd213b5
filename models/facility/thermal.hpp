// Thermal mass of a coolant loop and GPU thermal throttling.
//
// First-order loop (room air + equipment + chilled water, or the direct-to-chip coolant):
//   C dT/dt = Q_in − Q_out,   Q_out = clamp(Q_in + C (T − T_set)/Δt, 0, Q_cap)
// over a facility step of length Δt with Q_in (heat) and Q_cap (plant capacity) constant: the
// plant removes the heat and pulls T back to its setpoint within the step when it can; when it is
// short of capacity, T rises at exactly (Q_in − Q_cap)/C. Exact for piecewise-constant inputs:
// the stored energy C ΔT equals ∫(Q_in − Q_out) dt.
//   C = ρ_air c_p V_air + c_steel m_equipment + c_w m_water   (J/K; c_steel = 500 J/(kg K))
//
// Throttling. A GPU at power P with inlet (or coolant) temperature T runs at T + R_th P; it slows
// down at T_slow. With R_th fixed by "a GPU at TDP reaches T_slow at the inlet limit T_lim",
//   P_allowed = TDP · clamp((T_slow − T) / (T_slow − T_lim), a_min, 1)        (the thermal cap)
//   s         = (P_allowed / TDP)^(1/3)                                         (speed factor)
// using the cap-throughput law of models/power/gpu_power_model.hpp (throughput ∝ (cap/P)^(1/3)).
// Constants: T_lim = 30 degC air inlet (NVIDIA DGX H100 operating range 5-30 degC, DGX H100 User
// Guide), T_slow = 87 degC (H100 "GPU Max Operating Temp" as reported by nvidia-smi -q;
// unverified_recall), liquid T_lim = 45 degC (ASHRAE TC9.9 liquid-cooling class W45 upper supply
// temperature). ASSUMPTION: throttling is linear in temperature between T_lim and T_slow (the
// thermal resistance is constant and fans are already at full speed above T_lim).
#pragma once

#include <algorithm>
#include <cmath>

namespace dcsim::facility {

inline constexpr double kSteelCp = 500.0;  // J/(kg K)

struct ThermalNode {
  double capacity_j_per_k = 1e7;
  double setpoint_c = 27;
  double t_c = 27;

  // Returns the heat removed over the step (W, mean); updates t_c.
  double step(double q_in_w, double q_cap_w, double dt_s) {
    const double want = q_in_w + capacity_j_per_k * (t_c - setpoint_c) / dt_s;
    const double q_out = std::clamp(want, 0.0, std::max(0.0, q_cap_w));
    t_c += (q_in_w - q_out) * dt_s / capacity_j_per_k;
    return q_out;
  }
};

struct ThrottleModel {
  double limit_c = 30;
  double slowdown_c = 87;
  double min_fraction = 0.3;

  double power_fraction(double t_c) const {
    return std::clamp((slowdown_c - t_c) / (slowdown_c - limit_c), min_fraction, 1.0);
  }
  double speed(double t_c) const { return std::cbrt(power_fraction(t_c)); }
};

}  // namespace dcsim::facility
