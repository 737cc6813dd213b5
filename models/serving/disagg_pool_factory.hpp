// Builds a prefill/decode disaggregated pool from a scenario pool block (`serving: disaggregated`
// and its `disaggregated:` block): the llm parameters (llm_pool_factory.hpp) per side, with
// prefill_tp and decode_tp, roofline iteration times and fitted GPU power for each side.
#pragma once

#include <memory>

#include "models/catalog/catalog.hpp"
#include "models/serving/disagg_pool.hpp"
#include "models/serving/llm_pool_factory.hpp"
#include "sim/scenario/config.hpp"

namespace dcsim::serving {

// Everything a disaggregated pool keeps a reference to; kept alive with the pool (BuiltPool::parts).
struct DisaggPoolParts {
  LlmPoolParts prefill, decode;  // models of each side (their .pool is empty)
  std::unique_ptr<DisaggPool> pool;
};

}  // namespace dcsim::serving
