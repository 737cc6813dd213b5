// Iteration time of one continuous-batching iteration of an LLM on a replica of `tp` GPUs (tensor
// parallel), what each GPU does during it (the activity the power model reads), and the steady
// state of a vLLM-style server at a given max batch. docs/models/serving.md has the fit and the
// validation.
//
//   t_iter    = max(t_gpu, t_host)                       host and GPU overlap (vLLM async scheduling)
//   t_gpu     = t_launch + t_compute + t_memory + t_allreduce                                  [s]
//   t_host    = t_host0 + t_host_seq * decode_seqs       scheduler, sampling, detokenisation   [s]
//   t_compute = 2 * active_params * tokens / (tp * flops(precision) * eff_compute)
//   t_memory  = (weights_read + context_tokens * kv_bytes_per_token) / (tp * memory_bw * eff_memory)
//   weights_read = dense_B + expert_B * (1 - (1 - k/E)^tokens)     MoE: only the experts the
//               iteration's tokens route to are read (uniform routing; dense models: all weights)
//   t_allreduce = 2 layers * (ar_latency + 2 (tp-1)/tp * tokens * hidden * 2 B / busbw)   (tp > 1)
//   tokens    = prefill_tokens + decode_seqs
//
// Sum inside the GPU: the kernels of one iteration run one after another, and the measured median
// ITL of the ML.ENERGY H100 Llama-3.1-8B sweep grows linearly in batch with no roofline knee. Max
// with the host: the ML.ENERGY runs use vLLM 0.11.1 with async scheduling (the host prepares
// iteration i+1 while the GPU runs i), and at large batch the time per iteration grows by
// ~0.08 ms per sequence on the H100 and on the B200 alike (mlenergy_v3 data: 47.4 ms vs 50.2 ms
// median ITL at max_batch 512 although the B200 has 2.4x the bandwidth): a per-sequence host
// cost that no GPU term can produce.
//
// Precision: flops(precision) is the GPU's dense rate at the model's compute precision (BF16, FP8,
// FP4; one the GPU lacks falls back to the next wider, catalog::dense_flops). Weights are read at
// their storage width (bytes_per_param, expert_bytes_per_param).
//
// All-reduce (NCCL ring on NVLink, one after attention and one after the MLP of every layer):
// busbw = kNcclBusBwPerLink * nvlink_Bps / 2, with 470 GB/s on 8 x H100 SXM (nccl-tests
// all_reduce_perf busbw at large sizes, 460-480 GB/s on NVLink-4 against 450 GB/s per direction:
// docs.alayanew.com "NCCL-tests in practice", reference table); ar_latency = 10 us per call
// (ASSUMPTION: NCCL's small-message (LL protocol) time within one NVSwitch node; no single-node
// small-message measurement was found to cite). The fixed overhead does not scale with tp: the host
// work is the same for every tp, and each GPU's launch gaps run in parallel; the only
// tp-dependent fixed cost is 2 layers x ar_latency.
//
// KV capacity: kv_capacity.hpp (one rule, shared with the pool).
//
// Steady state at max_batch b for a workload of mean prompt P, mean output O and mean output age
// A = E[O^2] / (2 E[O]) (the generated length of a running sequence, length-biased: a long answer
// runs longer and is seen more often; A = O/2 only when every answer has the same length):
//   C  = P + A                      mean context of a running sequence        [tokens]
//   B  = min(b, kv_capacity / C)    running batch                             [seqs]
//   t  = t_iter(prefill = B P / O, decode_seqs = B, context = B C)            [s]
//   ITL = t,   throughput = B / t   [output tokens/s]
//
// Parameters (RooflineParams): eff_compute, eff_memory, t_launch_s, t_host_s, t_host_seq_s
// fitted to mlenergy_v3.h100.llama31_8b.sweep (roofline_fit.hpp); ar_latency_s, the KV memory
// rule's gpu_mem_util and reserve_per_gpu_B as above.
#pragma once

#include "models/catalog/specs.hpp"
#include "models/serving/iteration_time.hpp"
#include "models/serving/kv_capacity.hpp"

namespace dcsim::serving {

// nccl-tests busbw at large messages on NVLink-4 (8 x H100): 470 GB/s / 450 GB/s per direction.
inline constexpr double kNcclBusBwPerLink = 470.0 / 450.0;

struct RooflineParams {
  double eff_compute = 0.3957;        // fraction of the dense peak reached by the GEMMs
  double eff_memory = 0.9000;         // fraction of HBM bandwidth (fit bounded to <= 0.90)
  double t_launch_s = 1.437e-3;       // GPU-side fixed time per iteration (launch gaps, small kernels)
  double t_host_s = 5.083e-3;         // host time per iteration, fixed part
  double t_host_seq_s = 0.0910e-3;    // host time per iteration and running sequence
  double ar_latency_s = 10e-6;        // per all-reduce call (assumption, see above)
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
};

// LM-Arena chat as run by ML.ENERGY v3 (inputs, not fitted):
//  * output: the published output-length histogram of Llama-3.1-8B-Instruct on lm-arena-chat
//    (public/data/models/meta-llama__Llama-3.1-8B-Instruct__lm-arena-chat.json, leaderboard commit
//    0cd52da, 39,936 responses): E[O] = 399.2, E[O^2]/(2 E[O]) = 393.2 tokens.
//  * prompt: not published (the benchmark concatenates every earlier turn of an
//    arena-human-preference-100k conversation into the prompt; ml-energy/benchmark c1d6557
//    datasets.py). Derived from the published running batch where the KV cache binds: at
//    max_num_seqs 768 on one H100 the mean running batch is 690.9 (same data file), so
//    C = kv_capacity / 690.9 = 573.6 tokens and P = C - A = 180.4 tokens.
inline constexpr double kArenaOutputMean = 399.2;
inline constexpr double kArenaOutputAge = 393.2;
inline constexpr double kArenaKvBoundBatch = 690.9;
double arena_prompt_from_kv_bound(double kv_capacity_tokens);  // = kv_capacity / 690.9 - 393.2
inline constexpr double kArenaPromptMean = 180.4;

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
  double memory_s = 0;
  double allreduce_s = 0;
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
  double t_memory(const RooflineLoad& l) const;
  double t_allreduce(const RooflineLoad& l) const;
  double t_gpu(const RooflineLoad& l) const;
  double t_host(const RooflineLoad& l) const;
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
  double dense_B_;             // non-expert weights
  double expert_B_;            // all expert weights
  double route_keep_;          // 1 - k/E: probability one token leaves a given expert untouched
  double kv_per_token_B_;
  double compute_rate_;        // tp * flops(precision) * eff_compute
  double memory_rate_;         // tp * memory_bw * eff_memory
  double ar_bytes_per_token_;  // 2 (tp-1)/tp * hidden * 2 B
  double ar_busbw_Bps_;        // kNcclBusBwPerLink * nvlink_Bps / 2
  double n_allreduce_;         // 2 * layers, 0 if tp == 1
  double kv_capacity_tokens_;
};

}  // namespace dcsim::serving
