// Builds a continuous-batching LLM pool from a scenario pool block (`serving: llm` and its `llm:`
// block): hardware and model from the catalog, the replica models (roofline time, activity power,
// cap) from llm_models.hpp.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "models/catalog/catalog.hpp"
#include "models/power/gpu_power_model.hpp"
#include "models/serving/llm_models.hpp"
#include "sim/scenario/config.hpp"

namespace dcsim::serving {

// The LlmPoolConfig of a block with the llm parameters (`llm:`, `disaggregated:`), its tensor-parallel
// degree read from `tp_key`; InputError (located) if the model is not a language model or does not fit.
LlmPoolConfig read_llm_config(const scenario::Config& block, const scenario::Config& pool_cfg,
                              const catalog::Catalog& catalog, const std::string& tp_key);

LlmPoolParts make_llm_pool(const scenario::Config& pool_cfg, const catalog::Catalog& catalog, PoolPlacement placement,
                           Engine& engine, output::Recorder& recorder, std::vector<RequestObserver*> observers);

}  // namespace dcsim::serving
