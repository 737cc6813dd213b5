// A site's grid connection: what it imports, emits and pays, and what it does when the utility
// says no. The World calls step() once per control step with the site's facility energy over
// the step (an exact integral) and applies the actions it returns to the pools.
//
// Settling a step [t0, t1] of length Δ, with facility power P = E_facility / Δ:
//   solar      S = PVWatts(Ē_poa over the step, T_amb)                              (solar_pv.hpp)
//   limit      L = min of the interconnect capacity and the events over the step   (grid_limits.hpp)
//   policy     battery power b (> 0 discharge) from its policy (below), charging only within L
//   responses  while P − S − b − G > L, in the declared order: the battery discharges more (down
//              to soc_min), the gensets give what they can once started (genset.hpp); `cap` and
//              `shed` cannot act on a step already drawn, they act on the next one (plan)
//   surplus    if P − S − b − G < 0: less battery discharge, then charge, then export (up to
//              export_limit), then curtail solar
//   import     I = P − S_used − b − G;  over_limit = max(0, I − L)
//   balance    I + b⁺ + S_used + G = P + b⁻ to 1e-9 relative, every step (else InvariantError)
//   carbon     emissions = I⁺ Δ Ī + G Δ EF_genset; marginal emissions = I⁺ Δ M̄   (supply.hpp)
//   cost       I⁺ Δ p̄ + fuel + demand charge: rate × the month's peak of the demand-interval mean
//              import, charged as the peak rises (so the cumulative cost is right at every step)
// Planning the next step [t1, t1 + Δ], with D the site's uncapped demand (the World's estimate,
// or P plus what the grid asked to remove) and m the safety margin (`margin`, a fraction):
//   need = D − S_next − (1 − m) L_next; the responses in the declared order take what they can of it:
//   battery (its power over one step), gensets (started now if needed; available after their
//   delay; started ahead when a known event falls within the delay), cap (down to the World's
//   cap floor), shed; what is left is the shortfall, reported.
// Battery policies (SoC kept ≥ reserve): none; peak_shaving (discharge above the threshold,
// recharge below it); reserve (keep full); clean / cheap (charge when the intensity / price is
// below (1 − band) × its mean over the coming forecast window, discharge to cover load above
// (1 + band) ×).
// Every action is an /events row (start and end of an episode, with its energy, fuel, cost and
// carbon); the step's values go to the series listed in declare_series().
#pragma once

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "models/grid/battery.hpp"
#include "models/grid/grid_schema.hpp"
#include "models/grid/genset.hpp"
#include "models/grid/grid_limits.hpp"
#include "models/grid/price.hpp"
#include "models/grid/solar_pv.hpp"
#include "models/grid/supply.hpp"
#include "sim/output/recorder.hpp"
#include "sim/output/sink.hpp"

namespace dcsim::grid {

constexpr double kInf = std::numeric_limits<double>::infinity();

enum class Response { battery, gensets, cap, shed };
enum class BatteryPolicy { none, peak_shaving, reserve, clean, cheap };

struct SiteGridSpec {
  double interconnect_w = kInf;
  std::vector<LimitEvent> events;
  double export_limit_w = 0;
  std::vector<Response> responses{Response::battery, Response::gensets, Response::cap, Response::shed};
  // Planned responses aim at (1 − margin) × the limit (fraction in [0, 1)). From parts: 0 (aim at
  // the limit); the scenario key `margin` defaults to 0.02 (grid_config.cpp).
  double margin = 0;
  double forecast_window_s = 6 * 3600.0;
  double demand_charge_usd_per_w = 0;  // per W of monthly peak
  double demand_interval_s = 900;
  BatterySpec battery;
  BatteryPolicy policy = BatteryPolicy::none;
  double peak_threshold_w = 0;  // peak_shaving; 0: the interconnect capacity
  double policy_band = 0.1;     // clean, cheap
  PvSpec pv;
  HourlySeries irradiance;      // W/m², bound to the calendar (empty without solar)
  double ambient_c = 25;        // when the World passes no temperature
  GensetSpec gensets;
};

// What the World knows at the end of a control step [t0, t1].
struct SiteLoad {
  double t0_s = 0, t1_s = 0;
  double facility_energy_j = 0;  // exact ∫ facility power dt over the step
  double outdoor_drybulb_c = std::numeric_limits<double>::quiet_NaN();  // step mean; NaN: solar.ambient_temperature
  // The facility power the site would draw with no grid cap and no shedding (NaN: the grid
  // assumes P plus what it asked to remove).
  double uncapped_power_w = std::numeric_limits<double>::quiet_NaN();
  // Facility power with every GPU at the pools' deepest cap (what capping alone can reach); 0: any.
  double cap_floor_power_w = 0;
};

// What the pools should do over the next control step (plain data for the World).
struct GridActions {
  double facility_target_w = kInf;  // draw at most this (inf: no limit)
  double cap_target_w = kInf;       // cap GPU power so that facility power falls to this (inf: release caps)
  double cap_reduction_w = 0;       // = demand − cap_target (0: none)
  double shed_w = 0;                // facility power to shed or reroute (0: none)
  double shortfall_w = 0;           // what no response covers: the limit will be exceeded by this
  bool genset_start = false;        // the gensets were started at this step
};

// The settled step [t0, t1] and the plan for the next.
struct GridStep {
  double t0_s = 0, t1_s = 0;
  double facility_w = 0, grid_import_w = 0, export_w = 0, battery_w = 0, solar_w = 0, solar_used_w = 0;
  double genset_w = 0, curtailed_w = 0, limit_w = kInf, over_limit_w = 0;
  double battery_soc = 0;
  double intensity_g_per_j = 0, marginal_g_per_j = 0, price_usd_per_j = 0;
  double emissions_g = 0, marginal_emissions_g = 0, cost_usd = 0;
  GridActions actions;
};

// Signals for routers and autoscalers, refreshed at every step (read by pointer, no call).
struct GridSignals {
  double t_s = 0;                      // time of the last step's end
  double intensity_g_per_j = 0;        // average intensity of the last step
  double marginal_g_per_j = 0;
  double intensity_forecast_g_per_j = 0;  // mean over [t, t + forecast_window]
  double marginal_forecast_g_per_j = 0;
  double price_usd_per_j = 0;
  double price_forecast_usd_per_j = 0;
  double limit_w = kInf;               // import limit now
  double headroom_w = kInf;            // limit − last import
  double supply_headroom_w = kInf;     // + battery, gensets and solar available now: more facility power the site could draw
};

struct GridTotals {
  double facility_j = 0, import_j = 0, export_j = 0;
  double emissions_g = 0, emissions_grid_g = 0, emissions_genset_g = 0, marginal_emissions_g = 0;
  double cost_usd = 0, cost_energy_usd = 0, cost_demand_usd = 0, cost_fuel_usd = 0;
  double solar_j = 0, curtailed_j = 0, genset_j = 0, genset_fuel_l = 0;
  double battery_charge_j = 0, battery_discharge_j = 0, battery_loss_j = 0;
  double over_limit_j = 0, shortfall_j = 0, cap_j = 0, shed_j = 0;
  double max_balance_residual_w = 0;
  double genset_starts = 0, steps = 0;
};

struct GridEvent {
  double time_s;
  std::string kind;
  double value;
  std::string detail;
};

class SiteGrid {
 public:
  // From a site's `grid:` block (grid_schema()). Throws scenario::InputError (every problem).
  SiteGrid(const scenario::Config& grid, const GridContext& ctx);
  // From parts (tests, benchmarks). price may be null (no energy cost).
  SiteGrid(std::unique_ptr<GridSupply> supply, std::unique_ptr<GridPrice> price, SiteGridSpec spec, GridContext ctx);

