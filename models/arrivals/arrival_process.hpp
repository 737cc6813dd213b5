// Arrival processes: when the requests of a workload arrive.
//
// Arrivals are generated lazily: next_arrival() draws the next arrival time when the previous
// one fires, so memory does not grow with the horizon. Each model file registers its models in
// arrivals_registry() with their parameter declarations (register_*_models below, called from
// register.cpp).
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "sim/registry/registry.hpp"
#include "sim/util/rng.hpp"

namespace dcsim::output {
class Recorder;
}

namespace dcsim::arrivals {

// What a factory may need besides its own parameters.
struct ArrivalContext {
  double start_epoch_s = 0;   // calendar time (UTC, s since 1970) of simulated t = 0 (scenario `start`)
  double horizon_s = 0;       // scenario horizon
  std::string scenario_dir;   // relative file paths in parameters resolve against this folder
};

// What a trace says about one request; 0 = not given (the workload's request class draws it).
struct ArrivalAttributes {
  uint32_t prompt_tokens = 0;
  uint32_t output_tokens = 0;
  uint32_t prefix_blocks = 0;  // Mooncake hash_ids: number of 512-token prefix blocks
  const uint64_t* prefix_ids = nullptr;  // their hash ids (prefix_blocks of them); valid until the next next_arrival()
};

class ArrivalProcess {
 public:
  virtual ~ArrivalProcess() = default;
  // The next arrival time strictly after `now` (or equal, for simultaneous arrivals in a trace),
  // or +inf if the process has ended.
  virtual double next_arrival(double now, Rng& rng) = 0;
  // Attributes of the arrival last returned by next_arrival(), or nullptr if the process has none.
  virtual const ArrivalAttributes* attributes() const { return nullptr; }
  // Long-run mean rate (1/s) if known, else NaN (reports and checks).
  virtual double mean_rate() const = 0;
  // The fluid fidelity's view (docs/models/fluid.md): the expected arrival rate lambda(t) (1/s) at
  // simulated time t (non-decreasing t between calls), or NaN if the process has no rate curve
  // (trace replay, Hawkes: their arrivals depend on their own history). Renewal processes return
  // their constant mean rate.
  virtual double rate(double /*t*/) const { return std::numeric_limits<double>::quiet_NaN(); }
  // Squared coefficient of variation of the inter-arrival times (Poisson 1; Gamma/Weibull cv^2;
  // deterministic 0), the c_a^2 of the fluid pools' queueing approximation.
  virtual double interarrival_scv() const { return 1.0; }
  // The user population N(t) behind the arrivals at simulated time t (model: viral), or NaN if
  // the model has none. A daily quota with `users_from: arrivals` counts its users from it.
  virtual double users(double /*t*/) const { return std::numeric_limits<double>::quiet_NaN(); }
  // Optional extra series (e.g. active_users), under the workload's group.
  virtual void declare_series(output::Recorder&, const std::string& /*group*/) {}
  // Optional end-of-run totals (e.g. trace rows skipped), added to /summary as <workload>_<name>.
  virtual void add_summary(std::vector<std::pair<std::string, double>>& /*out*/) const {}
};

using ArrivalRegistry = Registry<ArrivalProcess, const ArrivalContext&>;
ArrivalRegistry& arrivals_registry();

// Registers every arrival model (idempotence is register_builtin_models' job).
void register_arrival_models();

// One per model file.
void register_poisson_models(ArrivalRegistry& r);
void register_renewal_models(ArrivalRegistry& r);
void register_nhpp_models(ArrivalRegistry& r);
void register_trace_models(ArrivalRegistry& r);
void register_viral_models(ArrivalRegistry& r);
void register_hawkes_models(ArrivalRegistry& r);

}  // namespace dcsim::arrivals
