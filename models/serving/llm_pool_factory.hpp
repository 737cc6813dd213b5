// Builds a continuous-batching LLM pool from a scenario pool block (`serving: llm` and its `llm:`
// block): hardware and model from the catalog, iteration time from the roofline model fitted to
// ML.ENERGY (roofline.hpp), GPU power from the fitted activity curve with an optional cap
// (gpu_power_model.hpp). Under a cap the iteration time grows by 1 / throughput_factor, so a cap
// trades latency for power.
#pragma once

#include <memory>

#include "models/catalog/catalog.hpp"
#include "models/power/gpu_power_model.hpp"
#include "models/serving/llm_pool.hpp"
#include "models/serving/roofline.hpp"
#include "sim/scenario/config.hpp"

namespace dcsim::serving {

// Everything an LLM pool keeps a reference to; owned by the world.
struct LlmPoolParts {
  std::unique_ptr<Roofline> roofline;
  std::unique_ptr<power::GpuPowerModel> gpu_power;
  std::unique_ptr<IterationTimeModel> iteration_time;  // roofline, slowed down under a power cap
  std::unique_ptr<LlmPool> pool;
};

LlmPoolParts make_llm_pool(const scenario::Config& pool_cfg, const catalog::Catalog& catalog, PoolPlacement placement,
                           Engine& engine, output::Recorder& recorder, std::vector<RequestObserver*> observers);

}  // namespace dcsim::serving
