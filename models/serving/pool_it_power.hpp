// IT power of a pool: its GPUs plus its servers' non-GPU part (CPUs, memory, NVSwitches, NICs,
// fans), recorded as series derived from the pool's GPU power at sampling time.
//
//   power_w  = a + (1 + b) · gpu_power_w            (W, step mean)
//   energy_j = a · dt + (1 + b) · gpu_energy_j       (J, over a step of length dt)
//   a, b     = ServerPowerModel::pool_affine(S)      (models/power/server_power.hpp)
//   S        = servers · gpus_per_server / n         n = the catalog server's GPU count
//
// Exact (not a fit): each server's non-GPU power is affine in its own GPU power with one slope
// while 0 <= u <= 1 and no rating clip binds; both hold (see server_power.hpp and the checks
// below), so the per-server sum equals the affine map of the pool sum.
//
// The server type is the pool's `server_type` parameter (catalog name). `auto`: the first catalog
// server (by name) that holds the pool's GPU (`gpu` of the kind's block: llm.gpu, diffusion.gpu,
// disaggregated.gpu; h100-sxm -> dgx-h100); for a fifo pool, which names no catalog GPU,
// dgx-h100 with the `gpu` block's idle and busy power. Input errors (exit 2, located):
//   * a named server holding another GPU than the pool's (llm, diffusion);
//   * no catalog server holding the pool's GPU (auto);
//   * n · TDP + other_max_power > max_power: the node could exceed its rating, the clip would
//     bind and the affine map would overstate power. Rejected rather than clipped.
// A fifo pool's GPUs draw gpu.idle_power or gpu.busy_power: u is measured between these two
// (they replace the catalog GPU's idle and TDP), so busy_power must exceed idle_power.
#pragma once

#include <string>

#include "models/catalog/catalog.hpp"
#include "models/power/server_power.hpp"
#include "sim/output/recorder.hpp"
#include "sim/scenario/config.hpp"

namespace dcsim::serving {

struct PoolItPower {
  std::string server;        // catalog server name
  double servers = 0;        // S (fractional when gpus_per_server != the server's GPU count)
  power::PoolAffine other;   // non-GPU power = other.offset_w + other.slope · GPU power
  double gpu_tdp_w = 0;      // uncapped per-GPU maximum (catalog TDP; fifo pools: gpu.busy_power)
  // IT energy over `seconds` during which the pool's GPUs used `gpu_energy_j`.
  double it_energy_j(double gpu_energy_j, double seconds) const {
    return other.offset_w * seconds + (1.0 + other.slope) * gpu_energy_j;
  }
};

// The pool's server and its affine non-GPU power; `gpu_block`: the block whose `gpu` names the
// pool's catalog GPU ("llm", "diffusion"), or "" for the fifo `gpu` block. Throws scenario::InputError.
PoolItPower pool_it_power(const scenario::Config& pool_cfg, const catalog::Catalog& catalog, const std::string& gpu_block);

// Declares power_w and energy_j under `group` from the pool's gpu_power_w and gpu_energy_j.
void declare_pool_it_series(output::Recorder& recorder, const std::string& group, const PoolItPower& it);

}  // namespace dcsim::serving
