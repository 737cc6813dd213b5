// Token-count distributions of LLM requests (prompt and output lengths).
//
//   fixed:      n = tokens
//   lognormal:  n = clamp(round(median * exp(sigma Z)), min, max),  Z ~ N(0, 1)
//               mean before clamping = median * exp(sigma^2 / 2)
// Defaults of the llm request class are lognormals fitted to the Azure 2023 conversation trace
// (calibration.yaml trace.azure2023.stats, conv: context median 1020 / mean 1154.7 ->
// sigma = sqrt(2 ln(mean/median)) = 0.498; generated median 129 / mean 211.1 -> sigma = 0.992).
//   empirical:  n drawn uniformly from the prompt or output column of a trace file (Azure,
//               Mooncake, BurstGPT: models/arrivals/trace_reader.hpp); the column is held in memory
//               (4 bytes a row).
#pragma once

#include <cstdint>
#include <memory>

#include "models/arrivals/arrival_process.hpp"
#include "sim/registry/registry.hpp"
#include "sim/util/rng.hpp"

namespace dcsim::workload {

class TokenCount {
 public:
  virtual ~TokenCount() = default;
  virtual uint32_t draw(Rng& rng) = 0;
  virtual double mean() const = 0;  // before clamping, for reports
};

using TokenCountRegistry = Registry<TokenCount, const arrivals::ArrivalContext&>;
TokenCountRegistry& token_count_registry();
void register_token_count_models();

}  // namespace dcsim::workload
