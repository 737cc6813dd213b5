#include "models/grid/series_csv.hpp"

#include <cmath>
#include <vector>

#include "models/grid/grid_csv.hpp"
#include "sim/scenario/datetime.hpp"

namespace dcsim::grid {

HourlySeries read_series_csv(const SeriesCsvSpec& spec) {
  CsvReader r(spec.path, spec.what, spec.where, spec.key_path);
  const int tc = r.require(spec.time_column);
  const int vc = r.require(spec.value_column);
  std::vector<double> values;
  double first = 0;
  while (r.next()) {
    double t = 0;
    const std::string why = parse_timestamp(r.field(tc), t);
    if (!why.empty()) r.fail("column '" + spec.time_column + "' is '" + shorten_text(r.field(tc)) + "': " + why);
    double v = 0;
    if (!parse_number(r.field(vc), v)) {
      r.fail("column '" + spec.value_column + "' is '" + shorten_text(r.field(vc)) + "', expected a number");
    }
    if (v < 0 && !spec.allow_negative) {
      r.fail("column '" + spec.value_column + "' is '" + shorten_text(r.field(vc)) + "', expected a value >= 0");
    }
    if (values.empty()) {
      first = t;
    } else {
      const double expected = first + static_cast<double>(values.size()) * kHour;
      if (t != expected) {
        const std::string prev = scenario::format_datetime(expected - kHour);
        if (t > expected) {
          const long missing = std::lround((t - expected) / kHour);
          r.fail("gap: " + std::to_string(missing) + " hour" + (missing == 1 ? "" : "s") + " missing after " + prev +
                 " (rows must be consecutive hours)");
        }
        r.fail("time stamp " + scenario::format_datetime(t) + " is not the hour after " + prev +
               " (rows must be consecutive hours, in order, without duplicates)");
      }
    }
    values.push_back(v * spec.scale);
  }
  if (values.empty()) r.fail_at(r.header_line(), "no data rows in this " + spec.what);
  return HourlySeries(first, std::move(values));
}

}  // namespace dcsim::grid
