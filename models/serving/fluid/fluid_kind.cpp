// `fidelity: request | fluid` of every pool and its `fluid:` block (docs/models/fluid.md),
// registered as a block kind extending the pool block (sim/registry/kinds.hpp), and the builder
// of a fluid pool from the same keys as its `serving` kind (fluid_curves.hpp).
#include <algorithm>
#include <cmath>
#include <memory>

#include "models/serving/fluid/fluid_curves.hpp"
#include "models/serving/fluid/fluid_pool.hpp"
#include "models/serving/pool_kind.hpp"
#include "sim/registry/kinds.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace dcsim::serving {

namespace {

using P = scenario::ParamSpec;
using units::Quantity;

const scenario::Schema& fluid_schema() {
  static const scenario::Schema s{
      "fluid",
      "The fluid fidelity of the pool (fidelity: fluid): its control step and how arrivals are counted.",
      {P::quantity_of("step", Quantity::time)
           .def("1 s")
           .above(0)
           .at_most(3600)
           .doc("Control step of the fluid pool: arrivals, queue and service advance once per step."),
       P::quantity_of("latency_step", Quantity::time)
           .def("10 s")
           .above(0)
           .at_most(3600)
           .doc("How often the latency points (percentiles, run-wide latency and SLO statistics) are recomputed "
                "from the queueing approximation; rounded to a whole number of steps, at least one. The flows "
                "advance every step regardless."),
       P::boolean("poisson_counts")
           .def("false")
           .doc("Draw each step's arrivals as a Poisson count of the rate curve's expected number (false: "
                "the expected number itself, a deterministic fluid).")},
      {}};
  return s;
}

bool has_fluid_kind(const std::string& kind) { return kind == "llm" || kind == "diffusion" || kind == "fifo"; }

std::string no_fluid_kind(const std::string& kind) {
  return "a pool of serving '" + kind + "' has no fluid fidelity yet (fluid covers serving llm, diffusion and fifo)";
}

void check_fidelity(const scenario::Config& pool, scenario::Diagnostics& diags) {
  if (pool.str("fidelity") != "fluid" || has_fluid_kind(pool.str("serving"))) return;
  diags.error(pool.where("fidelity"), pool.path() + ".fidelity",
              "got 'fluid', expected 'request': " + no_fluid_kind(pool.str("serving")));
}

}  // namespace

void register_fluid_fidelity() {
  KindIndex::global().add_family(KindFamily{"pool_fidelity", "", "How finely the pool is simulated."});
  KindInfo k;
  k.family = "pool_fidelity";
  k.parent = "pool";
  k.name = "fidelity";
  k.summary = "request-level or fluid";
  k.help = "How finely the pool is simulated (docs/models/fluid.md).";
  k.params = {P::choice("fidelity", {"scenario", "request", "fluid"})
                  .def("scenario")
                  .doc("scenario: the scenario's top-level `fidelity` (request unless set); request: every request is an "
                       "event; fluid: flows of requests per control step (`fluid:` block) with capacity curves from the "
                       "same serving model, for large fleets and long horizons (docs/models/fluid.md).")};
  k.children = {scenario::ChildSpec{"fluid", scenario::ChildKind::block, &fluid_schema(), "", "", false,
                                    "The fluid fidelity's step and counts (fidelity: fluid)."}};
  k.check = check_fidelity;
  KindIndex::global().add(std::move(k));
}

BuiltPool build_pool(PoolBuild& b) {
  if (b.fidelity != "fluid") return pool_kind_registry().build(b.pool.str("serving"), b);
  const std::string& kind = b.pool.str("serving");
  if (!has_fluid_kind(kind))  // fluid from the scenario's top-level key
    throw scenario::InputError(b.pool.where("serving"), b.pool.path() + ".serving",
                               "got '" + kind + "' under the scenario's 'fidelity: fluid': " + no_fluid_kind(kind) +
                                   "; set this pool's fidelity: request");
  fluid::KindCurve k = kind == "llm"         ? fluid::llm_curve(b.pool, b.catalog)
                       : kind == "diffusion" ? fluid::diffusion_curve(b.pool, b.catalog)
                                             : fluid::fifo_curve(b.pool);
  fluid::FluidPoolConfig cfg;
  const scenario::Config& f = b.pool.child("fluid");
  cfg.step_s = f.num("step");
  cfg.poisson_counts = f.flag("poisson_counts");
  cfg.latency_every = static_cast<uint32_t>(std::max(1.0, std::round(f.num("latency_step") / cfg.step_s)));
  cfg.queue_capacity = static_cast<uint64_t>(b.pool.integer("queue_capacity"));
  cfg.servers = static_cast<uint32_t>(b.placement.servers.size());
  cfg.gpus_per_replica = k.gpus_per_replica;
  cfg.replicas_per_server = static_cast<uint32_t>(b.pool.integer("gpus_per_server")) / k.gpus_per_replica;
  cfg.idle_gpu_w = k.idle_gpu_w;
  cfg.weights_B = k.weights_B;
  cfg.initial_cap_w = k.cap_w;
  cfg.make_curve = std::move(k.make);
  cfg.count_series = k.count_series;
  const std::string stream = "sites/" + b.placement.site + "/pools/" + b.placement.name + "/fluid";
  BuiltPool out;
  out.it = pool_it_power(b.pool, b.catalog, k.gpu_block);
  out.pool = std::make_unique<fluid::FluidPool>(std::move(cfg), std::move(b.placement), b.engine, b.recorder,
                                                Rng(b.seed, stream));
  out.model = k.model;
  out.model_key = k.model_key;
  return out;
}

}  // namespace dcsim::serving
