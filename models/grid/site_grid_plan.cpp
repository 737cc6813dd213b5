// SiteGrid (site_grid.hpp): planning the next step (how much each response takes, in the
// declared order), the demand charge, and the events of episodes (start and end rows with their
// energy and cost).
#include <algorithm>
#include <cmath>
#include <sstream>

#include "models/grid/site_grid.hpp"
#include "sim/scenario/datetime.hpp"

namespace dcsim::grid {

namespace {

std::string num(double v) {
  std::ostringstream s;
  s.precision(6);
  s << v;
  return s.str();
}

// Start of the month after the one holding epoch_s (UTC).
double next_month_start(double epoch_s) {
  const std::string d = scenario::format_datetime(epoch_s);
  long long y = std::stoll(d.substr(0, 4));
  unsigned m = static_cast<unsigned>(std::stoi(d.substr(5, 2))) + 1;
  if (m > 12) {
    m = 1;
    ++y;
  }
  return static_cast<double>(scenario::days_from_civil(y, m, 1)) * 86400.0;
}

}  // namespace

void SiteGrid::event(const std::string& kind, double value, const std::string& detail) {
  events_.push_back(GridEvent{last_.t1_s, kind, value, detail});
  if (recorder_) recorder_->event(kind, subject_, value, detail);
}

void SiteGrid::episode(Episode& e, bool on, double value, double dt, const char* kind, const char* what) {
  if (on) {
    if (!e.active) {
      e = Episode{true, last_.t1_s, 0, 0};
      event(std::string(kind) + "_start", value, std::string(what) + ": " + num(value) + " W");
    }
    e.peak = std::max(e.peak, value);
    e.energy += value * dt;
  } else if (e.active) {
    e.active = false;
    event(std::string(kind) + "_end", e.energy,
          std::string(what) + " for " + num(last_.t1_s - e.since) + " s, up to " + num(e.peak) + " W, " +
              num(e.energy) + " J");
  }
}

void SiteGrid::limit_events(double t0, double t1) {
  for (const LimitEvent& e : limits_.events()) {
    if (e.start_s >= t0 && e.start_s < t1) {
      event("grid_limit_start", e.limit_w,
            e.kind + " '" + e.name + "': import limited to " + num(e.limit_w) + " W until t = " + num(e.end_s) + " s");
    }
    if (e.end_s >= t0 && e.end_s < t1) event("grid_limit_end", e.limit_w, e.kind + " '" + e.name + "' over");
  }
}

void SiteGrid::plan(const SiteLoad& load) {
  const double t1 = load.t1_s, dt = t1 - load.t0_s, t2 = t1 + dt;
  const double demand = std::isnan(load.uncapped_power_w)
                            ? last_.facility_w + actions_.cap_reduction_w + actions_.shed_w
                            : load.uncapped_power_w;
  const double floor = std::max(0.0, load.cap_floor_power_w);
  const double solar_next = solar_w(t1, t2, t_amb_);
  const double soc_min = spec_.battery.soc_min;
  struct Takes {
    double gensets = 0, cap = 0, shed = 0, left = 0;
  };
  const auto walk = [&](double need, double battery_w, double genset_w) {
    Takes k;
    for (Response r : spec_.responses) {
      if (need <= 0) break;
      double take = 0;
      switch (r) {
        case Response::battery: take = std::min(need, battery_w); break;
        case Response::gensets: take = k.gensets = std::min(need, genset_w); break;
        case Response::cap: take = k.cap = std::min(need, std::max(0.0, demand - floor)); break;
        case Response::shed: take = k.shed = std::min(need, std::max(0.0, demand - k.cap)); break;
      }
      need -= take;
    }
    k.left = need > 1e-9 * std::max(1.0, demand) ? need : 0.0;
    return k;
  };
  GridActions a;
  // Start the gensets if they will be needed within their start delay (a known event included).
  if (uses(Response::gensets) && gensets_.present() && !gensets_.started()) {
    const double horizon = spec_.gensets.start_delay_s + dt;
    const double need_ahead = demand - solar_next - (1 - spec_.margin) * limits_.min_over(t1, t1 + horizon);
    const double battery_ahead = uses(Response::battery) ? battery_.max_discharge_w(horizon, soc_min) : 0.0;
    if (need_ahead > 0 && walk(need_ahead, battery_ahead, spec_.gensets.capacity_w).gensets > 0) {
      gensets_.start(t1);
      genset_since_ = t1;
      genset_energy_at_start_ = gensets_.energy_j();
      a.genset_start = true;
      totals_.genset_starts += 1;
      event("grid_genset_start", spec_.gensets.capacity_w,
            "gensets started, " + num(spec_.gensets.capacity_w) + " W ready at t = " + num(gensets_.ready_at()) + " s");
    }
  }
  // The responses aim at (1 − margin) of the limit: the cap and shed act on an estimate of the next
  // step's demand, and the margin keeps its error and the step's variation below the limit.
  const double need = demand - solar_next - (1 - spec_.margin) * limits_.min_over(t1, t2);
  if (need > 1e-9 * std::max(1.0, demand)) {
    const Takes k = walk(need, uses(Response::battery) ? battery_.max_discharge_w(dt, soc_min) : 0.0,
                         gensets_.available_w(t1, t2));
    a.cap_reduction_w = k.cap;
    a.cap_target_w = k.cap > 0 ? demand - k.cap : kInf;
    a.shed_w = k.shed;
    a.shortfall_w = k.left;
    a.facility_target_w = demand - k.cap - k.shed;
  }
  episode(cap_, a.cap_reduction_w > 0, a.cap_reduction_w, dt, "grid_cap",
          "GPU power capped to hold the grid limit (facility power reduced; the latency cost shows in the pools' "
          "series)");
  episode(shed_, a.shed_w > 0, a.shed_w, dt, "grid_shed",
          "load shed or rerouted to hold the grid limit (rejections show in the workloads' series)");
  episode(shortfall_, a.shortfall_w > 0, a.shortfall_w, dt, "grid_shortfall",
          "responses ran out: the grid limit will be exceeded");
  totals_.cap_j += a.cap_reduction_w * dt;
  totals_.shed_j += a.shed_w * dt;
  totals_.shortfall_j += a.shortfall_w * dt;
  actions_ = a;
  last_.actions = a;
}

void SiteGrid::demand_charge(double t0, double t1, double import_w) {
  if (!(spec_.demand_charge_usd_per_w > 0)) return;
  const double len = spec_.demand_interval_s;
  const double offset = interval_offset_;
  double t = t0;
  while (t < t1) {
    double k = std::floor((t + offset) / len);
    double end = (k + 1) * len - offset;
    if (end <= t) {
      k += 1;
      end += len;
    }
    if (k != interval_index_) {
      close_demand_interval();
      interval_index_ = k;
      interval_energy_ = interval_covered_ = 0;
    }
    const double seg = std::min(t1, end);
    interval_energy_ += import_w * (seg - t);
    interval_covered_ += seg - t;
    t = seg;
  }
}

void SiteGrid::close_demand_interval() {
  if (interval_index_ < 0 || !(interval_covered_ > 0)) return;
  const double mean_w = interval_energy_ / interval_covered_;
  const double start_abs = ctx_.start_epoch_s - interval_offset_ + interval_index_ * spec_.demand_interval_s;
  if (start_abs >= month_end_epoch_) {
    month_peak_w_ = 0;
    month_end_epoch_ = next_month_start(start_abs);
  }
  if (mean_w > month_peak_w_) {
    const double usd = spec_.demand_charge_usd_per_w * (mean_w - month_peak_w_);
    totals_.cost_demand_usd += usd;
    if (month_peak_w_ == 0 || mean_w > 1.01 * month_peak_w_) {
      event("grid_demand_peak", mean_w,
            "new monthly peak of the " + num(spec_.demand_interval_s) + " s mean import: " + num(mean_w) +
                " W (demand charge so far this month " + num(spec_.demand_charge_usd_per_w * mean_w) + " USD)");
    }
    month_peak_w_ = mean_w;
  }
  interval_covered_ = 0;
}

}  // namespace dcsim::grid
