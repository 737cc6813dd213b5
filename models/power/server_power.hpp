// Server (node) power: its GPUs plus a non-GPU part that follows GPU load, clipped to the rating.
//
//   P_gpu   = Σ_i P_gpu,i                                                 (GpuPowerModel, W)
//   u       = clamp((P_gpu − n·P_idle) / (n·(TDP − P_idle)), 0, 1)        GPU load fraction
//   P_other = P_other,idle + (P_other,max − P_other,idle) · u             linear in load
//   P_raw   = P_gpu + P_other
//   P       = min(P_raw, P_max);  clipped = P_raw > P_max
//
// n = ServerSpec.gpus, P_idle = GpuSpec.idle_W (bare idle, no context), TDP = GpuSpec.tdp_W,
// P_other,idle = ServerSpec.other_idle_W, P_other,max = ServerSpec.other_max_W,
// P_max = ServerSpec.max_W. A server whose non-GPU part idles while its GPUs hold a model
// (idle_loaded_W > idle_W) sits at u slightly above 0.
//
// Default non-GPU numbers for a DGX/HGX H100 (ASSUMPTIONS chosen to meet calibration.yaml
// VC10_optional_node_power_envelope; no non-GPU measurement is in calibration.yaml):
//   P_other,idle = 1200 W  engineering estimate (2 Xeon CPUs, ~2 TB DDR5, NVSwitches, 10 NICs,
//                          fans at low speed, NVMe, BMC)
//   P_other,max  = 2900 W  chosen so 8 GPUs at 690 W (mlenergy_v3.h100.llama31_8b.sweep plateau)
//                          give 5520 + 2873 = 8393 W, 0.1 % below the 8.4 kW measured training
//                          peak (meas.hgx_h100_node_training_peak); all 8 at TDP give 8500 W
//   P_max        = 10200 W hw.dgx_h100_power
// The MIT-TR "GPU energy × 2" convention (mittr2025.gpu_share_of_server) would give 11.04 kW
// at the same load, above the rating; it is not used.
//
// Pool of S servers (pool_affine). While no clamp or clip binds on any server, P_other is affine
// in that server's P_gpu, and a sum of affine maps with one slope is affine in the sum:
//   P_other,pool = a + b · P_gpu,pool                                       (exact)
//   b = (P_other,max − P_other,idle) / (n·(TDP − P_idle))                   W of non-GPU per W of GPU
//   a = S · (P_other,idle − (P_other,max − P_other,idle) · P_idle / (TDP − P_idle))
//   P_IT,pool = a + (1 + b) · P_gpu,pool
// The clamps cannot bind when every GPU draws between P_idle and TDP: a GPU that holds a model
// draws ≥ idle_loaded_W ≥ idle_W (catalog check) and the GPU power model clips to [idle_loaded,
// TDP]. The clip cannot bind when n·TDP + P_other,max ≤ P_max (rating_holds; every shipped
// server meets it: DGX H100 5600 + 2900 = 8500 ≤ 10200 W). S may be fractional: a pool whose
// servers hold g ≠ n GPUs counts as (servers · g) / n catalog servers (non-GPU power per GPU as
// in the catalog server; an ASSUMPTION).
// DGX H100 (n = 8, P_idle = 75 W, TDP = 700 W): b = 1700 / 5000 = 0.34, a = S · 996 W.
#pragma once

#include "models/catalog/specs.hpp"

#include <span>

namespace dcsim::power {

inline constexpr double kDgxH100OtherIdleW = 1200.0;
inline constexpr double kDgxH100OtherMaxW = 2900.0;
inline constexpr double kDgxH100MaxW = 10200.0;

struct ServerPower {
  double gpu_w = 0;     // Σ GPU power
  double other_w = 0;   // non-GPU power
  double total_w = 0;   // min(gpu_w + other_w, max_W)
  double load = 0;      // u
  bool clipped = false; // gpu_w + other_w exceeded max_W
  double excess_w = 0;  // gpu_w + other_w - max_W when clipped, else 0
};

// P_other,pool = offset_w + slope · P_gpu,pool (see the header).
struct PoolAffine {
  double offset_w = 0;  // a, W
  double slope = 0;     // b, W of non-GPU power per W of GPU power
};

class ServerPowerModel {
 public:
  // Throws std::invalid_argument on an inconsistent spec (gpus < 1, TDP <= idle, other_max <
  // other_idle, max_W <= 0).
  ServerPowerModel(const catalog::ServerSpec& server, const catalog::GpuSpec& gpu);

  // From the per-GPU powers (count may differ from ServerSpec.gpus; u still uses ServerSpec.gpus).
  ServerPower evaluate(std::span<const double> gpu_w) const;
  // From the sum of the GPU powers.
  ServerPower evaluate_sum(double gpu_sum_w) const;

  // Non-GPU power of `servers` such servers as an affine function of their summed GPU power.
  PoolAffine pool_affine(double servers) const;
  // n·TDP + P_other,max <= P_max: the rating clip never binds, so pool_affine is exact.
  bool rating_holds() const { return n_ * gpu_tdp_w_ + other_max_w_ <= max_w_; }
  double full_load_w() const { return n_ * gpu_tdp_w_ + other_max_w_; }  // n·TDP + P_other,max

 private:
  double n_;
  double gpu_idle_w_;
  double gpu_tdp_w_;
  double other_idle_w_;
  double other_max_w_;
  double max_w_;
};

}  // namespace dcsim::power
