#include "models/serving/llm_pool_factory.hpp"

#include "sim/scenario/diagnostics.hpp"

namespace dcsim::serving {

namespace {

// Roofline time divided by the throughput factor the power cap leaves at this batch.
class CappedIterationTime final : public IterationTimeModel {
 public:
  CappedIterationTime(const IterationTimeModel& base, const power::GpuPowerModel& gpu, double speed)
      : base_(base), gpu_(gpu), speed_(speed) {}
  double seconds(const IterationLoad& l) const override { return base_.seconds(l) / factor(l); }
  // The factor depends on the batch only: computed once for the k iterations of a skip.
  void iteration_ends(IterationLoad l, uint32_t k, double t0, double* ends) const override {
    const double f = factor(l);
    const uint64_t c0 = l.context_tokens;
    double t = t0;
    for (uint32_t j = 0; j < k; ++j) {
      l.context_tokens = c0 + uint64_t(j) * l.decode_seqs;
      t += base_.seconds(l) / f;
      ends[j] = t;
    }
  }

 private:
  double factor(const IterationLoad& l) const {
    return throttled_rate(gpu_, l.decode_seqs > 0 ? gpu_.llm_w(l.decode_seqs) : gpu_.prefill_w(), speed_);
  }
  const IterationTimeModel& base_;
  const power::GpuPowerModel& gpu_;
  double speed_;
};

}  // namespace

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
    const double free_B = double(cfg.tp) * cfg.gpu.memory_B * cfg.gpu_memory_utilization - cfg.model.weights_B() - cfg.reserve_B;
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

std::function<double(double)> make_llm_models(LlmPoolParts& parts, const LlmPoolConfig& cfg, double power_cap_w,
                                              double speed) {
  parts.roofline = std::make_unique<Roofline>(cfg.gpu, cfg.model, static_cast<int>(cfg.tp), h100_llama31_8b_fit());
  parts.gpu_power = std::make_unique<power::GpuPowerModel>(cfg.gpu);
  if (power_cap_w > 0) parts.gpu_power->set_cap(power_cap_w);
  parts.iteration_time = std::make_unique<CappedIterationTime>(*parts.roofline, *parts.gpu_power, speed);
  const power::GpuPowerModel* gpu = parts.gpu_power.get();
  const double tp = cfg.tp;
  return [gpu, tp, speed](double batch) {
    return tp * (batch > 0 ? throttled_w(*gpu, gpu->llm_w(batch), speed, kClockPowerAlpha) : gpu->idle_w());
  };
}

LlmPointMaker llm_point_maker(LlmPoolParts& parts, const LlmPoolConfig& cfg, double power_cap_w) {
  const OperatingPoint initial{power_cap_w > 0 ? power_cap_w : 0.0, 1.0};
  auto initial_power = make_llm_models(parts, cfg, initial.cap_w);
  LlmPoolParts* p = &parts;
  return [p, cfg, initial, initial_power](const OperatingPoint& op) {
    if (op == initial) return LlmPointModels{p->iteration_time.get(), initial_power};
    p->points.push_back(std::make_unique<LlmPoolParts>());
    auto power = make_llm_models(*p->points.back(), cfg, op.cap_w, op.speed);
    return LlmPointModels{p->points.back()->iteration_time.get(), std::move(power)};
  };
}

std::vector<scenario::ParamSpec> llm_shared_params() {
  using P = scenario::ParamSpec;
  using units::Quantity;
  return {P::string("gpu").def("h100-sxm").doc("GPU (catalog name)."),
          P::string("ai_model").def("llama-3.1-8b").doc("Served language model (catalog name)."),
          P::integer("max_batch").def("256").at_least(1).at_most(4096).doc("Running sequences per replica."),
          P::integer("max_batch_tokens").def("8192").at_least(1).doc("Token budget of one iteration (chunked prefill)."),
          P::quantity_of("gpu_memory_utilization", Quantity::dimensionless)
              .def("0.9")
              .above(0)
              .at_most(1)
              .doc("Share of GPU memory for weights and KV cache (vLLM's gpu_memory_utilization)."),
          P::quantity_of("reserve", Quantity::data)
              .def("4 GB")
              .at_least(0)
              .doc("Memory per replica kept for activations, outside the KV cache."),
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
