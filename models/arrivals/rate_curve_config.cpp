// Rate curves from scenario blocks: the declarations of the nhpp model's keys and sub-blocks,
// and building a ComposedCurve from them (points, CSV files, calendar profiles, surges, regions).
// The curve arithmetic itself is in rate_curve.cpp; docs/models/arrivals.md.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "models/arrivals/rate_curve.hpp"
#include "sim/scenario/config_defaults.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/units.hpp"

namespace dcsim::arrivals {

using scenario::ChildKind;
using scenario::ChildSpec;
using scenario::Config;
using scenario::InputError;
using scenario::Location;
using scenario::ParamSpec;
using scenario::Schema;
using units::Quantity;

// ---- declarations ----

namespace {

const Schema& point_schema() {
  static const Schema s{"point", "One point of a rate curve.",
                        {ParamSpec::quantity_of("t", Quantity::time).req().doc("Simulated time of the point (t = 0 is `start`)."),
                         ParamSpec::quantity_of("rate", Quantity::rate).req().at_least(0).doc("Arrival rate at t.")},
                        {}};
  return s;
}

const Schema& csv_schema() {
  static const Schema s{
      "rate_csv", "A rate curve read from a CSV file with a header row (base: csv).",
      {ParamSpec::string("file").def("-").doc("CSV file, relative to the scenario's folder ('-' = none)."),
       ParamSpec::string("time_column").def("time").doc("Header of the column of times since t = 0 (sorted strictly)."),
       ParamSpec::string("rate_column").def("rate").doc("Header of the column of rates (>= 0)."),
       ParamSpec::string("time_unit").def("s").doc("Unit of the time column: s, min, h, d."),
       ParamSpec::string("rate_unit").def("/s").doc("Unit of the rate column: /s, /min, /h, /d.")},
      {}};
  return s;
}

std::vector<ParamSpec> diurnal_params() {
  return {ParamSpec::quantity_of("peak_time", Quantity::time)
              .def("14 h")
              .at_least(0)
              .below(kDay)
              
              .doc("Sinusoid: local time of day of the peak (e.g. '20 h')."),
          ParamSpec::quantity_of("trough_ratio", Quantity::dimensionless)
              .def("1")
              .above(0)
              .at_most(1)
              
              .doc("Sinusoid: lowest / highest rate of the day; 1 = flat."),
          ParamSpec::string("hourly").doc(
              "Instead of the sinusoid: 24 multipliers (spaces or commas), hours 0..23 local; scaled to mean 1.")};
}

const Schema& diurnal_schema() {
  static const Schema s{"diurnal", "Daily cycle of the local time of day, mean 1: a sinusoid or 24 hourly multipliers.",
                        diurnal_params(), {}};
  return s;
}

const Schema& weekly_schema() {
  static const Schema s{
      "weekly", "Weekly cycle of the local weekday, scaled to mean 1.",
      {ParamSpec::string("days").def("1 1 1 1 1 1 1").doc("7 multipliers, Monday to Sunday."),
       ParamSpec::quantity_of("weekend", Quantity::dimensionless).def("1").at_least(0).doc("Extra factor on Saturday and Sunday.")},
      {}};
  return s;
}

ParamSpec utc_offset_param() {
  return ParamSpec::quantity_of("utc_offset", Quantity::time)
      .def("0 h")
      .at_least(-14 * kHour)
      .at_most(14 * kHour)
      
      .doc("Local time minus UTC (e.g. '9 h' Korea, '-5 h' US East).");
}

std::vector<ChildSpec> calendar_children() {
  return {ChildSpec{.key = "diurnal", .kind = ChildKind::block, .schema = &diurnal_schema(), .help = "Daily cycle (local time)."},
          ChildSpec{.key = "weekly", .kind = ChildKind::block, .schema = &weekly_schema(), .help = "Weekly cycle (local weekday)."}};
}

const Schema& region_schema() {
  static const Schema s{
      "region", "A region of a global service, in its own local day.",
      {ParamSpec::string("name").req().id().doc("Region name."),
       ParamSpec::quantity_of("share", Quantity::dimensionless).req().at_least(0).at_most(1).doc(
           "Fraction of the load from this region (shares sum to 1)."),
       utc_offset_param()},
      calendar_children()};
  return s;
}

const Schema& surge_schema() {
  static const Schema s{
      "surge", "A transient multiplier of the rate: rise to `peak`, hold it for `duration` (a plateau), then exponential decay.",
      {ParamSpec::quantity_of("start", Quantity::time).req().doc("Simulated time the surge begins."),
       ParamSpec::quantity_of("peak", Quantity::dimensionless).req().at_least(0).doc("Multiplier at the top of the surge."),
       ParamSpec::quantity_of("rise", Quantity::time).def("0 s").at_least(0).doc("Duration of the rise (0 = a jump)."),
       ParamSpec::choice("rise_shape", {"linear", "logistic"}).def("linear").doc("Shape of the rise."),
       ParamSpec::quantity_of("duration", Quantity::time)
           .def("0 s")
           .at_least(0)
           .doc("Plateau: how long the rate holds at `peak` after the rise, before the decay begins."),
       ParamSpec::quantity_of("decay", Quantity::time).req().above(0).doc("Time constant of the exponential decay after the top.")},
      {}};
  return s;
}

[[noreturn]] void fail(const Config& c, const std::string& key, const std::string& msg) {
  throw InputError(c.where(key), c.path() + "." + key, msg);
}

// Numbers separated by spaces or commas.
std::vector<double> parse_numbers(const Config& c, const std::string& key, size_t expected) {
  std::string text = c.str(key);
  std::replace(text.begin(), text.end(), ',', ' ');
  std::istringstream in(text);
  std::vector<double> out;
  std::string tok;
  while (in >> tok) {
    char* end = nullptr;
    const double v = std::strtod(tok.c_str(), &end);
    if (end == tok.c_str() || *end != '\0' || !std::isfinite(v) || v < 0) {
      fail(c, key, "got '" + tok + "' in '" + c.str(key) + "', expected " + std::to_string(expected) + " numbers >= 0");
    }
    out.push_back(v);
  }
  if (out.size() != expected) {
    fail(c, key, "got " + std::to_string(out.size()) + " numbers in '" + c.str(key) + "', expected " + std::to_string(expected));
  }
  double sum = 0;
  for (double v : out) sum += v;
  if (!(sum > 0)) fail(c, key, "got '" + c.str(key) + "', expected at least one multiplier > 0");
  for (double& v : out) v *= static_cast<double>(expected) / sum;  // mean 1
  return out;
}

// A key of the block differs from its default (a resolved scenario writes the defaults out).
bool block_given(const Config& c) {
  for (const auto& [k, v] : c.values()) {
    if (!scenario::at_default(c, k)) return true;
  }
  return false;
}

DayProfile build_day(const Config& d) {
  DayProfile p;
  if (d.has("hourly")) {
    if (!scenario::at_default(d, "peak_time") || !scenario::at_default(d, "trough_ratio")) {
      fail(d, "hourly", "give either 'hourly' or the sinusoid ('peak_time', 'trough_ratio'), not both");
    }
    const auto h = parse_numbers(d, "hourly", 24);
    std::copy(h.begin(), h.end(), p.hourly.begin());
    p.kind = DayProfile::Kind::hourly;
    return p;
  }
  const double q = d.num("trough_ratio");
  if (q < 1) {
    p.kind = DayProfile::Kind::sinusoid;
    p.amplitude = (1 - q) / (1 + q);
    p.peak_s = d.num("peak_time");
  }
  return p;
}

WeekProfile build_week(const Config& w) {
  WeekProfile p;
  std::vector<double> d = parse_numbers(w, "days", 7);
  d[5] *= w.num("weekend");
  d[6] *= w.num("weekend");
  double sum = 0;
  for (double v : d) sum += v;
  if (!(sum > 0)) fail(w, "weekend", "the weekly multipliers are all 0");
  for (size_t i = 0; i < 7; ++i) {
    p.day[i] = d[i] * 7.0 / sum;
    if (std::abs(p.day[i] - 1.0) > 1e-12) p.flat = false;
  }
  return p;
}

Region build_region(const Config& c, const ArrivalContext& ctx, const std::string& name, double share) {
  Region r;
  r.name = name;
  r.share = share;
  r.offset_s = ctx.start_epoch_s + c.num("utc_offset");
  r.day = build_day(c.child("diurnal"));
  r.week = build_week(c.child("weekly"));
  return r;
}

double unit_factor(const Config& c, const std::string& key, Quantity q) {
  try {
    return units::parse("1 " + c.str(key), q);
  } catch (const std::exception& e) {
    fail(c, key, "got '" + c.str(key) + "': " + e.what());
  }
}

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && (std::isspace(static_cast<unsigned char>(s[a])) || s[a] == '"')) ++a;
  while (b > a && (std::isspace(static_cast<unsigned char>(s[b - 1])) || s[b - 1] == '"')) --b;
  return s.substr(a, b - a);
}

