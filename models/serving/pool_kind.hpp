// Pool kinds: `serving: fifo | llm | diffusion | disaggregated` and any kind added later. A kind
// is one file that declares its scenario keys (a KindInfo: sim/registry/kinds.hpp) and a factory
// that builds its pool from a validated pool block, registered with one line in
// pool_kind.cpp. The World builds every pool through this registry and names no kind.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/catalog/catalog.hpp"
#include "models/serving/pool.hpp"
#include "models/serving/pool_it_power.hpp"
#include "sim/output/recorder.hpp"
#include "sim/registry/kinds.hpp"
#include "sim/scenario/config.hpp"

namespace dcsim::serving {

// What a kind's factory gets.
struct PoolBuild {
  const scenario::Config& pool;  // the validated pool block (its kind's keys included)
  const catalog::Catalog& catalog;
  PoolPlacement placement;
  Engine& engine;
  output::Recorder& recorder;
  std::vector<RequestObserver*> observers;              // by Request::workload
  std::vector<const scenario::Config*> workload_classes;  // `class` block of each workload, by index
  uint64_t seed = 0;                                     // scenario seed (streams: Rng(seed, group + "/..."))
  std::string fidelity = "request";                      // the pool's, resolved: "request" or "fluid"
};

// What it returns.
struct BuiltPool {
  std::unique_ptr<Pool> pool;
  std::shared_ptr<void> parts;  // models the pool refers to (kept alive as long as the pool)
  PoolItPower it;               // its servers' non-GPU power (pool_it_power.hpp)
  std::string model;            // catalog name of the model it serves; "": whatever it is sent
  std::string model_key;        // where the scenario sets it, relative to the pool ("llm.ai_model")
};

using PoolKindRegistry = KindRegistry<BuiltPool, PoolBuild&>;
PoolKindRegistry& pool_kind_registry();

// The pool of a validated pool block: its `serving` kind from the registry, or, with
// `fidelity: fluid`, a fluid pool with that kind's capacity curve (models/serving/fluid/).
BuiltPool build_pool(PoolBuild& b);

// The built-in kinds, in this order (the order of their keys in the pool block).
void register_pool_kinds();
void register_fifo_pool_kind(PoolKindRegistry& r);
void register_llm_pool_kind(PoolKindRegistry& r);
void register_diffusion_pool_kind(PoolKindRegistry& r);
void register_disagg_pool_kind(PoolKindRegistry& r);
// The pools' `fidelity` key and `fluid` block (models/serving/fluid/fluid_kind.cpp), after the kinds.
void register_fluid_fidelity();

}  // namespace dcsim::serving
