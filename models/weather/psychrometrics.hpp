// Moist-air relations used by the weather models (temperatures in degC, pressure in Pa, relative
// humidity as a fraction 0..1).
//
//   p_ws(T)  = 610.94 · exp(17.625 T / (T + 243.04))              saturation pressure over water, Pa
//              (Magnus form, Alduchov & Eskridge 1996, J. Appl. Meteor. 35:601; |error| < 0.4 %
//              for -40..50 degC)
//   RH       = p_ws(T_dp) / p_ws(T)                               relative humidity from dew point
//   T_dp     = 243.04 γ / (17.625 − γ),  γ = ln RH + 17.625 T / (T + 243.04)
//   W        = 0.621945 · p_w / (p − p_w)                         humidity ratio, kg/kg dry air
//
// Wet-bulb temperature, two ways:
//   * Stull (2011), J. Appl. Meteor. Climatol. 50:2267, eq. 1 (RH in %, standard sea-level pressure):
//       T_w = T·atan(0.151977 (RH + 8.313659)^½) + atan(T + RH) − atan(RH − 1.676331)
//             + 0.00391838 RH^{3/2} atan(0.023101 RH) − 4.686035
//     valid for RH 5–99 % and T −20..50 degC (mean absolute error 0.28 K, Stull's Fig. 3); RH is
//     clamped to [5 %, 99 %] here. Cheap: used by the synthetic model at every evaluation.
//   * The psychrometric equation (ASHRAE Handbook—Fundamentals 2017, ch. 1, eqs. 33 and 35), solved
//     for the thermodynamic wet bulb T* by bisection between T_dp and T:
//       W = ((2501 − 2.326 T*) W_s(T*) − 1.006 (T − T*)) / (2501 + 1.86 T − 4.186 T*)   (T* ≥ 0)
//       W = ((2830 − 0.24 T*) W_s(T*) − 1.006 (T − T*)) / (2830 + 1.86 T − 2.1 T*)      (T* < 0)
//     Pressure-aware; used once per row for hourly files (CSV, EPW), which give pressure.
#pragma once

namespace dcsim::weather {

inline constexpr double kStandardPressurePa = 101325.0;

double saturation_pressure_pa(double t_c);
double rh_from_dewpoint(double t_c, double dewpoint_c);
double dewpoint_from_rh(double t_c, double rh);
double wetbulb_stull(double t_c, double rh);
double wetbulb_psychrometric(double t_c, double dewpoint_c, double pressure_pa);

}  // namespace dcsim::weather
