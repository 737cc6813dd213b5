// grid_supply `constant`: one intensity for every hour (a published annual figure, e.g. the
// VC3 arithmetic's 367.4 g/kWh of grid.us_2023_eia or 548 g/kWh of grid.datacenter_weighted_us).
#include "models/grid/supply.hpp"

namespace dcsim::grid {

void register_constant_supply(SupplyRegistry& r) {
  using scenario::ParamSpec;
  using units::Quantity;
  r.add("constant", "The same carbon intensity in every hour (an annual figure).",
        {ParamSpec::quantity_of("intensity", Quantity::carbon_intensity)
             .req()
             .at_least(0)
             .doc("Average carbon intensity of the imported power (e.g. 367 g/kWh: US 2023, grid.us_2023_eia)."),
         ParamSpec::quantity_of("marginal", Quantity::carbon_intensity)
             .at_least(0)
             .doc("Marginal intensity (default: the average).")},
        [](const scenario::Config& c, const GridContext& ctx) {
          const double avg = c.num("intensity");
          const double marg = c.has("marginal") ? c.num("marginal") : avg;
          HourlySeries a(ctx.start_epoch_s, {avg}), m(ctx.start_epoch_s, {marg});
          a.bind(ctx.start_epoch_s);
          m.bind(ctx.start_epoch_s);
          return std::make_unique<GridSupply>(std::move(a), std::move(m),
                                              "constant " + std::to_string(g_per_kwh(avg)) + " g/kWh", avg);
        });
}

}  // namespace dcsim::grid
