// An hourly series from a CSV file with a time-stamp column and a value column (market prices,
// plane-of-array irradiance, outdoor temperature): each row is one hour, stamped with the hour's
// start in UTC (grid_csv.hpp formats); the rows must be consecutive hours (a gap, a duplicate
// or a step back is an error at its line), the values numbers (negative ones an error unless
// allowed). `scale` converts the file's unit to the internal one (USD/MWh -> USD/J).
#pragma once

#include <string>

#include "models/grid/hourly_series.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace dcsim::grid {

struct SeriesCsvSpec {
  std::string path;
  std::string time_column = "timestamp";
  std::string value_column;
  std::string what;  // "price file"
  bool allow_negative = false;
  double scale = 1;
  scenario::Location where;  // the scenario key naming the file
  std::string key_path;
};

// Throws scenario::InputError. The series is not yet bound to the calendar.
HourlySeries read_series_csv(const SeriesCsvSpec& spec);

}  // namespace dcsim::grid
