// GpuPowerModel and the least-squares fit of its saturating curves (equations and constants in
// gpu_power_model.hpp).
#include "models/power/gpu_power_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>

namespace dcsim::power {

double SaturatingCurve::at(double batch) const {
  return p_lo_w + (p_hi_w - p_lo_w) * (1.0 - std::exp(-batch / b0));
}

namespace {

// Closed-form least squares of y = lo + d g(x), g = 1 - exp(-x/b0), at fixed b0.
struct LinearFit {
  SaturatingCurve curve;
  double sse = 0;
};

LinearFit solve_at(double b0, std::span<const double> x, std::span<const double> y) {
  const double n = static_cast<double>(x.size());
  double mean_g = 0;
  double mean_y = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mean_g += 1.0 - std::exp(-x[i] / b0);
    mean_y += y[i];
  }
  mean_g /= n;
  mean_y /= n;
  double sgg = 0;
  double sgy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double g = 1.0 - std::exp(-x[i] / b0) - mean_g;
    sgg += g * g;
    sgy += g * (y[i] - mean_y);
  }
  const double d = sgg > 0 ? sgy / sgg : 0.0;
  const double lo = mean_y - d * mean_g;
  LinearFit f{{lo, lo + d, b0}, 0.0};
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double r = f.curve.at(x[i]) - y[i];
    f.sse += r * r;
  }
  return f;
}

}  // namespace

SaturatingFit fit_saturating(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 3) {
    throw std::invalid_argument("fit_saturating: needs >= 3 (x, y) pairs of equal count");
  }
  // Scan log10(b0) in [-1, 3].
  constexpr int kScan = 4000;
  constexpr double kLo = -1.0;
  constexpr double kHi = 3.0;
  constexpr double kStep = (kHi - kLo) / kScan;
  int best_k = 0;
  double best_sse = solve_at(std::pow(10.0, kLo), x, y).sse;
  for (int k = 1; k <= kScan; ++k) {
    const double sse = solve_at(std::pow(10.0, kLo + kStep * k), x, y).sse;
    if (sse < best_sse) {
      best_sse = sse;
      best_k = k;
    }
  }
  // Golden section on log10(b0) within one scan step either side.
  double a = kLo + kStep * (best_k - 1);
  double b = kLo + kStep * (best_k + 1);
  const double inv_phi = (std::sqrt(5.0) - 1.0) / 2.0;
  double c = b - inv_phi * (b - a);
  double d = a + inv_phi * (b - a);
  double fc = solve_at(std::pow(10.0, c), x, y).sse;
  double fd = solve_at(std::pow(10.0, d), x, y).sse;
  for (int it = 0; it < 200; ++it) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - inv_phi * (b - a);
      fc = solve_at(std::pow(10.0, c), x, y).sse;
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + inv_phi * (b - a);
      fd = solve_at(std::pow(10.0, d), x, y).sse;
    }
  }
  const LinearFit lf = solve_at(std::pow(10.0, 0.5 * (a + b)), x, y);
  SaturatingFit out{lf.curve, std::sqrt(lf.sse / static_cast<double>(x.size())), 0.0};
  for (std::size_t i = 0; i < x.size(); ++i) {
    out.max_rel_err = std::max(out.max_rel_err, std::fabs(lf.curve.at(x[i]) - y[i]) / std::fabs(y[i]));
  }
  return out;
}

GpuPowerModel::GpuPowerModel(const catalog::GpuSpec& spec, const GpuPowerParams& params)
    : params_(params),
      tdp_w_(spec.tdp_W),
      idle_loaded_w_(spec.idle_loaded_W),
      scale_(params.tdp_ref_w > 0 ? spec.tdp_W / params.tdp_ref_w : 0.0) {
  if (!(spec.tdp_W > 0) || !(params.tdp_ref_w > 0)) {
    throw std::invalid_argument("GpuPowerModel: tdp_W and tdp_ref_w must be > 0 (GPU '" +
                                spec.name + "')");
  }
  if (spec.idle_loaded_W < 0 || spec.idle_loaded_W > spec.tdp_W) {
    throw std::invalid_argument("GpuPowerModel: idle_loaded_W must lie in [0, tdp_W] (GPU '" +
                                spec.name + "')");
  }
  if (!(params.alpha >= 0) || !(params.min_clock_fraction > 0 && params.min_clock_fraction <= 1)) {
    throw std::invalid_argument("GpuPowerModel: need alpha >= 0 and min_clock_fraction in (0, 1]");
  }
}

double GpuPowerModel::active(double p) const { return std::clamp(p, idle_loaded_w_, tdp_w_); }

double GpuPowerModel::llm_w(double batch) const {
  if (!(batch > 0)) return idle_loaded_w_;
  return active(scale_ * params_.llm.at(batch));
}

double GpuPowerModel::activity_w(const GpuActivity& a) const {
  const ActivityPowerLevels& v = params_.activity;
  auto level = [&](double p_ref) { return idle_loaded_w_ + (p_ref - v.idle_ref_w) * scale_; };
  const double wait = std::max(0.0, 1.0 - a.compute - a.memory - a.comm);
  const double expert = std::clamp(a.expert, 0.0, a.memory);
  const double expert_level = v.expert_w >= 0 ? v.expert_w : v.memory_w;
  return active(level(v.wait_w) * wait + level(v.compute_w) * a.compute + level(v.memory_w) * (a.memory - expert) +
                level(expert_level) * expert + level(v.comm_w) * a.comm);
}

double GpuPowerModel::prefill_w() const { return active(params_.prefill_fraction * tdp_w_); }

double GpuPowerModel::diffusion_w(double batch) const {
  if (!(batch > 0)) return idle_loaded_w_;
  return active(scale_ * params_.diffusion.at(batch));
}

void GpuPowerModel::set_cap(double watts) {
  if (!(watts > 0) || std::isinf(watts)) {
    cap_w_ = std::numeric_limits<double>::infinity();
  } else {
    cap_w_ = std::max(watts, idle_loaded_w_);
  }
}

double GpuPowerModel::capped_w(double uncapped) const { return std::min(uncapped, cap_w_); }

double GpuPowerModel::throughput_factor(double uncapped) const {
  if (!(uncapped > cap_w_)) return 1.0;
  return std::max(params_.min_clock_fraction, std::pow(cap_w_ / uncapped, params_.alpha));
}

}  // namespace dcsim::power
