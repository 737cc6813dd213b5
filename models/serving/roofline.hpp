// Iteration time of one continuous-batching iteration of an LLM on a replica of `tp` GPUs (tensor
// parallel), what each GPU does during it (the activity the power model reads), and the steady
// state of a vLLM-style server at a given max batch. docs/models/serving.md has the fit and the
// validation (docs/validation.md).
//
//   t_iter    = max(t_gpu, t_host)                       host and GPU overlap (vLLM async scheduling)
//   t_gpu     = layers * t_layer + t_compute + t_memory + t_allreduce                          [s]
//   t_host    = t_host0 + t_host_seq * decode_seqs       scheduler, sampling, detokenisation   [s]
//   t_compute = 2 * active_params * tokens / (tp * flops(precision) * eff_compute)
//   t_memory  = (dense_B + context_tokens * kv_bytes_per_token) / (tp * memory_bw * eff_memory)
//             + expert_B * (1 - (1 - k/E)^tokens) / (tp * memory_bw * eff_moe)
//               MoE: only the experts the iteration's tokens route to are read (uniform routing),
//               by grouped expert GEMMs that stream weights at eff_moe (dense models: no expert term)
//   t_allreduce = 2 layers * (ar_latency + 2 (tp-1)/tp * tokens * hidden * 2 B / busbw)   (tp > 1)
//   tokens    = prefill_tokens + decode_seqs
//
// Sum inside the GPU: the kernels of one iteration run one after another. The fixed GPU time is
// per layer (t_layer: the launch and ramp of the ~10 small kernels of a layer, which do not get
// faster on a bigger GPU), so a 80-layer model pays 2.5x the 8B's. Max with the host: the
// ML.ENERGY runs use vLLM 0.11.1 with async scheduling (the host prepares iteration i+1 while the
// GPU runs i). The split of the per-sequence time between host and GPU is not identified by the
// H100 sweep alone (the fit objective is flat within 7 % for t_host_seq from 0.03 to 0.10 ms,
// roofline_fit.hpp); the fit takes the global optimum of a scan over t_host_seq. The held-out
// points side with a host term: the B200 (2.4x the bandwidth, 2.3x the FLOP/s) and a TP2 replica
// (half the work per GPU) both add ~0.05-0.07 ms per running sequence at large batch, as the H100
// does (docs/validation.md).
//
// Precision: flops(precision) is the GPU's dense rate at the model's compute precision (BF16, FP8,
// FP4; one the GPU lacks falls back to the next wider, catalog::dense_flops). Weights are read at
// their storage width (bytes_per_param, expert_bytes_per_param).
//
// All-reduce (one after attention and one after the MLP of every layer), as vLLM 0.11 runs it on
// NVLink (custom all-reduce / symmetric-memory kernels for decode-sized messages, NCCL above):
//   ar_latency = 9 us: vLLM's custom all-reduce on H100 at 512 B-32 KB takes 8.5-10 us at TP 2, 4
//     and 8 (sglang PR #2904, table "vllm", H100, tp 2/4/8: 9.5/9.1/10.1 us at 512 B, 8.8/8.5/9.3 us
//     at 4 KB).
//   busbw = kAllReduceBusBwPerLink * nvlink_Bps / 2 = 320 GB/s on H100: the best of vLLM's
//     all-reduce kernels on H100 at TP 6 takes 13 us at 0.5 MB and 31 us at 4 MB (vllm PR #24111,
//     "Best" column): (31 - 10) us for 2 (6-1)/6 x 4.19 MB gives 333 GB/s, 1 MB gives 291 GB/s;
//     below nccl-tests' 460-480 GB/s at GB sizes (docs.alayanew.com, "NCCL-tests in practice"),
//     which decode messages (0.1-10 MB) never reach. Other NVLink generations scale with nvlink_Bps.
//
// Expert parallelism (RooflineParams::expert_parallel, MoE models with tp > 1; vLLM
// --enable-expert-parallel on the TP group): attention and the dense layers stay tensor-parallel;
// each GPU holds E/tp whole experts instead of 1/tp of every expert. With uniform routing each GPU
// still reads 1/tp of the touched expert bytes, and the combine after the experts moves what the
// TP all-reduce moves (vLLM's default all2all backend is an all-gather + reduce-scatter over the
// group, the same bytes), so the only change is load imbalance: the iteration waits for the GPU
// whose experts drew the most of the T k routed token copies, E[max of tp Binomial(T k, 1/tp)]
// ~ (T k / tp) (1 + sqrt(2 ln tp) sqrt((tp - 1) / (T k))) (normal approximation of the maximum):
//   t_compute = 2 tokens (dense_active + expert_active * imbalance) / (tp flops eff_compute)
// It matters at small batch (+7 % expert compute at 64 tokens on 2 GPUs with top-4) and vanishes at
// large batch; data-parallel attention with all-to-all dispatch (DeepEP) is not modelled.
//
// KV capacity: kv_capacity.hpp (one rule, shared with the pool).
//
// Steady state at max_batch b for a workload of mean prompt P, mean output O and mean output age
// A = E[O^2] / (2 E[O]) (the generated length of a running sequence, length-biased: a long answer
// runs longer and is seen more often; A = O/2 only when every answer has the same length), of
// which a share s of the prompt tokens is held once for several running sequences (prefix caching
// of identical prompts, WorkloadLengths::prompt_shared; 0 by default):
//   Pe = P (1 - s)                  prompt tokens each sequence holds and prefills itself
//   C  = Pe + A                     mean KV context of a running sequence     [tokens]
//   B  = min(b, kv_capacity / C)    running batch                             [seqs]
//   t  = t_iter(prefill = B Pe / O, decode_seqs = B, context = B (P + A))     [s]
//   ITL = t,   throughput = B / t   [output tokens/s]
// (the attention still reads the whole context P + A of every sequence; only the copies are saved).
//
// Parameters (RooflineParams): eff_compute, eff_memory, t_layer_s, t_host_s, t_host_seq_s fitted
// to mlenergy_v3.h100.llama31_8b.sweep (roofline_fit.hpp); eff_moe fitted to the ML.ENERGY H100
// gpt-oss-120b TP1 points (roofline_fit.hpp; the TP2 points stay held out); ar_latency_s, the KV
// memory rule's gpu_mem_util and reserve_per_gpu_B as above.
#pragma once

