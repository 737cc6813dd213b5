#include "models/grid/fuel.hpp"

namespace dcsim::grid {

namespace {

constexpr const char* kNames[kFuelCount] = {"coal",  "gas",   "oil",     "nuclear",    "hydro",
                                            "wind",  "solar", "biomass", "geothermal", "other"};

// g/kWh, in the order of enum Fuel (sources in fuel.hpp).
constexpr double kLifecycle[kFuelCount] = {820, 490, 700, 12, 24, 11, 48, 230, 38, 700};
constexpr double kDirect[kFuelCount] = {709e3 / 675.115, 790e3 / 1806.063, 18e3 / 16.233, 0, 0, 0, 0, 0, 0, 900};

}  // namespace

const char* fuel_name(Fuel f) { return kNames[index(f)]; }

bool parse_fuel(const std::string& name, Fuel& out) {
  for (Fuel f : kAllFuels) {
    if (name == kNames[index(f)]) {
      out = f;
      return true;
    }
  }
  return false;
}

std::vector<std::string> fuel_names() { return {std::begin(kNames), std::end(kNames)}; }

const char* basis_name(FactorBasis b) { return b == FactorBasis::lifecycle ? "lifecycle" : "direct"; }

bool parse_basis(const std::string& name, FactorBasis& out) {
  if (name == "lifecycle") out = FactorBasis::lifecycle;
  else if (name == "direct") out = FactorBasis::direct;
  else return false;
  return true;
}

FuelArray emission_factors(FactorBasis b) {
  FuelArray out{};
  const double* t = b == FactorBasis::lifecycle ? kLifecycle : kDirect;
  for (size_t i = 0; i < kFuelCount; ++i) out[i] = g_per_j(t[i]);
  return out;
}

double intensity(const FuelArray& generation, const FuelArray& factors) {
  double total = 0, weighted = 0;
  for (size_t i = 0; i < kFuelCount; ++i) {
    total += generation[i];
    weighted += generation[i] * factors[i];
  }
  return total > 0 ? weighted / total : 0;
}

MeritOrder default_merit_order() {
  return {Fuel::solar, Fuel::wind,  Fuel::hydro, Fuel::nuclear, Fuel::geothermal,
          Fuel::biomass, Fuel::other, Fuel::coal, Fuel::gas,     Fuel::oil};
}

Fuel marginal_fuel(const FuelArray& generation, const MeritOrder& order, double threshold) {
  double total = 0;
  for (double g : generation) total += g;
  Fuel marginal = order.empty() ? Fuel::other : order.front();
  if (!(total > 0)) return marginal;
  for (Fuel f : order) {
    if (generation[index(f)] >= threshold * total && generation[index(f)] > 0) marginal = f;
  }
  return marginal;
}

}  // namespace dcsim::grid
