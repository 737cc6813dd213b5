// Rate curves lambda(t) (1/s) for non-homogeneous arrivals, and upper bounds of lambda over short
// windows for sampling by thinning (nhpp.hpp).
//
//   lambda(t) = base(t) x sum_r share_r D_r(l_r) W_r(l_r) x prod_s M_s(t)
//
//   base(t)    constant `rate`, or points {t, rate} (linear or step between points), or a CSV
//              column; before the first point the first rate holds, after the last the last.
//   l_r        local time of region r: start_epoch + utc_offset_r + t (s since 1970, shifted).
//   D_r(l)     diurnal multiplier of the local time of day, scaled to mean 1 over the day:
//              sinusoid D = 1 + a cos(2 pi (h - peak_time)/24 h), a = (1 - q)/(1 + q) with
//              q = trough_ratio = D_min/D_max; or 24 hourly multipliers (hour h covers
//              [h, h+1) local), divided by their mean.
//   W_r(l)     weekly multiplier of the local weekday (Mon..Sun): days[d] x (weekend if Sat/Sun),
//              divided by the mean of the 7 values. Weekday of day n since 1970-01-01 (a Thursday):
//              (n + 3) mod 7, 0 = Monday.
//   share_r    fraction of the load in region r (sum 1); no `regions` list = one region of share 1
//              with the model's own utc_offset, diurnal and weekly blocks.
//   M_s(t)     surge s: 1 + (peak - 1) S(t), S = 0 before `start`, rising to 1 over `rise`
//              (linear x, or logistic (L(x) - L(0))/(L(1) - L(0)) with L(x) = 1/(1+e^{-8(x-1/2)}),
//              x = (t - start)/rise), holding S = 1 for `duration` (a plateau, default 0), then
//              S = exp(-(t - start - rise - duration)/decay).
//
// Because D and W have mean 1, `rate` (or the points) is the long-run mean before surges.
// Bounds: over [t, u) with u <= t + window (<= 1 h), u <= the next base point and u <= each surge's
// window_end (rise/8 or decay/8 steps while a surge is active), the maximum of
// each factor is exact (linear segment: endpoints; sinusoid: endpoints or the peak if inside;
// steps: both hours/days touched; surge: endpoints or the peak time if inside); the product and
// weighted sum of the factor maxima bound lambda.
// No calibrated constants; the logistic steepness 8 (S(0.5 rise) = 0.5, 98 % of the rise over the
// middle 80 % of `rise`) is a modelling choice.
#pragma once

#include <array>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "models/arrivals/arrival_process.hpp"
#include "sim/scenario/config.hpp"
#include "sim/scenario/param.hpp"

namespace dcsim::arrivals {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr double kDay = 86400.0;
inline constexpr double kHour = 3600.0;

// value(s) <= max for every s in [t, until).
struct RateBound {
  double max = 0;
  double until = 0;
};

class RateCurve {
 public:
  virtual ~RateCurve() = default;
  // lambda(t) in 1/s, t in simulated seconds. Calls with non-decreasing t are O(1) amortised.
  virtual double value(double t) const = 0;
  // A bound over [t, until) with t < until <= t + max_window, or until = +inf with max = 0 when
  // the curve stays 0 forever.
  virtual RateBound bound(double t, double max_window) const = 0;
};

// Piecewise-linear or step function of time through sorted points.
class PiecewiseRate {
 public:
  enum class Interp { linear, step };
  PiecewiseRate() = default;
  PiecewiseRate(std::vector<double> times, std::vector<double> rates, Interp interp);
  double value(double t) const;
  double next_break(double t) const;           // first point time > t, or +inf
  double max_over(double a, double b) const;   // requires b <= next_break(a)
  bool empty() const { return t_.empty(); }

 private:
  size_t locate(double t) const;  // last i with t_i <= t (t >= t_0)
  double segment_value(size_t i, double t) const;
  std::vector<double> t_, r_;
  Interp interp_ = Interp::linear;
  mutable size_t cursor_ = 0;
};

struct DayProfile {
  enum class Kind { flat, sinusoid, hourly } kind = Kind::flat;
  double amplitude = 0;   // sinusoid a
  double peak_s = 0;      // sinusoid peak, s after local midnight
  std::array<double, 24> hourly{};  // mean 1
  double value(double local_s) const;
  double max_over(double la, double lb) const;  // lb - la <= 1 h
};

struct WeekProfile {
  bool flat = true;
  std::array<double, 7> day{1, 1, 1, 1, 1, 1, 1};  // Mon..Sun, mean 1
  double value(double local_s) const;
  double max_over(double la, double lb) const;
};

struct Region {
  std::string name;
  double share = 1;
  double offset_s = 0;  // start_epoch + utc_offset: local clock at simulated t = 0
  DayProfile day;
  WeekProfile week;
};

struct Surge {
  double start = 0, peak = 1, rise = 0, decay = 1;
  double hold = 0;  // plateau at the peak between the rise and the decay (`duration`)
  bool logistic = false;
  double end = std::numeric_limits<double>::infinity();  // shape = 0 from here (set by ComposedCurve)
  double shape(double t) const;
  double multiplier(double t) const { return 1.0 + (peak - 1.0) * shape(t); }
  double max_over(double a, double b) const;
  // End of a window from t over which the surge changes little: its start, the top, steps of
  // rise/8 while rising, the end of the plateau, and decay/8 while decaying (until within 0.1 % of 1).
  double window_end(double t) const;
};

class ComposedCurve final : public RateCurve {
 public:
  ComposedCurve(PiecewiseRate base, std::vector<Region> regions, std::vector<Surge> surges);
  double value(double t) const override;
  RateBound bound(double t, double max_window) const override;

 private:
  PiecewiseRate base_;
  std::vector<Region> regions_;
  std::vector<Surge> surges_;
  bool calendar_flat_ = true;
};

// Integral of the curve over [a, b] (composite Simpson, sub-steps <= 60 s and <= (b-a)/64).
double integrate(const RateCurve& curve, double a, double b);

// Declarations of the curve's parameters and sub-blocks (for the nhpp model), and the builder.
// The builder throws scenario::InputError for bad curves (no points, unsorted points, CSV
// problems with file:line, shares not summing to 1, conflicting declarations).
std::vector<scenario::ParamSpec> rate_curve_params();
std::vector<scenario::ChildSpec> rate_curve_children();
std::unique_ptr<ComposedCurve> build_rate_curve(const scenario::Config& cfg, const ArrivalContext& ctx);

}  // namespace dcsim::arrivals
