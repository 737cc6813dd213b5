// Reader of EIA-930 hourly net generation by energy source (the "hourly by fuel type" data of
// EIA's Hourly Electric Grid Monitor, https://www.eia.gov/electricity/gridmonitor/; public
// domain). Two published layouts are read, told apart by their header:
//
//   balance   the six-month BALANCE files (EIA930_BALANCE_2023_Jan_Jun.csv): one row per
//             balancing authority and hour, columns "Balancing Authority", "UTC Time at End of
//             Hour" ("01/01/2023 6:00:00 AM"), and "Net Generation (MW) from <Source>" for Coal,
//             Natural Gas, Nuclear, All Petroleum Products, Hydropower and Pumped Storage, Solar,
//             Wind, Other Fuel Sources, Unknown Fuel Sources, each also with " (Imputed)" and
//             " (Adjusted)". The Adjusted column is read when the file has it (EIA's cleaned
//             series), else the reported one. Files from July 2024 split hydro ("Hydropower
//             Excluding Pumped Storage"), solar and wind ("... with/without Integrated Battery
//             Storage", EIA's own misspelling "witho" of the Adjusted one included) and add
//             Geothermal and storage columns. Numbers may carry thousands separators ("1,234").
//   api       the EIA API v2 export of electricity/rto/fuel-type-data: columns period
//             ("2023-07-17T05", UTC), respondent, fueltype, value (and respondent-name, type-name,
//             value-units = megawatthours), one row per hour and fuel, in any order. Codes COL,
//             NG, NUC, OIL, WAT, SUN (+SNB), WND (+WNB), GEO, OTH, UNK; storage (BAT, PS, OES, UES)
//             is left out.
//
// Mapping to the model's fuels: Coal→coal, Natural Gas→gas, Petroleum→oil, Nuclear→nuclear,
// Hydropower→hydro, Solar→solar, Wind→wind, Geothermal→geothermal, Other + Unknown→other.
// Storage (batteries, pumped storage) shifts energy in time; its net generation is left out of
// the mix (its emissions belong to the hours that charged it). Time stamps are hour ending in
// UTC; the mix of hour [end − 1 h, end) is the row's.
//
// Errors (scenario::InputError at file:line, exit 2): a missing column (named, with the header),
// rows of several balancing authorities without `respondent`, a respondent with no rows, a gap
// (hours missing between two rows), a duplicate or backwards hour, a malformed number or time
// stamp, negative generation (unless clip_negative: then read as 0 and counted).
#pragma once

#include <string>
#include <vector>

#include "models/grid/fuel.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace dcsim::grid {

struct HourlyMix {
  double first_hour_epoch_s = 0;  // start (UTC) of the first hour
  std::vector<FuelArray> mw;      // generation per hour and fuel, MW (= MWh per hour)
  std::string respondent;         // balancing authority code
  std::string layout;             // "balance" or "api"
  size_t clipped = 0;             // negative values read as 0 (clip_negative)
};

struct Eia930Options {
  std::string respondent;       // "" = the file must hold one balancing authority
  bool clip_negative = false;
  scenario::Location where;     // the scenario key naming the file
  std::string key_path;
};

// Throws scenario::InputError.
HourlyMix read_eia930(const std::string& path, const Eia930Options& options);

}  // namespace dcsim::grid
