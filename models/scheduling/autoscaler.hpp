// Reactive autoscalers: how many replicas a pool should have, from what it sees now. Run by the
// pool's capacity controller (capacity.hpp) every `interval`; the controller applies the answer
// within [min_replicas, max_replicas] and the cool-downs, with the provisioning delay and the
// weight load of every replica it adds (docs/models/scheduling.md "Autoscaling").
//
// A policy answers the replicas it wants, D, from one reading of the pool:
//   target_utilization  u = running / (up * slots_per_replica)        D = ceil(up * u / target)
//   queue_length        q = (queued + running) / target_per_replica    D = ceil(q)
//   latency_slo         L = the quantile-th latency of the requests the pool completed since the
//                       last evaluation; D = ceil(C * min(L / target, max_factor)) when L > target,
//                       D = floor(C * (1 - step_in)) when L < scale_in_below * target, else C
// with C the replicas in the pool's capacity (up, loading or provisioning). Within the
// `tolerance` of the target (|u / target - 1| <= tolerance, the same for q against C) a policy
// answers C (Kubernetes' HPA rule: no change for small deviations).
//
// Cool-downs (the controller):  scale out at t only if t - t_out >= cooldown_out;
//                               scale in  at t only if t - max(t_out, t_in) >= cooldown_in,
// with t_out, t_in the times of the last scale-out and scale-in (a scheduled change counts),
// and then only down to the highest answer of the evaluations in (t - cooldown_in, t] (HPA's
// scale-down stabilisation: a dip in the metric does not take capacity away).
//
// A policy is a registry entry (category `autoscaler`, block `sites[].pools[].capacity.autoscaler`):
// one file in models/scheduling/ plus one line in register.cpp. Its common keys (interval, min,
// max, cool-downs, tolerance) are declared once (autoscaler_params()).
// Defaults: interval 15 s and scale-in stabilisation 300 s are Kubernetes' HPA defaults
// (kubernetes.io, "Horizontal Pod Autoscaling": --horizontal-pod-autoscaler-sync-period 15 s,
// --horizontal-pod-autoscaler-downscale-stabilization 5 min, tolerance 0.1).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "models/serving/pool.hpp"
#include "sim/registry/registry.hpp"

namespace dcsim::scheduling {

// What a policy reads at an evaluation.
struct AutoscalerInput {
  double now = 0;
  serving::PoolLoad load;             // queued, running, replicas up (replicas_active), all replicas
  uint32_t capacity = 0;              // replicas in the pool's capacity: up, loading or provisioning
  std::span<const double> latencies;  // end-to-end latencies (s) completed since the last evaluation
};

class Autoscaler {
 public:
  virtual ~Autoscaler() = default;
  // Replicas the pool should have (before min/max and cool-downs).
  virtual uint32_t desired(const AutoscalerInput& in) = 0;
  // True if it reads AutoscalerInput::latencies (the controller then observes completions).
  virtual bool wants_latencies() const { return false; }
};

struct AutoscalerContext {
  uint64_t seed = 0;
};

using AutoscalerRegistry = Registry<Autoscaler, const AutoscalerContext&>;
AutoscalerRegistry& autoscaler_registry();

// The keys every autoscaler has (declared once), followed by its own.
std::vector<scenario::ParamSpec> autoscaler_params(std::vector<scenario::ParamSpec> own);
// HPA's rule: ceil(current * ratio), or current within the tolerance of ratio = 1.
uint32_t proportional(double current, double ratio, double tolerance);

void register_autoscale_none();
void register_autoscale_target_utilization();
void register_autoscale_queue_length();
void register_autoscale_latency_slo();

}  // namespace dcsim::scheduling
