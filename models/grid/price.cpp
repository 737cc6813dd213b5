// The grid_price registry and its `flat` and `csv` models (price.hpp).
#include "models/grid/price.hpp"

#include "models/grid/series_csv.hpp"

namespace dcsim::grid {

PriceRegistry& price_registry() {
  static PriceRegistry r("grid_price", "What a site pays per unit of energy imported, over time.");
  return r;
}

void register_price_models(PriceRegistry& r) {
  using scenario::ParamSpec;
  using units::Quantity;
  r.add("flat", "One energy price at all times.",
        {ParamSpec::quantity_of("price", Quantity::energy_price).req().doc("Energy price (e.g. 80 USD/MWh).")},
        [](const scenario::Config& c, const GridContext& ctx) {
          HourlySeries s(ctx.start_epoch_s, {c.num("price")});
          s.bind(ctx.start_epoch_s);
          return std::make_unique<GridPrice>(std::move(s), "flat " + c.str("price"));
        });
  r.add("csv", "Hourly prices from a CSV file (one row per hour, stamped with the hour's start in UTC).",
        {ParamSpec::string("path").req().doc(
             "Price file; a relative path resolves against the scenario file's folder. Negative prices are allowed."),
         ParamSpec::string("time_column").def("timestamp").doc("Column of hour-start time stamps (UTC)."),
         ParamSpec::string("price_column").def("price_usd_per_mwh").doc("Column of prices in USD/MWh.")},
        [](const scenario::Config& c, const GridContext& ctx) {
          SeriesCsvSpec spec;
          spec.path = resolve_path(c.str("path"), ctx.scenario_dir);
          spec.time_column = c.str("time_column");
          spec.value_column = c.str("price_column");
          spec.what = "price file";
          spec.allow_negative = true;
          spec.scale = 1.0 / kJPerMWh;
          spec.where = c.where("path");
          spec.key_path = c.path() + ".path";
          HourlySeries s = read_series_csv(spec);
          s.bind(ctx.start_epoch_s);
          return std::make_unique<GridPrice>(std::move(s), "hourly prices from " + spec.path);
        });
}

}  // namespace dcsim::grid