// Fields of one CSV line with their 1-based columns (no quoted commas: rate files are numeric).
std::vector<std::pair<std::string, int>> split_csv(const std::string& line) {
  std::vector<std::pair<std::string, int>> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = line.find(',', start);
    const std::string field = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    out.emplace_back(trim(field), static_cast<int>(start) + 1);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

PiecewiseRate read_csv(const Config& c, const ArrivalContext& ctx, PiecewiseRate::Interp interp) {
  const std::string& file = c.str("file");
  if (file.empty() || file == "-") fail(c, "file", "base: csv needs csv.file, the CSV file of the rate curve");
  const std::string path = (file[0] == '/' || ctx.scenario_dir.empty()) ? file : ctx.scenario_dir + "/" + file;
  const std::string key = c.path() + ".file";
  // Only a regular file: a directory reads as an empty file, a device (/dev/zero) without end.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && !std::filesystem::is_regular_file(status)) {
    throw InputError(c.where("file"), key,
                     "'" + path + "' is " +
                         (std::filesystem::is_directory(status) ? "a directory" : "not a regular file") +
                         ", expected a CSV file");
  }
  std::ifstream in(path);
  if (!in) throw InputError(c.where("file"), key, "cannot open '" + path + "'");
  const double tf = unit_factor(c, "time_unit", Quantity::time);
  const double rf = unit_factor(c, "rate_unit", Quantity::rate);

  std::string line;
  int lineno = 0;
  int tcol = -1, rcol = -1;
  size_t nfields = 0;
  std::vector<double> times, rates;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    const auto fields = split_csv(line);
    if (tcol < 0) {  // header
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].first == c.str("time_column")) tcol = static_cast<int>(i);
        if (fields[i].first == c.str("rate_column")) rcol = static_cast<int>(i);
      }
      std::string names;
      for (const auto& f : fields) names += (names.empty() ? "'" : ", '") + f.first + "'";
      for (const auto& [col, which] : {std::pair{tcol, "time_column"}, std::pair{rcol, "rate_column"}}) {
        if (col < 0) {
          throw InputError(Location{path, lineno, 1}, key,
                           "no column '" + c.str(which) + "' (" + which + ") in the header; columns: " + names);
        }
      }
      nfields = fields.size();
      continue;
    }
    if (fields.size() != nfields) {
      throw InputError(Location{path, lineno, 1}, key,
                       "got " + std::to_string(fields.size()) + " fields, expected " + std::to_string(nfields) + " as in the header");
    }
    double v[2];
    for (int k = 0; k < 2; ++k) {
      const auto& [text, col] = fields[static_cast<size_t>(k == 0 ? tcol : rcol)];
      char* end = nullptr;
      v[k] = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || !std::isfinite(v[k]) || (k == 1 && v[k] < 0)) {
        throw InputError(Location{path, lineno, col}, key,
                         "got '" + text + "' in column '" + c.str(k == 0 ? "time_column" : "rate_column") + "', expected " +
                             (k == 0 ? "a number (time)" : "a number >= 0 (rate)"));
      }
    }
    const double t = v[0] * tf;
    if (!times.empty() && !(t > times.back())) {
      throw InputError(Location{path, lineno, fields[static_cast<size_t>(tcol)].second}, key,
                       "got time '" + fields[static_cast<size_t>(tcol)].first +
                           "', expected a time after the previous row's: times must increase strictly");
    }
    times.push_back(t);
    rates.push_back(v[1] * rf);
  }
  // An empty file has no line to point at: the scenario's `file` key is the location.
  if (tcol < 0 && lineno == 0) {
    throw InputError(c.where("file"), key, "'" + path + "' is empty: expected a header row and data rows");
  }
  if (tcol < 0) throw InputError(Location{path, lineno, 0}, key, "no header row: expected a header row and data rows");
  if (times.empty()) throw InputError(Location{path, lineno, 0}, key, "no data rows after the header");
  return PiecewiseRate(std::move(times), std::move(rates), interp);
}

