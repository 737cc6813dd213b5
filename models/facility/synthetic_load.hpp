// A synthetic IT load for facility-only runs (benchmarks, tests, climate studies without
// request-level pools): each pool's GPUs draw
//   P_gpu(t) = idle + (TDP − idle) · u(t),   u(t) = u_mean + u_amp · cos(2π (h − h_peak)/24)
// (h: hour of the day at t), limited by the facility's commands: the thermal cap and the delivery
// caps (per server). The pool's IT energy over a step is exact for this piecewise definition
// when the step is short against a day (midpoint rule; error O((dt/1 d)²)).
#pragma once

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>
#include <vector>

#include "models/facility/facility_types.hpp"

namespace dcsim::facility {

class SyntheticItLoad {
 public:
  SyntheticItLoad(std::vector<PoolInfo> pools, double idle_w, double u_mean, double u_amp, double peak_hour = 15)
      : pools_(std::move(pools)), idle_w_(idle_w), u_mean_(u_mean), u_amp_(u_amp), peak_hour_(peak_hour) {
    for (const auto& p : pools_) server_cap_.emplace_back(p.servers, kNoCap);
    thermal_cap_.assign(pools_.size(), kNoCap);
    energy_.assign(pools_.size(), 0);
    runs_.resize(pools_.size());
    for (size_t p = 0; p < pools_.size(); ++p) rebuild_runs(p);
  }
  // Apply the facility's commands.
  void apply(const std::vector<CapCommand>& caps, const std::vector<double>& thermal_cap_w) {
    for (const auto& c : caps) {
      auto& v = server_cap_[c.servers.pool];
      std::fill(v.begin() + c.servers.first, v.begin() + c.servers.first + c.servers.count, c.gpu_cap_w);
      rebuild_runs(c.servers.pool);
    }
    if (!thermal_cap_w.empty()) thermal_cap_ = thermal_cap_w;
  }
  double gpu_demand_w(size_t p, double t_s) const {
    const double h = (t_s - 86400.0 * std::floor(t_s / 86400.0)) / 3600.0;
    const double u = std::clamp(u_mean_ + u_amp_ * std::cos(2 * std::numbers::pi * (h - peak_hour_) / 24.0), 0.0, 1.0);
    return idle_w_ + (pools_[p].gpu_tdp_w - idle_w_) * u;
  }
  // IT energy per pool over [t0, t0 + dt] (midpoint), with the caps in force.
  const std::vector<double>& energy(double t0, double dt) {
    for (size_t p = 0; p < pools_.size(); ++p) {
      const double demand = std::min(gpu_demand_w(p, t0 + 0.5 * dt), thermal_cap_[p]);
      double sum = 0;
      for (const auto& [cap, count] : runs_[p]) sum += count * pools_[p].server_power_w(std::min(demand, cap));
      energy_[p] = sum * dt;
    }
    return energy_;
  }

 private:
  // Servers with equal caps, as (cap, count) runs (rebuilt when a command arrives).
  void rebuild_runs(size_t p) {
    runs_[p].clear();
    for (double cap : server_cap_[p]) {
      if (!runs_[p].empty() && runs_[p].back().first == cap) {
        ++runs_[p].back().second;
      } else {
        runs_[p].push_back({cap, 1.0});
      }
    }
  }
  std::vector<std::vector<std::pair<double, double>>> runs_;
  std::vector<PoolInfo> pools_;
  double idle_w_, u_mean_, u_amp_, peak_hour_;
  std::vector<std::vector<double>> server_cap_;
  std::vector<double> thermal_cap_;
  std::vector<double> energy_;
};

}  // namespace dcsim::facility
