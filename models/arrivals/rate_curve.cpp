#include "models/arrivals/rate_curve.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <numbers>
#include <sstream>

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

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kDay = 86400.0;
constexpr double kHour = 3600.0;

double positive_mod(double x, double m) {
  const double r = std::fmod(x, m);
  return r < 0 ? r + m : r;
}

// Logistic rise normalised to 0 at x = 0 and 1 at x = 1.
double logistic_rise(double x) {
  static const double l0 = 1.0 / (1.0 + std::exp(4.0));
  static const double l1 = 1.0 / (1.0 + std::exp(-4.0));
  const double l = 1.0 / (1.0 + std::exp(-8.0 * (x - 0.5)));
  return (l - l0) / (l1 - l0);
}

}  // namespace

// ---- PiecewiseRate ----

PiecewiseRate::PiecewiseRate(std::vector<double> times, std::vector<double> rates, Interp interp)
    : t_(std::move(times)), r_(std::move(rates)), interp_(interp) {}

size_t PiecewiseRate::locate(double t) const {
  const size_t n = t_.size();
  size_t i = cursor_;
  if (i < n && t_[i] <= t) {
    // Forward scan a few steps (t mostly non-decreasing), then binary search.
    for (int k = 0; k < 4; ++k) {
      if (i + 1 >= n || t < t_[i + 1]) return cursor_ = i;
      ++i;
    }
  }
  const auto it = std::upper_bound(t_.begin(), t_.end(), t);
  cursor_ = static_cast<size_t>(it - t_.begin()) - 1;
  return cursor_;
}

double PiecewiseRate::segment_value(size_t i, double t) const {
  if (i + 1 >= t_.size() || interp_ == Interp::step) return r_[i];
  const double f = (t - t_[i]) / (t_[i + 1] - t_[i]);
  return r_[i] + (r_[i + 1] - r_[i]) * f;
}

double PiecewiseRate::value(double t) const {
  if (t < t_[0]) return r_[0];
  return segment_value(locate(t), t);
}

double PiecewiseRate::next_break(double t) const {
  if (t < t_[0]) return t_[0];
  const size_t i = locate(t);
  return i + 1 < t_.size() ? t_[i + 1] : kInf;
}

double PiecewiseRate::max_over(double a, double b) const {
  if (a < t_[0]) return r_[0];
  const size_t i = locate(a);
  if (i + 1 >= t_.size() || interp_ == Interp::step) return r_[i];
  return std::max(segment_value(i, a), segment_value(i, std::min(b, t_[i + 1])));
}

// ---- calendar ----

double DayProfile::value(double local_s) const {
  switch (kind) {
    case Kind::flat:
      return 1.0;
    case Kind::sinusoid:
      return 1.0 + amplitude * std::cos(2.0 * std::numbers::pi * (local_s - peak_s) / kDay);
    case Kind::hourly:
      return hourly[static_cast<size_t>(positive_mod(local_s, kDay) / kHour) % 24];
  }
  return 1.0;
}

double DayProfile::max_over(double la, double lb) const {
  switch (kind) {
    case Kind::flat:
      return 1.0;
    case Kind::sinusoid: {
      const double k = std::ceil((la - peak_s) / kDay);
      if (peak_s + k * kDay <= lb) return 1.0 + amplitude;
      return std::max(value(la), value(lb));
    }
    case Kind::hourly:
      return std::max(value(la), value(lb));  // lb - la <= 1 h: at most two hours touched
  }
  return 1.0;
}

double WeekProfile::value(double local_s) const {
  if (flat) return 1.0;
  const auto n = static_cast<int64_t>(std::floor(local_s / kDay));
  return day[static_cast<size_t>(((n % 7) + 7 + 3) % 7)];
}

double WeekProfile::max_over(double la, double lb) const {
  if (flat) return 1.0;
  return std::max(value(la), value(lb));
}

// ---- surges ----

double Surge::shape(double t) const {
  if (t < start || t >= end) return 0.0;
  const double x = t - start;
  if (x < rise) return logistic ? logistic_rise(x / rise) : x / rise;
  return std::exp(-(x - rise) / decay);
}

double Surge::window_end(double t) const {
  if (t < start) return start;
  const double top = start + rise;
  if (t < top) return std::min(top, t + rise / 8);
  if (std::abs(peak - 1.0) * shape(t) > 1e-3) return t + decay / 8;  // bound / value <= e^(1/8) while decaying
  return std::numeric_limits<double>::infinity();
}

double Surge::max_over(double a, double b) const {
  double m = std::max(multiplier(a), multiplier(b));
  const double top = start + rise;
  if (a <= top && top <= b) m = std::max(m, peak);
  return m;
}

// ---- ComposedCurve ----

