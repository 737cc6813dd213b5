// Failures of a pool's GPUs and servers, and their repair (docs/models/scheduling.md "Failures").
// Run by the pool's capacity controller (capacity.hpp).
//
// Every GPU and every server host of the pool is a component with its own time to failure T,
// drawn when it is new (at the start; a failed part when its server is repaired: the others keep
// their age, and do not age while their server is down):
//   exponential  T ~ Exp(lambda)                            (constant hazard lambda)
//   weibull      T ~ Weibull(k, eta),  eta = 1 / (lambda * Gamma(1 + 1/k))   (mean 1/lambda;
//                k < 1 infant mortality, k > 1 wear-out)
// with lambda = gpu_rate for a GPU and server_rate for the host. A server fails at the first of
// its components' times: its replicas stop at once (a failed GPU takes its server out of service
// until the repair: the host is drained and swapped, as in the Llama 3 report's automation), the
// requests they held are retried through their service's front end (on_failure: retry) or
// counted lost (drop). Its repair takes R ~ the repair distribution (mean repair_time):
//   exponential  R ~ Exp(1 / repair_time);  lognormal  R = repair_time * exp(sigma N - sigma^2/2);
//   fixed        R = repair_time
// after which its replicas (those still in the pool's capacity) load their weights again. Each
// component is then a renewal process in its server's up time: over a long run a pool of S
// servers of g GPUs up a share A of the time sees (g gpu_rate + server_rate) S A per unit time,
// whatever the distribution's shape. No failure happens while the
// server is down, nor to a server whose replicas are all outside the capacity (reservoir GPUs
// not yet arrived); a server that is up but idle can fail.
//
// Defaults (fail.llama3_405b, docs/models/scheduling.md): 419 unexpected interruptions in 54
// days on 16,384 H100 GPUs (2,048 servers of 8); 58.7 % GPU issues -> 246 / (16,384 x 1,296 h)
// = 1.16e-5 per GPU-hour; confirmed hardware issues other than GPUs (78 % - 58.7 % = 19.3 %)
// -> 81 / (2,048 x 1,296 h) = 3.05e-5 per server-hour. The repair time (mean 3 h, lognormal
// sigma 1) is an assumption: the report gives none.
//
// A failure model is a registry entry (category `failures`, block
// `sites[].pools[].capacity.failures`): one file plus one line in register.cpp; the keys common
// to all are declared once (failure_params()).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/registry/registry.hpp"
#include "sim/util/rng.hpp"

namespace dcsim::scheduling {

class FailureModel {
 public:
  virtual ~FailureModel() = default;
  // Time to failure (s) of a component as good as new with long-run failure rate `rate` (1/s).
  virtual double time_to_failure(double rate, Rng& rng) const = 0;
};

struct FailureContext {
  uint64_t seed = 0;
};

using FailureRegistry = Registry<FailureModel, const FailureContext&>;
FailureRegistry& failure_registry();

// The keys every failure model has (rates, repair, what becomes of the requests), then its own.
std::vector<scenario::ParamSpec> failure_params(std::vector<scenario::ParamSpec> own);

// Repair time (s) drawn from a failure block's repair keys.
double draw_repair_time(const scenario::Config& failures, Rng& rng);

void register_failures_none();
void register_failures_exponential();
void register_failures_weibull();

}  // namespace dcsim::scheduling
