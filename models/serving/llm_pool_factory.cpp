#include "models/serving/llm_pool_factory.hpp"

#include "sim/scenario/diagnostics.hpp"

namespace dcsim::serving {

namespace {

// Roofline time divided by the throughput factor the power cap leaves at this batch.
class CappedIterationTime final : public IterationTimeModel {
 public:
  CappedIterationTime(const IterationTimeModel& base, const power::GpuPowerModel& gpu) : base_(base), gpu_(gpu) {}
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
    return gpu_.throughput_factor(l.decode_seqs > 0 ? gpu_.llm_w(l.decode_seqs) : gpu_.prefill_w());
  }
  const IterationTimeModel& base_;
  const power::GpuPowerModel& gpu_;
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

std::function<double(double)> make_llm_models(LlmPoolParts& parts, const LlmPoolConfig& cfg, double power_cap_w) {
  parts.roofline = std::make_unique<Roofline>(cfg.gpu, cfg.model, static_cast<int>(cfg.tp), h100_llama31_8b_fit());
  parts.gpu_power = std::make_unique<power::GpuPowerModel>(cfg.gpu);
  if (power_cap_w > 0) parts.gpu_power->set_cap(power_cap_w);
  parts.iteration_time = std::make_unique<CappedIterationTime>(*parts.roofline, *parts.gpu_power);
  const power::GpuPowerModel* gpu = parts.gpu_power.get();
  const double tp = cfg.tp;
  return [gpu, tp](double batch) { return tp * (batch > 0 ? gpu->capped_w(gpu->llm_w(batch)) : gpu->idle_w()); };
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
