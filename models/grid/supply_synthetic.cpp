// grid_supply `preset` (a region preset's annual mix, presets.yaml) and `synthetic` (shares given
// in the scenario): annual shares shaped into hours by synthetic_mix.hpp, or held flat at the
// annual average (`hourly: false`).
#include <cmath>

#include "models/grid/presets.hpp"
#include "models/grid/supply.hpp"

namespace dcsim::grid {

namespace {

using scenario::ParamSpec;
using units::Quantity;

std::unique_ptr<GridSupply> build(const FuelArray& shares, const SyntheticShape& shape, bool hourly,
                                  const scenario::Config& c, FactorBasis basis, const GridContext& ctx,
                                  const std::string& what) {
  const FuelArray ef = factors_of(c, basis);
  if (!hourly) {
    const double avg = intensity(shares, ef);
    const double marg = ef[index(marginal_fuel(shares, merit_order_of(c), c.num("marginal_threshold")))];
    HourlySeries a(ctx.start_epoch_s, {avg}), m(ctx.start_epoch_s, {marg});
    a.bind(ctx.start_epoch_s);
    m.bind(ctx.start_epoch_s);
    return std::make_unique<GridSupply>(std::move(a), std::move(m), what + ", flat at its annual average", avg);
  }
  Rng rng(ctx.seed, "sites/" + ctx.site + "/grid/supply");
  HourlyMix mix;
  try {
    mix = synthesize_mix(shares, shape, ctx.start_year(), rng);
  } catch (const std::invalid_argument& e) {
    throw scenario::InputError(c.where(), c.path(), e.what());
  }
  return GridSupply::from_mix(std::move(mix), ef, merit_order_of(c), c.num("marginal_threshold"),
                              what + ", synthetic hourly profile", ctx.start_epoch_s);
}

ParamSpec share(Fuel f) {
  return ParamSpec::quantity_of(fuel_name(f), Quantity::dimensionless)
      .def("0")
      .at_least(0)
      .at_most(1)
      .doc(std::string("Annual share of generation from ") + fuel_name(f) + ".");
}

}  // namespace

void register_synthetic_supply(SupplyRegistry& r) {
  {
    std::vector<ParamSpec> params{
        ParamSpec::choice("region", preset_names())
            .req()
            .doc("Region preset (models/grid/presets.yaml; docs/models/grid.md lists their sources). eGRID "
                 "subregions (camx, srvc, rfcw) are the grids data centers draw from; state presets are the "
                 "states' own plants."),
        ParamSpec::boolean("hourly")
            .def("true")
            .doc("true: a synthetic hourly profile with the preset's annual shares; false: flat at the annual "
                 "average.")};
    for (auto& p : mix_params("auto")) params.push_back(std::move(p));
    r.add(
        "preset", "A region's annual generation mix from the presets (sources cited), shaped into hours.",
        std::move(params),
        [](const scenario::Config& c, const GridContext& ctx) {
          const RegionPreset& p = find_preset(c.str("region"), c.where("region"), c.path() + ".region");
          return build(p.shares, p.shape, c.flag("hourly"), c, p.basis, ctx, "preset " + p.name + " (" + p.title + ")");
        },
        mix_children());
  }
  std::vector<ParamSpec> params;
  for (Fuel f : kAllFuels) params.push_back(share(f));
  params.insert(
      params.end(),
      {ParamSpec::quantity_of("latitude", Quantity::dimensionless).def("38").at_least(-90).at_most(90).doc(
           "Latitude (degrees north) for the sun's path."),
       ParamSpec::quantity_of("longitude", Quantity::dimensionless).def("-98").at_least(-180).at_most(180).doc(
           "Longitude (degrees east) for solar time."),
       ParamSpec::quantity_of("utc_offset", Quantity::time).def("-6 h").at_least(-14 * 3600.0).at_most(14 * 3600.0).doc(
           "Offset of the region's clock from UTC (demand follows the clock)."),
       ParamSpec::quantity_of("demand_daily_amplitude", Quantity::dimensionless).def("0.12").at_least(0).below(1).doc(
           "Relative amplitude of the daily demand cycle."),
       ParamSpec::quantity_of("demand_peak_hour", Quantity::time).def("18 h").at_least(0).below(24 * 3600.0).doc(
           "Clock time of the daily demand peak."),
       ParamSpec::quantity_of("demand_seasonal_amplitude", Quantity::dimensionless).def("0.08").at_least(0).below(1).doc(
           "Relative amplitude of the seasonal demand cycle."),
       ParamSpec::integer("demand_peak_day").def("200").at_least(1).at_most(366).doc(
           "Day of the year of the seasonal demand peak (200: late July; 15: mid January)."),
       ParamSpec::quantity_of("wind_cv", Quantity::dimensionless).def("0.5").at_least(0).doc(
           "Relative standard deviation of hourly wind output (AR(1))."),
       ParamSpec::quantity_of("wind_persistence", Quantity::time).def("30 h").above(0).doc(
           "Time constant of the wind's AR(1) (exp(-1 h / tau) from hour to hour)."),
       ParamSpec::quantity_of("cloud_cv", Quantity::dimensionless).def("0.3").at_least(0).doc(
           "Relative standard deviation of the cloud factor on solar output (AR(1), 24 h persistence)."),
       ParamSpec::string("dispatch").def("coal,gas,oil").doc(
           "Dispatchable fuels in merit order (cheapest first): they fill the residual demand; the others run "
           "flat (nuclear, biomass, ...) or follow the sun and the wind."),
       ParamSpec::boolean("hourly").def("true").doc("false: flat at the annual average.")});
  for (auto& p : mix_params("lifecycle")) params.push_back(std::move(p));
  r.add(
      "synthetic", "A synthetic hourly mix from annual shares given here (solar follows the sun, wind an AR(1), "
                   "dispatchable fuels fill the rest in merit order).",
      std::move(params),
      [](const scenario::Config& c, const GridContext& ctx) {
        FuelArray shares{};
        double sum = 0;
        for (Fuel f : kAllFuels) sum += shares[index(f)] = c.num(fuel_name(f));
        if (std::abs(sum - 1.0) > 1e-6) {
          throw scenario::InputError(c.where(), c.path(),
                                     "the fuel shares sum to " + std::to_string(sum) + ", expected 1");
        }
        SyntheticShape s;
        s.latitude_deg = c.num("latitude");
        s.longitude_deg = c.num("longitude");
        s.utc_offset_h = c.num("utc_offset") / 3600.0;
        s.demand_daily_amplitude = c.num("demand_daily_amplitude");
        s.demand_peak_hour = c.num("demand_peak_hour") / 3600.0;
        s.demand_seasonal_amplitude = c.num("demand_seasonal_amplitude");
        s.demand_peak_day = c.num("demand_peak_day");
        s.wind_cv = c.num("wind_cv");
        s.wind_persistence_h = c.num("wind_persistence") / 3600.0;
        s.cloud_cv = c.num("cloud_cv");
        s.dispatch = parse_fuel_list(c, "dispatch");
        return build(shares, s, c.flag("hourly"), c, FactorBasis::lifecycle, ctx, "synthetic mix");
      },
      mix_children());
}

}  // namespace dcsim::grid
