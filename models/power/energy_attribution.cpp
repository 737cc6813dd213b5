// Energy attribution to requests (rule in energy_attribution.hpp).
#include "models/power/energy_attribution.hpp"

#include <cstddef>
#include <stdexcept>

namespace dcsim::power {

double split_energy_equal(double energy_j, std::span<double> out) {
  if (out.empty()) return energy_j;
  const double share = energy_j / static_cast<double>(out.size());
  double given = 0;
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    out[i] = share;
    given += share;
  }
  out.back() = energy_j - given;
  return 0.0;
}

double split_energy_by_tokens(double energy_j, std::span<const double> weights,
                              std::span<double> out) {
  if (weights.size() != out.size()) {
    throw std::invalid_argument("split_energy_by_tokens: weights and out differ in size");
  }
  if (out.empty()) return energy_j;
  double total = 0;
  for (const double w : weights) {
    if (!(w >= 0)) throw std::invalid_argument("split_energy_by_tokens: negative weight");
    total += w;
  }
  if (!(total > 0)) return split_energy_equal(energy_j, out);
  double given = 0;
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    out[i] = energy_j * (weights[i] / total);
    given += out[i];
  }
  out.back() = energy_j - given;
  return 0.0;
}

}  // namespace dcsim::power
