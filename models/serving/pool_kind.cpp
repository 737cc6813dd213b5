// The pool-kind registry and the list of kind files that register into it.
#include "models/serving/pool_kind.hpp"

namespace dcsim::serving {

PoolKindRegistry& pool_kind_registry() {
  static PoolKindRegistry r(KindFamily{
      "pool", "serving", "How the pool serves requests (each kind's keys are its block below, or in the pool block)."});
  return r;
}

void register_pool_kinds() {
  auto& r = pool_kind_registry();
  register_fifo_pool_kind(r);
  register_llm_pool_kind(r);
  register_diffusion_pool_kind(r);
  register_disagg_pool_kind(r);
  register_fluid_fidelity();
}

}  // namespace dcsim::serving
