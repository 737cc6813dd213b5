#include "models/serving/pool_series.hpp"

namespace dcsim::serving {

PoolSeries declare_pool_series(output::Recorder& r, const std::string& g, PoolProbes probes, const PoolDerived* derived) {
  using output::QuantileSpec;
  PoolSeries s;
  s.arrivals = r.counter(g, "arrivals", "1", "Requests that arrived at the pool during the step");
  s.admitted = r.counter(g, "admitted", "1", "Requests admitted to the pool during the step");
  s.rejected = r.counter(g, "rejected", "1", "Requests rejected during the step (queue full, or too large to serve)");
  s.completed = r.counter(g, "completed", "1", "Requests completed during the step");
  r.gauge(g, "queue_length", "1", "Requests waiting for a replica", std::move(probes.queue_length));
  r.gauge(g, "running", "1", "Requests in service", std::move(probes.running));
  r.gauge(g, "replicas_active", "1", "Replicas with weights loaded (serving or idle)", std::move(probes.replicas_active));
  if (derived) {
    r.weighted_sum_of(g, "gpu_utilization", "1", "Share of the pool's GPUs busy, step average", derived->utilization,
                      derived->utilization_weights);
  } else {
    s.utilization = r.level(g, "gpu_utilization", "1", "Share of the pool's GPUs busy, step average");
  }
  s.latency = r.quantiles(
      g,
      {QuantileSpec{"latency_p50_s", 0.50, "Median end-to-end latency of requests completed in the step"},
       QuantileSpec{"latency_p99_s", 0.99, "99th-percentile end-to-end latency of requests completed in the step"}},
      "s");
  if (derived) {
    r.sum_of(g, "gpu_power_w", "W", "GPU power of the pool, step average", derived->power);
    r.sum_of(g, "gpu_energy_j", "J", "GPU energy of the pool during the step", derived->energy);
  } else {
    s.power = r.level(g, "gpu_power_w", "W", "GPU power of the pool, step average", "gpu_energy_j", "J",
                      "GPU energy of the pool during the step");
  }
  return s;
}

}  // namespace dcsim::serving
