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

std::vector<scenario::ParamSpec> llm_shared_params() {
  using P = scenario::ParamSpec;
  using units::Quantity;
  return {P::string("gpu").def("h100-sxm").doc("GPU (catalog name)."),
          P::string("ai_model").def("llama-3.1-8b").doc("Served language model (catalog name)."),
          P::integer("max_batch").def("256").at_least(1).at_most(4096).doc("Running sequences per replica."),
          P::integer("max_batch_tokens").def("8192").at_least(1).at_most(1e6).doc("Token budget of one iteration (chunked prefill)."),
          P::quantity_of("gpu_memory_utilization", Quantity::dimensionless)
              .def("0.9")
              .above(0)
              .at_most(1)
              .doc("Share of GPU memory for weights and KV cache (vLLM's gpu_memory_utilization)."),
          P::quantity_of("reserve", Quantity::data)
              .def("2 GB")
              .at_least(0)
              .doc("Memory per GPU kept for activations and non-torch buffers, outside the KV cache (vLLM's start-up profile of 7-8B models: 1.0-1.6 GiB; models/serving/kv_capacity.hpp)."),
          P::quantity_of("power_cap", Quantity::power)
              .def("0 W")
              .at_least(0)
              .doc("Per-GPU power limit (0 W: none); throughput falls as (cap / uncapped power)^(1/3)."),
          P::integer("prefix_cache")
              .def("0")
              .at_least(0)
              .doc("Prompt tokens of prefix cache per replica, taken from its KV cache (0: off). Requests "
                   "replayed from a Mooncake trace skip the prefill of leading 512-token blocks (hash_ids) "
                   "found in the replica's LRU cache; on the prefill side only when disaggregated.")};
}

scenario::ChildSpec llm_routing_child() {
  return scenario::ChildSpec{"routing", scenario::ChildKind::model, nullptr, "pool_routing", "least_outstanding_tokens",
                             false, "Which replica takes a request (docs/models/scheduling.md)."};
}

std::unique_ptr<scheduling::ReplicaRouter> make_replica_router(const scenario::Config& block, const PoolBuild& b) {
  return scheduling::replica_router_registry().create(block.child("routing"),
                                                      scheduling::ReplicaRouterContext{b.engine, b.placement.group, b.seed});
}

void check_divides_server(const scenario::Config& pool, const std::string& block, const std::string& key,
                          scenario::Diagnostics& diags) {
  const scenario::Config& c = pool.child(block);
  const int64_t v = c.integer(key);
  if (pool.integer("gpus_per_server") % v != 0) {
    diags.error(c.where(key), pool.path() + "." + block + "." + key,
                "got '" + std::to_string(v) + "', expected a divisor of gpus_per_server (" +
                    std::to_string(pool.integer("gpus_per_server")) + ")");
  }
}

void register_llm_pool_kind(PoolKindRegistry& r) {
  KindInfo k;
  k.name = "llm";
  k.block = "llm";
  k.summary = "continuous batching with a KV cache";
  k.help =
      "Continuous-batching LLM serving (serving: llm): hardware and model from the catalog (models/catalog), "
      "iteration times from the roofline model fitted to ML.ENERGY.";
  k.params = llm_shared_params();
  k.params.insert(k.params.begin() + 2, scenario::ParamSpec::integer("tp").def("1").at_least(1).at_most(8).doc(
                                            "Tensor-parallel degree: GPUs per replica (one server)."));
  k.children = {llm_routing_child()};
  k.check = [](const scenario::Config& pool, scenario::Diagnostics& diags) { check_divides_server(pool, "llm", "tp", diags); };
  r.add(std::move(k), [](PoolBuild& b) {
    const scenario::Config& c = b.pool.child("llm");
    const LlmPoolConfig cfg = read_llm_config(c, b.pool, b.catalog, "tp");
    auto parts = std::make_shared<LlmPoolParts>();
    const double cap = c.num("power_cap");  // the initial value of the power-cap command
    auto points = llm_point_maker(*parts, cfg, cap);
    auto router = make_replica_router(c, b);
    BuiltPool out;
    out.it = pool_it_power(b.pool, b.catalog, "llm");
    out.pool = std::make_unique<LlmPool>(cfg, std::move(b.placement), b.engine, b.recorder, std::move(points),
                                         OperatingPoint{cap > 0 ? cap : 0.0, 1.0}, b.observers, std::move(router));
    out.parts = std::move(parts);
    out.model = c.str("ai_model");
    out.model_key = "llm.ai_model";
    return out;
  });
}

}  // namespace dcsim::serving
