#include "models/grid/synthetic_mix.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "sim/scenario/datetime.hpp"

namespace dcsim::grid {

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kDeg = kPi / 180.0;
constexpr size_t N = kSyntheticHours;

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

void normalise(std::vector<double>& v) {
  const double m = mean(v);
  if (m > 0) {
    for (double& x : v) x /= m;
  }
}

// AR(1) of unit stationary variance, persistence tau (h).
std::vector<double> ar1(double tau_h, Rng& rng) {
  std::vector<double> x(N);
  const double phi = tau_h > 0 ? std::exp(-1.0 / tau_h) : 0.0;
  const double s = std::sqrt(1.0 - phi * phi);
  double prev = rng.normal();
  for (size_t h = 0; h < N; ++h) {
    prev = phi * prev + s * rng.normal();
    x[h] = prev;
  }
  return x;
}

// Capacity C with Σ min(R, C) = target (bisection on [0, max R]).
double fill_capacity(const std::vector<double>& r, double target) {
  double hi = *std::max_element(r.begin(), r.end());
  double lo = 0;
  double total = 0;
  for (double x : r) total += x;
  if (target >= total) return hi;
  for (int it = 0; it < 200 && hi - lo > 1e-15 * std::max(1.0, hi); ++it) {
    const double c = 0.5 * (lo + hi);
    double e = 0;
    for (double x : r) e += std::min(x, c);
    (e < target ? lo : hi) = c;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

HourlyMix synthesize_mix(const FuelArray& shares, const SyntheticShape& shape, int year, Rng& rng) {
  double sum = 0;
  for (double s : shares) {
    if (!(s >= 0)) throw std::invalid_argument("synthetic mix: shares must be >= 0");
    sum += s;
  }
  if (std::abs(sum - 1.0) > 1e-6) throw std::invalid_argument("synthetic mix: shares sum to " + std::to_string(sum) + ", not 1");
  const auto share = [&](Fuel f) { return shares[index(f)] / sum; };

  std::vector<double> demand(N), sun(N), wind(N);
  const std::vector<double> cloud = ar1(shape.cloud_persistence_h, rng);
  const std::vector<double> gust = ar1(shape.wind_persistence_h, rng);
  const double phi = shape.latitude_deg * kDeg;
  for (size_t h = 0; h < N; ++h) {
    const double t = static_cast<double>(h) + 0.5;
    const double day = std::floor(t / 24.0) + 1.0;
    const double utc_hour = std::fmod(t, 24.0);
    const double clock = utc_hour + shape.utc_offset_h;
    demand[h] = 1.0 + shape.demand_daily_amplitude * std::cos(2 * kPi * (clock - shape.demand_peak_hour) / 24.0) +
                shape.demand_seasonal_amplitude * std::cos(2 * kPi * (day - shape.demand_peak_day) / 365.0);
    const double decl = 23.44 * kDeg * std::sin(2 * kPi * (284.0 + day) / 365.0);
    const double omega = 15.0 * kDeg * (utc_hour + shape.longitude_deg / 15.0 - 12.0);
    const double sin_alt = std::sin(phi) * std::sin(decl) + std::cos(phi) * std::cos(decl) * std::cos(omega);
    sun[h] = std::max(0.0, sin_alt) * std::max(0.05, 1.0 + shape.cloud_cv * cloud[h]);
    wind[h] = std::max(0.0, 1.0 + shape.wind_cv * gust[h]);
  }
  normalise(demand);
  normalise(sun);
  normalise(wind);

  const auto dispatched = [&](Fuel f) {
    return std::find(shape.dispatch.begin(), shape.dispatch.end(), f) != shape.dispatch.end();
  };
  HourlyMix mix;
  mix.mw.assign(N, FuelArray{});
  std::vector<double> must(N, 0.0);
  for (Fuel f : kAllFuels) {
    if (f == Fuel::solar || f == Fuel::wind || dispatched(f)) continue;
    for (size_t h = 0; h < N; ++h) {
      mix.mw[h][index(f)] = share(f);
      must[h] += share(f);
    }
  }
  // Variable renewables with pro-rata curtailment, rescaled until their annual energy is met.
  const double target_s = share(Fuel::solar) * N, target_w = share(Fuel::wind) * N;
  double ks = share(Fuel::solar), kw = share(Fuel::wind);
  std::vector<double> s_h(N), w_h(N);
  for (int it = 0; it < 200; ++it) {
    double es = 0, ew = 0;
    for (size_t h = 0; h < N; ++h) {
      const double vs = ks * sun[h], vw = kw * wind[h];
      const double room = std::max(0.0, demand[h] - must[h]);
      const double cut = vs + vw > room ? room / (vs + vw) : 1.0;
      s_h[h] = vs * cut;
      w_h[h] = vw * cut;
      es += s_h[h];
      ew += w_h[h];
    }
    const bool done = (target_s == 0 || std::abs(es - target_s) <= 1e-12 * target_s) &&
                      (target_w == 0 || std::abs(ew - target_w) <= 1e-12 * target_w);
    if (done) break;
    if (it == 199) {
      throw std::invalid_argument("synthetic mix: solar and wind shares cannot be met without curtailing more than "
                                  "they produce (must-run and variable shares exceed the demand too often)");
    }
    if (es > 0) ks *= target_s / es;
    if (ew > 0) kw *= target_w / ew;
  }
  std::vector<double> residual(N);
  double residual_sum = 0, dispatch_target = 0;
  for (size_t h = 0; h < N; ++h) {
    mix.mw[h][index(Fuel::solar)] = s_h[h];
    mix.mw[h][index(Fuel::wind)] = w_h[h];
    residual[h] = std::max(0.0, demand[h] - must[h] - s_h[h] - w_h[h]);
    residual_sum += residual[h];
  }
  for (Fuel f : shape.dispatch) dispatch_target += share(f) * N;
  // Hours where must-run alone exceeds demand export their surplus: scale the residual so that the
  // dispatched energy is exactly the dispatched shares.
  if (dispatch_target > 0 && !(residual_sum > 0)) {
    throw std::invalid_argument("synthetic mix: the dispatchable fuels have no residual demand to fill");
  }
  if (residual_sum > 0) {
    for (double& r : residual) r *= dispatch_target / residual_sum;
  }
  std::vector<Fuel> order;
  for (Fuel f : shape.dispatch) {
    if (share(f) > 0) order.push_back(f);
  }
  for (size_t i = 0; i < order.size(); ++i) {
    const Fuel f = order[i];
    const bool last = i + 1 == order.size();
    const double c = last ? std::numeric_limits<double>::infinity() : fill_capacity(residual, share(f) * N);
    for (size_t h = 0; h < N; ++h) {
      const double g = std::min(residual[h], c);
      mix.mw[h][index(f)] = g;
      residual[h] -= g;
    }
  }
  mix.first_hour_epoch_s = static_cast<double>(scenario::days_from_civil(year, 1, 1)) * 86400.0;
  mix.respondent = "synthetic";
  mix.layout = "synthetic";
  return mix;
}

}  // namespace dcsim::grid
