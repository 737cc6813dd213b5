// Hourly weather from files, linearly interpolated between rows.
//
//   dated        row i holds the conditions at t_0 + 3600 i (UTC); the run must lie inside the rows
//   typical year 8760 rows of a year without 29 February (an EnergyPlus TMY file); row i holds local
//                standard time i + 1 h after 1 January 00:00 (EPW hour h is the hour ending at h:00,
//                whose temperatures EnergyPlus takes as the values at h:00), repeated every year;
//                29 February reads 28 February.
//
// Readers (errors are scenario::InputError with the data file's file:line, the scenario key path,
// the bad value and what was expected; exit code 2):
//   csv  header with `time` (ISO 8601 date-time, e.g. 2025-07-01T13:00Z), `drybulb_c` and one of
//        `wetbulb_c`, `rh` (percent), `dewpoint_c`; optional `pressure_pa` (default 101325). Rows
//        exactly one hour apart (a gap or a repeated hour is an error at its line).
//   epw  EnergyPlus weather file (EnergyPlus Auxiliary Programs, "Weather Converter Program",
//        EPW data dictionary): 8 header lines (LOCATION, DESIGN CONDITIONS, TYPICAL/EXTREME PERIODS,
//        GROUND TEMPERATURES, HOLIDAYS/DAYLIGHT SAVINGS, COMMENTS 1, COMMENTS 2, DATA PERIODS), then
//        one row per hour: year, month, day, hour (1-24), minute, flags, dry bulb (degC), dew point
//        (degC), relative humidity (%), station pressure (Pa), ... (35 fields). The time zone is
//        LOCATION's 9th field. Missing-value codes (dry bulb / dew point 99.9, RH 999, pressure
//        999999) are errors. 8760 rows from 1 January 01:00 make a typical year (the year column is
//        ignored, as EnergyPlus does); anything else is dated by its own year/month/day/hour.
// Wet bulb per row from dry bulb, dew point and pressure by the psychrometric equation
// (psychrometrics.hpp), once at load time.
#pragma once

#include <string>
#include <vector>

#include "models/weather/weather.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace dcsim::weather {

class HourlyWeather : public Weather {
 public:
  static HourlyWeather dated(double t0_epoch_s, std::vector<Conditions> rows);
  static HourlyWeather typical_year(std::vector<Conditions> rows, double utc_offset_s);

  Conditions at(double epoch_s) const override;
  bool cyclic() const { return cyclic_; }
  double first_epoch_s() const { return t0_; }
  double last_epoch_s() const { return t0_ + 3600.0 * static_cast<double>(rows_.size() - 1); }
  size_t rows() const { return rows_.size(); }

 private:
  HourlyWeather() = default;
  std::vector<Conditions> rows_;
  double t0_ = 0;
  double utc_offset_s_ = 0;
  bool cyclic_ = false;
};

struct FileRef {
  std::string path;            // resolved path
  scenario::Location where;    // the scenario's `path` key
  std::string key_path;        // "sites[0].facility.weather"
};

HourlyWeather read_weather_csv(const FileRef& f);
HourlyWeather read_weather_epw(const FileRef& f);

// A dated series must cover [start, start + horizon]; throws InputError at the `path` key.
void check_covers(const HourlyWeather& w, const FileRef& f, double start_epoch_s, double horizon_s);

}  // namespace dcsim::weather
