// Climate presets: published monthly normals of five data-center regions, and the fit that turns
// them into the synthetic model's parameters (synthetic_weather.hpp).
//
// Fit (least squares on mid-month days d_m, basis 1, cos 2πd/Y, sin 2πd/Y):
//   monthly mean T_m = (Tmax_m + Tmin_m)/2   → M, A, d_max
//   half range  R_m  = (Tmax_m − Tmin_m)/2   → D0, D1 (D1 taken along the temperature phase)
//   dew point   Td_m = dewpoint_from_rh(T_m, RH_m) → M_dp, A_dp, d_dp
// A monthly mean of a sinusoid is its mid-month value times sinc(π/12) = 0.98862, so fitted
// annual amplitudes are divided by it. The residuals (fit_rms_c) are reported by the tests and in
// docs/models/weather.md.
//
// What is synthetic: the presets reproduce these normals' annual and diurnal means, not the
// variability of real years (see synthetic_weather.hpp). Values were transcribed from the
// normals tables named in `source`; confidence as in calibration.yaml's vocabulary.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "models/weather/synthetic_weather.hpp"

namespace dcsim::weather {

struct ClimateNormals {
  std::string name;         // preset name: "northern-virginia"
  std::string station;
  std::string source;
  std::string confidence;
  double utc_offset_h = 0;  // standard time
  double elevation_m = 0;
  std::array<double, 12> tmax_c{};  // mean daily maximum
  std::array<double, 12> tmin_c{};  // mean daily minimum
  std::array<double, 12> rh{};      // mean relative humidity, 0..1
};

const std::vector<ClimateNormals>& climate_presets();
const ClimateNormals* find_climate(const std::string& name);
std::vector<std::string> climate_names();

struct ClimateFit {
  SyntheticClimate climate;
  double fit_rms_c = 0;  // RMS of (fitted monthly mean − normal monthly mean)
};
ClimateFit fit_climate(const ClimateNormals& n);

// Standard-atmosphere station pressure at an elevation (ASHRAE Fundamentals 2017 ch. 1 eq. 3).
double station_pressure_pa(double elevation_m);

}  // namespace dcsim::weather
