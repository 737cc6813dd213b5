// Grid supply of one site: the carbon intensity of the power it imports, average and marginal,
// as hourly series on the scenario's calendar (hourly_series.hpp).
//
//   average  I_h = Σ_f g_{h,f} EF_f / Σ_f g_{h,f}            (fuel.hpp: factors, lifecycle or direct)
//   marginal M_h = EF of the hour's marginal fuel            (fuel.hpp: merit order, threshold)
//   over a control step [t0, t1]: Ī = (1/(t1−t0)) ∫ I dt    (exact for the step-function series)
//
// Models (registry "grid_supply", one file each): constant (supply_constant.cpp), preset and
// synthetic (supply_synthetic.cpp: a region preset's annual mix, or shares given in the
// scenario, shaped into hours by synthetic_mix.hpp), eia930 (supply_eia930.cpp: an EIA-930 file).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/grid/eia930.hpp"
#include "models/grid/fuel.hpp"
#include "models/grid/hourly_series.hpp"
#include "sim/registry/registry.hpp"

namespace dcsim::grid {

// What the grid's factories need besides their parameters.
struct GridContext {
  std::string site;           // site name (random streams, event subjects)
  double start_epoch_s = 0;   // calendar time (UTC) of simulated t = 0 (scenario `start`)
  double horizon_s = 0;
  std::string scenario_dir;   // relative file paths resolve against this folder
  uint64_t seed = 1;          // scenario seed
  // Year (UTC) of the scenario start.
  int start_year() const;
};

class GridSupply {
 public:
  // Series in g/J, already bound to the scenario calendar.
  GridSupply(HourlySeries average, HourlySeries marginal, std::string description, double weighted_mean_g_per_j);
  // From an hourly mix: intensities with `factors`, marginal fuel by `order` and `threshold`.
  static std::unique_ptr<GridSupply> from_mix(HourlyMix mix, const FuelArray& factors, const MeritOrder& order,
                                              double threshold, std::string description, double start_epoch_s);

  double intensity(double t0, double t1) const { return average_.mean(t0, t1); }  // g/J
  double marginal(double t0, double t1) const { return marginal_.mean(t0, t1); }   // g/J
  double intensity_at(double t) const { return average_.at(t); }
  double marginal_at(double t) const { return marginal_.at(t); }
  // Generation-weighted mean over the data (the annual figure sources cite), g/J.
  double weighted_mean() const { return weighted_mean_; }
  const std::string& description() const { return description_; }
  // The hourly mix behind the series (none for a constant supply).
  const std::optional<HourlyMix>& mix() const { return mix_; }
  const HourlySeries& average_series() const { return average_; }
  const HourlySeries& marginal_series() const { return marginal_; }

 private:
  HourlySeries average_, marginal_;
  std::string description_;
  double weighted_mean_ = 0;
  std::optional<HourlyMix> mix_;
};

using SupplyRegistry = Registry<GridSupply, const GridContext&>;
SupplyRegistry& supply_registry();

// Parameters and the `emission_factors` block shared by the mix-based models (declared once).
std::vector<scenario::ParamSpec> mix_params(const std::string& default_factors);
std::vector<scenario::ChildSpec> mix_children();
// The factors a mix-based model's block asks for (`factors`, then the `emission_factors` overrides).
FuelArray factors_of(const scenario::Config& c, FactorBasis default_basis);
MeritOrder merit_order_of(const scenario::Config& c);
// "coal, gas, oil" -> fuels; InputError at the key on an unknown or repeated name.
MeritOrder parse_fuel_list(const scenario::Config& c, const std::string& key);
std::string resolve_path(const std::string& path, const std::string& scenario_dir);

void register_constant_supply(SupplyRegistry& r);
void register_synthetic_supply(SupplyRegistry& r);
void register_eia930_supply(SupplyRegistry& r);

}  // namespace dcsim::grid
