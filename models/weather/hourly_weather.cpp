#include "models/weather/hourly_weather.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "models/weather/psychrometrics.hpp"
#include "sim/scenario/datetime.hpp"

namespace dcsim::weather {

namespace {

constexpr double kHour = 3600.0;
constexpr size_t kTypicalHours = 8760;

Conditions lerp(const Conditions& a, const Conditions& b, double f) {
  const auto l = [f](double x, double y) { return x + (y - x) * f; };
  return {l(a.drybulb_c, b.drybulb_c), l(a.wetbulb_c, b.wetbulb_c), l(a.dewpoint_c, b.dewpoint_c), l(a.rh, b.rh),
          l(a.pressure_pa, b.pressure_pa)};
}

// Year (proleptic Gregorian) and the epoch day of its 1 January, for an epoch day number.
void year_of(int64_t day, int64_t& year, int64_t& jan1) {
  year = 1970 + static_cast<int64_t>(std::floor(static_cast<double>(day) / 365.2425));
  jan1 = scenario::days_from_civil(year, 1, 1);
  while (jan1 > day) jan1 = scenario::days_from_civil(--year, 1, 1);
  while (scenario::days_from_civil(year + 1, 1, 1) <= day) jan1 = scenario::days_from_civil(++year, 1, 1);
}

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

HourlyWeather HourlyWeather::dated(double t0_epoch_s, std::vector<Conditions> rows) {
  HourlyWeather w;
  w.rows_ = std::move(rows);
  w.t0_ = t0_epoch_s;
  return w;
}

HourlyWeather HourlyWeather::typical_year(std::vector<Conditions> rows, double utc_offset_s) {
  HourlyWeather w;
  w.rows_ = std::move(rows);
  w.utc_offset_s_ = utc_offset_s;
  w.cyclic_ = true;
  return w;
}

Conditions HourlyWeather::at(double epoch_s) const {
  const double n = static_cast<double>(rows_.size());
  if (!cyclic_) {
    const double p = std::clamp((epoch_s - t0_) / kHour, 0.0, n - 1);
    const size_t i = std::min(static_cast<size_t>(p), rows_.size() - 1);
    if (i + 1 >= rows_.size()) return rows_.back();
    return lerp(rows_[i], rows_[i + 1], p - static_cast<double>(i));
  }
  const double local = epoch_s + utc_offset_s_;
  const double days = std::floor(local / 86400.0);
  int64_t year = 0, jan1 = 0;
  year_of(static_cast<int64_t>(days), year, jan1);
  double into = (local - static_cast<double>(jan1) * 86400.0) / kHour;  // hours since local 1 Jan 00:00
  // The typical year has no 29 February: that day reads 28 February, and later days shift back one.
  if (is_leap(year) && into >= 59 * 24.0) into -= 24.0;
  double p = std::fmod(into - 1.0 + n, n);  // row 0 is 01:00
  const size_t i = static_cast<size_t>(p) % rows_.size();
  return lerp(rows_[i], rows_[(i + 1) % rows_.size()], p - std::floor(p));
}

void check_covers(const HourlyWeather& w, const FileRef& f, double start, double horizon) {
  if (w.cyclic()) return;
  if (start < w.first_epoch_s() || start + horizon > w.last_epoch_s()) {
    throw scenario::InputError(f.where, f.key_path + ".path",
                               "'" + f.path + "' covers " + scenario::format_datetime(w.first_epoch_s()) + " to " +
                                   scenario::format_datetime(w.last_epoch_s()) + ", expected the whole run (" +
                                   scenario::format_datetime(start) + " to " +
                                   scenario::format_datetime(start + horizon) + ")");
  }
}

}  // namespace dcsim::weather
