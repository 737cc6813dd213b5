// ServerPowerModel (equations and defaults in server_power.hpp).
#include "models/power/server_power.hpp"

#include <algorithm>
#include <stdexcept>

namespace dcsim::power {

ServerPowerModel::ServerPowerModel(const catalog::ServerSpec& server, const catalog::GpuSpec& gpu)
    : n_(server.gpus),
      gpu_idle_w_(gpu.idle_W),
      gpu_tdp_w_(gpu.tdp_W),
      other_idle_w_(server.other_idle_W),
      other_max_w_(server.other_max_W),
      max_w_(server.max_W) {
  if (server.gpus < 1) throw std::invalid_argument("ServerPowerModel: gpus must be >= 1");
  if (!(gpu.tdp_W > gpu.idle_W)) {
    throw std::invalid_argument("ServerPowerModel: GPU tdp_W must exceed idle_W");
  }
  if (server.other_idle_W < 0 || server.other_max_W < server.other_idle_W) {
    throw std::invalid_argument("ServerPowerModel: need 0 <= other_idle_W <= other_max_W");
  }
  if (!(server.max_W > 0)) throw std::invalid_argument("ServerPowerModel: max_W must be > 0");
}

ServerPower ServerPowerModel::evaluate_sum(double gpu_sum_w) const {
  ServerPower p;
  p.gpu_w = gpu_sum_w;
  p.load = std::clamp((gpu_sum_w - n_ * gpu_idle_w_) / (n_ * (gpu_tdp_w_ - gpu_idle_w_)), 0.0, 1.0);
  p.other_w = other_idle_w_ + (other_max_w_ - other_idle_w_) * p.load;
  const double raw = p.gpu_w + p.other_w;
  p.clipped = raw > max_w_;
  p.excess_w = p.clipped ? raw - max_w_ : 0.0;
  p.total_w = p.clipped ? max_w_ : raw;
  return p;
}

PoolAffine ServerPowerModel::pool_affine(double servers) const {
  const double swing = other_max_w_ - other_idle_w_;
  PoolAffine a;
  a.slope = swing / (n_ * (gpu_tdp_w_ - gpu_idle_w_));
  a.offset_w = servers * (other_idle_w_ - swing * gpu_idle_w_ / (gpu_tdp_w_ - gpu_idle_w_));
  return a;
}

ServerPower ServerPowerModel::evaluate(std::span<const double> gpu_w) const {
  double sum = 0;
  for (const double w : gpu_w) sum += w;
  return evaluate_sum(sum);
}

}  // namespace dcsim::power
