// GPU power of the placeholder pool: a two-state model.
//
//   P_pool = N_gpus * P_idle + N_busy * (P_busy - P_idle)
//
// P_idle: a GPU with no request running (default 75 W, midpoint of calibration.yaml
// est.h100_idle, 60-90 W); P_busy: a GPU serving a request (default 700 W, the H100 SXM TDP,
// hw.h100_sxm). GPUs still loading their weights count as idle. The calibrated activity-dependent
// model (ML.ENERGY batch sweep: 486 W at batch 8 to ~690 W at batch >= 192) replaces this in the
// GPU-serving issue; keep the pool calling one function for its power.
#pragma once

namespace dcsim::power {

struct IdleBusyGpuPower {
  double idle_w = 75.0;
  double busy_w = 700.0;

  double pool_power_w(double gpus_total, double gpus_busy) const {
    return gpus_total * idle_w + gpus_busy * (busy_w - idle_w);
  }
};

}  // namespace dcsim::power
