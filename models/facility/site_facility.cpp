#include "models/facility/site_facility.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace dcsim::facility {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A shadow level's integral since the last read, brought up to `now`, then reset.
double take(output::LevelState& s, double now) {
  output::Level(&s).set(now, s.value);
  const double v = s.integral;
  s.integral = 0;
  return v;
}
}  // namespace

SiteFacility::SiteFacility(const scenario::Config& cfg, std::vector<PoolInfo> pools, const FacilityContext& ctx)
    : pools_(std::move(pools)), ctx_(ctx), plant_(PlantSpec{}) {
  if (cfg.str("mode") == "none") throw std::logic_error("SiteFacility: mode none builds no facility");
  constant_ = cfg.str("mode") == "constant_pue";
  pue_ = cfg.num("pue");
  wue_l_per_j_ = cfg.num("wue");
  step_s_ = cfg.num("step");
  parts_ = build_facility_parts(cfg, pools_);
  plant_spec_ = parts_.plant;
  plant_ = CoolingPlant(plant_spec_);
  caps_ = std::make_unique<DeliveryCaps>(parts_.tree, pools_, parts_.caps);
  const scenario::Config& w = cfg.child("weather");
  weather::WeatherContext wctx{ctx.start_epoch_s, ctx.horizon_s, ctx.scenario_dir};
  weather_ = weather::weather_registry().create(w, wctx);
  powers_.pool_w.assign(pools_.size(), 0);
  powers_.per_server.assign(pools_.size(), {});
  out_.speed_factor.assign(pools_.size(), 1.0);
  out_.thermal_gpu_cap_w.assign(pools_.size(), kNoCap);
}

void SiteFacility::declare_series(output::Recorder& r, const std::string& group) {
  recorder_ = &r;
  group_ = group;
  const auto power = [&](const char* name, const char* energy, const char* what) {
    return r.level(group, name, "W", std::string(what) + ", step average", energy, "J", std::string(what) + ", energy during the step");
  };
  l_cooling_ = power("power_cooling_w", "energy_cooling_j", "Cooling power (chillers, fans, pumps, heat rejection)");
  l_losses_ = power("power_losses_w", "energy_losses_j", "Power-delivery losses (transformers, UPS, PDUs)");
  l_other_ = power("power_other_w", "energy_other_j", "Other facility power (lighting, offices)");
  l_facility_ = power("power_facility_w", "energy_facility_j", "Facility power at the utility meter");
  l_water_ = r.level(group, "water_flow_l_per_s", "L/s", "Site water use (cooling towers, adiabatic pads), step average",
                     "water_l", "L", "Site water use during the step");
  l_db_ = r.level(group, "outdoor_drybulb_c", "degC", "Outdoor dry-bulb temperature, step average");
  l_wb_ = r.level(group, "outdoor_wetbulb_c", "degC", "Outdoor wet-bulb temperature, step average");
  l_inlet_ = r.level(group, "inlet_temperature_c", "degC", "Server inlet (air loop) temperature, step average");
  l_coolant_ = r.level(group, "coolant_temperature_c", "degC", "Direct-to-chip coolant supply temperature, step average");
  l_throttle_ = r.level(group, "throttle_factor", "1", "GPU thermal speed factor (1: none), step average");
  r.gauge(group, "pue", "1", "Facility / IT energy over the sample step", [this] {
    const double now = recorder_->now(), f = take(s_fac_, now), it = take(s_it_, now);
    return it > 0 ? f / it : kNaN;
  });
  r.gauge(group, "economizer_fraction", "1", "Share of the removed heat removed by the economizer over the sample step", [this] {
    const double now = recorder_->now(), e = take(s_econ_, now), q = take(s_removed_, now);
    return q > 0 ? e / q : kNaN;
  });
  r.gauge(group, "chiller_cop", "1", "Chiller cooling / chiller power over the sample step (NaN: no chiller ran)", [this] {
    const double now = recorder_->now(), q = take(s_chill_q_, now), p = take(s_chill_p_, now);
    return p > 0 ? q / p : kNaN;
  });
}

void SiteFacility::record(double now, double dt, const StepOutput& o, const PlantStep& ps) {
  if (!recorder_) return;
  l_cooling_.set(now, o.cooling_w);
  l_losses_.set(now, o.losses_w);
  l_other_.set(now, o.other_w);
  l_facility_.set(now, o.facility_w);
  l_water_.set(now, o.water_l / dt);
  l_db_.set(now, o.drybulb_c);
  l_wb_.set(now, o.wetbulb_c);
  l_inlet_.set(now, o.inlet_c);
  l_coolant_.set(now, o.coolant_c);
  l_throttle_.set(now, o.throttle_factor);
  output::Level(&s_fac_).set(now, o.facility_w);
  output::Level(&s_it_).set(now, o.it_w);
  output::Level(&s_econ_).set(now, ps.economizer_heat_w);
  output::Level(&s_removed_).set(now, ps.economizer_heat_w + ps.chiller_heat_w);
  output::Level(&s_chill_q_).set(now, ps.chillers_w > 0 ? ps.chiller_heat_w : 0.0);
  output::Level(&s_chill_p_).set(now, ps.chillers_w);
}

