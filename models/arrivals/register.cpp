// Registration of the arrival models with their parameter declarations.
#include "models/arrivals/arrival_process.hpp"
#include "models/arrivals/poisson.hpp"

namespace dcsim::arrivals {

ArrivalRegistry& arrivals_registry() {
  static ArrivalRegistry r("arrivals", "When the requests of a workload arrive.");
  return r;
}

void register_arrival_models() {
  using scenario::ParamSpec;
  auto& r = arrivals_registry();
  r.add("poisson", "Homogeneous Poisson process: exponential inter-arrival times with a constant rate.",
        {ParamSpec::quantity_of("rate", units::Quantity::rate).req().above(0).doc("Mean arrival rate.")},
        [](const scenario::Config& c) { return std::make_unique<PoissonArrivals>(c.num("rate")); });
}

}  // namespace dcsim::arrivals