#include "models/catalog/specs.hpp"
#include "models/serving/iteration_time.hpp"
#include "models/serving/kv_capacity.hpp"

namespace dcsim::serving {

// vLLM's all-reduce bus bandwidth at decode message sizes on NVLink-4 (H100): 320 GB/s against
// 450 GB/s per direction (see above).
inline constexpr double kAllReduceBusBwPerLink = 320.0 / 450.0;

struct RooflineParams {
  double eff_compute = 0.4693;        // fraction of the dense peak reached by the GEMMs
  double eff_memory = 0.9000;         // fraction of HBM bandwidth (held, see roofline_fit.hpp)
  double t_layer_s = 44.86e-6;        // GPU-side fixed time per layer and iteration (small kernels)
  double t_host_s = 5.057e-3;         // host time per iteration, fixed part
  double t_host_seq_s = 0.09107e-3;   // host time per iteration and running sequence
  double eff_moe = 0.820;             // fraction of HBM bandwidth the expert GEMMs stream weights at
  double ar_latency_s = 9e-6;         // per all-reduce call (vLLM custom all-reduce, see above)
  bool expert_parallel = false;       // MoE experts spread whole over the tp GPUs (see above)
  double gpu_mem_util = kDefaultGpuMemoryUtilization;
  double reserve_per_gpu_B = kDefaultReservePerGpuB;
};

// The constants fitted to mlenergy_v3.h100.llama31_8b.sweep with the LM-Arena lengths below
// (roofline_fit.hpp reproduces them; tests/unit/serving_timing_test.cpp checks it).
RooflineParams h100_llama31_8b_fit();

// A workload's lengths as the steady state needs them (mean prompt P, mean output O, mean output
// age A = E[O^2] / (2 E[O])).
struct WorkloadLengths {
  double prompt = 0;
  double output = 0;
  double output_age = 0;
  double prompt_shared = 0;  // share of the prompt tokens held once for several running sequences
};

// LM-Arena chat as run by ML.ENERGY v3 (inputs, not fitted):
//  * output: the published output-length histogram of Llama-3.1-8B-Instruct on lm-arena-chat
//    (public/data/models/meta-llama__Llama-3.1-8B-Instruct__lm-arena-chat.json, leaderboard commit
//    0cd52da, 39,936 responses): E[O] = 399.2, E[O^2]/(2 E[O]) = 393.2 tokens.
//  * prompt: not published (the benchmark concatenates every earlier turn of an
//    arena-human-preference-100k conversation into the prompt, one request per turn; ml-energy/benchmark
//    c1d6557 datasets.py). Derived from the published running batch where the KV cache binds: at
//    max_num_seqs 768 on one H100 the mean running batch is 690.9 (same data file), so
//    C = kv_capacity / 690.9 = 645.2 tokens and P = C - A = 252.0 tokens. It is the prompt a
//    sequence holds in KV itself: turns of one conversation running together share their common
//    prefix through vLLM's prefix cache, and that share is inside P.
inline constexpr double kArenaOutputMean = 399.2;
inline constexpr double kArenaOutputAge = 393.2;
inline constexpr double kArenaKvBoundBatch = 690.9;
double arena_prompt_from_kv_bound(double kv_capacity_tokens);  // = kv_capacity / 690.9 - 393.2
inline constexpr double kArenaPromptMean = 252.0;

// Work in one iteration.
struct RooflineLoad {
  double prefill_tokens = 0;         // prompt tokens processed this iteration
  double decode_seqs = 0;            // sequences producing one token each
  double decode_context_tokens = 0;  // total context (prompt + generated) of those sequences
};

// What each GPU of the replica does in one iteration [s]; the rest of t_iter it waits.
struct GpuActivityTimes {
  double iteration_s = 0;
  double compute_s = 0;
  double memory_s = 0;     // all HBM streaming (weights, KV), expert weights included
  double allreduce_s = 0;
  double expert_s = 0;     // the part of memory_s that streams MoE expert weights
};

struct SteadyState {
  double batch = 0;                  // running batch after the KV cap [seqs]
  double itl_s = 0;                  // iteration time = inter-token latency [s]
  double output_tokens_per_s = 0;
  GpuActivityTimes activity;         // of the steady-state iteration
};

class Roofline final : public IterationTimeModel {
 public:
  Roofline(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model, int tp, RooflineParams p);

