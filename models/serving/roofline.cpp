// Roofline iteration time; equations and sources in roofline.hpp.
#include "models/serving/roofline.hpp"

#include <algorithm>

namespace dcsim::serving {

RooflineParams h100_llama31_8b_fit() { return RooflineParams{}; }

Roofline::Roofline(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model, int tp,
                   RooflineParams p)
    : p_(p), tp_(std::max(tp, 1)) {
  const double n = tp_;
  flops_per_token_ = 2.0 * model.params;
  weights_B_ = model.weights_B();
  kv_per_token_B_ = model.kv_bytes_per_token;
  compute_rate_ = n * gpu.bf16_flops * p_.eff_compute;
  memory_rate_ = n * gpu.memory_bw_Bps * p_.eff_memory;
  ar_bytes_per_token_ = 2.0 * (n - 1.0) / n * model.hidden * 2.0;
  ar_bw_Bps_ = gpu.nvlink_Bps / 2.0;
  n_allreduce_ = tp_ > 1 ? 2.0 * model.layers : 0.0;
  const double kv_pool = n * gpu.memory_B * p_.gpu_mem_util - weights_B_ - n * p_.activation_reserve_B;
  kv_capacity_tokens_ = kv_per_token_B_ > 0 ? std::max(kv_pool, 0.0) / kv_per_token_B_ : 0.0;
}

double Roofline::t_compute(const RooflineLoad& l) const {
  return flops_per_token_ * (l.prefill_tokens + l.decode_seqs) / compute_rate_;
}

double Roofline::t_memory(const RooflineLoad& l) const {
  return (weights_B_ + l.decode_context_tokens * kv_per_token_B_) / memory_rate_;
}

double Roofline::t_allreduce(const RooflineLoad& l) const {
  if (n_allreduce_ == 0.0) return 0.0;
  const double tokens = l.prefill_tokens + l.decode_seqs;
  return n_allreduce_ * (tokens * ar_bytes_per_token_ / ar_bw_Bps_ + p_.ar_latency_s);
}

double Roofline::iteration_time(const RooflineLoad& l) const {
  return p_.t_overhead_s + t_compute(l) + t_memory(l) + t_allreduce(l);
}

SteadyState Roofline::steady_state(double max_batch, double mean_prompt, double mean_output) const {
  const double ctx = mean_prompt + mean_output / 2.0;
  double b = max_batch;
  if (kv_capacity_tokens_ > 0 && ctx > 0) b = std::min(b, kv_capacity_tokens_ / ctx);
  const RooflineLoad l{b * mean_prompt / mean_output, b, b * ctx};
  SteadyState s;
  s.batch = b;
  s.itl_s = iteration_time(l);
  s.output_tokens_per_s = b / s.itl_s;
  return s;
}

}  // namespace dcsim::serving
