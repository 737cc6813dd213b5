// Arrival processes: when the requests of a workload arrive.
//
// Arrivals are generated lazily: next_arrival() draws the next arrival time when the previous
// one fires, so memory does not grow with the horizon. Implementations register themselves in
// arrivals_registry() (register_arrival_models) with their parameter declarations.
#pragma once

#include <memory>
#include <string>

#include "sim/registry/registry.hpp"
#include "sim/util/rng.hpp"

namespace dcsim::output {
class Recorder;
}

namespace dcsim::arrivals {

class ArrivalProcess {
 public:
  virtual ~ArrivalProcess() = default;
  // The next arrival time strictly after `now`, or +inf if the process has ended.
  virtual double next_arrival(double now, Rng& rng) = 0;
  // Long-run mean rate (1/s) if known, else NaN (used for reports and checks).
  virtual double mean_rate() const = 0;
  // Optional extra series (e.g. an active-user population), under the workload's group.
  virtual void declare_series(output::Recorder&, const std::string& /*group*/) {}
};

using ArrivalRegistry = Registry<ArrivalProcess>;
ArrivalRegistry& arrivals_registry();

void register_arrival_models();

}  // namespace dcsim::arrivals