PiecewiseRate read_points(const Config& cfg, PiecewiseRate::Interp interp) {
  const auto& pts = cfg.list("points");
  if (pts.empty()) {
    throw InputError(cfg.where("base"), cfg.path() + ".points", "base: points needs at least one point {t, rate}");
  }
  std::vector<double> times, rates;
  for (const auto& p : pts) {
    if (!times.empty() && !(p.num("t") > times.back())) {
      fail(p, "t", "got '" + p.str("t") + "', expected a time after the previous point's: points must be sorted strictly by t");
    }
    times.push_back(p.num("t"));
    rates.push_back(p.num("rate"));
  }
  return PiecewiseRate(std::move(times), std::move(rates), interp);
}

}  // namespace

std::vector<ParamSpec> rate_curve_params() {
  return {ParamSpec::choice("base", {"constant", "points", "csv"})
              .def("constant")
              .doc("Base rate: `rate` (constant), the `points` list, or the `csv` file."),
          ParamSpec::quantity_of("rate", Quantity::rate).def("1 /s").above(0).doc("Base rate when base: constant."),
          ParamSpec::choice("interpolation", {"linear", "step"})
              .def("linear")
              .doc("Between points/CSV rows: linear, or step (a rate holds until the next point)."),
          utc_offset_param(),
          ParamSpec::quantity_of("window", Quantity::time)
              .def("15 min")
              .above(0)
              .at_most(kHour)
              .doc("Longest window of one thinning bound (shorter = tighter bounds on peaky curves).")};
}

