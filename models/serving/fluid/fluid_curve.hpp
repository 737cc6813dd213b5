// The capacity curve of one replica of a fluid pool (docs/models/fluid.md), built once at the
// pool's start from the same serving model its request-level kind uses and a sample of the
// requests its workloads send (their length mix):
//
//   n          requests in service on the replica (fractional: a pool-wide fluid X over R replicas)
//   slots      most requests in service at once (llm: min(max_batch, KV capacity / mean context);
//              diffusion: max_batch images / mean images per request; fifo: 1)
//   T(n)       mean service time with n in service [s], linear between the tabulated n = 1..slots,
//              T(n) = T(1) below 1 (one request alone)
//   mu(n)      = n / T(n)  completions per second (the throughput curve); capacity = mu(slots)
//   P(n)       GPU power of the replica's GPUs [W], linear between the tabulated n = 0..slots
//              (P(0): idle; below 1 the replica is busy a share n of the time)
//   shape      service time of a request over the mean, at K equiprobable quantiles of the mix
//              (its c_s^2 enters the queueing approximation, its quantiles the latency percentiles)
//
// Kinds (fluid_curves.cpp): llm from the roofline's steady state (roofline.hpp), diffusion from
// the batch-time model (diffusion_time.hpp), fifo from its service_time model's draws.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/workload/request.hpp"

namespace dcsim::serving::fluid {

struct FluidCurve {
  uint32_t slots = 1;
  std::vector<double> service_s;    // T(n) at n = 1..slots (index n - 1)
  std::vector<double> gpu_power_w;  // P(n) at n = 0..slots
  std::vector<double> shape;        // sorted service-time quantiles / mean (mean 1)
  double service_scv = 0;           // c_s^2 of the service time
  double images_per_request = 0;    // images_out per completion (diffusion), 0 otherwise
  double tokens_per_request = 0;    // tokens_out per completion (llm), 0 otherwise
  double batch_window_s = 0;        // diffusion: longest wait for a batch to fill (fluid_pool.cpp)
  bool batches = false;             // diffusion: a replica serves a batch at a time (queue servers = replicas)

  double service_time(double n) const;  // T(n)
  double throughput(double n) const;    // mu(n) = n / T(n), 0 at n = 0
  double power_w(double n) const;       // P(n)
  double capacity() const { return throughput(double(slots)); }
  // Throws std::invalid_argument unless the tables are consistent (sizes, positive times).
  void check() const;
};

// A request sample (the pool's workloads' mix, weighted by their mean rates) -> the curve of one
// replica at the nominal operating point. Made by the kind's fluid builder.
using CurveMaker = std::function<FluidCurve(const std::vector<workload::Request>& mix)>;

// Quantiles of x (K equiprobable points) divided by its mean, and its c_s^2.
void fill_shape(FluidCurve& c, std::vector<double> x, size_t k = 256);

}  // namespace dcsim::serving::fluid
