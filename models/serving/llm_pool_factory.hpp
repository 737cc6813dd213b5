// Builds a continuous-batching LLM pool from a scenario pool block (`serving: llm` and its `llm:`
// block): hardware and model from the catalog, iteration time from the roofline model fitted to
// ML.ENERGY (roofline.hpp), GPU power from the fitted activity curve with an optional cap
// (gpu_power_model.hpp). Under a cap the iteration time grows by 1 / throughput_factor, so a cap
// trades latency for power.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "models/catalog/catalog.hpp"
#include "models/power/gpu_power_model.hpp"
#include "models/serving/llm_models.hpp"
#include "models/serving/llm_pool.hpp"
#include "models/serving/pool_kind.hpp"
#include "models/serving/roofline.hpp"
#include "sim/scenario/config.hpp"
#include "sim/scenario/param.hpp"

namespace dcsim::serving {

// The LlmPoolConfig of a block with the llm parameters (`llm:`, `disaggregated:`), its tensor-parallel
// degree read from `tp_key`; InputError (located) if the model is not a language model or does not fit.
LlmPoolConfig read_llm_config(const scenario::Config& block, const scenario::Config& pool_cfg,
                              const catalog::Catalog& catalog, const std::string& tp_key);

// The parameters shared by the `llm:` and `disaggregated:` blocks (declared once), and their
// `routing` sub-block (a pool_routing model; default least_outstanding_tokens).
std::vector<scenario::ParamSpec> llm_shared_params();
scenario::ChildSpec llm_routing_child();
// The replica router of a block with a `routing` child.
std::unique_ptr<scheduling::ReplicaRouter> make_replica_router(const scenario::Config& block, const PoolBuild& b);
// InputError (located) at `key` of pool_cfg.child(block) unless it divides gpus_per_server.
void check_divides_server(const scenario::Config& pool_cfg, const std::string& block, const std::string& key,
                          scenario::Diagnostics& diags);

}  // namespace dcsim::serving
