// KV-cache capacity of an LLM replica: the one rule, used by the pool (llm_kv_capacity_blocks) and by
// the roofline's steady state (Roofline::kv_capacity_tokens), so the two always agree.
//
//   kv_bytes = tp * (memory_B * gpu_memory_utilization - reserve_per_gpu_B) - weights_B          [B]
//   kv_tokens = kv_bytes / kv_bytes_per_token
//
// vLLM (gpu_memory_utilization, default 0.9) gives each GPU that share of its memory (the CUDA
// total, GpuSpec::memory_B); every GPU of a tensor-parallel replica holds 1/tp of the weights and of
// each token's KV, and keeps its own activations and non-torch buffers outside the KV pool: the
// reserve is per GPU (`reserve`, default 2 GB). Basis: vLLM's start-up memory profile of 7-8B
// models on H100 80GB prints "PyTorch activation peak memory takes 0.94-1.24 GiB" and
// "non_torch_memory takes 0.09-0.35 GiB" (published start-up logs, e.g. total_gpu_memory 79.15 GiB x
// 0.70, 8.63 GiB weights, 1.16 GiB activation peak, 0.09 GiB non-torch), 1.0-1.6 GiB in all; 2 GB
// leaves room for the sampler warm-up at larger max_num_seqs. CUDA graphs are captured after the KV
// cache is allocated, in the 1 - gpu_memory_utilization left over.
#pragma once

#include "models/catalog/specs.hpp"

namespace dcsim::serving {

inline constexpr double kDefaultGpuMemoryUtilization = 0.9;  // vLLM default
inline constexpr double kDefaultReservePerGpuB = 2e9;        // vLLM's profiled activations + non-torch memory

// Bytes left for the KV cache on a replica of tp GPUs (may be <= 0: the model does not fit).
inline double kv_cache_bytes(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model, double tp,
                             double gpu_memory_utilization, double reserve_per_gpu_B) {
  return tp * (gpu.memory_B * gpu_memory_utilization - reserve_per_gpu_B) - model.weights_B();
}

}  // namespace dcsim::serving
