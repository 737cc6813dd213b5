// EIA-930 reader (eia930.hpp): layout detection, the balance (wide) and API (long) layouts, and
// the hour-sequence checks shared by both.
#include "models/grid/eia930.hpp"

#include <cmath>
#include <map>
#include <optional>

#include "models/grid/grid_csv.hpp"
#include "sim/scenario/datetime.hpp"

namespace dcsim::grid {

namespace {

constexpr const char* kPrefix = "Net Generation (MW) from ";

// A member column of a fuel: alternative spellings of its base name (without the prefix).
using Member = std::vector<const char*>;
using Group = std::vector<Member>;  // columns summed into the fuel
struct FuelColumns {
  Fuel fuel;
  std::vector<Group> alternatives;  // the first group found wins
  bool required;
  std::vector<Member> extras;       // optional columns added when present
};

const std::vector<FuelColumns>& balance_columns() {
  static const std::vector<FuelColumns> cols = {
      {Fuel::coal, {{{"Coal"}}}, true, {}},
      {Fuel::gas, {{{"Natural Gas"}}}, true, {}},
      {Fuel::nuclear, {{{"Nuclear"}}}, true, {}},
      {Fuel::oil, {{{"All Petroleum Products"}}}, true, {}},
      {Fuel::hydro, {{{"Hydropower and Pumped Storage"}}, {{"Hydropower Excluding Pumped Storage"}}}, true, {}},
      {Fuel::solar,
       {{{"Solar"}},
        {{"Solar without Integrated Battery Storage"},
         {"Solar with Integrated Battery Storage", "Solar witho Integrated Battery Storage"}}},
       true,
       {}},
      {Fuel::wind,
       {{{"Wind"}},
        {{"Wind without Integrated Battery Storage"},
         {"Wind with Integrated Battery Storage", "Wind witho Integrated Battery Storage"}}},
       true,
       {}},
      {Fuel::geothermal, {{{"Geothermal"}}}, false, {}},
      {Fuel::other, {{{"Other Fuel Sources"}}}, true, {{"Unknown Fuel Sources"}}},
  };
  return cols;
}

// Column index of a member: with " (Adjusted)" if `adjusted`, else as reported.
int find_member(const CsvReader& r, const Member& m, bool adjusted) {
  for (const char* name : m) {
    const int c = r.column(std::string(kPrefix) + name + (adjusted ? " (Adjusted)" : ""));
    if (c >= 0) return c;
  }
  return -1;
}

std::optional<std::vector<int>> find_group(const CsvReader& r, const Group& g, bool adjusted) {
  std::vector<int> out;
  for (const Member& m : g) {
    const int c = find_member(r, m, adjusted);
    if (c < 0) return std::nullopt;
    out.push_back(c);
  }
  return out;
}

std::string hour_text(double epoch_s) { return scenario::format_datetime(epoch_s).substr(0, 16) + "Z"; }

// Reads one value of generation; false if the field is empty.
bool read_mw(const CsvReader& r, int col, const Eia930Options& o, size_t& clipped, double& out) {
  const std::string& f = r.field(col);
  if (trim_view(f).empty()) return false;
  if (!parse_number(f, out)) {
    r.fail("column '" + r.header()[static_cast<size_t>(col)] + "' is '" + shorten_text(f) + "', expected a number (MW)");
  }
  if (out < 0) {
    if (!o.clip_negative) {
      r.fail("column '" + r.header()[static_cast<size_t>(col)] + "' is '" + shorten_text(f) +
             "': negative generation (EIA reports small negative values for plants' own use; set clip_negative: "
             "true to read them as 0)");
    }
    out = 0;
    ++clipped;
  }
  return true;
}

// Checks the hour sequence as rows come: each hour follows the previous one by exactly 1 h.
void next_hour(const CsvReader& r, HourlyMix& mix, double hour) {
  if (mix.mw.empty()) {
    mix.first_hour_epoch_s = hour;
    return;
  }
  const double expected = mix.first_hour_epoch_s + static_cast<double>(mix.mw.size()) * 3600.0;
  if (hour == expected) return;
  if (hour > expected) {
    const long missing = std::lround((hour - expected) / 3600.0);
    r.fail("gap: " + std::to_string(missing) + " hour" + (missing == 1 ? "" : "s") + " missing before this row (" +
           hour_text(expected) + " to " + hour_text(hour - 3600.0) + " hour start, UTC)");
  }
  r.fail(std::string(hour == expected - 3600.0 ? "duplicate hour " : "time goes backwards: hour ") + hour_text(hour) +
         " after " + hour_text(expected - 3600.0));
}

// Whether a row of balancing authority `ba` is read: the chosen respondent's rows, or (none
// chosen) the file's only one; a second one without a choice is an error.
bool respondent_row(const CsvReader& r, const std::string& ba, const Eia930Options& o, HourlyMix& mix) {
  if (mix.respondent.empty()) mix.respondent = ba;
  if (ba == mix.respondent) return true;
  if (!o.respondent.empty()) return false;
  r.fail("this file holds rows of balancing authorities '" + mix.respondent + "' and '" + ba +
         "': choose one with `respondent`");
}

HourlyMix read_balance(CsvReader& r, const Eia930Options& o) {
  const int ba_col = r.require("Balancing Authority");
  const int time_col = r.require("UTC Time at End of Hour");
  struct Resolved {
    Fuel fuel;
    std::vector<int> cols;
  };
  std::vector<Resolved> fuels;
  for (const FuelColumns& fc : balance_columns()) {
    std::optional<std::vector<int>> found;
    for (bool adjusted : {true, false}) {
      for (const Group& g : fc.alternatives) {
        if (!found) found = find_group(r, g, adjusted);
      }
    }
    if (!found) {
      if (!fc.required) continue;
      const std::string name = std::string(kPrefix) + fc.alternatives.front().front().front();
      r.fail_at(r.header_line(), "missing column '" + name + "' (or '" + name +
                                     " (Adjusted)') in the header of this EIA-930 balance file (header has " +
                                     r.header_text() + ")");
    }
    for (const Member& m : fc.extras) {
      for (bool adjusted : {true, false}) {
        const int c = find_member(r, m, adjusted);
        if (c >= 0) {
          found->push_back(c);
          break;
        }
      }
    }
    fuels.push_back({fc.fuel, *found});
  }
  HourlyMix mix;
  mix.layout = "balance";
  mix.respondent = o.respondent;
  while (r.next()) {
    if (!respondent_row(r, r.field(ba_col), o, mix)) continue;
    double end = 0;
    const std::string why = parse_timestamp(r.field(time_col), end);
    if (!why.empty()) r.fail("column 'UTC Time at End of Hour' is '" + shorten_text(r.field(time_col)) + "': " + why);
    const double hour = end - 3600.0;
    FuelArray mw{};
    bool any = false;
    for (const Resolved& f : fuels) {
      for (int c : f.cols) {
        double v = 0;
        if (read_mw(r, c, o, mix.clipped, v)) {
          mw[index(f.fuel)] += v;
          any = true;
        }
      }
    }
    if (!any) r.fail("no generation values in this row (every fuel column is empty): the hour is missing");
    next_hour(r, mix, hour);
    mix.mw.push_back(mw);
  }
  return mix;
}

bool api_fuel(const std::string& code, Fuel& f, bool& storage) {
  static const std::map<std::string, Fuel> codes = {
      {"COL", Fuel::coal},  {"NG", Fuel::gas},   {"NUC", Fuel::nuclear}, {"OIL", Fuel::oil},
      {"WAT", Fuel::hydro}, {"SUN", Fuel::solar}, {"SNB", Fuel::solar},   {"WND", Fuel::wind},
      {"WNB", Fuel::wind},  {"GEO", Fuel::geothermal}, {"OTH", Fuel::other}, {"UNK", Fuel::other}};
  storage = code == "BAT" || code == "PS" || code == "OES" || code == "UES";
  const auto it = codes.find(code);
  if (it == codes.end()) return storage;
  f = it->second;
  return true;
}

HourlyMix read_api(CsvReader& r, const Eia930Options& o) {
  const int period = r.require("period");
  const int resp = r.require("respondent");
  const int fuel_col = r.require("fueltype");
  const int value = r.require("value");
  const int units = r.column("value-units");
  struct Hour {
    FuelArray mw{};
    std::array<bool, kFuelCount> seen{};
    int line = 0;
  };
  std::map<double, Hour> hours;
  HourlyMix mix;
  mix.layout = "api";
  mix.respondent = o.respondent;
  while (r.next()) {
    if (!respondent_row(r, r.field(resp), o, mix)) continue;
    Fuel f = Fuel::other;
    bool storage = false;
    if (!api_fuel(r.field(fuel_col), f, storage)) {
      r.fail("fueltype '" + shorten_text(r.field(fuel_col)) +
             "' is not an EIA-930 energy source code (COL, NG, NUC, OIL, WAT, SUN, SNB, WND, WNB, GEO, OTH, UNK; "
             "storage BAT, PS, OES, UES is left out)");
    }
    if (units >= 0 && r.field(units) != "megawatthours" && r.field(units) != "MWh") {
      r.fail("value-units is '" + shorten_text(r.field(units)) + "', expected 'megawatthours'");
    }
    if (storage) continue;
    double end = 0;
    const std::string why = parse_timestamp(r.field(period), end);
    if (!why.empty()) r.fail("column 'period' is '" + shorten_text(r.field(period)) + "': " + why);
    double v = 0;
    if (!read_mw(r, value, o, mix.clipped, v)) r.fail("column 'value' is empty: the hour is missing");
    Hour& h = hours[end - 3600.0];
    if (h.line == 0) h.line = r.line();
    // SNB/WNB/UNK add to SUN/WND/OTH: a second row of the same code is a duplicate.
    const std::string& code = r.field(fuel_col);
    const bool secondary = code == "SNB" || code == "WNB" || code == "UNK";
    if (!secondary && h.seen[index(f)]) r.fail("duplicate row: fueltype '" + code + "' at this period again");
    if (!secondary) h.seen[index(f)] = true;
    h.mw[index(f)] += v;
  }
  if (hours.empty()) {
    r.fail_at(r.header_line(), "no rows" + (o.respondent.empty() ? std::string() : " of respondent '" + o.respondent + "'") +
                                   " in this EIA-930 API file");
  }
  for (const auto& [hour, h] : hours) {
    if (!mix.mw.empty()) {
      const double expected = mix.first_hour_epoch_s + static_cast<double>(mix.mw.size()) * 3600.0;
      if (hour != expected) {
        const long missing = std::lround((hour - expected) / 3600.0);
        r.fail_at(h.line, "gap: " + std::to_string(missing) + " hour" + (missing == 1 ? "" : "s") +
                              " missing before period " + hour_text(hour + 3600.0) + " (no rows for " +
                              hour_text(expected) + " to " + hour_text(hour - 3600.0) + " hour start, UTC)");
      }
    } else {
      mix.first_hour_epoch_s = hour;
    }
    mix.mw.push_back(h.mw);
  }
  return mix;
}

}  // namespace

HourlyMix read_eia930(const std::string& path, const Eia930Options& o) {
  CsvReader r(path, "EIA-930 file", o.where, o.key_path);
  HourlyMix mix;
  if (r.column("period") >= 0 && r.column("fueltype") >= 0) {
    mix = read_api(r, o);
  } else if (r.column("UTC Time at End of Hour") >= 0 || r.column("Balancing Authority") >= 0) {
    mix = read_balance(r, o);
  } else {
    r.fail_at(r.header_line(),
              "not an EIA-930 file: expected a balance file header ('Balancing Authority', 'UTC Time at End of Hour', "
              "'Net Generation (MW) from Coal', ...) or an API fuel-type-data header ('period', 'respondent', "
              "'fueltype', 'value'); header has " +
                  r.header_text());
  }
  if (mix.mw.empty()) {
    r.fail_at(r.header_line(), "no rows" + (o.respondent.empty() ? std::string() : " of balancing authority '" + o.respondent + "'") +
                                   " in this EIA-930 file");
  }
  return mix;
}

}  // namespace dcsim::grid
