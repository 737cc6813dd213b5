#include "models/grid/supply.hpp"

#include <filesystem>

#include "sim/scenario/datetime.hpp"
#include "sim/util/text.hpp"

namespace dcsim::grid {

using scenario::ParamSpec;
using units::Quantity;

int GridContext::start_year() const { return std::stoi(scenario::format_datetime(start_epoch_s).substr(0, 4)); }

GridSupply::GridSupply(HourlySeries average, HourlySeries marginal, std::string description, double weighted_mean_g_per_j)
    : average_(std::move(average)),
      marginal_(std::move(marginal)),
      description_(std::move(description)),
      weighted_mean_(weighted_mean_g_per_j) {}

std::unique_ptr<GridSupply> GridSupply::from_mix(HourlyMix mix, const FuelArray& factors, const MeritOrder& order,
                                                 double threshold, std::string description, double start_epoch_s) {
  std::vector<double> avg(mix.mw.size()), marg(mix.mw.size());
  double total = 0, weighted = 0;
  for (size_t h = 0; h < mix.mw.size(); ++h) {
    avg[h] = grid::intensity(mix.mw[h], factors);
    marg[h] = factors[index(marginal_fuel(mix.mw[h], order, threshold))];
    for (size_t f = 0; f < kFuelCount; ++f) {
      total += mix.mw[h][f];
      weighted += mix.mw[h][f] * factors[f];
    }
  }
  HourlySeries a(mix.first_hour_epoch_s, std::move(avg)), m(mix.first_hour_epoch_s, std::move(marg));
  a.bind(start_epoch_s);
  m.bind(start_epoch_s);
  auto s = std::make_unique<GridSupply>(std::move(a), std::move(m), std::move(description),
                                        total > 0 ? weighted / total : 0.0);
  s->mix_ = std::move(mix);
  return s;
}

SupplyRegistry& supply_registry() {
  static SupplyRegistry r("grid_supply",
                          "Where a site's grid power comes from: the carbon intensity (average and marginal) of its "
                          "imports over time.");
  return r;
}

namespace {

const scenario::Schema& factor_schema() {
  static const scenario::Schema s = [] {
    std::vector<ParamSpec> params;
    for (Fuel f : kAllFuels) {
      params.push_back(ParamSpec::quantity_of(fuel_name(f), Quantity::carbon_intensity)
                           .at_least(0)
                           .doc(std::string("Emission factor of ") + fuel_name(f) + " (replaces the chosen set's)."));
    }
    return scenario::Schema{"emission_factors",
                            "Per-fuel emission factors that replace those of the chosen set (`factors`).", params, {}};
  }();
  return s;
}

}  // namespace

std::vector<ParamSpec> mix_params(const std::string& default_factors) {
  std::vector<std::string> choices{"lifecycle", "direct"};
  if (default_factors == "auto") choices.insert(choices.begin(), "auto");
  return {ParamSpec::choice("factors", choices)
              .def(default_factors)
              .doc("Emission factor set: lifecycle (IPCC AR5 WG3 Annex III medians, gCO2e over the plant's life; "
                   "the basis of Ember/OWID figures) or direct (stack CO2 as EIA and eGRID count it, US 2023 "
                   "averages)" +
                   std::string(default_factors == "auto" ? "; auto: the basis of the preset's cited figure" : "") +
                   ". See docs/models/grid.md.")
              .src("IPCC AR5 WG3 Annex III Table A.III.2; grid.us_2023_eia"),
          ParamSpec::quantity_of("marginal_threshold", Quantity::dimensionless)
              .def("0.02")
              .at_least(0)
              .below(1)
              .doc("A fuel can be the hour's marginal one only if it makes at least this share of the hour's "
                   "generation."),
          ParamSpec::string("merit_order")
              .def("solar,wind,hydro,nuclear,geothermal,biomass,other,coal,gas,oil")
              .doc("Fuels from the cheapest to run to the most expensive; the hour's marginal fuel is the last of "
                   "them above marginal_threshold. Fuels left out are never marginal.")};
}

std::vector<scenario::ChildSpec> mix_children() {
  return {scenario::ChildSpec{"emission_factors", scenario::ChildKind::block, &factor_schema(), "", "", false,
                              "Per-fuel overrides of the emission factors."}};
}

FuelArray factors_of(const scenario::Config& c, FactorBasis default_basis) {
  FactorBasis b = default_basis;
  if (c.str("factors") != "auto") parse_basis(c.str("factors"), b);
  FuelArray ef = emission_factors(b);
  const scenario::Config& o = c.child("emission_factors");
  for (Fuel f : kAllFuels) {
    if (o.has(fuel_name(f))) ef[index(f)] = o.num(fuel_name(f));
  }
  return ef;
}

MeritOrder parse_fuel_list(const scenario::Config& c, const std::string& key) {
  MeritOrder out;
  const std::string& text = c.str(key);
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string word = text.substr(start, comma - start);
    while (!word.empty() && word.front() == ' ') word.erase(0, 1);
    while (!word.empty() && word.back() == ' ') word.pop_back();
    Fuel f;
    if (!word.empty()) {
      if (!parse_fuel(word, f)) {
        const std::string near = nearest(word, fuel_names());
        throw scenario::InputError(c.where(key), c.path() + "." + key,
                                   "unknown fuel '" + word + "'" + (near.empty() ? "" : "; did you mean '" + near + "'?") +
                                       " (known: " + quoted_list(fuel_names()) + ")");
      }
      for (Fuel g : out) {
        if (g == f) throw scenario::InputError(c.where(key), c.path() + "." + key, "fuel '" + word + "' listed twice");
      }
      out.push_back(f);
    }
    start = comma + 1;
  }
  return out;
}

MeritOrder merit_order_of(const scenario::Config& c) { return parse_fuel_list(c, "merit_order"); }

std::string resolve_path(const std::string& path, const std::string& scenario_dir) {
  std::filesystem::path p(path);
  if (p.is_relative() && !scenario_dir.empty()) p = std::filesystem::path(scenario_dir) / p;
  return p.lexically_normal().string();
}

}  // namespace dcsim::grid
