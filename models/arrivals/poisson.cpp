#include "models/arrivals/poisson.hpp"

#include <stdexcept>

namespace dcsim::arrivals {

PoissonArrivals::PoissonArrivals(double rate_per_s) : rate_(rate_per_s) {
  if (!(rate_per_s > 0)) throw std::invalid_argument("Poisson rate must be > 0");
}

}  // namespace dcsim::arrivals
