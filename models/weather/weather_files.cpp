// Readers of hourly weather files (hourly_weather.hpp) and the csv/epw registrations.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/weather/hourly_weather.hpp"
#include "models/weather/psychrometrics.hpp"
#include "sim/scenario/datetime.hpp"
#include "sim/util/text.hpp"

namespace dcsim::weather {

namespace {

using scenario::InputError;
using scenario::Location;

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : line) {
    if (ch == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (ch != '\r') {
      cur += ch;
    }
  }
  out.push_back(cur);
  for (auto& s : out) {
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t");
    s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  }
  return out;
}

bool to_number(const std::string& s, double& v) {
  if (s.empty()) return false;
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+') ++b;
  const auto r = std::from_chars(b, e, v);
  return r.ec == std::errc() && r.ptr == e && std::isfinite(v);
}

class LineReader {
 public:
  explicit LineReader(const FileRef& f) : f_(f), in_(f.path) {
    if (!in_) throw InputError(f.where, f.key_path + ".path", "cannot open weather file '" + f.path + "'");
  }
  bool next(std::string& line) {
    if (!std::getline(in_, line)) return false;
    ++line_no_;
    return true;
  }
  [[noreturn]] void fail(const std::string& msg, int column = 0) const {
    throw InputError(Location{f_.path, line_no_, column}, f_.key_path, msg);
  }
  int line() const { return line_no_; }

