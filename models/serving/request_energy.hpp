// Analytic per-request energy (validation cases VC1 and VC2 of calibration.yaml). Pure functions.
//
// VC1, Epoch AI "How much energy does ChatGPT use?" (J. You, Feb 2025, epoch2025.assumptions):
//   FLOP = 2 * active_params * output_tokens                                   [FLOP]
//   t    = FLOP / (peak_flops * mfu)                                           [GPU-s]
//   P    = node_power_per_gpu_W * util_power_fraction * pue                    [W]
//   E    = t * P                                                               [J]
//   Baseline: 1e11 params, 500 tokens, 989e12 FLOP/s, MFU 0.10, 1275 W/GPU (DGX H100 10.2 kW / 8),
//   0.7 power fraction at partial utilisation, PUE 1.2 -> 1083 J = 0.3008 Wh.
// VC2, MIT Technology Review daily mix (O'Donnell & Crownhart, May 2025, mittr2025.*):
//   E_day = sum_i count_i * J_per_item_i                                       [J]
//   15 x 6706 J (Llama-3.1-405B text) + 10 x 2282 J (SD3-Medium image) + 3 x 3.4e6 J (5 s video)
//   = 10 323 410 J = 2.868 kWh.
#pragma once

#include <span>

namespace dcsim::serving {

struct EpochQueryInputs {
  double active_params = 1e11;
  double output_tokens = 500;
  double peak_flops = 989e12;         // [FLOP/s]
  double mfu = 0.10;
  double node_power_per_gpu_W = 1275; // [W]
  double util_power_fraction = 0.7;
  double pue = 1.2;
};

double query_flops(const EpochQueryInputs& in);       // [FLOP]
double query_gpu_seconds(const EpochQueryInputs& in); // [s]
double query_power_W(const EpochQueryInputs& in);     // [W]
double query_energy_J(const EpochQueryInputs& in);    // [J]

struct MixItem {
  double count = 0;       // items per user per day
  double J_per_item = 0;  // [J]
};
double daily_mix_energy_J(std::span<const MixItem> items);  // [J]

inline constexpr double kJoulePerWh = 3600.0;
inline constexpr double kJoulePerKWh = 3.6e6;

}  // namespace dcsim::serving
