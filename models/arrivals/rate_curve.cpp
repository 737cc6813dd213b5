#include "models/arrivals/rate_curve.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>


namespace dcsim::arrivals {

namespace {

double positive_mod(double x, double m) {
  const double r = std::fmod(x, m);
  return r < 0 ? r + m : r;
}

// Logistic rise normalised to 0 at x = 0 and 1 at x = 1.
double logistic_rise(double x) {
  static const double l0 = 1.0 / (1.0 + std::exp(4.0));
  static const double l1 = 1.0 / (1.0 + std::exp(-4.0));
  const double l = 1.0 / (1.0 + std::exp(-8.0 * (x - 0.5)));
  return (l - l0) / (l1 - l0);
}

}  // namespace

// ---- PiecewiseRate ----

PiecewiseRate::PiecewiseRate(std::vector<double> times, std::vector<double> rates, Interp interp)
    : t_(std::move(times)), r_(std::move(rates)), interp_(interp) {}

size_t PiecewiseRate::locate(double t) const {
  const size_t n = t_.size();
  size_t i = cursor_;
  if (i < n && t_[i] <= t) {
    // Forward scan a few steps (t mostly non-decreasing), then binary search.
    for (int k = 0; k < 4; ++k) {
      if (i + 1 >= n || t < t_[i + 1]) return cursor_ = i;
      ++i;
    }
  }
  const auto it = std::upper_bound(t_.begin(), t_.end(), t);
  cursor_ = static_cast<size_t>(it - t_.begin()) - 1;
  return cursor_;
}

double PiecewiseRate::segment_value(size_t i, double t) const {
  if (i + 1 >= t_.size() || interp_ == Interp::step) return r_[i];
  const double f = (t - t_[i]) / (t_[i + 1] - t_[i]);
  return r_[i] + (r_[i + 1] - r_[i]) * f;
}

double PiecewiseRate::value(double t) const {
  if (t < t_[0]) return r_[0];
  return segment_value(locate(t), t);
}

double PiecewiseRate::next_break(double t) const {
  if (t < t_[0]) return t_[0];
  const size_t i = locate(t);
  return i + 1 < t_.size() ? t_[i + 1] : kInf;
}

double PiecewiseRate::max_over(double a, double b) const {
  if (a < t_[0]) return r_[0];
  const size_t i = locate(a);
  if (i + 1 >= t_.size() || interp_ == Interp::step) return r_[i];
  return std::max(segment_value(i, a), segment_value(i, std::min(b, t_[i + 1])));
}

// ---- calendar ----

double DayProfile::value(double local_s) const {
  switch (kind) {
    case Kind::flat:
      return 1.0;
    case Kind::sinusoid:
      return 1.0 + amplitude * std::cos(2.0 * std::numbers::pi * (local_s - peak_s) / kDay);
    case Kind::hourly:
      return hourly[static_cast<size_t>(positive_mod(local_s, kDay) / kHour) % 24];
  }
  return 1.0;
}

double DayProfile::max_over(double la, double lb) const {
  switch (kind) {
    case Kind::flat:
      return 1.0;
    case Kind::sinusoid: {
      const double k = std::ceil((la - peak_s) / kDay);
      if (peak_s + k * kDay <= lb) return 1.0 + amplitude;
      return std::max(value(la), value(lb));
    }
    case Kind::hourly:
      return std::max(value(la), value(lb));  // lb - la <= 1 h: at most two hours touched
  }
  return 1.0;
}

double WeekProfile::value(double local_s) const {
  if (flat) return 1.0;
  const auto n = static_cast<int64_t>(std::floor(local_s / kDay));
  return day[static_cast<size_t>(((n % 7) + 7 + 3) % 7)];
}

double WeekProfile::max_over(double la, double lb) const {
  if (flat) return 1.0;
  return std::max(value(la), value(lb));
}

// ---- surges ----

double Surge::shape(double t) const {
  if (t < start || t >= end) return 0.0;
  const double x = t - start;
  if (x < rise) return logistic ? logistic_rise(x / rise) : x / rise;
  if (x <= rise + hold) return 1.0;
  return std::exp(-(x - rise - hold) / decay);
}

double Surge::window_end(double t) const {
  if (t < start) return start;
  const double top = start + rise;
  if (t < top) return std::min(top, t + rise / 8);
  if (t < top + hold) return top + hold;  // flat at the peak
  if (std::abs(peak - 1.0) * shape(t) > 1e-3) return t + decay / 8;  // bound / value <= e^(1/8) while decaying
  return std::numeric_limits<double>::infinity();
}

double Surge::max_over(double a, double b) const {
  double m = std::max(multiplier(a), multiplier(b));
  const double top = start + rise;
  if (a <= top + hold && top <= b) m = std::max(m, peak);
  return m;
}

// ---- ComposedCurve ----

ComposedCurve::ComposedCurve(PiecewiseRate base, std::vector<Region> regions, std::vector<Surge> surges)
    : base_(std::move(base)), regions_(std::move(regions)), surges_(std::move(surges)) {
  for (auto& s : surges_) {  // beyond `end` the surge changes the rate by < 1e-12 relative: cut it off
    const double excess = std::abs(s.peak - 1.0);
    s.end = excess > 1e-12 ? s.start + s.rise + s.hold + s.decay * std::log(excess / 1e-12) : s.start;
  }
  for (const auto& r : regions_) {
    if (r.day.kind != DayProfile::Kind::flat || !r.week.flat) calendar_flat_ = false;
  }
}

double ComposedCurve::value(double t) const {
  double v = base_.value(t);
  if (!calendar_flat_) {
    double c = 0;
    for (const auto& r : regions_) {
      const double l = r.offset_s + t;
      c += r.share * r.day.value(l) * r.week.value(l);
    }
    v *= c;
  }
  for (const auto& s : surges_) v *= s.multiplier(t);
  return v;
}

RateBound ComposedCurve::bound(double t, double max_window) const {
  const double brk = base_.next_break(t);
  if (std::isinf(brk) && base_.value(t) <= 0) return {0.0, kInf};  // zero forever
  double u = std::min(t + max_window, brk);
  for (const auto& s : surges_) u = std::min(u, s.window_end(t));
  double m = base_.max_over(t, u);
  if (!calendar_flat_) {
    double c = 0;
    for (const auto& r : regions_) c += r.share * r.day.max_over(r.offset_s + t, r.offset_s + u) *
                                        r.week.max_over(r.offset_s + t, r.offset_s + u);
    m *= c;
  }
  for (const auto& s : surges_) m *= s.max_over(t, u);
  return {m * (1.0 + 1e-12), u};  // a hair of headroom against rounding in value()
}

double integrate(const RateCurve& curve, double a, double b) {
  if (!(b > a)) return 0.0;
  const double step = std::min(60.0, (b - a) / 64.0);
  const auto n2 = static_cast<int64_t>(std::min(4.0e6, std::ceil((b - a) / step / 2.0)));
  const int64_t n = 2 * std::max<int64_t>(1, n2);
  const double h = (b - a) / static_cast<double>(n);
  double s = curve.value(a) + curve.value(b);
  for (int64_t i = 1; i < n; ++i) s += (i % 2 ? 4.0 : 2.0) * curve.value(a + h * static_cast<double>(i));
  return s * h / 3.0;
}

}  // namespace dcsim::arrivals