  // Declare the series under `group` ("/sites/<site>"); optional (without it nothing is recorded).
  void declare_series(output::Recorder& recorder, const std::string& group);

  // Settle [t0, t1] and plan the next step. Steps must be contiguous and start at t = 0 or at the
  // first step's t0. Throws InvariantError if the energy balance fails.
  const GridStep& step(const SiteLoad& load);
  // End of the run: closes the demand-charge interval, stops recording past the last step.
  void finish(double t_end);

  const GridSignals& signals() const { return signals_; }
  // Queries over any window (g/J, USD/J, W).
  double intensity_forecast(double t, double window_s) const { return supply_->intensity(t, t + window_s); }
  double marginal_forecast(double t, double window_s) const { return supply_->marginal(t, t + window_s); }
  double price_forecast(double t, double window_s) const { return price_ ? price_->price(t, t + window_s) : 0.0; }
  double import_limit(double t) const { return limits_.at(t); }

  const GridTotals& totals() const { return totals_; }
  std::vector<output::SummaryEntry> summary() const;
  const std::vector<GridEvent>& events() const { return events_; }
  const GridStep& last() const { return last_; }
  const GridSupply& supply() const { return *supply_; }
  const GridPrice* price() const { return price_.get(); }
  const SiteGridSpec& spec() const { return spec_; }
  const Battery& battery() const { return battery_; }
  const Gensets& gensets() const { return gensets_; }

 private:
  struct Series;  // recorder handles (site_grid_record.cpp)
  struct Episode {
    bool active = false;
    double since = 0, peak = 0, energy = 0;
  };

  void init();
  double solar_w(double t0, double t1, double t_amb) const;
  double policy_power(double t0, double net_w, double limit_w, double dt);
  void settle(const SiteLoad& load);
  void plan(const SiteLoad& load);
  void check_balance(const GridStep& s);
  void demand_charge(double t0, double t1, double import_w);
  void close_demand_interval();
  void limit_events(double t0, double t1);
  // kind and what are literals: no string is built unless an episode starts or ends.
  void episode(Episode& e, bool on, double value, double dt, const char* kind, const char* what);
  void event(const std::string& kind, double value, const std::string& detail);
  void record();
  void refresh_signals();
  bool uses(Response r) const;

  GridContext ctx_;
  std::unique_ptr<GridSupply> supply_;
  std::unique_ptr<GridPrice> price_;
  SiteGridSpec spec_;
  GridLimits limits_;
  Battery battery_;
  Gensets gensets_;
  GridStep last_;
  GridActions actions_;  // the plan for the step now running
  GridSignals signals_;
  GridTotals totals_;
  std::vector<GridEvent> events_;
  output::Recorder* recorder_ = nullptr;
  std::string subject_;
  std::shared_ptr<Series> series_;
  double next_t0_ = std::numeric_limits<double>::quiet_NaN();
  double last_dt_ = 0;
  double t_amb_ = 25;
  Episode cap_, shed_, shortfall_, over_, battery_response_;
  double genset_since_ = 0, genset_energy_at_start_ = 0;
  // Demand charge: the current interval and the month's peak.
  double interval_index_ = -1, interval_energy_ = 0, interval_covered_ = 0;
  double interval_offset_ = 0;  // start_epoch mod demand_interval (intervals are UTC-aligned)
  double month_end_epoch_ = -kInf, month_peak_w_ = 0;
};

}  // namespace dcsim::grid
