// On-site battery: an energy store behind an AC bus.
//
//   state      stored energy e (J), state of charge SoC = e / capacity
//   discharge  AC power p > 0 for dt:   e ← e − p dt / η_d
//   charge     AC power c > 0 for dt:   e ← e + c dt · η_c
//   bounds     soc_min ≤ SoC ≤ soc_max; |p| ≤ the power rating; the policies keep SoC ≥ reserve
//              (the backup reserve), responses to grid limits may go down to soc_min
//   round trip energy out / energy in = η_c · η_d between equal states of charge
//
// Defaults: η_c = η_d = 0.9220 (round trip 0.85, NREL Annual Technology Baseline's figure for
// utility-scale lithium-ion storage; an estimate, not in calibration.yaml), SoC in [0.05, 0.95].
#pragma once

namespace dcsim::grid {

struct BatterySpec {
  double capacity_j = 0;  // 0: no battery
  double charge_power_w = 0;
  double discharge_power_w = 0;
  double charge_efficiency = 0.922;
  double discharge_efficiency = 0.922;
  double soc_min = 0.05;
  double soc_max = 0.95;
  double soc_initial = 0.5;
  double reserve = 0.05;  // the policies do not discharge below this SoC
};

class Battery {
 public:
  Battery() = default;
  explicit Battery(const BatterySpec& spec);  // std::invalid_argument on inconsistent bounds

  bool present() const { return spec_.capacity_j > 0; }
  const BatterySpec& spec() const { return spec_; }
  double soc() const { return present() ? stored_ / spec_.capacity_j : 0.0; }
  double stored_j() const { return stored_; }

  // Largest AC discharge (W) sustainable over dt without SoC falling below floor_soc.
  double max_discharge_w(double dt, double floor_soc) const;
  // Largest AC charge (W) over dt without SoC rising above soc_max.
  double max_charge_w(double dt) const;
  // Apply AC power p for dt (> 0 discharge, < 0 charge). p beyond the bounds by more than rounding
  // is a programming error (std::logic_error); within rounding the store is clamped to its bound
  // (the AC energy counted is the power asked for, so the site's energy balance stays exact).
  void apply(double p_w, double dt);

  double charged_j() const { return charged_; }        // AC energy in
  double discharged_j() const { return discharged_; }  // AC energy out
  // Energy lost in conversion so far: in − out − (e − e0).
  double loss_j() const { return charged_ - discharged_ - (stored_ - initial_); }

 private:
  BatterySpec spec_;
  double stored_ = 0, initial_ = 0;
  double charged_ = 0, discharged_ = 0;
};

}  // namespace dcsim::grid
