// Iteration time of one continuous-batching iteration of an LLM on a replica of `tp` GPUs
// (tensor parallel), and the steady state of a vLLM-style server at a given max batch.
//
//   t_iter      = t_overhead + t_compute + t_memory + t_allreduce                       [s]
//   t_compute   = 2 * params * (prefill_tokens + decode_seqs) / (tp * bf16_flops * eff_compute)
//   t_memory    = (params * bytes_per_param + decode_context_tokens * kv_bytes_per_token)
//                 / (tp * memory_bw_Bps * eff_memory)
//   t_allreduce = n_ar * ( 2 (tp-1)/tp * tokens * hidden * 2 B / (nvlink_Bps / 2) + ar_latency )
//                 n_ar = 2 * layers (one after attention, one after the MLP); 0 when tp == 1.
//                 Ring all-reduce sends 2 (tp-1)/tp of the message per GPU; nvlink_Bps is the
//                 bidirectional figure of the datasheet (H100: 900 GB/s), half of it each way.
//
// Sum, not max(t_compute, t_memory): the kernels of one iteration run one after another, so
// their times add, and the measured median ITL of the ML.ENERGY H100 Llama-3.1-8B sweep grows
// linearly in batch from 8 to 512 (7.3 ms + ~0.08 ms/seq) with no roofline knee. The best max()
// fit is off by 8.9 % in throughput and 17 % in ITL; the sum fits within 5 % / 10 %
// (docs/models/serving.md).
//
// KV capacity (tokens) caps the running batch (vLLM pre-allocates its KV pool):
//   kv_capacity = (tp * memory_B * gpu_mem_util - params * bytes_per_param
//                  - tp * activation_reserve_B) / kv_bytes_per_token
// Steady state at max_batch b, mean prompt P and mean output O tokens (chunked prefill spreads
// each admitted prompt over the iterations of its lifetime):
//   C  = P + O/2                    mean context of a running sequence        [tokens]
//   B  = min(b, kv_capacity / C)    running batch                             [seqs]
//   t  = t_iter(prefill = B P / O, decode_seqs = B, context = B C)            [s]
//   ITL = t,   throughput = B / t   [output tokens/s]
//
// Parameters (RooflineParams): eff_compute, eff_memory (dimensionless, fitted), t_overhead_s
// (fitted: scheduler, sampling, launch gaps), ar_latency_s (NCCL small all-reduce on NVLink,
// ~8 us: assumed from nccl-tests latency on DGX H100), gpu_mem_util (vLLM default 0.9),
// activation_reserve_B (activations + CUDA graphs, 4 GB: assumed).
#pragma once

#include "models/catalog/specs.hpp"

#include "models/serving/iteration_time.hpp"

namespace dcsim::serving {

struct RooflineParams {
  double eff_compute = 0.6377;        // fraction of dense BF16 peak reached by the GEMMs
  double eff_memory = 0.8956;         // fraction of HBM bandwidth (fit bounded to <= 0.90)
  double t_overhead_s = 1.079e-3;     // fixed per-iteration overhead [s]
  double ar_latency_s = 8e-6;         // per all-reduce latency [s]
  double gpu_mem_util = 0.9;          // vLLM gpu_memory_utilization
  double activation_reserve_B = 4e9;  // per GPU, outside weights and KV [B]
};

// Fitted to mlenergy_v3.h100.llama31_8b.sweep (calibration.yaml) by the Nelder-Mead routine in
// tests/unit/serving_timing_test.cpp (objective: max over sweep points of |throughput error| and
// |ITL error| / 2; eff_memory bounded to <= 0.90), with mean prompt kArenaMeanPromptTokens:
// max throughput error 4.9 %, max ITL error 9.9 %.
RooflineParams h100_llama31_8b_fit();
inline constexpr double kArenaMeanPromptTokens = 482;  // fitted jointly (LM-Arena chat prompts)

// Work in one iteration.
struct RooflineLoad {
  double prefill_tokens = 0;         // prompt tokens processed this iteration
  double decode_seqs = 0;            // sequences producing one token each
  double decode_context_tokens = 0;  // total context (prompt + generated) of those sequences
};

struct SteadyState {
  double batch = 0;                  // running batch after the KV cap [seqs]
  double itl_s = 0;                  // iteration time = inter-token latency [s]
  double output_tokens_per_s = 0;
};

class Roofline final : public IterationTimeModel {
 public:
  Roofline(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model, int tp,
           RooflineParams p);

  double t_compute(const RooflineLoad& l) const;
  double t_memory(const RooflineLoad& l) const;
  double t_allreduce(const RooflineLoad& l) const;
  double iteration_time(const RooflineLoad& l) const;
  // IterationTimeModel: the same for a batching pool's iteration.
  double seconds(const IterationLoad& l) const override {
    return iteration_time(RooflineLoad{static_cast<double>(l.prefill_tokens), static_cast<double>(l.decode_seqs),
                                       static_cast<double>(l.context_tokens)});
  }

  double kv_capacity_tokens() const { return kv_capacity_tokens_; }
  SteadyState steady_state(double max_batch, double mean_prompt, double mean_output) const;

  int tp() const { return tp_; }
  const RooflineParams& params() const { return p_; }

 private:
  RooflineParams p_;
  int tp_;
  double flops_per_token_;     // 2 * params
  double weights_B_;
  double kv_per_token_B_;
  double compute_rate_;        // tp * bf16_flops * eff_compute
  double memory_rate_;         // tp * memory_bw * eff_memory
  double ar_bytes_per_token_;  // 2 (tp-1)/tp * hidden * 2 B
  double ar_bw_Bps_;           // nvlink_Bps / 2
  double n_allreduce_;         // 2 * layers, 0 if tp == 1
  double kv_capacity_tokens_;
};

}  // namespace dcsim::serving
