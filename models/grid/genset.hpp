// On-site generator sets (diesel or gas), started as a response to a grid limit.
//
//   start      at t_s, available from t_s + start_delay (NFPA 110 Type 10: 10 s for emergency
//              standby), full capacity thereafter; over a step [t0, t1] the energy available is
//              capacity · |[max(t0, ready), t1]|
//   output     only what the response needs (no minimum load)
//   stop       after min_run with no need (default 10 min, against start-stop cycling)
//   emissions  E · EF; default EF 730 g/kWh = 0.27 L/kWh × 2.70 kg CO2/L (diesel: EPA GHG
//              emission factors, 10.21 kg CO2 per US gallon; 0.27 L/kWh a typical large standby
//              set near full load, estimate)
//   fuel       E · fuel_use (L/kWh), cost = fuel · price (USD/L)
#pragma once

namespace dcsim::grid {

struct GensetSpec {
  double capacity_w = 0;  // 0: no gensets
  double start_delay_s = 10;
  double min_run_s = 600;
  double emission_factor_g_per_j = 730.0 / 3.6e6;
  double fuel_l_per_j = 0.27 / 3.6e6;
  double fuel_price_usd_per_l = 1.0;
};

class Gensets {
 public:
  Gensets() = default;
  explicit Gensets(const GensetSpec& spec) : spec_(spec) {}

  bool present() const { return spec_.capacity_w > 0; }
  const GensetSpec& spec() const { return spec_; }
  bool started() const { return started_; }
  double ready_at() const { return ready_at_; }

  void start(double t);  // no-op if already started
  void stop();
  // Mean power (W) they can give over [t0, t1] (0 unless started).
  double available_w(double t0, double t1) const;
  // Record output p over [t0, t1] (p > 0: needed) and stop them after min_run without need.
  // Returns true if they stopped at this step.
  bool run(double t0, double t1, double p_w);

  double energy_j() const { return energy_; }
  double fuel_l() const { return energy_ * spec_.fuel_l_per_j; }
  double emissions_g() const { return energy_ * spec_.emission_factor_g_per_j; }
  double fuel_cost_usd() const { return fuel_l() * spec_.fuel_price_usd_per_l; }
  int starts() const { return starts_; }

 private:
  GensetSpec spec_;
  bool started_ = false;
  double ready_at_ = 0, last_need_ = 0;
  double energy_ = 0;
  int starts_ = 0;
};

}  // namespace dcsim::grid
