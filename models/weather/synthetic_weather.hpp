// Synthetic weather: annual and diurnal sinusoids with optional heat waves.
//
//   d      = day of year of local time (fractional, period Y = 365.2425 d, from 1970-01-01)
//   h      = hour of local time (UTC + utc_offset)
//   D(d)   = D0 + D1 · cos(2π (d − d_max) / Y)                        half the daily range, K
//   T(t)   = M + A · cos(2π (d − d_max) / Y) + D(d) · cos(2π (h − h_max) / 24) + Σ_k H_k(t)
//   H_k(t) = ΔT_k · w_k(t), w a plateau with raised-cosine ramps of length r_k at both ends
//   T_dp   = min(T, M_dp + A_dp · cos(2π (d − d_dp) / Y) + Σ_k ΔT_dp,k · w_k(t))
//            (or, with a constant relative humidity RH: T_dp = dewpoint_from_rh(T, RH))
//   T_w    = wetbulb_stull(T, RH(T, T_dp))                           (psychrometrics.hpp)
//
// Parameters (all temperatures in degC; amplitudes and deltas are differences in K written as degC):
//   M mean, A annual_amplitude, d_max warmest_day, D0 diurnal_amplitude, D1 diurnal_amplitude_annual,
//   h_max warmest_hour, M_dp dewpoint_mean, A_dp dewpoint_amplitude, d_dp dewpoint_warmest_day, pressure (Pa), utc_offset.
// What is synthetic: no day-to-day (synoptic) variability, a symmetric diurnal cosine (the real
// minimum is near sunrise, not 12 h after the maximum), dew point without a diurnal cycle. Hours
// above a threshold are therefore fewer than in a real year with the same normals; use an EPW file
// for extremes. The presets (climate_normals.hpp) fit M, A, d_max, D0, D1 and the dew point to
// published monthly normals.
#pragma once

#include <vector>

#include "models/weather/weather.hpp"

namespace dcsim::weather {

struct HeatWave {
  double start_epoch_s = 0;  // start of the ramp up
  double duration_s = 0;     // from start of ramp up to end of ramp down
  double ramp_s = 0;         // each ramp
  double delta_c = 0;        // dry-bulb rise on the plateau, K
  double dewpoint_delta_c = 0;
  double weight(double epoch_s) const;  // w_k(t) in [0, 1]
};

struct SyntheticClimate {
  double mean_c = 12;
  double annual_amplitude_c = 10;
  double warmest_day = 200;           // day of year (0 = Jan 1) of the annual maximum
  double diurnal_amplitude_c = 5;     // D0
  double diurnal_amplitude_annual_c = 0;  // D1 (in phase with the annual cycle)
  double warmest_hour = 15;           // local solar hour of the daily maximum
  double dewpoint_mean_c = 5;
  double dewpoint_amplitude_c = 7;
  double dewpoint_warmest_day = 200;
  double rh = -1;                     // >= 0: constant relative humidity instead of the dew point
  double pressure_pa = 101325;
  double utc_offset_s = 0;
  double offset_c = 0;                // added to T and T_dp (warming scenarios)
  std::vector<HeatWave> heat_waves;
};

class SyntheticWeather : public Weather {
 public:
  explicit SyntheticWeather(SyntheticClimate c);
  Conditions at(double epoch_s) const override;
  const SyntheticClimate& climate() const { return c_; }

 private:
  SyntheticClimate c_;
};

}  // namespace dcsim::weather
