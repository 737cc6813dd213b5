// A workload as the fluid fidelity sees it (docs/models/fluid.md): an arrival-rate curve and a
// request class instead of a stream of Request events, and counts back instead of one outcome
// per request. A fluid pool (models/serving/fluid/fluid_pool.hpp) reads rate() every control step
// and tells the workload, in whole requests, what became of its flow:
//   arrived   = floor(A(t)) - floor(A(t - dt))     A: the cumulative arrival fluid (or Poisson counts)
// and likewise for admitted, rejected, completed and dropped, so every count is an integer, the
// run's totals are exact floors of the fluids, and the request invariant
// (arrived = completed + rejected + dropped + in flight) holds with in flight counted the same way.
#pragma once

#include <cstdint>
#include <vector>

#include "models/workload/request_class.hpp"

namespace dcsim::workload {

struct FlowCounts {
  uint64_t arrived = 0, admitted = 0, rejected = 0, completed = 0, dropped = 0;
};

class FlowSource {
 public:
  virtual ~FlowSource() = default;
  // Expected arrivals per second at simulated time t (non-decreasing t), NaN if the arrival
  // process has no rate curve.
  virtual double flow_rate(double t) const = 0;
  // c_a^2 of the inter-arrival times (1 for Poisson).
  virtual double flow_interarrival_scv() const = 0;
  // What its requests ask for (the fluid pool draws a sample of them at start to build its curve).
  virtual RequestClass& flow_class() = 0;
  virtual double flow_slo_s() const = 0;
  // Shares of its tiers (one entry, 1, without tiers), in tier order (Request::tier).
  virtual const std::vector<double>& flow_tier_shares() const = 0;
  // The step's outcomes, in whole requests.
  virtual void on_flow(const FlowCounts& c) = 0;
  // n completed requests of latency `latency_s` that arrived at `arrival_s` (run-wide statistics
  // and SLO attainment; out of them before record.warmup).
  virtual void on_flow_latency(double latency_s, uint64_t n, double arrival_s) = 0;
};

// Where a fluid pool takes its arrivals from when its service admits or routes flows
// (models/scheduling/flow_frontend.hpp): the amount of source `source` (the pool's
// add_flow_source order: the service's workload slots) routed to it, route `route`, over
// [now, now + dt), after admission. Without an inlet the pool reads the sources' rates itself.
class FlowInlet {
 public:
  virtual ~FlowInlet() = default;
  virtual double flow_in(uint32_t route, uint32_t source, double now, double dt) = 0;
};

}  // namespace dcsim::workload