ComposedCurve::ComposedCurve(PiecewiseRate base, std::vector<Region> regions, std::vector<Surge> surges)
    : base_(std::move(base)), regions_(std::move(regions)), surges_(std::move(surges)) {
  for (auto& s : surges_) {  // beyond `end` the surge changes the rate by < 1e-12 relative: cut it off
    const double excess = std::abs(s.peak - 1.0);
    s.end = excess > 1e-12 ? s.start + s.rise + s.decay * std::log(excess / 1e-12) : s.start;
  }
  for (const auto& r : regions_) {
    if (r.day.kind != DayProfile::Kind::flat || !r.week.flat) calendar_flat_ = false;
  }
}

double ComposedCurve::value(double t) const {
  double v = base_.value(t);
  if (!calendar_flat_) {
    double c = 0;
    for (const auto& r : regions_) {
      const double l = r.offset_s + t;
      c += r.share * r.day.value(l) * r.week.value(l);
    }
    v *= c;
  }
  for (const auto& s : surges_) v *= s.multiplier(t);
  return v;
}

RateBound ComposedCurve::bound(double t, double max_window) const {
  const double brk = base_.next_break(t);
  if (std::isinf(brk) && base_.value(t) <= 0) return {0.0, kInf};  // zero forever
  double u = std::min(t + max_window, brk);
  for (const auto& s : surges_) u = std::min(u, s.window_end(t));
  double m = base_.max_over(t, u);
  if (!calendar_flat_) {
    double c = 0;
    for (const auto& r : regions_) c += r.share * r.day.max_over(r.offset_s + t, r.offset_s + u) *
                                        r.week.max_over(r.offset_s + t, r.offset_s + u);
    m *= c;
  }
  for (const auto& s : surges_) m *= s.max_over(t, u);
  return {m * (1.0 + 1e-12), u};  // a hair of headroom against rounding in value()
}

double integrate(const RateCurve& curve, double a, double b) {
  if (!(b > a)) return 0.0;
  const double step = std::min(60.0, (b - a) / 64.0);
  const auto n2 = static_cast<int64_t>(std::min(4.0e6, std::ceil((b - a) / step / 2.0)));
  const int64_t n = 2 * std::max<int64_t>(1, n2);
  const double h = (b - a) / static_cast<double>(n);
  double s = curve.value(a) + curve.value(b);
  for (int64_t i = 1; i < n; ++i) s += (i % 2 ? 4.0 : 2.0) * curve.value(a + h * static_cast<double>(i));
  return s * h / 3.0;
}

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
      "surge", "A transient multiplier of the rate: rise to `peak` then exponential decay.",
      {ParamSpec::quantity_of("start", Quantity::time).req().doc("Simulated time the surge begins."),
       ParamSpec::quantity_of("peak", Quantity::dimensionless).req().at_least(0).doc("Multiplier at the top of the surge."),
       ParamSpec::quantity_of("rise", Quantity::time).def("0 s").at_least(0).doc("Duration of the rise (0 = a jump)."),
       ParamSpec::choice("rise_shape", {"linear", "logistic"}).def("linear").doc("Shape of the rise."),
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

bool block_given(const Config& c) {
  for (const auto& [k, v] : c.values()) {
    if (v.present && !v.defaulted) return true;
  }
  return false;
}

DayProfile build_day(const Config& d) {
  DayProfile p;
  if (d.has("hourly")) {
    if (!d.value("peak_time").defaulted || !d.value("trough_ratio").defaulted) {
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
  if (tcol < 0) throw InputError(Location{path, 0, 0}, key, "the file is empty: expected a header row and data rows");
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
  out.push_back(ChildSpec{.key = "surges", .kind = ChildKind::list, .schema = &surges, .help = "Transient multipliers {start, peak, rise, decay}."});
  out.push_back(ChildSpec{.key = "regions", .kind = ChildKind::list, .schema = &regions, .help = "Regions {name, share, utc_offset, diurnal, weekly}, each in its own local day (replace the model's own)."});
  return out;
}

std::unique_ptr<ComposedCurve> build_rate_curve(const Config& cfg, const ArrivalContext& ctx) {
  const std::string& base_kind = cfg.str("base");
  const auto interp = cfg.str("interpolation") == "step" ? PiecewiseRate::Interp::step : PiecewiseRate::Interp::linear;
  if (base_kind != "constant" && !cfg.value("rate").defaulted) {
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
    if (!cfg.value("utc_offset").defaulted || block_given(cfg.child("diurnal")) || block_given(cfg.child("weekly"))) {
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
    g.logistic = s.str("rise_shape") == "logistic";
    surges.push_back(g);
  }
  return std::make_unique<ComposedCurve>(std::move(base), std::move(regions), std::move(surges));
}

}  // namespace dcsim::arrivals
