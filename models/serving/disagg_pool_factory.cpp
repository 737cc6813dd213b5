#include "models/serving/disagg_pool_factory.hpp"

#include "sim/scenario/diagnostics.hpp"

namespace dcsim::serving {

namespace {

std::vector<scenario::ParamSpec> disagg_params() {
  using P = scenario::ParamSpec;
  std::vector<P> params = llm_shared_params();
  params.insert(params.begin() + 2,
                {P::integer("prefill_servers")
                     .def("1")
                     .at_least(1)
                     .doc("The pool's first prefill_servers servers run prefill; the others decode (at least one)."),
                 P::integer("prefill_tp").def("1").at_least(1).at_most(8).doc(
                     "Tensor-parallel degree of a prefill replica (GPUs, one server)."),
                 P::integer("decode_tp").def("1").at_least(1).at_most(8).doc(
                     "Tensor-parallel degree of a decode replica (GPUs, one server).")});
  params.push_back(P::quantity_of("kv_transfer_efficiency", units::Quantity::dimensionless)
                       .def("1")
                       .above(0)
                       .at_most(1)
                       .doc("Share of the fabric bandwidth a KV-cache transfer achieves: each sends "
                            "(prompt + 1) x kv_bytes_per_token / kv_transfer_efficiency bytes."));
  return params;
}

void check_disagg(const scenario::Config& pool, scenario::Diagnostics& diags) {
  check_divides_server(pool, "disaggregated", "prefill_tp", diags);
  check_divides_server(pool, "disaggregated", "decode_tp", diags);
  const auto& d = pool.child("disaggregated");
  const int64_t prefill = d.integer("prefill_servers");
  if (prefill >= pool.integer("servers")) {
    diags.error(d.where("prefill_servers"), pool.path() + ".disaggregated.prefill_servers",
                "got '" + std::to_string(prefill) + "', expected fewer than the pool's servers (" +
                    std::to_string(pool.integer("servers")) + "): at least one server must decode");
  }
}

BuiltPool build_disagg(PoolBuild& b) {
  const scenario::Config& c = b.pool.child("disaggregated");
  DisaggPoolConfig cfg;
  cfg.prefill = read_llm_config(c, b.pool, b.catalog, "prefill_tp");
  cfg.decode = read_llm_config(c, b.pool, b.catalog, "decode_tp");
  cfg.decode.prefix_cache_tokens = 0;  // prompts are prefilled on the other side
  cfg.prefill_servers = static_cast<uint32_t>(c.integer("prefill_servers"));
  cfg.kv_transfer_efficiency = c.num("kv_transfer_efficiency");
  if (cfg.prefill_servers >= b.placement.servers.size()) {  // also checked when the scenario is loaded
    throw scenario::InputError(c.where("prefill_servers"), c.path() + ".prefill_servers",
                               "got '" + std::to_string(cfg.prefill_servers) + "', expected fewer than the pool's servers (" +
                                   std::to_string(b.placement.servers.size()) + "): at least one server must decode");
  }
  auto parts = std::make_shared<DisaggPoolParts>();
  const double cap = c.num("power_cap");  // the initial value of the power-cap command
  const OperatingPoint initial{cap > 0 ? cap : 0.0, 1.0};
  auto prefill_router = make_replica_router(c, b);
  auto decode_router = make_replica_router(c, b);
  BuiltPool out;
  out.it = pool_it_power(b.pool, b.catalog, "disaggregated");
  out.pool = std::make_unique<DisaggPool>(cfg, std::move(b.placement), b.engine, b.recorder,
                                          LlmSide{nullptr, {}, llm_point_maker(parts->prefill, cfg.prefill, cap), initial},
                                          LlmSide{nullptr, {}, llm_point_maker(parts->decode, cfg.decode, cap), initial},
                                          b.observers, std::move(prefill_router), std::move(decode_router));
  out.parts = std::move(parts);
  out.model = c.str("ai_model");
  out.model_key = "disaggregated.ai_model";
  return out;
}

}  // namespace

void register_disagg_pool_kind(PoolKindRegistry& r) {
  KindInfo k;
  k.name = "disaggregated";
  k.block = "disaggregated";
  k.summary = "separate prefill and decode replicas with KV-cache transfers";
  k.help =
      "Prefill/decode disaggregation (serving: disaggregated): prefill replicas on the first servers, decode "
      "replicas on the rest, each request's KV cache sent between them over the site fabric "
      "(docs/models/serving-disaggregated.md). The other parameters are those of the llm block, per replica; "
      "routing applies to each side.";
  k.params = disagg_params();
  k.children = {llm_routing_child()};
  k.check = check_disagg;
  r.add(std::move(k), build_disagg);
}

}  // namespace dcsim::serving
