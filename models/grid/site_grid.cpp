// SiteGrid (site_grid.hpp): construction from parts, the battery policies and settling one step
// (solar, policy, responses, surplus, balance, carbon and cost). Planning the next step and the
// events are in site_grid_plan.cpp, the series and summary in site_grid_record.cpp, the
// scenario block in grid_config.cpp.
#include "models/grid/site_grid.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "sim/run/invariants.hpp"

namespace dcsim::grid {

SiteGrid::SiteGrid(std::unique_ptr<GridSupply> supply, std::unique_ptr<GridPrice> price, SiteGridSpec spec,
                   GridContext ctx)
    : ctx_(std::move(ctx)), supply_(std::move(supply)), price_(std::move(price)), spec_(std::move(spec)) {
  init();
}

void SiteGrid::init() {
  limits_ = GridLimits(spec_.interconnect_w, spec_.events);
  battery_ = Battery(spec_.battery);
  gensets_ = Gensets(spec_.gensets);
  subject_ = "/sites/" + ctx_.site;
  t_amb_ = spec_.ambient_c;
  interval_offset_ = std::fmod(ctx_.start_epoch_s, spec_.demand_interval_s);
  last_.battery_soc = battery_.soc();
  refresh_signals();
}

bool SiteGrid::uses(Response r) const {
  return std::find(spec_.responses.begin(), spec_.responses.end(), r) != spec_.responses.end();
}

double SiteGrid::solar_w(double t0, double t1, double t_amb) const {
  if (!(spec_.pv.dc_capacity_w > 0) || spec_.irradiance.empty()) return 0;
  return pv_ac_power_w(spec_.pv, spec_.irradiance.mean(t0, t1), t_amb);
}

// Battery power the policy asks for over [t0, t0 + dt] (> 0 discharge), within the policy's SoC
// (reserve) and without charging beyond the import limit.
double SiteGrid::policy_power(double t0, double net_w, double limit_w, double dt) {
  if (!battery_.present() || spec_.policy == BatteryPolicy::none) return 0;
  const double discharge_max = battery_.max_discharge_w(dt, spec_.battery.reserve);
  const double charge_max = std::min(battery_.max_charge_w(dt), std::max(0.0, limit_w - net_w));
  const double load = std::max(0.0, net_w);
  switch (spec_.policy) {
    case BatteryPolicy::none: return 0;
    case BatteryPolicy::peak_shaving: {
      const double threshold = spec_.peak_threshold_w > 0 ? spec_.peak_threshold_w : limit_w;
      if (!std::isfinite(threshold)) return 0;
      if (net_w > threshold) return std::min(net_w - threshold, discharge_max);
      return -std::min(threshold - net_w, charge_max);
    }
    case BatteryPolicy::reserve: return -charge_max;
    case BatteryPolicy::clean:
    case BatteryPolicy::cheap: {
      const bool clean = spec_.policy == BatteryPolicy::clean;
      const double now = clean ? supply_->intensity(t0, t0 + dt) : price_forecast(t0, dt);
      const double ahead = clean ? intensity_forecast(t0, spec_.forecast_window_s)
                                 : price_forecast(t0, spec_.forecast_window_s);
      if (now < (1 - spec_.policy_band) * ahead) return -charge_max;
      if (now > (1 + spec_.policy_band) * ahead) return std::min(load, discharge_max);
      return 0;
    }
  }
  return 0;
}

void SiteGrid::settle(const SiteLoad& load) {
  const double t0 = load.t0_s, t1 = load.t1_s, dt = t1 - t0;
  GridStep& s = last_;
  s = GridStep{};
  s.t0_s = t0;
  s.t1_s = t1;
  s.facility_w = load.facility_energy_j / dt;
  t_amb_ = std::isnan(load.outdoor_drybulb_c) ? spec_.ambient_c : load.outdoor_drybulb_c;
  s.intensity_g_per_j = supply_->intensity(t0, t1);
  s.marginal_g_per_j = supply_->marginal(t0, t1);
  s.price_usd_per_j = price_ ? price_->price(t0, t1) : 0.0;
  s.limit_w = limits_.min_over(t0, t1);
  s.solar_w = solar_w(t0, t1, t_amb_);
  const double net = s.facility_w - s.solar_w;
  double b = policy_power(t0, net, s.limit_w, dt);
  const double b_policy = b;
  double g = 0;
  double over = net - b - s.limit_w;
  if (over > 0) {
    for (Response r : spec_.responses) {
      if (over <= 0) break;
      if (r == Response::battery && battery_.present()) {
        const double add = std::min(over, std::max(0.0, battery_.max_discharge_w(dt, spec_.battery.soc_min) - std::max(b, 0.0)));
        b += add;
        over -= add;
      } else if (r == Response::gensets && gensets_.present()) {
        g = std::min(over, gensets_.available_w(t0, t1));
        over -= g;
      }
    }
  }
  // Rounding of the responses' arithmetic is not an excess.
  s.over_limit_w = over > 1e-9 * std::max(1.0, s.facility_w) ? over : 0.0;
  double import = net - b - g;
  double curtailed = 0;
  if (import < 0) {
    double surplus = -import;
    if (b > 0) {
      const double cut = std::min(b, surplus);
      b -= cut;
      surplus -= cut;
    }
    if (battery_.present()) {
      const double c = std::min(surplus, std::max(0.0, battery_.max_charge_w(dt) - std::max(-b, 0.0)));
      b -= c;
      surplus -= c;
    }
    s.export_w = std::min(surplus, spec_.export_limit_w);
    surplus -= s.export_w;
    curtailed = surplus;
    import = -s.export_w;
  }
  s.grid_import_w = import;
  s.curtailed_w = curtailed;
  s.solar_used_w = s.solar_w - curtailed;
  s.battery_w = b;
  s.genset_w = g;
  const double soc0 = battery_.soc();
  battery_.apply(b, dt);
  s.battery_soc = 0.5 * (soc0 + battery_.soc());
  check_balance(s);

  // Carbon and cost.
  const double imported = std::max(0.0, import) * dt;
  const double grid_g = imported * s.intensity_g_per_j;
  const double genset_g = g * dt * spec_.gensets.emission_factor_g_per_j;
  const double energy_usd = imported * s.price_usd_per_j;
  const double fuel_usd = g * dt * spec_.gensets.fuel_l_per_j * spec_.gensets.fuel_price_usd_per_l;
  s.emissions_g = grid_g + genset_g;
  s.marginal_emissions_g = imported * s.marginal_g_per_j;
  const double demand_before = totals_.cost_demand_usd;
  demand_charge(t0, t1, std::max(0.0, import));
  s.cost_usd = energy_usd + fuel_usd + (totals_.cost_demand_usd - demand_before);

  GridTotals& T = totals_;
  T.facility_j += load.facility_energy_j;
  T.import_j += imported;
  T.export_j += s.export_w * dt;
  T.emissions_grid_g += grid_g;
  T.emissions_genset_g += genset_g;
  T.emissions_g += s.emissions_g;
  T.marginal_emissions_g += s.marginal_emissions_g;
  T.cost_energy_usd += energy_usd;
  T.cost_fuel_usd += fuel_usd;
  T.cost_usd += s.cost_usd;
  T.solar_j += s.solar_used_w * dt;
  T.curtailed_j += curtailed * dt;
  T.genset_j += g * dt;
  T.genset_fuel_l += g * dt * spec_.gensets.fuel_l_per_j;
  T.over_limit_j += s.over_limit_w * dt;
  T.steps += 1;

  // Episodes of the responses taken at settlement, and the gensets' run.
  episode(over_, s.over_limit_w > 0, s.over_limit_w, dt, "grid_limit_exceeded", "import above the limit");
  const double beyond_policy = std::max(0.0, b - std::max(b_policy, 0.0));
  episode(battery_response_, beyond_policy > 0 && s.limit_w < kInf, beyond_policy, dt, "grid_battery_response",
          "battery discharge beyond its policy to hold the limit");
  if (gensets_.started() || g > 0) {
    if (gensets_.run(t0, t1, g)) {
      std::ostringstream d;
      const double e = gensets_.energy_j() - genset_energy_at_start_;
      d << "gensets stopped after " << (t1 - genset_since_) << " s: " << e << " J, "
        << e * spec_.gensets.fuel_l_per_j << " L fuel, "
        << e * spec_.gensets.fuel_l_per_j * spec_.gensets.fuel_price_usd_per_l << " USD, "
        << e * spec_.gensets.emission_factor_g_per_j << " g CO2";
      event("grid_genset_stop", e, d.str());
    }
  }
}

void SiteGrid::check_balance(const GridStep& s) {
  const double lhs = s.grid_import_w + std::max(s.battery_w, 0.0) + s.solar_used_w + s.genset_w;
  const double rhs = s.facility_w + std::max(-s.battery_w, 0.0);
  const double scale = std::max({1.0, std::abs(s.facility_w), s.solar_w, std::abs(s.battery_w), s.genset_w});
  const double residual = std::abs(lhs - rhs);
  if (residual > 1e-9 * scale) {
    std::ostringstream m;
    m.precision(17);
    m << "grid energy balance fails at site '" << ctx_.site << "' over [" << s.t0_s << ", " << s.t1_s
      << "] s: import " << s.grid_import_w << " + battery discharge " << std::max(s.battery_w, 0.0) << " + solar "
      << s.solar_used_w << " + gensets " << s.genset_w << " != facility " << s.facility_w << " + battery charge "
      << std::max(-s.battery_w, 0.0) << " W (residual " << residual << " W)";
    throw InvariantError(m.str());
  }
  totals_.max_balance_residual_w = std::max(totals_.max_balance_residual_w, residual);
}

const GridStep& SiteGrid::step(const SiteLoad& load) {
  const double dt = load.t1_s - load.t0_s;
  if (!(dt > 0) || !std::isfinite(dt)) throw std::logic_error("SiteGrid::step: empty or reversed step");
  if (!(load.facility_energy_j >= 0)) throw std::logic_error("SiteGrid::step: negative facility energy");
  if (!std::isnan(next_t0_) && std::abs(load.t0_s - next_t0_) > 1e-9 * std::max(1.0, next_t0_)) {
    throw std::logic_error("SiteGrid::step: steps must be contiguous");
  }
  limit_events(load.t0_s, load.t1_s);
  settle(load);
  plan(load);
  totals_.battery_charge_j = battery_.charged_j();
  totals_.battery_discharge_j = battery_.discharged_j();
  totals_.battery_loss_j = battery_.loss_j();
  next_t0_ = load.t1_s;
  last_dt_ = dt;
  refresh_signals();
  record();
  return last_;
}

void SiteGrid::refresh_signals() {
  GridSignals& g = signals_;
  const double t = last_.t1_s;
  g.t_s = t;
  g.intensity_g_per_j = last_.t1_s > last_.t0_s ? last_.intensity_g_per_j : supply_->intensity_at(t);
  g.marginal_g_per_j = last_.t1_s > last_.t0_s ? last_.marginal_g_per_j : supply_->marginal_at(t);
  g.intensity_forecast_g_per_j = intensity_forecast(t, spec_.forecast_window_s);
  g.marginal_forecast_g_per_j = marginal_forecast(t, spec_.forecast_window_s);
  g.price_usd_per_j = price_ ? price_->price_at(t) : 0.0;
  g.price_forecast_usd_per_j = price_forecast(t, spec_.forecast_window_s);
  g.limit_w = limits_.at(t);
  g.headroom_w = g.limit_w - std::max(0.0, last_.grid_import_w);
  const double dt = last_dt_ > 0 ? last_dt_ : 1.0;
  double extra = battery_.max_discharge_w(dt, spec_.battery.soc_min) - std::max(0.0, last_.battery_w);
  extra += gensets_.present() ? spec_.gensets.capacity_w - last_.genset_w : 0.0;
  extra += last_.curtailed_w + last_.export_w;
  g.supply_headroom_w = g.headroom_w + std::max(0.0, extra);
}

}  // namespace dcsim::grid
