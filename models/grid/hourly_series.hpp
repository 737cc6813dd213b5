// An hourly step-function series (an hourly mix's intensity, a price, an irradiance) laid on the
// scenario's calendar.
//
// values[k] holds for the hour [first + k·3600 s, first + (k+1)·3600 s), `first` an absolute UTC
// time. bind(start) places the file's hours on the scenario's calendar: the first hour is moved
// to the same month, day and time of day in the year of the scenario's start (or the year
// before, if that falls after the start), and the series repeats with its own length as period.
// A full-year file thus lines up by calendar date with any scenario year, and a short file
// repeats (a two-day sample, a typical week).
//
// Exact time averages: with C(x) = ∫_0^x v (piecewise constant, cyclic), computed from prefix
// sums, mean(t0, t1) = (C(x1) − C(x0)) / (t1 − t0) with x = t + offset. O(1) per query.
#pragma once

#include <cstddef>
#include <vector>

namespace dcsim::grid {

constexpr double kHour = 3600.0;

class HourlySeries {
 public:
  HourlySeries() = default;
  HourlySeries(double first_hour_epoch_s, std::vector<double> values);

  // Simulated t = 0 is the absolute time scenario_start_epoch_s.
  void bind(double scenario_start_epoch_s);

  double at(double t) const;                   // value at simulated time t
  double integral(double t0, double t1) const;  // ∫ over [t0, t1]
  double mean(double t0, double t1) const;      // time average (at(t0) if t1 <= t0)

  bool empty() const { return v_.empty(); }
  size_t size() const { return v_.size(); }
  const std::vector<double>& values() const { return v_; }
  double first_hour_epoch_s() const { return first_; }
  // Seconds from the aligned first hour to simulated t = 0 (after bind).
  double offset_s() const { return offset_; }

 private:
  double cumulative(double x) const;  // ∫_0^x of the cyclic extension

  std::vector<double> v_;
  std::vector<double> cum_;  // cum_[k] = Σ_{j<k} v_j · 3600 (size n + 1)
  double first_ = 0;
  double offset_ = 0;
  double period_ = kHour, inv_period_ = 1.0 / kHour;
};

// The absolute time of the same month, day and time of day as `epoch_s`, in the year of
// `reference_epoch_s`, or the year before if that is after the reference. Feb 29 becomes Mar 1 in
// a common year.
double same_date_before(double epoch_s, double reference_epoch_s);

}  // namespace dcsim::grid