 private:
  const FileRef& f_;
  std::ifstream in_;
  int line_no_ = 0;
};

// Dew point whose psychrometric wet bulb is tw (bisection; the wet bulb rises with the dew point).
double dewpoint_from_wetbulb(double t, double tw, double p) {
  double lo = -80, hi = t;
  for (int i = 0; i < 60 && hi - lo > 1e-9; ++i) {
    const double mid = 0.5 * (lo + hi);
    (wetbulb_psychrometric(t, mid, p) < tw ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

HourlyWeather read_weather_csv(const FileRef& f) {
  LineReader r(f);
  std::string line;
  if (!r.next(line)) r.fail("empty file, expected a header line with time, drybulb_c and one of wetbulb_c, rh, dewpoint_c");
  std::vector<std::string> header = split(line);
  for (auto& h : header) std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto col = [&](const char* name) -> int {
    auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : static_cast<int>(it - header.begin());
  };
  const int c_time = col("time"), c_db = col("drybulb_c"), c_wb = col("wetbulb_c"), c_rh = col("rh"),
            c_dp = col("dewpoint_c"), c_p = col("pressure_pa");
  const std::string got = "the header is '" + line + "'";
  if (c_time < 0) r.fail("missing column 'time' (ISO 8601 date-time of each hourly row); " + got);
  if (c_db < 0) r.fail("missing column 'drybulb_c' (dry-bulb temperature, degC); " + got);
  if (c_wb < 0 && c_rh < 0 && c_dp < 0) {
    r.fail("missing humidity: expected one of the columns 'wetbulb_c', 'rh' (percent) or 'dewpoint_c'; " + got);
  }
  std::vector<Conditions> rows;
  double t0 = 0, prev = 0;
  while (r.next(line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto fields = split(line);
    if (fields.size() != header.size()) {
      r.fail("got " + std::to_string(fields.size()) + " fields, expected " + std::to_string(header.size()) +
             " (as in the header)");
    }
    double t = 0;
    try {
      t = scenario::parse_datetime(fields[static_cast<size_t>(c_time)]);
    } catch (const std::invalid_argument& e) {
      r.fail("time '" + fields[static_cast<size_t>(c_time)] + "': " + e.what(), c_time + 1);
    }
    const auto num = [&](int c, const char* what, double lo, double hi) {
      double v = 0;
      const std::string& s = fields[static_cast<size_t>(c)];
      if (!to_number(s, v) || v < lo || v > hi) {
        std::ostringstream m;
        m << what << ": got '" << s << "', expected a number in [" << lo << ", " << hi << "]";
        r.fail(m.str(), c + 1);
      }
      return v;
    };
    Conditions c;
    c.drybulb_c = num(c_db, "drybulb_c", -70, 70);
    c.pressure_pa = c_p >= 0 ? num(c_p, "pressure_pa", 30000, 120000) : kStandardPressurePa;
    if (c_dp >= 0) {
      c.dewpoint_c = std::min(num(c_dp, "dewpoint_c", -90, 70), c.drybulb_c);
      c.rh = rh_from_dewpoint(c.drybulb_c, c.dewpoint_c);
    } else if (c_rh >= 0) {
      c.rh = num(c_rh, "rh", 0.1, 100) / 100.0;
      c.dewpoint_c = std::min(dewpoint_from_rh(c.drybulb_c, c.rh), c.drybulb_c);
    } else {
      const double tw = num(c_wb, "wetbulb_c", -70, 70);
      if (tw > c.drybulb_c + 1e-9) r.fail("wetbulb_c is above drybulb_c", c_wb + 1);
      c.dewpoint_c = dewpoint_from_wetbulb(c.drybulb_c, tw, c.pressure_pa);
      c.rh = rh_from_dewpoint(c.drybulb_c, c.dewpoint_c);
    }
    c.wetbulb_c = c_wb >= 0 ? num(c_wb, "wetbulb_c", -70, 70)
                            : wetbulb_psychrometric(c.drybulb_c, c.dewpoint_c, c.pressure_pa);
    if (rows.empty()) {
      t0 = t;
    } else if (std::abs(t - prev - 3600.0) > 1e-6) {
      r.fail("time " + scenario::format_datetime(t) + " follows " + scenario::format_datetime(prev) +
                 (t > prev ? ": a gap" : ": out of order or repeated") + "; expected hourly rows, one hour apart",
             c_time + 1);
    }
    prev = t;
    rows.push_back(c);
  }
  if (rows.size() < 2) r.fail("expected at least two hourly rows");
  return HourlyWeather::dated(t0, std::move(rows));
}

HourlyWeather read_weather_epw(const FileRef& f) {
  LineReader r(f);
  std::string line;
  static const char* kHeaders[8] = {"LOCATION", "DESIGN CONDITIONS", "TYPICAL/EXTREME PERIODS", "GROUND TEMPERATURES",
                                    "HOLIDAYS/DAYLIGHT SAVINGS", "COMMENTS 1", "COMMENTS 2", "DATA PERIODS"};
  double tz_h = 0;
  for (const char* h : kHeaders) {
    if (!r.next(line)) r.fail(std::string("file ends in the header, expected a '") + h + "' line");
    if (line.rfind(h, 0) != 0) r.fail(std::string("expected the EPW header line '") + h + ",...', got '" + line.substr(0, 40) + "'");
    if (std::string(h) == "LOCATION") {
      const auto fields = split(line);
      if (fields.size() < 10 || !to_number(fields[8], tz_h) || tz_h < -12 || tz_h > 14) {
        r.fail("LOCATION: expected 10 fields with the time zone (hours from UTC) in the 9th", 1);
      }
    }
  }
  std::vector<Conditions> rows;
  std::vector<double> local_times;  // local standard time of each row's hour end, as epoch s
  static constexpr int kCum[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  double prev_year = 0, prev_hoy = 0, first_hoy = 0;
  bool has_feb29 = false;
  while (r.next(line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto fields = split(line);
    if (fields.size() < 10) {
      r.fail("got " + std::to_string(fields.size()) + " fields, expected 35 (at least the first 10: year, month, day, "
             "hour, minute, flags, dry bulb, dew point, relative humidity, pressure)");
    }
    const auto num = [&](size_t i, const char* what, double lo, double hi, double missing) {
      double v = 0;
      if (!to_number(fields[i], v)) {
        r.fail(std::string(what) + ": got '" + fields[i] + "', expected a number", static_cast<int>(i) + 1);
      }
      if (v >= missing) {
        r.fail(std::string(what) + ": got '" + fields[i] + "', the EPW missing-value code; expected a measured value",
               static_cast<int>(i) + 1);
      }
      if (v < lo || v > hi) {
        std::ostringstream m;
        m << what << ": got '" << fields[i] << "', expected a value in [" << lo << ", " << hi << "]";
        r.fail(m.str(), static_cast<int>(i) + 1);
      }
      return v;
    };
    const double year = num(0, "year", 1800, 2200, 1e9), month = num(1, "month", 1, 12, 1e9),
                 day = num(2, "day", 1, 31, 1e9), hour = num(3, "hour", 1, 24, 1e9);
    has_feb29 = has_feb29 || (month == 2 && day == 29);
    Conditions c;
    c.drybulb_c = num(6, "dry bulb temperature", -70, 70, 99.9);
    c.dewpoint_c = std::min(num(7, "dew point temperature", -70, 70, 99.9), c.drybulb_c);
    c.rh = num(8, "relative humidity", 0, 110, 999) / 100.0;
    c.pressure_pa = num(9, "atmospheric station pressure", 31000, 120000, 999999);
    c.wetbulb_c = wetbulb_psychrometric(c.drybulb_c, c.dewpoint_c, c.pressure_pa);
    const double t = static_cast<double>(scenario::days_from_civil(static_cast<int64_t>(year), static_cast<unsigned>(month),
                                                                   static_cast<unsigned>(day))) * 86400.0 +
                     hour * 3600.0;
    const double hoy = (kCum[static_cast<int>(month) - 1] + day - 1) * 24.0 + hour;  // 1..8760 (ignores the year)
    if (!local_times.empty()) {
      // The next hour; typical years mix source years at month boundaries, where month/day/hour
      // must still advance by one hour.
      const bool next = std::abs(t - local_times.back() - 3600.0) < 1e-6 ||
                        (year != prev_year && (hoy == prev_hoy + 1 || (prev_hoy == 8760 && hoy == 1)));
      if (!next) {
        r.fail("row " + fields[0] + "/" + fields[1] + "/" + fields[2] + " hour " + fields[3] +
               " is not one hour after the previous row: a gap or a row out of order (hourly rows expected)");
      }
    }
    if (local_times.empty()) first_hoy = hoy;
    prev_year = year;
    prev_hoy = hoy;
    local_times.push_back(t);
    rows.push_back(c);
  }
  if (rows.size() < 2) r.fail("expected hourly data rows after the 8 header lines");
  const double tz_s = tz_h * 3600.0;
  // A typical year: 8760 rows from 1 January hour 1, no 29 February (the year column is ignored).
  const bool jan1_hour1 = rows.size() == 8760 && !has_feb29 && first_hoy == 1 &&
                          std::abs(prev_hoy - 8760.0) < 1e-6;
  if (jan1_hour1) return HourlyWeather::typical_year(std::move(rows), tz_s);
  for (size_t i = 1; i < local_times.size(); ++i) {
    if (std::abs(local_times[i] - local_times[i - 1] - 3600.0) > 1e-6) {
      throw InputError(f.where, f.key_path + ".path",
                       "'" + f.path + "' is neither a typical year (8760 rows from 1 January hour 1) nor consecutive "
                       "dated hours (data row " + std::to_string(i + 1) + " is not one hour after the previous)");
    }
  }
  return HourlyWeather::dated(local_times.front() - tz_s, std::move(rows));
}

namespace {

FileRef file_ref(const scenario::Config& c, const WeatherContext& ctx) {
  std::filesystem::path p(c.str("path"));
  if (p.is_relative() && !ctx.scenario_dir.empty()) p = std::filesystem::path(ctx.scenario_dir) / p;
  return FileRef{p.lexically_normal().string(), c.where("path"), c.path()};
}

}  // namespace

void register_hourly_weather(WeatherRegistry& r) {
  using scenario::ParamSpec;
  r.add("csv",
        "Hourly CSV: time (ISO 8601), drybulb_c and one of wetbulb_c, rh (percent), dewpoint_c; optional pressure_pa. "
        "Linear interpolation; the rows must cover the run.",
        {ParamSpec::string("path").req().doc("CSV file (relative to the scenario file).")},
        [](const scenario::Config& c, const WeatherContext& ctx) {
          const FileRef f = file_ref(c, ctx);
          auto w = std::make_unique<HourlyWeather>(read_weather_csv(f));
          check_covers(*w, f, ctx.start_epoch_s, ctx.horizon_s);
          return w;
        });
  r.add("epw",
        "EnergyPlus weather file (.epw): dry bulb, dew point, relative humidity and station pressure; a typical year "
        "(8760 rows) repeats every year, other files are dated by their rows.",
        {ParamSpec::string("path").req().doc("EPW file (relative to the scenario file).")},
        [](const scenario::Config& c, const WeatherContext& ctx) {
          const FileRef f = file_ref(c, ctx);
          auto w = std::make_unique<HourlyWeather>(read_weather_epw(f));
          check_covers(*w, f, ctx.start_epoch_s, ctx.horizon_s);
          return w;
        });
}

WeatherRegistry& weather_registry() {
  static WeatherRegistry r("weather", "Outdoor dry bulb and wet bulb at a site (the cooling plant's boundary).");
  return r;
}

void register_weather_models() {
  auto& r = weather_registry();
  register_synthetic_weather(r);
  register_hourly_weather(r);
}

}  // namespace dcsim::weather