void SiteFacility::step_constant(double now, double dt, double it_w) {
  out_.losses_w = 0;
  out_.other_w = 0;
  out_.cooling_w = (pue_ - 1.0) * it_w;
  out_.facility_w = pue_ * it_w;
  out_.water_l = wue_l_per_j_ * it_w * dt;
  const weather::Conditions c = weather_->at(ctx_.start_epoch_s + now - 0.5 * dt);
  out_.drybulb_c = c.drybulb_c;
  out_.wetbulb_c = c.wetbulb_c;
  out_.inlet_c = parts_.nodes[0].setpoint_c;
  out_.coolant_c = parts_.nodes[1].setpoint_c;
  out_.economizer_fraction = 0;
  out_.chiller_cop = kNaN;
  PlantStep ps;
  record(now, dt, out_, ps);
}

const StepOutput& SiteFacility::step(double now, double dt, const StepInput& in) {
  if (in.pool_it_energy_j.size() != pools_.size()) throw std::logic_error("SiteFacility::step: one energy per pool expected");
  if (!(dt > 0)) throw std::logic_error("SiteFacility::step: dt must be > 0");
  out_.caps.clear();
  out_.thermal_changed = false;
  double it_w = 0;
  for (size_t p = 0; p < pools_.size(); ++p) {
    const double pw = in.pool_it_energy_j[p] / dt;
    it_w += pw;
    powers_.pool_w[p] = pools_[p].servers ? pw / pools_[p].servers : 0.0;
    if (p < in.server_power_w.size()) powers_.per_server[p] = in.server_power_w[p];
  }
  out_.it_w = it_w;
  if (constant_) {
    step_constant(now, dt, it_w);
  } else {
    const weather::Conditions c = weather_->at(ctx_.start_epoch_s + now - 0.5 * dt);
    out_.drybulb_c = c.drybulb_c;
    out_.wetbulb_c = c.wetbulb_c;
    // Delivery with last step's mechanical load: the indoor losses (UPS, PDUs) do not depend on it.
    // Leaf racks' own entries only when a rack is watched for its rating (or asked for by a query).
    parts_.tree.evaluate(powers_, mech_prev_w_, eval_, caps_->watches_leaves());
    leaves_valid_ = caps_->watches_leaves();
    const double indoor = eval_.indoor_losses_w;
    const double s = parts_.liquid_share;
    const double q_in[2] = {(1 - s) * eval_.it_w + indoor + parts_.other_w, s * eval_.it_w};
    const double delta[2] = {parts_.nodes[0].t_c - parts_.nodes[0].setpoint_c, parts_.nodes[1].t_c - parts_.nodes[1].setpoint_c};
    const Availability av = plant_.available(c, delta);
    double removed[2] = {0, 0};
    out_.shortfall_w = 0;
    for (int l = 0; l < 2; ++l) {
      if (plant_spec_.loops[l].design_heat_w <= 0) continue;
      removed[l] = parts_.nodes[l].step(q_in[l], av.capacity_w[l], dt);
      out_.shortfall_w += std::max(0.0, q_in[l] - removed[l]);
    }
    const PlantStep ps = plant_.operate(c, av, removed);
    out_.cooling_w = ps.total_w;
    out_.other_w = parts_.other_w;
    out_.water_l = ps.water_l_per_s * dt;
    mech_prev_w_ = out_.cooling_w + out_.other_w;
    parts_.tree.reevaluate_mech(mech_prev_w_, eval_);
    out_.losses_w = eval_.losses_w;
    out_.facility_w = eval_.facility_w;
    out_.inlet_c = parts_.nodes[0].t_c;
    out_.coolant_c = s > 0 ? parts_.nodes[1].t_c : kNaN;
    const double q_removed = ps.economizer_heat_w + ps.chiller_heat_w;
    out_.economizer_fraction = q_removed > 0 ? ps.economizer_heat_w / q_removed : 0;
    out_.chiller_cop = ps.chillers_w > 0 ? ps.chiller_heat_w / ps.chillers_w : kNaN;

    // Throttling: GPUs follow the liquid loop when direct-to-chip cooled, the air loop otherwise.
    const int gpu_loop = s > 0 ? 1 : 0;
    const double a = parts_.throttle[gpu_loop].power_fraction(parts_.nodes[gpu_loop].t_c);
    const double speed = std::cbrt(a);
    if (a != throttle_prev_[gpu_loop]) {
      out_.thermal_changed = true;
      for (size_t p = 0; p < pools_.size(); ++p) {
        out_.speed_factor[p] = speed;
        out_.thermal_gpu_cap_w[p] = a >= 1.0 ? kNoCap : a * pools_[p].gpu_tdp_w;
      }
      if (recorder_ && (a < 1.0) != (throttle_prev_[gpu_loop] < 1.0)) {
        recorder_->event(a < 1.0 ? "thermal_throttle" : "thermal_throttle_end", group_, parts_.nodes[gpu_loop].t_c,
                         a < 1.0 ? "GPU temperature limit reached: speed factor " + std::to_string(speed)
                                 : "inlet back below the GPU limit");
      }
      throttle_prev_[gpu_loop] = a;
    }
    out_.throttle_factor = speed;
    const bool shortfall = out_.shortfall_w > 0;
    if (recorder_ && shortfall != shortfall_prev_) {
      recorder_->event(shortfall ? "cooling_shortfall" : "cooling_shortfall_end", group_, out_.shortfall_w,
                       shortfall ? "the plant cannot remove the heat: the loop warms" : "the plant carries the heat again");
    }
    shortfall_prev_ = shortfall;

    // Delivery caps.
    cap_events_.clear();
    caps_->update(powers_, mech_prev_w_, eval_, out_.caps, cap_events_);
    for (const auto& e : cap_events_) {
      ++totals_.cap_events;
      if (!recorder_) continue;
      const auto& node = parts_.tree.node(e.node);
      std::ostringstream d;
      if (e.released) {
        d << "caps lifted below " << level_name(node.level) << " " << node.name;
      } else {
        d << level_name(node.level) << " " << node.name << " over its rating (" << node.rating_w << " W) by " << e.excess_w
          << " W: servers below capped at " << e.fraction << " of TDP" << (e.insufficient ? " (the lowest cap, still over)" : "");
      }
      recorder_->event(e.released ? "power_cap_released" : "power_cap", group_ + "/delivery/" + node.name,
                       e.released ? 0.0 : e.excess_w, d.str());
    }
    record(now, dt, out_, ps);
  }
  // Energy balance (every step).
  const double sum = out_.it_w + out_.losses_w + out_.cooling_w + out_.other_w;
  const double resid = out_.facility_w > 0 ? std::abs(out_.facility_w - sum) / out_.facility_w : std::abs(sum);
  totals_.max_balance_residual = std::max(totals_.max_balance_residual, resid);
  if (resid > 1e-9) {
    std::ostringstream m;
    m.precision(17);
    m << "facility energy balance violated at t = " << now << " s: facility " << out_.facility_w << " W vs IT + losses + cooling + other "
      << sum << " W";
    throw std::logic_error(m.str());
  }
  totals_.energy_it_j += out_.it_w * dt;
  totals_.energy_losses_j += out_.losses_w * dt;
  totals_.energy_cooling_j += out_.cooling_w * dt;
  totals_.energy_other_j += out_.other_w * dt;
  totals_.energy_facility_j += out_.facility_w * dt;
  totals_.water_l += out_.water_l;
  totals_.max_inlet_c = std::max(totals_.max_inlet_c, out_.inlet_c);
  if (out_.throttle_factor < 1.0) totals_.throttled_s += dt;
  return out_;
}

