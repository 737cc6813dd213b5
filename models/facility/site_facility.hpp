// A site's facility on its control step: the component the World calls every `facility.step`.
//
// step(now, dt, in) integrates the physics over [now − dt, now]:
//   P_IT      = Σ_pools E_IT,pool / dt (the pools' exact integrals; per-server powers optional)
//   weather at the step's midpoint
//   delivery  P_loss per node (loss_tree.hpp), indoor losses → heat
//   heat      Q_air = (1 − s_liq) P_IT + indoor losses + P_other;  Q_liq = s_liq P_IT
//   plant     capacity per loop (economizer share, staged chillers) → thermal nodes (thermal.hpp)
//             → heat removed → chillers, fans, pumps, heat-rejection fans, water (cooling_plant.hpp)
//   P_fac     = feed input of the delivery tree with P_mech = P_cooling + P_other on the transformers
//   balance   |P_fac − (P_IT + P_losses + P_cooling + P_other)| ≤ 1e-9 · P_fac, checked every step
//             (std::logic_error otherwise: the accounting is wrong, not the input)
//   throttle  GPU power fraction a and speed factor s = a^(1/3) per pool from its loop's temperature
//   caps      delivery nodes over their ratings cap the servers below (delivery_caps.hpp)
// and returns the commands for the pools as plain data (the World applies them).
// constant_pue mode: P_fac = PUE · P_IT, P_cooling = (PUE − 1) · P_IT, water = WUE · E_IT; no
// throttling or caps (only to compare with tools that assume a PUE).
//
// Series (declare_series, under the site's group; DESIGN.md's site set): power_cooling_w,
// power_losses_w, power_other_w, power_facility_w (each with its energy_*_j), water_flow_l_per_s
// with water_l, outdoor_drybulb_c, outdoor_wetbulb_c, inlet_temperature_c, coolant_temperature_c,
// throttle_factor (step means); pue, economizer_fraction, chiller_cop (ratios of the energies over
// the sample step). A step's values are set when the step ends, so the facility series lag the
// pools' by one facility step (their integrals are exact over the lagged window). power_it_w is the
// World's (sum of the pools).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "models/facility/cooling_plant.hpp"
#include "models/facility/delivery_caps.hpp"
#include "models/facility/facility_config.hpp"
#include "models/weather/weather.hpp"
#include "sim/output/recorder.hpp"
#include "sim/output/sink.hpp"
#include "sim/scenario/config.hpp"

namespace dcsim::facility {

struct FacilityContext {
  double start_epoch_s = 0;   // calendar time of simulated t = 0
  double horizon_s = 0;
  std::string scenario_dir;
  std::string site;           // site name (events: /sites/<site>/delivery/<node>)
};

struct StepInput {
  std::span<const double> pool_it_energy_j;                 // per pool (PoolInfo order), over the step
  std::span<const std::vector<double>> server_power_w = {};  // optional: per pool, per-server mean W (empty: uniform)
};

struct StepOutput {
  double it_w = 0, losses_w = 0, cooling_w = 0, other_w = 0, facility_w = 0;  // step means
  double water_l = 0;                        // over the step
  double drybulb_c = 0, wetbulb_c = 0;
  double inlet_c = 0, coolant_c = 0;         // air loop (inlet) and liquid loop temperatures at the end
  double economizer_fraction = 0;            // share of the removed heat
  double chiller_cop = 0;                    // NaN when no chiller ran
  double shortfall_w = 0;                    // heat not removed (stored in the thermal mass)
  double throttle_factor = 1;                // min over pools of the speed factor
  // Commands for the pools (apply when changed):
  bool thermal_changed = false;
  std::vector<double> speed_factor;          // per pool (1: none)
  std::vector<double> thermal_gpu_cap_w;     // per pool: the thermal power cap per GPU (kNoCap: none)
  std::vector<CapCommand> caps;              // delivery caps changed in this step
};

struct FacilityTotals {
  double energy_it_j = 0, energy_losses_j = 0, energy_cooling_j = 0, energy_other_j = 0, energy_facility_j = 0;
  double water_l = 0;
  double max_inlet_c = -1e300;
  double throttled_s = 0;
  double max_balance_residual = 0;  // relative
  uint64_t cap_events = 0;
  double pue() const { return energy_it_j > 0 ? energy_facility_j / energy_it_j : 0; }
  double wue_l_per_kwh() const { return energy_it_j > 0 ? water_l / (energy_it_j / 3.6e6) : 0; }
};

class SiteFacility {
 public:
  // Throws scenario::InputError on bad input (delivery ratings, weather files, ...).
  SiteFacility(const scenario::Config& facility_cfg, std::vector<PoolInfo> pools, const FacilityContext& ctx);

  double step_s() const { return step_s_; }
  // Series under `group` ("/sites/dc1") and events; optional (benchmarks run without a recorder).
  void declare_series(output::Recorder& recorder, const std::string& group);
  const StepOutput& step(double now, double dt, const StepInput& in);

  const FacilityTotals& totals() const { return totals_; }
  // <prefix>energy_facility_j, ..._water_l, ..._pue, ..._wue_l_per_kwh, ...
  void add_summary(std::vector<output::SummaryEntry>& out, const std::string& prefix) const;

  // Queries (the failure model and operators use them).
  const DeliveryTree& delivery() const { return parts_.tree; }
  std::vector<ServerRange> servers_below(const std::string& node) const;  // throws std::invalid_argument
  double headroom_w(const std::string& node) const;                      // at the last step
  const DeliveryTree::Eval& last_delivery() const {
    if (!leaves_valid_ && !eval_.load_w.empty()) parts_.tree.fill_leaves(powers_, eval_), leaves_valid_ = true;
    return eval_;
  }
  const FacilityParts& parts() const { return parts_; }
  const weather::Weather& weather() const { return *weather_; }
  // Failure hook: chillers of loop (0 air, 1 liquid) still working.
  void set_chillers(int loop, int n) { plant_spec_.loops[loop].chillers = n; plant_ = CoolingPlant(plant_spec_); }

 private:
  void record(double now, double dt, const StepOutput& o, const PlantStep& ps);
  void step_constant(double now, double dt, double it_w);
  std::vector<PoolInfo> pools_;
  FacilityContext ctx_;
  bool constant_ = false;
  double pue_ = 1.5, wue_l_per_j_ = 0;
  double step_s_ = 10;
  FacilityParts parts_;
  PlantSpec plant_spec_;
  CoolingPlant plant_;
  std::unique_ptr<DeliveryCaps> caps_;
  std::unique_ptr<weather::Weather> weather_;
  ServerPowers powers_;
  mutable DeliveryTree::Eval eval_;
  mutable bool leaves_valid_ = false;
  double mech_prev_w_ = 0;
  double throttle_prev_[2] = {1, 1};
  bool shortfall_prev_ = false;
  StepOutput out_;
  FacilityTotals totals_;
  std::vector<CapEvent> cap_events_;

  // Recording (null until declare_series).
  output::Recorder* recorder_ = nullptr;
  std::string group_;
  output::Level l_cooling_, l_losses_, l_other_, l_facility_, l_water_, l_db_, l_wb_, l_inlet_, l_coolant_, l_throttle_;
  // Shadow levels for the ratio series: numerator/denominator integrals over the sample step.
  output::LevelState s_fac_, s_it_, s_econ_, s_removed_, s_chill_q_, s_chill_p_;
};

}  // namespace dcsim::facility
