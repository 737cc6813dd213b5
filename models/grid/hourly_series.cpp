#include "models/grid/hourly_series.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "sim/scenario/datetime.hpp"

namespace dcsim::grid {

namespace {

struct Civil {
  long long year;
  unsigned month, day;
  double second_of_day;
};

Civil civil(double epoch_s) {
  const std::string s = scenario::format_datetime(epoch_s);  // "YYYY-MM-DDTHH:MM:SSZ"
  Civil c;
  c.year = std::atoll(s.substr(0, 4).c_str());
  c.month = static_cast<unsigned>(std::atoi(s.substr(5, 2).c_str()));
  c.day = static_cast<unsigned>(std::atoi(s.substr(8, 2).c_str()));
  const double day_start =
      static_cast<double>(scenario::days_from_civil(c.year, c.month, c.day)) * 86400.0;
  c.second_of_day = epoch_s - day_start;
  return c;
}

double at_year(const Civil& c, long long year) {
  return static_cast<double>(scenario::days_from_civil(year, c.month, c.day)) * 86400.0 + c.second_of_day;
}

}  // namespace

double same_date_before(double epoch_s, double reference_epoch_s) {
  const Civil c = civil(epoch_s);
  const long long ref_year = civil(reference_epoch_s).year;
  double t = at_year(c, ref_year);
  if (t > reference_epoch_s) t = at_year(c, ref_year - 1);
  return t;
}

HourlySeries::HourlySeries(double first_hour_epoch_s, std::vector<double> values)
    : v_(std::move(values)), first_(first_hour_epoch_s) {
  if (v_.empty()) throw std::invalid_argument("HourlySeries: no values");
  cum_.assign(v_.size() + 1, 0.0);
  for (size_t k = 0; k < v_.size(); ++k) cum_[k + 1] = cum_[k] + v_[k] * kHour;
  period_ = static_cast<double>(v_.size()) * kHour;
  inv_period_ = 1.0 / period_;
}

void HourlySeries::bind(double scenario_start_epoch_s) {
  offset_ = scenario_start_epoch_s - same_date_before(first_, scenario_start_epoch_s);
}

// Multiplications by inverses instead of divisions: an hour index off by one at a boundary moves
// C(x) by rounding only (C is continuous), and k is clamped to the series.
double HourlySeries::cumulative(double x) const {
  if (v_.size() == 1) return v_[0] * x;
  const double cycles = std::floor(x * inv_period_);
  const double r = x - cycles * period_;
  size_t k = static_cast<size_t>(std::max(0.0, r) * (1.0 / kHour));
  if (k >= v_.size()) k = v_.size() - 1;
  return cycles * cum_.back() + cum_[k] + v_[k] * (r - static_cast<double>(k) * kHour);
}

double HourlySeries::at(double t) const {
  if (v_.size() == 1) return v_[0];
  const double x = t + offset_;
  const double r = x - std::floor(x * inv_period_) * period_;
  size_t k = static_cast<size_t>(std::max(0.0, r) * (1.0 / kHour));
  if (k >= v_.size()) k = v_.size() - 1;
  // At an exact hour boundary the division would give the next hour: keep at() exact there.
  if (k + 1 < v_.size() && r >= static_cast<double>(k + 1) * kHour) ++k;
  else if (k > 0 && r < static_cast<double>(k) * kHour) --k;
  return v_[k];
}

double HourlySeries::integral(double t0, double t1) const { return cumulative(t1 + offset_) - cumulative(t0 + offset_); }

double HourlySeries::mean(double t0, double t1) const {
  if (!(t1 > t0)) return at(t0);
  return integral(t0, t1) / (t1 - t0);
}

}  // namespace dcsim::grid
