#include "models/arrivals/poisson.hpp"

#include <stdexcept>

namespace dcsim::arrivals {

PoissonArrivals::PoissonArrivals(double rate_per_s) : rate_(rate_per_s) {
  if (!(rate_per_s > 0)) throw std::invalid_argument("Poisson rate must be > 0");
}

void register_poisson_models(ArrivalRegistry& r) {
  using scenario::ParamSpec;
  r.add("poisson", "Homogeneous Poisson process: exponential inter-arrival times with a constant rate.",
        {ParamSpec::quantity_of("rate", units::Quantity::rate).req().above(0).doc("Mean arrival rate.")},
        [](const scenario::Config& c, const ArrivalContext&) { return std::make_unique<PoissonArrivals>(c.num("rate")); });
}

}  // namespace dcsim::arrivals
