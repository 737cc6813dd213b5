// The series every pool records under /sites/<site>/pools/<pool> (docs/output-format.md):
// arrivals, admitted, rejected, completed, queue_length, running, replicas_active,
// gpu_utilization, latency_p50_s, latency_p99_s, gpu_power_w and gpu_energy_j. A pool adds its own
// (tokens_out, images_out, ttft_p99_s, ...) after these. The pool's IT power (power_w, energy_j:
// GPUs plus the servers' non-GPU part) is derived from gpu_power_w by the world
// (models/serving/pool_it_power.hpp).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sim/output/recorder.hpp"

namespace dcsim::serving {

struct PoolSeries {
  output::Counter arrivals, admitted, rejected, completed;
  output::Level utilization;  // share of the pool's GPUs busy, step average
  output::Level power;        // GPU power (W): gpu_power_w, with gpu_energy_j its integral over the step
  output::Quantiles latency;  // end-to-end latency of requests completed in the step
};

// What the pool's gauges read at each sample.
struct PoolProbes {
  std::function<double()> queue_length;     // requests waiting
  std::function<double()> running;          // requests in service
  std::function<double()> replicas_active;  // replicas with their weights loaded
};

// A pool made of sub-pools (serving: disaggregated) derives its power/energy as the sum of theirs and
// its GPU utilization as their GPU-weighted sum; the Level handles of PoolSeries are then unused.
struct PoolDerived {
  std::vector<output::SeriesRef> power, energy, utilization;
  std::vector<double> utilization_weights;  // share of the pool's GPUs in each sub-pool
};

PoolSeries declare_pool_series(output::Recorder& recorder, const std::string& group, PoolProbes probes,
                               const PoolDerived* derived = nullptr);

}  // namespace dcsim::serving
