#include "models/serving/fluid/fluid_curve.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace dcsim::serving::fluid {

double FluidCurve::service_time(double n) const {
  if (n <= 1) return service_s.front();
  if (n >= double(slots)) return service_s.back();
  const auto i = static_cast<size_t>(n);  // 1 <= i < slots
  const double f = n - double(i);
  return service_s[i - 1] + f * (service_s[i] - service_s[i - 1]);
}

double FluidCurve::throughput(double n) const { return n > 0 ? n / service_time(n) : 0.0; }

double FluidCurve::power_w(double n) const {
  if (n <= 0) return gpu_power_w.front();
  if (n >= double(slots)) return gpu_power_w.back();
  const auto i = static_cast<size_t>(n);
  const double f = n - double(i);
  return gpu_power_w[i] + f * (gpu_power_w[i + 1] - gpu_power_w[i]);
}

void FluidCurve::check() const {
  if (slots < 1 || service_s.size() != slots || gpu_power_w.size() != size_t(slots) + 1 || shape.empty())
    throw std::invalid_argument("fluid curve: inconsistent tables (slots " + std::to_string(slots) + ")");
  for (double t : service_s)
    if (!(t > 0) || !std::isfinite(t)) throw std::invalid_argument("fluid curve: service time " + std::to_string(t));
}

void fill_shape(FluidCurve& c, std::vector<double> x, size_t k) {
  if (x.empty()) throw std::invalid_argument("fluid curve: empty request sample");
  std::sort(x.begin(), x.end());
  double mean = 0, sq = 0;
  for (double v : x) mean += v;
  mean /= double(x.size());
  for (double v : x) sq += (v - mean) * (v - mean);
  c.service_scv = mean > 0 ? sq / double(x.size()) / (mean * mean) : 0.0;
  c.shape.assign(k, 1.0);
  if (!(mean > 0)) return;
  // The sample quantiles at (j + 1/2) / k, scaled so that their mean is exactly 1 (the points
  // keep the curve's mean service time; their spread gives the percentiles).
  double sum = 0;
  for (size_t j = 0; j < k; ++j) {
    const auto i = std::min(x.size() - 1, static_cast<size_t>((double(j) + 0.5) / double(k) * double(x.size())));
    c.shape[j] = x[i];
    sum += x[i];
  }
  if (sum > 0)
    for (double& v : c.shape) v *= double(k) / sum;
}

}  // namespace dcsim::serving::fluid
