// Pool kind `fifo` (the default): the placeholder pool of the foundation issue (fifo_pool.hpp).
// Its keys live in the pool block itself: weights, gpus_per_replica, the `gpu` block (idle and
// busy power) and the `service` block (a service_time model).
#include "models/serving/fifo_pool.hpp"
#include "models/serving/pool_kind.hpp"
#include "models/serving/service_time.hpp"
#include "sim/util/text.hpp"

namespace dcsim::serving {

namespace {

const scenario::Schema& gpu_schema() {
  using P = scenario::ParamSpec;
  using units::Quantity;
  static const scenario::Schema s{
      "gpu",
      "GPU power of the placeholder pool: idle when no request runs, busy while one does.",
      {P::quantity_of("idle_power", Quantity::power)
           .def("75 W")
           .at_least(0)
           .doc("Power of a GPU with no request running.")
           .src("est.h100_idle (60-90 W, midpoint)"),
       P::quantity_of("busy_power", Quantity::power)
           .def("700 W")
           .above(0)
           .doc("Power of a GPU while its replica serves a request.")
           .src("hw.h100_sxm (TDP 700 W)")},
      {}};
  return s;
}

void check_fifo(const scenario::Config& pool, scenario::Diagnostics& diags) {
  if (pool.child("service").model().empty()) {
    diags.error(pool.where(), pool.path(),
                "missing required block 'service' (a service_time model: one of " +
                    quoted_list(RegistryIndex::global().names("service_time")) + ")");
  }
  const int64_t per_server = pool.integer("gpus_per_server");
  const int64_t per_replica = pool.integer("gpus_per_replica");
  if (per_server % per_replica != 0) {
    diags.error(pool.where("gpus_per_replica"), pool.path() + ".gpus_per_replica",
                "got '" + std::to_string(per_replica) + "', expected a divisor of gpus_per_server (" +
                    std::to_string(per_server) + ")");
  }
}

}  // namespace

void register_fifo_pool_kind(PoolKindRegistry& r) {
  using P = scenario::ParamSpec;
  using scenario::ChildKind;
  using scenario::ChildSpec;
  KindInfo k;
  k.name = "fifo";
  k.is_default = true;
  k.summary = "the placeholder pool (one request at a time per replica, `service` times; keys in the pool block)";
  k.help = "The placeholder pool: one request at a time per replica, FIFO queue, service times drawn from `service`.";
  k.params = {P::integer("gpus_per_replica").def("1").at_least(1).at_most(16).doc("GPUs per replica; must divide gpus_per_server."),
              P::quantity_of("weights", units::Quantity::data)
                  .def("16.06 GB")
                  .above(0)
                  .doc("Size of the model weights each replica loads from the site storage at start-up.")
                  .src("Llama-3.1-8B, 8.03e9 parameters x 2 B (BF16)")};
  k.children = {ChildSpec{"gpu", ChildKind::block, &gpu_schema(), "", "", false, "GPU power (serving: fifo)."},
                ChildSpec{"service", ChildKind::model, nullptr, "service_time", "", false,
                          "Service time of one request on one replica (serving: fifo)."}};
  k.check = check_fifo;
  r.add(std::move(k), [](PoolBuild& b) {
    const std::string stream = "sites/" + b.placement.site + "/pools/" + b.placement.name + "/service";
    BuiltPool out;
    out.it = pool_it_power(b.pool, b.catalog, "");
    out.pool = std::make_unique<FifoPool>(b.pool, std::move(b.placement), b.engine, b.recorder, Rng(b.seed, stream),
                                          b.observers);
    return out;  // serves whatever it is sent: no model
  });
}

}  // namespace dcsim::serving
