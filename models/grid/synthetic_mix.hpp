// A synthetic hourly generation mix for one year from annual shares (a region preset, or shares
// given in the scenario). The shapes are synthetic; the annual energy of every fuel equals its
// share exactly (to 1e-9), so the year's generation-weighted intensity is Σ share · EF.
//
// Hours h = 0..8759 from 1 January 00:00 UTC; t_h = h + 0.5 (hour midpoint), day n = ⌊t_h/24⌋ + 1.
//
//   demand   D_h ∝ 1 + a_d cos(2π (clock_h − h_peak)/24) + a_s cos(2π (n − n_peak)/365),
//            clock_h = UTC hour + utc_offset; normalised to a mean of 1 (a_d, h_peak, a_s,
//            n_peak per region: evening peak; summer peak for air-conditioned grids, winter for
//            heated ones).
//   solar    S_h ∝ max(0, sin α_h) · c_h, sin α = sin φ sin δ + cos φ cos δ cos ω, declination
//            δ = 23.44° sin(2π (284 + n)/365) (Cooper 1969), hour angle ω = 15° (solar time − 12),
//            solar time = UTC hour + longitude/15°; c_h a cloud factor max(0.05, 1 + cv_c x_h)
//            with x an AR(1) of unit variance and persistence τ_c. Midday solar with an evening
//            demand peak gives the duck curve of grid.duck_curve.
//   wind     W_h ∝ max(0, 1 + cv_w x_h), x_h = φ x_{h−1} + √(1 − φ²) ε_h, φ = exp(−1 h/τ_w),
//            ε ~ N(0, 1): random with persistence (τ_w ~ a day or two).
//   must-run fuels not in `dispatch` (nuclear, biomass, geothermal, other, and hydro unless
//            dispatched) are flat at their share.
//   curtailment  where solar + wind exceed D − must-run they are cut pro rata; their scales are
//            then raised until their annual energy matches the share again (fixed point).
//   dispatch the residual R_h = D_h − must-run − variable fills the dispatchable fuels in merit
//            order (cheapest first): fuel i runs min(R_h, C_i) with its capacity C_i found by
//            bisection so that Σ_h min(R_h, C_i) = share_i · 8760; the last takes the rest.
#pragma once

#include <string>

#include "models/grid/eia930.hpp"
#include "models/grid/fuel.hpp"
#include "sim/util/rng.hpp"

namespace dcsim::grid {

struct SyntheticShape {
  double latitude_deg = 38;
  double longitude_deg = -98;
  double utc_offset_h = -6;
  double demand_daily_amplitude = 0.12;
  double demand_peak_hour = 18;
  double demand_seasonal_amplitude = 0.08;
  double demand_peak_day = 200;
  double wind_cv = 0.5;
  double wind_persistence_h = 30;
  double cloud_cv = 0.3;
  double cloud_persistence_h = 24;
  MeritOrder dispatch{Fuel::coal, Fuel::gas, Fuel::oil};
};

constexpr size_t kSyntheticHours = 8760;

// shares must be >= 0 and sum to 1 (std::invalid_argument otherwise). The mix starts at
// 1 January 00:00 UTC of `year`; mw is in units of the mean demand (shares).
HourlyMix synthesize_mix(const FuelArray& shares, const SyntheticShape& shape, int year, Rng& rng);

}  // namespace dcsim::grid
