#include "models/weather/psychrometrics.hpp"

#include <algorithm>
#include <cmath>

namespace dcsim::weather {

namespace {
constexpr double kA = 17.625, kB = 243.04, kP0 = 610.94;

double humidity_ratio(double pw, double p) { return 0.621945 * pw / (p - pw); }

// W at wet bulb ts for dry bulb t (ASHRAE eqs. 33/35).
double w_at_wetbulb(double t, double ts, double p) {
  const double ws = humidity_ratio(saturation_pressure_pa(ts), p);
  if (ts >= 0) return ((2501.0 - 2.326 * ts) * ws - 1.006 * (t - ts)) / (2501.0 + 1.86 * t - 4.186 * ts);
  return ((2830.0 - 0.24 * ts) * ws - 1.006 * (t - ts)) / (2830.0 + 1.86 * t - 2.1 * ts);
}
}  // namespace

double saturation_pressure_pa(double t_c) { return kP0 * std::exp(kA * t_c / (t_c + kB)); }

double rh_from_dewpoint(double t_c, double dewpoint_c) {
  return std::min(1.0, saturation_pressure_pa(dewpoint_c) / saturation_pressure_pa(t_c));
}

double dewpoint_from_rh(double t_c, double rh) {
  const double g = std::log(std::max(rh, 1e-6)) + kA * t_c / (t_c + kB);
  return kB * g / (kA - g);
}

double wetbulb_stull(double t_c, double rh) {
  const double r = std::clamp(rh * 100.0, 5.0, 99.0);
  return t_c * std::atan(0.151977 * std::sqrt(r + 8.313659)) + std::atan(t_c + r) - std::atan(r - 1.676331) +
         0.00391838 * std::pow(r, 1.5) * std::atan(0.023101 * r) - 4.686035;
}

double wetbulb_psychrometric(double t_c, double dewpoint_c, double pressure_pa) {
  const double td = std::min(dewpoint_c, t_c);
  const double w = humidity_ratio(saturation_pressure_pa(td), pressure_pa);
  // w_at_wetbulb rises with ts; the wet bulb lies between the dew point and the dry bulb.
  double lo = td, hi = t_c;
  for (int i = 0; i < 60 && hi - lo > 1e-9; ++i) {
    const double mid = 0.5 * (lo + hi);
    (w_at_wetbulb(t_c, mid, pressure_pa) < w ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace dcsim::weather
