// SiteGrid (site_grid.hpp): its series in the recorder, the end of the run and the summary.
//
// A step's values are known when it ends (t1) but hold over [t0, t1]: each level is set at t0
// when the step is settled (Level::set(t0, v) integrates the previous step's value up to t0 and
// holds v from t0). A sample at t1 taken after the site's step sees the step exactly; one taken
// before it (same instant) or inside it sees the previous value, and the next sample corrects the
// integral (nothing is lost or counted twice over the run). The plan's series (cap, shed,
// shortfall) hold over the next step and are set at t1.
#include <cmath>
#include <limits>

#include "models/grid/site_grid.hpp"

namespace dcsim::grid {

struct SiteGrid::Series {
  output::Level import, intensity, marginal, emissions, price, cost, soc, battery, solar, genset, curtailed, exported,
      limit, over, cap, shed, shortfall;
};

void SiteGrid::declare_series(output::Recorder& rec, const std::string& group) {
  recorder_ = &rec;
  auto s = std::make_shared<Series>();
  s->import = rec.level(group, "grid_import_w", "W", "Power imported from the grid (negative: exported), step average",
                        "grid_import_j", "J", "Energy imported from the grid during the step (net of exports)");
  s->intensity = rec.level(group, "carbon_intensity_g_per_kwh", "g/kWh",
                           "Average carbon intensity of the grid supply, step average");
  s->marginal = rec.level(group, "marginal_intensity_g_per_kwh", "g/kWh",
                          "Marginal carbon intensity of the grid supply (the marginal unit's factor), step average");
  s->emissions = rec.level(group, "emission_rate_g_per_s", "g/s",
                           "CO2(e) emitted for the site (grid imports and gensets), step average", "emissions_g", "g",
                           "CO2(e) emitted for the site during the step (grid imports and gensets)");
  s->price = rec.level(group, "price_usd_per_mwh", "USD/MWh", "Energy price of grid imports, step average");
  s->cost = rec.level(group, "cost_rate_usd_per_s", "USD/s", "Electricity cost (energy, demand charge, fuel), step average",
                      "cost_usd", "USD", "Electricity cost during the step (energy, demand charge increments, genset fuel)");
  s->soc = rec.level(group, "battery_soc", "1", "Battery state of charge, step average");
  s->battery = rec.level(group, "battery_power_w", "W", "Battery power (positive: discharging), step average");
  s->solar = rec.level(group, "solar_w", "W", "On-site solar power used (after curtailment), step average", "solar_j",
                       "J", "On-site solar energy used during the step");
  s->genset = rec.level(group, "genset_w", "W", "On-site genset power, step average", "genset_j", "J",
                        "On-site genset energy during the step");
  s->curtailed = rec.level(group, "curtailed_w", "W", "On-site solar power curtailed (no load, battery room or export), step average");
  s->exported = rec.level(group, "grid_export_w", "W", "Power exported to the grid, step average");
  s->limit = rec.level(group, "grid_limit_w", "W", "Import limit (interconnect and events; NaN: none), step average");
  s->over = rec.level(group, "grid_over_limit_w", "W", "Import above the limit, step average");
  s->cap = rec.level(group, "grid_cap_reduction_w", "W", "Facility power the grid asked the pools' GPU caps to remove");
  s->shed = rec.level(group, "grid_shed_w", "W", "Facility power the grid asked to shed or reroute");
  s->shortfall = rec.level(group, "grid_shortfall_w", "W", "Power no response covers (the limit will be exceeded)");
  series_ = std::move(s);
}

void SiteGrid::record() {
  if (!series_) return;
  Series& s = *series_;
  const GridStep& g = last_;
  const double t0 = g.t0_s, t1 = g.t1_s, dt = t1 - t0;
  s.import.set(t0, g.grid_import_w);
  s.intensity.set(t0, g_per_kwh(g.intensity_g_per_j));
  s.marginal.set(t0, g_per_kwh(g.marginal_g_per_j));
  s.emissions.set(t0, g.emissions_g / dt);
  s.price.set(t0, g.price_usd_per_j * kJPerMWh);
  s.cost.set(t0, g.cost_usd / dt);
  s.soc.set(t0, g.battery_soc);
  s.battery.set(t0, g.battery_w);
  s.solar.set(t0, g.solar_used_w);
  s.genset.set(t0, g.genset_w);
  s.curtailed.set(t0, g.curtailed_w);
  s.exported.set(t0, g.export_w);
  s.limit.set(t0, std::isfinite(g.limit_w) ? g.limit_w : std::numeric_limits<double>::quiet_NaN());
  s.over.set(t0, g.over_limit_w);
  s.cap.set(t1, g.actions.cap_reduction_w);
  s.shed.set(t1, g.actions.shed_w);
  s.shortfall.set(t1, g.actions.shortfall_w);
}

void SiteGrid::finish(double t_end) {
  const double before = totals_.cost_demand_usd;
  close_demand_interval();
  const double extra = totals_.cost_demand_usd - before;
  totals_.cost_usd += extra;
  last_.cost_usd += extra;
  // Close the episodes still running.
  const double dt = last_dt_ > 0 ? last_dt_ : 0.0;
  episode(cap_, false, 0, dt, "grid_cap", "GPU power capped to hold the grid limit");
  episode(shed_, false, 0, dt, "grid_shed", "load shed or rerouted to hold the grid limit");
  episode(shortfall_, false, 0, dt, "grid_shortfall", "responses ran out");
  episode(over_, false, 0, dt, "grid_limit_exceeded", "import above the limit");
  episode(battery_response_, false, 0, dt, "grid_battery_response", "battery discharge beyond its policy");
  if (!series_ || !(last_.t1_s > last_.t0_s)) return;
  Series& s = *series_;
  if (extra != 0) s.cost.set(last_.t0_s, last_.cost_usd / (last_.t1_s - last_.t0_s));
  // Nothing is recorded past the last settled step (call step() for a last partial step first).
  const double t = std::min(t_end, last_.t1_s);
  for (output::Level* l : {&s.import, &s.intensity, &s.marginal, &s.emissions, &s.price, &s.cost, &s.soc, &s.battery,
                           &s.solar, &s.genset, &s.curtailed, &s.exported, &s.limit, &s.over, &s.cap, &s.shed,
                           &s.shortfall}) {
    l->set(t, 0);
  }
}

std::vector<output::SummaryEntry> SiteGrid::summary() const {
  const GridTotals& T = totals_;
  return {{"grid_import_j", T.import_j, "J"},
          {"grid_export_j", T.export_j, "J"},
          {"facility_energy_seen_j", T.facility_j, "J"},
          {"emissions_g", T.emissions_g, "g"},
          {"emissions_grid_g", T.emissions_grid_g, "g"},
          {"emissions_genset_g", T.emissions_genset_g, "g"},
          {"marginal_emissions_g", T.marginal_emissions_g, "g"},
          {"cost_usd", T.cost_usd, "USD"},
          {"cost_energy_usd", T.cost_energy_usd, "USD"},
          {"cost_demand_usd", T.cost_demand_usd, "USD"},
          {"cost_fuel_usd", T.cost_fuel_usd, "USD"},
          {"solar_j", T.solar_j, "J"},
          {"curtailed_j", T.curtailed_j, "J"},
          {"genset_j", T.genset_j, "J"},
          {"genset_fuel_l", T.genset_fuel_l, "L"},
          {"genset_starts", T.genset_starts, "1"},
          {"battery_charge_j", T.battery_charge_j, "J"},
          {"battery_discharge_j", T.battery_discharge_j, "J"},
          {"battery_loss_j", T.battery_loss_j, "J"},
          {"grid_over_limit_j", T.over_limit_j, "J"},
          {"grid_shortfall_j", T.shortfall_j, "J"},
          {"grid_cap_j", T.cap_j, "J"},
          {"grid_shed_j", T.shed_j, "J"},
          {"grid_balance_max_residual_w", T.max_balance_residual_w, "W"}};
}

}  // namespace dcsim::grid