std::vector<ChildSpec> rate_curve_children() {
  static const Schema& points = point_schema();
  static const Schema& csv = csv_schema();
  static const Schema& surges = surge_schema();
  static const Schema& regions = region_schema();
  std::vector<ChildSpec> out = {
      ChildSpec{.key = "points", .kind = ChildKind::list, .schema = &points, .help = "Points {t, rate} of the base rate (base: points), sorted by t."},
      ChildSpec{.key = "csv", .kind = ChildKind::block, .schema = &csv, .help = "CSV file of the base rate (base: csv)."}};
  for (auto& c : calendar_children()) out.push_back(std::move(c));
  out.push_back(ChildSpec{.key = "surges", .kind = ChildKind::list, .schema = &surges, .help = "Transient multipliers {start, peak, rise, rise_shape, duration, decay}: rise to the peak, hold it for `duration`, decay."});
  out.push_back(ChildSpec{.key = "regions", .kind = ChildKind::list, .schema = &regions, .help = "Regions {name, share, utc_offset, diurnal, weekly}, each in its own local day (replace the model's own)."});
  return out;
}

std::unique_ptr<ComposedCurve> build_rate_curve(const Config& cfg, const ArrivalContext& ctx) {
  const std::string& base_kind = cfg.str("base");
  const auto interp = cfg.str("interpolation") == "step" ? PiecewiseRate::Interp::step : PiecewiseRate::Interp::linear;
  if (base_kind != "constant" && !scenario::at_default(cfg, "rate")) {
    fail(cfg, "rate", "'rate' is the base rate of base: constant; with base: " + base_kind + " the curve gives the rate");
  }
  if (base_kind != "points" && !cfg.list("points").empty()) {
    throw InputError(cfg.list("points")[0].where(), cfg.path() + ".points", "points given but base is '" + base_kind + "' (set base: points)");
  }
  if (base_kind != "csv" && block_given(cfg.child("csv"))) {
    throw InputError(cfg.child("csv").where(), cfg.path() + ".csv", "csv given but base is '" + base_kind + "' (set base: csv)");
  }
  PiecewiseRate base;
  if (base_kind == "points") {
    base = read_points(cfg, interp);
  } else if (base_kind == "csv") {
    base = read_csv(cfg.child("csv"), ctx, interp);
  } else {
    base = PiecewiseRate({0.0}, {cfg.num("rate")}, interp);
  }

  std::vector<Region> regions;
  const auto& rl = cfg.list("regions");
  if (rl.empty()) {
    regions.push_back(build_region(cfg, ctx, "", 1.0));
  } else {
    if (!scenario::at_default(cfg, "utc_offset") || block_given(cfg.child("diurnal")) || block_given(cfg.child("weekly"))) {
      throw InputError(rl[0].where(), cfg.path() + ".regions",
                       "with 'regions', give utc_offset, diurnal and weekly in each region, not in the model");
    }
    double sum = 0;
    for (const auto& r : rl) sum += r.num("share");
    if (std::abs(sum - 1.0) > 1e-6) {
      std::ostringstream msg;
      msg.precision(10);
      msg << "region shares sum to " << sum << ", expected 1 (within 1e-6)";
      throw InputError(rl[0].where(), cfg.path() + ".regions", msg.str());
    }
    for (const auto& r : rl) regions.push_back(build_region(r, ctx, r.str("name"), r.num("share")));
  }

  std::vector<Surge> surges;
  for (const auto& s : cfg.list("surges")) {
    Surge g;
    g.start = s.num("start");
    g.peak = s.num("peak");
    g.rise = s.num("rise");
    g.decay = s.num("decay");
    g.hold = s.num("duration");
    g.logistic = s.str("rise_shape") == "logistic";
    surges.push_back(g);
  }
  return std::make_unique<ComposedCurve>(std::move(base), std::move(regions), std::move(surges));
}

}  // namespace dcsim::arrivals