void SiteFacility::add_summary(std::vector<output::SummaryEntry>& out, const std::string& prefix) const {
  const FacilityTotals& t = totals_;
  out.push_back({prefix + "energy_facility_j", t.energy_facility_j, "J"});
  out.push_back({prefix + "energy_cooling_j", t.energy_cooling_j, "J"});
  out.push_back({prefix + "energy_losses_j", t.energy_losses_j, "J"});
  out.push_back({prefix + "energy_other_j", t.energy_other_j, "J"});
  out.push_back({prefix + "water_l", t.water_l, "L"});
  out.push_back({prefix + "pue", t.pue(), "1"});
  out.push_back({prefix + "wue_l_per_kwh", t.wue_l_per_kwh(), "L/kWh"});
  out.push_back({prefix + "inlet_max_c", t.max_inlet_c, "degC"});
  out.push_back({prefix + "throttled_s", t.throttled_s, "s"});
  out.push_back({prefix + "power_cap_events", static_cast<double>(t.cap_events), "1"});
}

std::vector<ServerRange> SiteFacility::servers_below(const std::string& node) const {
  const auto n = parts_.tree.find(node);
  if (!n) throw std::invalid_argument("no delivery node '" + node + "'");
  return parts_.tree.servers_below(*n);
}

double SiteFacility::headroom_w(const std::string& node) const {
  const auto n = parts_.tree.find(node);
  if (!n) throw std::invalid_argument("no delivery node '" + node + "'");
  if (eval_.load_w.empty()) return parts_.tree.node(*n).rating_w;
  if (!leaves_valid_) {
    parts_.tree.fill_leaves(powers_, eval_);
    leaves_valid_ = true;
  }
  return parts_.tree.headroom_w(*n, eval_);
}

}  // namespace dcsim::facility
