// The models behind an LLM pool's replicas, built from its LlmPoolConfig: iteration time from the
// roofline fitted to ML.ENERGY (roofline.hpp), per-GPU power from the roofline's activity
// (gpu_power_model.hpp, activity law) with an optional cap. Under a cap the iteration time grows by
// 1 / throughput_factor, so a cap trades latency for power; a speed factor s < 1 (thermal
// throttling, throttle.hpp) slows the clock and lowers the power by the same clock-power law. The
// pool factories (llm_pool_factory, disagg_pool_factory) only wire these into pools.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "models/power/gpu_power_model.hpp"
#include "models/serving/llm_pool.hpp"
#include "models/serving/roofline.hpp"
#include "models/serving/throttle.hpp"

namespace dcsim::serving {

// Everything an LLM pool keeps a reference to; kept alive with the pool (BuiltPool::parts).
struct LlmPoolParts {
  std::unique_ptr<Roofline> roofline;
  std::unique_ptr<power::GpuPowerModel> gpu_power;
  std::unique_ptr<IterationTimeModel> iteration_time;  // roofline, slowed down under a power cap
  std::unique_ptr<LlmPool> pool;
  std::vector<std::unique_ptr<LlmPoolParts>> points;   // the models of other operating points
};

// The roofline of a pool config: the fitted GPU constants with the pool's KV memory rule
// (gpu_memory_utilization, reserve per GPU), so pool and roofline agree on the KV capacity.
RooflineParams roofline_params_for(const LlmPoolConfig& cfg);

// Per-GPU activity fractions of one iteration (roofline times over the iteration time).
power::GpuActivity gpu_activity(const GpuActivityTimes& t);

// Power of one replica's GPUs (tp x per-GPU, capped, at speed factor `speed`) for an iteration of
// the roofline.
double replica_power_w(const Roofline& roofline, const power::GpuPowerModel& gpu, const RooflineLoad& load,
                       double speed = 1.0);

// Fills parts' roofline, GPU power model (capped if power_cap_w > 0) and iteration time (which also
// gives the pool the activity power of each iteration) for `cfg`; returns the power of one
// replica's GPUs by batch for the pool's table (0: idle; b > 0: a decode iteration of b sequences
// at the LM-Arena mean context, used only by models without activity power). parts.pool is left empty.
// `speed`: the speed factor of a throttled replica (throttle.hpp), 1 nominal.
std::function<double(double)> make_llm_models(LlmPoolParts& parts, const LlmPoolConfig& cfg, double power_cap_w,
                                              double speed = 1.0);

// The models of each operating point of a pool whose initial point is {power_cap_w, 1}: that one
// is `parts` (filled here by make_llm_models), the others are made when a command asks, kept in
// parts->points. `parts` must outlive the pool.
LlmPointMaker llm_point_maker(LlmPoolParts& parts, const LlmPoolConfig& cfg, double power_cap_w);

}  // namespace dcsim::serving
