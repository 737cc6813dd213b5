// KV-cache capacity of an LLM replica: the one rule, used by the pool (llm_kv_capacity_blocks) and by
// the roofline's steady state (Roofline::kv_capacity_tokens), so the two always agree.
//
//   kv_bytes = tp * (memory_B * gpu_memory_utilization - reserve_per_gpu_B) - weights_B          [B]
//   kv_tokens = kv_bytes / kv_bytes_per_token
//
// vLLM (gpu_memory_utilization, default 0.9) gives each GPU that share of its memory; every GPU of
// a tensor-parallel replica holds 1/tp of the weights and of each token's KV, and keeps its own
// activations, CUDA graphs and NCCL buffers outside the KV pool: the reserve is per GPU
// (`reserve`, default 4 GB per GPU: an assumption, vLLM profiles it at start-up).
#pragma once

#include "models/catalog/specs.hpp"

namespace dcsim::serving {

inline constexpr double kDefaultGpuMemoryUtilization = 0.9;  // vLLM default
inline constexpr double kDefaultReservePerGpuB = 4e9;        // assumption (activations, graphs, NCCL)

// Bytes left for the KV cache on a replica of tp GPUs (may be <= 0: the model does not fit).
inline double kv_cache_bytes(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model, double tp,
                             double gpu_memory_utilization, double reserve_per_gpu_B) {
  return tp * (gpu.memory_B * gpu_memory_utilization - reserve_per_gpu_B) - model.weights_B();
}

}  // namespace dcsim::serving
