// grid_supply `eia930`: the hourly mix of one balancing authority from an EIA-930 file
// (eia930.hpp), laid on the scenario's calendar (hourly_series.hpp).
#include "models/grid/supply.hpp"

namespace dcsim::grid {

void register_eia930_supply(SupplyRegistry& r) {
  using scenario::ParamSpec;
  std::vector<ParamSpec> params{
      ParamSpec::string("path").req().doc(
          "EIA-930 file: a six-month BALANCE file or an API fuel-type-data export (docs/models/grid.md); a relative "
          "path resolves against the scenario file's folder."),
      ParamSpec::string("respondent")
          .def("")
          .doc("Balancing authority code (CISO, PJM, ...) whose rows are read; empty: the file must hold one."),
      ParamSpec::boolean("clip_negative")
          .def("false")
          .doc("Read negative generation (plants' own use at night) as 0 instead of stopping with an error.")};
  for (auto& p : mix_params("lifecycle")) params.push_back(std::move(p));
  r.add(
      "eia930", "Hourly generation by fuel of one balancing authority, read from an EIA-930 file.", std::move(params),
      [](const scenario::Config& c, const GridContext& ctx) {
        Eia930Options o;
        o.respondent = c.str("respondent");
        o.clip_negative = c.flag("clip_negative");
        o.where = c.where("path");
        o.key_path = c.path() + ".path";
        const std::string path = resolve_path(c.str("path"), ctx.scenario_dir);
        HourlyMix mix = read_eia930(path, o);
        const std::string what = "EIA-930 " + mix.respondent + " (" + std::to_string(mix.mw.size()) + " h from " + path + ")";
        return GridSupply::from_mix(std::move(mix), factors_of(c, FactorBasis::lifecycle), merit_order_of(c),
                                    c.num("marginal_threshold"), what, ctx.start_epoch_s);
      },
      mix_children());
}

}  // namespace dcsim::grid
