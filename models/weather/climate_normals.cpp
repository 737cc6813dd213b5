#include "models/weather/climate_normals.hpp"

#include <cmath>
#include <numbers>

#include "models/weather/psychrometrics.hpp"

namespace dcsim::weather {

namespace {

constexpr double kYearDays = 365.2425;
constexpr double kMidMonth[12] = {15.5, 45.0, 74.5, 105.0, 135.5, 166.0, 196.5, 227.5, 258.0, 288.5, 319.0, 349.5};
constexpr double kSinc = 0.98862;  // sin(π/12)/(π/12): a monthly mean of a sinusoid vs its mid-month value

double f_to_c(double f) { return (f - 32.0) * 5.0 / 9.0; }

std::array<double, 12> from_f(const std::array<double, 12>& f) {
  std::array<double, 12> c{};
  for (int i = 0; i < 12; ++i) c[i] = f_to_c(f[i]);
  return c;
}

std::array<double, 12> pct(const std::array<double, 12>& p) {
  std::array<double, 12> r{};
  for (int i = 0; i < 12; ++i) r[i] = p[i] / 100.0;
  return r;
}

struct Harmonic {
  double mean = 0, amplitude = 0, peak_day = 0, rms = 0;
};

// Least squares y ≈ m + a cos θ + b sin θ on the mid-month days (3×3 normal equations).
Harmonic fit(const std::array<double, 12>& y) {
  double s[3][3] = {}, r[3] = {};
  for (int i = 0; i < 12; ++i) {
    const double th = 2 * std::numbers::pi * kMidMonth[i] / kYearDays;
    const double v[3] = {1.0, std::cos(th), std::sin(th)};
    for (int j = 0; j < 3; ++j) {
      r[j] += v[j] * y[i];
      for (int k = 0; k < 3; ++k) s[j][k] += v[j] * v[k];
    }
  }
  // Gaussian elimination (the matrix is well conditioned: near-orthogonal basis).
  for (int c = 0; c < 3; ++c) {
    for (int rr = c + 1; rr < 3; ++rr) {
      const double f = s[rr][c] / s[c][c];
      for (int k = c; k < 3; ++k) s[rr][k] -= f * s[c][k];
      r[rr] -= f * r[c];
    }
  }
  double x[3];
  for (int c = 2; c >= 0; --c) {
    double acc = r[c];
    for (int k = c + 1; k < 3; ++k) acc -= s[c][k] * x[k];
    x[c] = acc / s[c][c];
  }
  Harmonic h;
  h.mean = x[0];
  h.amplitude = std::hypot(x[1], x[2]);
  h.peak_day = std::fmod(std::atan2(x[2], x[1]) / (2 * std::numbers::pi) * kYearDays + kYearDays, kYearDays);
  double ss = 0;
  for (int i = 0; i < 12; ++i) {
    const double th = 2 * std::numbers::pi * kMidMonth[i] / kYearDays;
    const double e = x[0] + x[1] * std::cos(th) + x[2] * std::sin(th) - y[i];
    ss += e * e;
  }
  h.rms = std::sqrt(ss / 12);
  h.amplitude /= kSinc;
  return h;
}

std::vector<ClimateNormals> make_presets() {
  std::vector<ClimateNormals> v;
  v.push_back({"northern-virginia", "Washington Dulles International Airport (IAD), VA, USA",
               "NOAA NCEI U.S. Climate Normals 1991-2020, station USW00093738 (mean daily max/min); relative "
               "humidity: NOAA Comparative Climatic Data, morning/afternoon mean",
               "unverified_recall", -5, 95,
               from_f({42.9, 46.6, 55.4, 67.6, 76.0, 84.3, 88.6, 86.7, 80.1, 68.9, 57.2, 46.9}),
               from_f({24.4, 26.0, 32.7, 42.6, 52.2, 61.3, 66.1, 64.7, 57.4, 45.4, 35.0, 28.4}),
               pct({63, 60, 57, 56, 63, 67, 68, 70, 72, 70, 66, 66})});
  v.push_back({"phoenix", "Phoenix Sky Harbor International Airport (PHX), AZ, USA",
               "NOAA NCEI U.S. Climate Normals 1991-2020, station USW00023183 (mean daily max/min, as tabulated "
               "in the 'Climate of Phoenix' summary); relative humidity: NOAA Comparative Climatic Data",
               "unverified_recall", -7, 337,
               from_f({68, 71, 78, 86, 95, 104, 107, 105, 100, 89, 77, 66}),
               from_f({46, 49, 55, 61, 70, 79, 85, 84, 78, 66, 54, 45}),
               pct({50, 44, 39, 28, 21, 19, 31, 36, 35, 36, 43, 50})});
  v.push_back({"helsinki", "Helsinki Kaisaniemi, Finland",
               "Finnish Meteorological Institute, climatological normals 1991-2020 (Jokinen et al. 2021, FMI "
               "Reports 2021:1 'Tilastoja Suomen ilmastosta ja merestä 1991-2020')",
               "unverified_recall", 2, 4,
               {-0.6, -1.1, 2.6, 8.7, 15.0, 19.5, 22.6, 20.8, 15.6, 9.2, 4.4, 1.4},
               {-5.6, -6.4, -3.6, 0.9, 6.1, 10.8, 14.0, 12.8, 8.4, 3.6, 0.3, -2.9},
               pct({87, 85, 79, 71, 65, 67, 70, 74, 80, 84, 88, 88})});
  v.push_back({"seoul", "Seoul (station 108), Republic of Korea",
               "Korea Meteorological Administration, climatological normals 1991-2020", "unverified_recall", 9, 86,
               {1.6, 4.6, 10.6, 17.8, 23.4, 27.6, 29.0, 29.8, 25.9, 20.2, 11.9, 4.1},
               {-5.8, -3.4, 1.6, 7.4, 13.1, 18.4, 22.1, 22.6, 17.5, 10.6, 3.8, -3.2},
               pct({57, 56, 57, 57, 62, 68, 79, 77, 70, 65, 62, 59})});
  v.push_back({"oregon", "The Dalles, OR, USA (Columbia River Gorge)",
               "NOAA NCEI U.S. Climate Normals 1991-2020, The Dalles (mean daily max/min); relative humidity: "
               "Oregon Climate Service summaries",
               "unverified_recall", -8, 30,
               from_f({42, 48, 58, 65, 74, 81, 91, 90, 81, 66, 51, 41}),
               from_f({30, 31, 36, 40, 47, 53, 59, 58, 51, 42, 35, 30}),
               pct({78, 72, 62, 54, 50, 46, 40, 41, 46, 58, 74, 80})});
  return v;
}

}  // namespace

const std::vector<ClimateNormals>& climate_presets() {
  static const std::vector<ClimateNormals> v = make_presets();
  return v;
}

const ClimateNormals* find_climate(const std::string& name) {
  for (const auto& c : climate_presets()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<std::string> climate_names() {
  std::vector<std::string> out;
  for (const auto& c : climate_presets()) out.push_back(c.name);
  return out;
}

double station_pressure_pa(double elevation_m) { return 101325.0 * std::pow(1.0 - 2.25577e-5 * elevation_m, 5.2559); }

ClimateFit fit_climate(const ClimateNormals& n) {
  std::array<double, 12> mean{}, half{}, dew{};
  for (int i = 0; i < 12; ++i) {
    mean[i] = 0.5 * (n.tmax_c[i] + n.tmin_c[i]);
    half[i] = 0.5 * (n.tmax_c[i] - n.tmin_c[i]);
    dew[i] = dewpoint_from_rh(mean[i], n.rh[i]);
  }
  const Harmonic t = fit(mean), d = fit(half), dp = fit(dew);
  ClimateFit out;
  SyntheticClimate& c = out.climate;
  c.mean_c = t.mean;
  c.annual_amplitude_c = t.amplitude;
  c.warmest_day = t.peak_day;
  c.diurnal_amplitude_c = d.mean;
  // The range's annual term, projected on the temperature's phase (its own phase differs little).
  c.diurnal_amplitude_annual_c =
      d.amplitude * std::cos(2 * std::numbers::pi * (d.peak_day - t.peak_day) / kYearDays);
  c.warmest_hour = 15;
  c.dewpoint_mean_c = dp.mean;
  c.dewpoint_amplitude_c = dp.amplitude;
  c.dewpoint_warmest_day = dp.peak_day;
  c.pressure_pa = station_pressure_pa(n.elevation_m);
  c.utc_offset_s = n.utc_offset_h * 3600.0;
  out.fit_rms_c = t.rms;
  return out;
}

}  // namespace dcsim::weather
