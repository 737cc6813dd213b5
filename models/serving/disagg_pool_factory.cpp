#include "models/serving/disagg_pool_factory.hpp"

#include "sim/scenario/diagnostics.hpp"

namespace dcsim::serving {

DisaggPoolParts make_disagg_pool(const scenario::Config& pool_cfg, const catalog::Catalog& catalog,
                                 PoolPlacement placement, Engine& engine, output::Recorder& recorder,
                                 std::vector<RequestObserver*> observers) {
  const scenario::Config& c = pool_cfg.child("disaggregated");
  DisaggPoolConfig cfg;
  cfg.prefill = read_llm_config(c, pool_cfg, catalog, "prefill_tp");
  cfg.decode = read_llm_config(c, pool_cfg, catalog, "decode_tp");
  cfg.decode.prefix_cache_tokens = 0;  // prompts are prefilled on the other side
  cfg.prefill_servers = static_cast<uint32_t>(c.integer("prefill_servers"));
  cfg.kv_transfer_efficiency = c.num("kv_transfer_efficiency");
  if (cfg.prefill_servers >= placement.servers.size()) {  // also checked when the scenario is loaded
    throw scenario::InputError(c.where("prefill_servers"), c.path() + ".prefill_servers",
                               "got '" + std::to_string(cfg.prefill_servers) + "', expected fewer than the pool's servers (" +
                                   std::to_string(placement.servers.size()) + "): at least one server must decode");
  }
  DisaggPoolParts parts;
  auto prefill_power = make_llm_models(parts.prefill, cfg.prefill, c.num("power_cap"));
  auto decode_power = make_llm_models(parts.decode, cfg.decode, c.num("power_cap"));
  parts.pool = std::make_unique<DisaggPool>(cfg, std::move(placement), engine, recorder,
                                            LlmSide{parts.prefill.iteration_time.get(), std::move(prefill_power)},
                                            LlmSide{parts.decode.iteration_time.get(), std::move(decode_power)},
                                            std::move(observers));
  return parts;
}

}  // namespace dcsim::serving
