// grid_price `tou`: a time-of-use tariff. A base price, and periods [from, to) of the local day
// (to < from wraps past midnight) with their own price, on all days, weekdays (Mon-Fri) or
// weekends; a later period wins where two overlap. Built as one year of hourly prices from
// 1 January of the scenario's start year, so period boundaries must be whole hours.
#include <cmath>

#include "models/grid/price.hpp"
#include "sim/scenario/datetime.hpp"

namespace dcsim::grid {

namespace {

using scenario::ParamSpec;
using units::Quantity;

const scenario::Schema& period_schema() {
  static const scenario::Schema s{
      "tariff period",
      "A period of the day with its own price.",
      {ParamSpec::string("name").req().id().doc("Period name (peak, shoulder, ...)."),
       ParamSpec::quantity_of("from", Quantity::time).req().at_least(0).below(86400).doc("Start (local clock time)."),
       ParamSpec::quantity_of("to", Quantity::time).req().at_least(0).at_most(86400).doc(
           "End (local clock time); before `from`: the period runs past midnight."),
       ParamSpec::quantity_of("price", Quantity::energy_price).req().doc("Price in the period."),
       ParamSpec::choice("days", {"all", "weekdays", "weekends"}).def("all").doc("Days the period applies on.")},
      {}};
  return s;
}

bool whole_hour(double s) { return std::abs(s / 3600.0 - std::round(s / 3600.0)) < 1e-9; }

}  // namespace

void register_tou_price(PriceRegistry& r) {
  r.add(
      "tou", "Time-of-use tariff: a base price and priced periods of the day.",
      {ParamSpec::quantity_of("base", Quantity::energy_price).req().doc("Price outside every period (off-peak)."),
       ParamSpec::quantity_of("utc_offset", Quantity::time)
           .def("0 h")
           .at_least(-14 * 3600.0)
           .at_most(14 * 3600.0)
           .doc("Offset of the tariff's clock from UTC (-8 h: Pacific standard time).")},
      [](const scenario::Config& c, const GridContext& ctx) {
        struct Period {
          double from_h, to_h, price;
          std::string days;
        };
        std::vector<Period> periods;
        for (const auto& p : c.list("periods")) {
          for (const char* key : {"from", "to"}) {
            if (!whole_hour(p.num(key))) {
              throw scenario::InputError(p.where(key), p.path() + "." + key,
                                         "got '" + p.str(key) + "', expected a whole hour (the tariff is hourly)");
            }
          }
          periods.push_back({std::round(p.num("from") / 3600.0), std::round(p.num("to") / 3600.0), p.num("price"),
                             p.str("days")});
        }
        const double year_start =
            static_cast<double>(scenario::days_from_civil(ctx.start_year(), 1, 1)) * 86400.0;
        const double offset = c.num("utc_offset");
        std::vector<double> prices(8760, c.num("base"));
        for (size_t h = 0; h < prices.size(); ++h) {
          const double local = year_start + static_cast<double>(h) * 3600.0 + offset;
          const double hour_of_day = std::fmod(std::fmod(local, 86400.0) + 86400.0, 86400.0) / 3600.0;
          const bool weekend = scenario::weekday(local) >= 5;
          for (const Period& p : periods) {
            if ((p.days == "weekdays" && weekend) || (p.days == "weekends" && !weekend)) continue;
            const bool in = p.from_h <= p.to_h ? hour_of_day >= p.from_h && hour_of_day < p.to_h
                                               : hour_of_day >= p.from_h || hour_of_day < p.to_h;
            if (in) prices[h] = p.price;
          }
        }
        HourlySeries s(year_start, std::move(prices));
        s.bind(ctx.start_epoch_s);
        return std::make_unique<GridPrice>(std::move(s), "time-of-use tariff (" + std::to_string(periods.size()) +
                                                             " periods)");
      },
      {scenario::ChildSpec{"periods", scenario::ChildKind::list, &period_schema(), "", "", false,
                           "Priced periods of the day."}});
}

}  // namespace dcsim::grid