  double t_compute(const RooflineLoad& l) const;
  // E[max / mean] of the routed token copies over the tp GPUs under expert parallelism (1 without).
  double expert_imbalance(double tokens) const;
  double t_memory(const RooflineLoad& l) const;
  double t_expert(const RooflineLoad& l) const;  // expert-weight part of t_memory (0: dense)
  double t_allreduce(const RooflineLoad& l) const;
  double t_gpu(const RooflineLoad& l) const;
  double t_host(const RooflineLoad& l) const;
  double t_fixed() const { return t_fixed_s_; }  // layers * t_layer
  double iteration_time(const RooflineLoad& l) const;
  GpuActivityTimes activity(const RooflineLoad& l) const;
  // IterationTimeModel: the same for a batching pool's iteration.
  double seconds(const IterationLoad& l) const override { return iteration_time(load_of(l)); }
  static RooflineLoad load_of(const IterationLoad& l) {
    return RooflineLoad{static_cast<double>(l.prefill_tokens), static_cast<double>(l.decode_seqs),
                        static_cast<double>(l.context_tokens)};
  }

  double kv_capacity_tokens() const { return kv_capacity_tokens_; }
  SteadyState steady_state(double max_batch, const WorkloadLengths& w) const;

  int tp() const { return tp_; }
  const RooflineParams& params() const { return p_; }

 private:
  RooflineParams p_;
  int tp_;
  double flops_per_token_;     // 2 * active params
  double expert_flops_per_token_;  // 2 * active expert params (0: dense, or no expert parallelism)
  double routed_per_token_;    // experts_per_token (expert parallelism only)
  double dense_B_;             // non-expert weights
  double expert_B_;            // all expert weights
  double route_keep_;          // 1 - k/E: probability one token leaves a given expert untouched
  double kv_per_token_B_;
  double compute_rate_;        // tp * flops(precision) * eff_compute
  double memory_rate_;         // tp * memory_bw * eff_memory
  double ar_bytes_per_token_;  // 2 (tp-1)/tp * hidden * 2 B
  double ar_busbw_Bps_;        // kAllReduceBusBwPerLink * nvlink_Bps / 2
  double n_allreduce_;         // 2 * layers, 0 if tp == 1
  double t_fixed_s_;           // layers * t_layer
  double moe_rate_;            // tp * memory_bw * eff_moe
  double kv_capacity_tokens_;
};

}  // namespace dcsim::serving
