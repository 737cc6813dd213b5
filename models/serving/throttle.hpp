// The operating point of a replica under the pool commands (pool.hpp): a per-GPU power cap C and
// a speed factor s (thermal throttling), layered on the GPU power model's cap law
// (models/power/gpu_power_model.hpp) without changing its equations:
//
//   cap alone (s = 1):  P = min(P_u, C),  rate = f_cap(P_u) = max(f_min, (C / P_u)^alpha) if P_u > C, else 1
//   throttled (s < 1):  the clock runs at fraction s; by the same clock-power law (clock ~ P^alpha)
//                       the power falls to P_s = max(P_idle, P_u s^(1/alpha)), and the cap still binds:
//                       P = min(P_s, C),  rate = min(s, f_cap(P_u))
//
// P_u: the uncapped power of the work (W per GPU); alpha = 1/3 and f_min = 0.25 as in
// GpuPowerParams (ASSUMPTIONS documented there). Work takes its nominal time / rate. At s = 1
// the functions return the cap law's values bit for bit.
#pragma once

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/power/gpu_power_model.hpp"
#include "models/serving/pool.hpp"

namespace dcsim::serving {

// The clock-power exponent of the GPU power models the pool factories build (GpuPowerParams'
// default, 1/3).
inline const double kClockPowerAlpha = power::GpuPowerParams{}.alpha;

struct OperatingPoint {
  double cap_w = 0;  // per GPU; <= 0: none
  double speed = 1;  // (0, 1]
  bool operator==(const OperatingPoint& o) const { return cap_w == o.cap_w && speed == o.speed; }
};

inline double throttled_rate(const power::GpuPowerModel& gpu, double uncapped_w, double speed) {
  const double f = gpu.throughput_factor(uncapped_w);
  return speed >= 1 ? f : std::min(speed, f);
}

inline double throttled_w(const power::GpuPowerModel& gpu, double uncapped_w, double speed, double alpha) {
  if (speed >= 1) return gpu.capped_w(uncapped_w);
  return gpu.capped_w(std::max(gpu.idle_w(), uncapped_w * std::pow(speed, 1.0 / alpha)));
}

// The same law for a two-state GPU (the placeholder pool): busy power P_u, idle power P_idle.
struct TwoStateLaw {
  double idle_w = 0;
  double alpha = 1.0 / 3.0;          // GpuPowerParams::alpha
  double min_clock_fraction = 0.25;  // GpuPowerParams::min_clock_fraction
  double rate(double busy_w, const OperatingPoint& p) const {
    const double f = (p.cap_w > 0 && busy_w > p.cap_w) ? std::max(min_clock_fraction, std::pow(p.cap_w / busy_w, alpha)) : 1.0;
    return p.speed >= 1 ? f : std::min(p.speed, f);
  }
  double power_w(double busy_w, const OperatingPoint& p) const {
    const double s = p.speed >= 1 ? busy_w : std::max(idle_w, busy_w * std::pow(p.speed, 1.0 / alpha));
    return p.cap_w > 0 ? std::min(s, std::max(p.cap_w, idle_w)) : s;
  }
};

inline void check_speed_factor(double s) {
  if (!(s > 0 && s <= 1)) throw std::invalid_argument("speed factor " + std::to_string(s) + " outside (0, 1]");
}

// One flag per server: 1 if the command applies to it (empty set: all). std::invalid_argument
// for an index out of range.
inline std::vector<uint8_t> server_mask(ServerSet servers, size_t count) {
  std::vector<uint8_t> m(count, servers.empty() ? 1 : 0);
  for (uint32_t s : servers) {
    if (s >= count) throw std::invalid_argument("server " + std::to_string(s) + " of a pool of " + std::to_string(count));
    m[s] = 1;
  }
  return m;
}

// The index of `p` in `points`, appended if new (points are few: one per distinct command).
inline uint16_t point_index(std::vector<OperatingPoint>& points, const OperatingPoint& p) {
  for (size_t i = 0; i < points.size(); ++i)
    if (points[i] == p) return static_cast<uint16_t>(i);
  points.push_back(p);
  return static_cast<uint16_t>(points.size() - 1);
}

}  // namespace dcsim::serving
