#include "models/grid/battery.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace dcsim::grid {

Battery::Battery(const BatterySpec& spec) : spec_(spec) {
  if (!present()) return;
  if (!(spec.soc_min >= 0 && spec.soc_min < spec.soc_max && spec.soc_max <= 1)) {
    throw std::invalid_argument("battery: need 0 <= soc_min < soc_max <= 1");
  }
  if (!(spec.soc_initial >= spec.soc_min && spec.soc_initial <= spec.soc_max)) {
    throw std::invalid_argument("battery: soc_initial must lie in [soc_min, soc_max]");
  }
  if (!(spec.reserve >= spec.soc_min && spec.reserve <= spec.soc_max)) {
    throw std::invalid_argument("battery: reserve must lie in [soc_min, soc_max]");
  }
  if (!(spec.charge_efficiency > 0 && spec.charge_efficiency <= 1 && spec.discharge_efficiency > 0 &&
        spec.discharge_efficiency <= 1)) {
    throw std::invalid_argument("battery: efficiencies must lie in (0, 1]");
  }
  stored_ = initial_ = spec.soc_initial * spec.capacity_j;
}

double Battery::max_discharge_w(double dt, double floor_soc) const {
  if (!present() || !(dt > 0)) return 0;
  const double room = std::max(0.0, stored_ - floor_soc * spec_.capacity_j);
  return std::min(spec_.discharge_power_w, room * spec_.discharge_efficiency / dt);
}

double Battery::max_charge_w(double dt) const {
  if (!present() || !(dt > 0)) return 0;
  const double room = std::max(0.0, spec_.soc_max * spec_.capacity_j - stored_);
  return std::min(spec_.charge_power_w, room / (spec_.charge_efficiency * dt));
}

void Battery::apply(double p_w, double dt) {
  if (p_w == 0 || !(dt > 0)) return;
  if (!present()) throw std::logic_error("battery: power " + std::to_string(p_w) + " W applied to no battery");
  const double tol = 1e-9 * std::max(1.0, std::abs(p_w));
  if (p_w > 0) {
    const double max = max_discharge_w(dt, spec_.soc_min);
    if (p_w > max + tol) throw std::logic_error("battery: discharge " + std::to_string(p_w) + " W above its bound");
    stored_ = std::max(spec_.soc_min * spec_.capacity_j, stored_ - p_w * dt / spec_.discharge_efficiency);
    discharged_ += p_w * dt;
  } else {
    const double c = -p_w;
    const double max = max_charge_w(dt);
    if (c > max + tol) throw std::logic_error("battery: charge " + std::to_string(c) + " W above its bound");
    stored_ = std::min(spec_.soc_max * spec_.capacity_j, stored_ + c * dt * spec_.charge_efficiency);
    charged_ += c * dt;
  }
}

}  // namespace dcsim::grid
