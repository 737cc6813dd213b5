#include "models/grid/solar_pv.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "sim/scenario/datetime.hpp"

namespace dcsim::grid {

double pv_ac_power_w(const PvSpec& s, double poa, double t_amb) {
  if (!(s.dc_capacity_w > 0) || !(poa > 0)) return 0;
  const double t_module = poa * std::exp(-3.56 - 0.075 * s.wind_speed_m_s) + t_amb;
  const double t_cell = t_module + poa / 1000.0 * 3.0;
  const double p_dc = poa / 1000.0 * s.dc_capacity_w * (1.0 + s.gamma_per_c * (t_cell - 25.0)) * (1.0 - s.losses);
  if (!(p_dc > 0)) return 0;
  const double p_ac0 = s.dc_capacity_w / s.dc_ac_ratio;
  const double zeta = p_dc / (p_ac0 / s.inverter_efficiency);
  const double eta = s.inverter_efficiency / 0.9637 * (-0.0162 * zeta - 0.0059 / zeta + 0.9858);
  return std::min(std::max(0.0, eta * p_dc), p_ac0);
}

HourlySeries synthetic_irradiance(double latitude_deg, double longitude_deg, int year, double mean_clearness,
                                  double clearness_sd, Rng& rng) {
  constexpr double kPi = std::numbers::pi;
  constexpr double kDeg = kPi / 180.0;
  const double phi = latitude_deg * kDeg;
  const double persistence = std::exp(-1.0 / 24.0);
  const double innovation = std::sqrt(1.0 - persistence * persistence);
  double x = rng.normal();
  std::vector<double> v(8760);
  for (size_t h = 0; h < v.size(); ++h) {
    x = persistence * x + innovation * rng.normal();
    const double k = std::clamp(mean_clearness + clearness_sd * x, 0.0, 1.0);
    double sum = 0;
    for (int q = 0; q < 4; ++q) {
      const double t = static_cast<double>(h) + (q + 0.5) / 4.0;
      const double day = std::floor(t / 24.0) + 1.0;
      const double utc_hour = std::fmod(t, 24.0);
      const double decl = 23.44 * kDeg * std::sin(2 * kPi * (284.0 + day) / 365.0);
      const double omega = 15.0 * kDeg * (utc_hour + longitude_deg / 15.0 - 12.0);
      const double cos_z = std::sin(phi) * std::sin(decl) + std::cos(phi) * std::cos(decl) * std::cos(omega);
      if (cos_z > 0.01) sum += 1098.0 * cos_z * std::exp(-0.057 / cos_z);
    }
    v[h] = k * sum / 4.0;
  }
  return HourlySeries(static_cast<double>(scenario::days_from_civil(year, 1, 1)) * 86400.0, std::move(v));
}

}  // namespace dcsim::grid
