// The arrivals registry and the list of model files that register into it.
#include "models/arrivals/arrival_process.hpp"

namespace dcsim::arrivals {

ArrivalRegistry& arrivals_registry() {
  static ArrivalRegistry r("arrivals", "When the requests of a workload arrive.");
  return r;
}

void register_arrival_models() {
  auto& r = arrivals_registry();
  register_poisson_models(r);
  register_renewal_models(r);
  register_nhpp_models(r);
  register_trace_models(r);
  register_viral_models(r);
  register_hawkes_models(r);
}

}  // namespace dcsim::arrivals
