// Roofline iteration time; equations and sources in roofline.hpp.
#include "models/serving/roofline.hpp"

#include <algorithm>
#include <cmath>

namespace dcsim::serving {

RooflineParams h100_llama31_8b_fit() { return RooflineParams{}; }

double arena_prompt_from_kv_bound(double kv_capacity_tokens) {
  return kv_capacity_tokens / kArenaKvBoundBatch - kArenaOutputAge;
}

Roofline::Roofline(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model, int tp, RooflineParams p)
    : p_(p), tp_(std::max(tp, 1)) {
  const double n = tp_;
  flops_per_token_ = 2.0 * model.active_params_per_token();
  const bool ep = p_.expert_parallel && model.is_moe() && tp_ > 1;
  const double dense_params = model.params - model.expert_params;
  expert_flops_per_token_ = ep ? std::max(0.0, flops_per_token_ - 2.0 * dense_params) : 0.0;
  routed_per_token_ = ep ? double(model.experts_per_token) : 0.0;
  const double expert_bpp = model.expert_bytes_per_param > 0 ? model.expert_bytes_per_param : model.bytes_per_param;
  expert_B_ = model.is_moe() ? model.expert_params * expert_bpp : 0.0;
  dense_B_ = model.weights_B() - expert_B_;
  route_keep_ = model.is_moe() ? 1.0 - double(model.experts_per_token) / double(model.experts) : 0.0;
  kv_per_token_B_ = model.kv_bytes_per_token;
  compute_rate_ = n * catalog::dense_flops(gpu, model.compute) * p_.eff_compute;
  memory_rate_ = n * gpu.memory_bw_Bps * p_.eff_memory;
  ar_bytes_per_token_ = 2.0 * (n - 1.0) / n * model.hidden * 2.0;
  ar_busbw_Bps_ = kAllReduceBusBwPerLink * gpu.nvlink_Bps / 2.0;
  n_allreduce_ = tp_ > 1 ? 2.0 * model.layers : 0.0;
  t_fixed_s_ = model.layers * p_.t_layer_s;
  moe_rate_ = n * gpu.memory_bw_Bps * p_.eff_moe;
  const double kv_pool = kv_cache_bytes(gpu, model, n, p_.gpu_mem_util, p_.reserve_per_gpu_B);
  kv_capacity_tokens_ = kv_per_token_B_ > 0 ? std::max(kv_pool, 0.0) / kv_per_token_B_ : 0.0;
}

double Roofline::expert_imbalance(double tokens) const {
  const double copies = tokens * routed_per_token_;
  if (!(copies > 0)) return 1.0;
  const double n = tp_;
  return 1.0 + std::sqrt(2.0 * std::log(n)) * std::sqrt((n - 1.0) / copies);
}

double Roofline::t_compute(const RooflineLoad& l) const {
  const double tokens = l.prefill_tokens + l.decode_seqs;
  const double extra = expert_flops_per_token_ > 0 ? expert_flops_per_token_ * (expert_imbalance(tokens) - 1.0) : 0.0;
  return (flops_per_token_ + extra) * tokens / compute_rate_;
}

double Roofline::t_expert(const RooflineLoad& l) const {
  if (!(expert_B_ > 0)) return 0.0;
  const double tokens = l.prefill_tokens + l.decode_seqs;
  return expert_B_ * (1.0 - std::pow(route_keep_, tokens)) / moe_rate_;
}

double Roofline::t_memory(const RooflineLoad& l) const {
  return (dense_B_ + l.decode_context_tokens * kv_per_token_B_) / memory_rate_ + t_expert(l);
}

double Roofline::t_allreduce(const RooflineLoad& l) const {
  if (n_allreduce_ == 0.0) return 0.0;
  const double tokens = l.prefill_tokens + l.decode_seqs;
  return n_allreduce_ * (p_.ar_latency_s + tokens * ar_bytes_per_token_ / ar_busbw_Bps_);
}

double Roofline::t_gpu(const RooflineLoad& l) const {
  return t_fixed_s_ + t_compute(l) + t_memory(l) + t_allreduce(l);
}

double Roofline::t_host(const RooflineLoad& l) const { return p_.t_host_s + p_.t_host_seq_s * l.decode_seqs; }

double Roofline::iteration_time(const RooflineLoad& l) const { return std::max(t_gpu(l), t_host(l)); }

GpuActivityTimes Roofline::activity(const RooflineLoad& l) const {
  GpuActivityTimes a;
  a.compute_s = t_compute(l);
  a.memory_s = t_memory(l);
  a.allreduce_s = t_allreduce(l);
  a.expert_s = t_expert(l);
  a.iteration_s = std::max(t_fixed_s_ + a.compute_s + a.memory_s + a.allreduce_s, t_host(l));
  return a;
}

SteadyState Roofline::steady_state(double max_batch, const WorkloadLengths& w) const {
  const double own_prompt = w.prompt * (1.0 - std::clamp(w.prompt_shared, 0.0, 1.0));
  const double held = own_prompt + w.output_age;  // KV a sequence holds itself
  double b = max_batch;
  if (kv_capacity_tokens_ > 0 && held > 0) b = std::min(b, kv_capacity_tokens_ / held);
  const RooflineLoad l{w.output > 0 ? b * own_prompt / w.output : 0.0, b, b * (w.prompt + w.output_age)};
  SteadyState s;
  s.batch = b;
  s.activity = activity(l);
  s.itl_s = s.activity.iteration_s;
  s.output_tokens_per_s = b / s.itl_s;
  return s;
}

}  // namespace dcsim::serving
