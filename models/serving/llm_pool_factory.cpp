#include "models/serving/llm_pool_factory.hpp"

#include "models/serving/kv_capacity.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace dcsim::serving {


LlmPoolConfig read_llm_config(const scenario::Config& c, const scenario::Config& pool_cfg, const catalog::Catalog& catalog,
                              const std::string& tp_key) {
  LlmPoolConfig cfg;
  cfg.gpu = catalog.gpu(c.str("gpu"), c.where("gpu"), c.path() + ".gpu");
  cfg.model = catalog.model(c.str("ai_model"), c.where("ai_model"), c.path() + ".ai_model");
  if (cfg.model.kind != catalog::ModelKind::llm) {
    throw scenario::InputError(c.where("ai_model"), c.path() + ".ai_model",
                               "got '" + c.str("ai_model") + "', expected a language model (kind llm) from the catalog");
  }
  cfg.tp = static_cast<uint32_t>(c.integer(tp_key));
  cfg.gpus_per_server = static_cast<uint32_t>(pool_cfg.integer("gpus_per_server"));
  cfg.max_batch = static_cast<uint32_t>(c.integer("max_batch"));
  cfg.max_batch_tokens = static_cast<uint32_t>(c.integer("max_batch_tokens"));
  cfg.gpu_memory_utilization = c.num("gpu_memory_utilization");
  cfg.reserve_B = c.num("reserve");
  cfg.queue_capacity = static_cast<uint64_t>(pool_cfg.integer("queue_capacity"));
  cfg.prefix_cache_tokens = static_cast<uint64_t>(c.integer("prefix_cache"));
  try {
    LlmPoolConfig bare = cfg;
    bare.prefix_cache_tokens = 0;
    (void)llm_kv_capacity_blocks(bare);
  } catch (const std::invalid_argument& e) {
    throw scenario::InputError(c.where("ai_model"), c.path(), std::string("the model does not fit on its GPUs: ") + e.what());
  }
  try {
    (void)llm_kv_capacity_blocks(cfg);
  } catch (const std::invalid_argument&) {
    const double free_B = kv_cache_bytes(cfg.gpu, cfg.model, double(cfg.tp), cfg.gpu_memory_utilization, cfg.reserve_B);
    throw scenario::InputError(
        c.where("prefix_cache"), c.path() + ".prefix_cache",
        "got " + std::to_string(cfg.prefix_cache_tokens) + " tokens (" +
            std::to_string(static_cast<long long>(double(cfg.prefix_cache_tokens) * cfg.model.kv_bytes_per_token / 1e9)) +
            " GB of KV cache), expected fewer than " +
            std::to_string(static_cast<long long>(free_B / cfg.model.kv_bytes_per_token)) + " tokens (the " +
            std::to_string(static_cast<long long>(free_B / 1e9)) + " GB that " + cfg.model.name + " leaves on " +
            std::to_string(cfg.tp) + " x " + cfg.gpu.name + ")");
  }
  return cfg;
}

LlmPoolParts make_llm_pool(const scenario::Config& pool_cfg, const catalog::Catalog& catalog, PoolPlacement placement,
                           Engine& engine, output::Recorder& recorder, std::vector<RequestObserver*> observers) {
  const scenario::Config& c = pool_cfg.child("llm");
  const LlmPoolConfig cfg = read_llm_config(c, pool_cfg, catalog, "tp");
  LlmPoolParts parts;
  auto power_w = make_llm_models(parts, cfg, c.num("power_cap"));
  parts.pool = std::make_unique<LlmPool>(cfg, std::move(placement), engine, recorder, *parts.iteration_time,
                                         std::move(power_w), std::move(observers));
  return parts;
}

}  // namespace dcsim::serving
