// Sweep files (sweep_spec.hpp, docs/experiments.md): the top level, axes and seeds. Outputs and the
// plan section are parsed in sweep_file_outputs.cpp and sweep_file_plan.cpp.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/experiments/sweep_file_internal.hpp"

namespace dcsim::experiments {

using scenario::Diagnostics;
using scenario::InputError;

namespace {

constexpr long kMaxRangeValues = 100000;

bool integral_text(const std::string& s) { return s.find_first_not_of("+-0123456789") == std::string::npos; }

// range: {from, to, step | count | factor}, inclusive of `to` (within a relative 1e-9).
std::vector<AxisValue> range_values(const YAML::Node& n, const std::string& key, const std::string& unit,
                                    const std::string& path, YamlReader& r) {
  std::vector<AxisValue> out;
  if (!r.is_map(n, path, "a range {from: A, to: B, step: S} (or count: N, or factor: F)")) return out;
  r.check_keys(n, {"from", "to", "step", "count", "factor"}, path);
  const auto from = n["from"] ? r.number(n["from"], path + ".from") : std::nullopt;
  const auto to = n["to"] ? r.number(n["to"], path + ".to") : std::nullopt;
  if (!n["from"] || !n["to"]) r.error(n, path, "a range needs both 'from' and 'to'");
  const int ways = (n["step"] ? 1 : 0) + (n["count"] ? 1 : 0) + (n["factor"] ? 1 : 0);
  if (ways != 1) r.error(n, path, "a range needs exactly one of 'step', 'count' or 'factor'");
  if (!from || !to || ways != 1) return out;
  const double a = from.value_or(0);
  const double b = to.value_or(0);
  bool integral = integral_text(n["from"].Scalar()) && integral_text(n["to"].Scalar());
  std::vector<double> xs;
  if (n["step"]) {
    const auto step = r.number(n["step"], path + ".step");
    if (!step) return out;
    integral = integral && integral_text(n["step"].Scalar());
    if (*step == 0 || (b - a) / *step < 0) {
      r.error(n["step"], path + ".step", "got '" + n["step"].Scalar() + "', expected a step that goes from 'from' to 'to'");
      return out;
    }
    const double count = std::floor((b - a) / *step * (1 + 1e-12) + 1e-9) + 1;
    if (count > kMaxRangeValues) {
      r.error(n, path, "has " + detail::number_text(count, true) + " values (at most " + std::to_string(kMaxRangeValues) + ")");
      return out;
    }
    for (long k = 0; k < static_cast<long>(count); ++k) xs.push_back(a + static_cast<double>(k) * *step);
  } else if (n["count"]) {
    const auto count = r.integer(n["count"], path + ".count");
    if (!count) return out;
    if (*count < 1 || *count > kMaxRangeValues) {
      r.error(n["count"], path + ".count", "got '" + n["count"].Scalar() + "', expected an integer in [1, " +
                                               std::to_string(kMaxRangeValues) + "]");
      return out;
    }
    integral = false;
    for (long k = 0; k < *count; ++k) xs.push_back(*count == 1 ? a : a + (b - a) * static_cast<double>(k) / static_cast<double>(*count - 1));
  } else {
    const auto factor = r.number(n["factor"], path + ".factor");
    if (!factor) return out;
    integral = integral && integral_text(n["factor"].Scalar());
    if (a <= 0 || b < a || *factor <= 1) {
      r.error(n, path, "a geometric range needs 0 < from <= to and factor > 1");
      return out;
    }
    for (double x = a; x <= b * (1 + 1e-9) && xs.size() < kMaxRangeValues; x *= *factor) xs.push_back(integral ? std::round(x) : x);
  }
  for (const double x : xs) {
    std::string text = detail::number_text(x, integral);
    if (!unit.empty()) text += " " + unit;
    out.push_back(AxisValue{text, {Override{key, text, r.at(n)}}});
  }
  return out;
}

// One axis: {key, values | range (+ unit)} or {name, cases: {label: {key: value, ...}}}.
std::optional<Axis> parse_axis(const YAML::Node& n, const std::string& path, YamlReader& r) {
  if (!r.is_map(n, path, "an axis {key: a.b.c, values: [...]} (or range:, or cases:), or a zip: group")) return std::nullopt;
  r.check_keys(n, {"name", "key", "values", "range", "unit", "cases"}, path);
  Axis axis;
  axis.where = r.at(n);
  const int ways = (n["values"] ? 1 : 0) + (n["range"] ? 1 : 0) + (n["cases"] ? 1 : 0);
  if (ways != 1) {
    r.error(n, path, "an axis needs exactly one of 'values', 'range' or 'cases'");
    return std::nullopt;
  }
  std::string key;
  if (n["cases"]) {
    if (n["key"]) r.error(n["key"], path + ".key", "a cases axis sets its keys in each case, not in 'key'");
  } else if (!n["key"]) {
    r.error(n, path, "an axis needs 'key', the key path it varies (e.g. sites.dc1.pools.chat.servers)");
    return std::nullopt;
  } else if (const auto k = r.scalar(n["key"], path + ".key", "a key path such as sites.dc1.pools.chat.servers")) {
    key = *k;
  } else {
    return std::nullopt;
  }
  if (n["name"]) {
    if (const auto nm = r.scalar(n["name"], path + ".name", "a column name")) axis.name = *nm;
  } else {
    axis.name = n["cases"] ? "case" : key;
  }
  if (n["unit"] && !n["range"]) r.error(n["unit"], path + ".unit", "'unit' goes with 'range' (write units in 'values' themselves)");
  if (n["values"]) {
    if (r.is_list(n["values"], path + ".values", "a non-empty list of values")) {
      for (const auto& v : n["values"]) axis.values.push_back(AxisValue{yaml_text(v), {Override{key, yaml_text(v), r.at(v)}}});
    }
  } else if (n["range"]) {
    std::string unit;
    if (n["unit"]) unit = r.scalar(n["unit"], path + ".unit", "a unit such as '/s'").value_or("");
    axis.values = range_values(n["range"], key, unit, path + ".range", r);
  } else if (r.is_map(n["cases"], path + ".cases", "named cases {label: {key.path: value, ...}, ...}")) {
    if (n["cases"].size() == 0) r.error(n["cases"], path + ".cases", "is empty, expected at least one case");
    for (const auto& kv : n["cases"]) {
      const std::string label = kv.first.Scalar();
      const std::string cpath = path + ".cases." + label;
      AxisValue value{label, {}};
      if (kv.second.IsNull()) {  // `baseline:` with nothing: the base scenario as it is
      } else if (r.is_map(kv.second, cpath, "a mapping {key.path: value, ...} (or nothing, for the base scenario)")) {
        for (const auto& s : kv.second) value.sets.push_back(Override{s.first.Scalar(), yaml_text(s.second), r.at(s.second)});
      }
      axis.values.push_back(std::move(value));
    }
  }
  if (axis.values.empty()) return std::nullopt;
  return axis;
}

std::vector<AxisGroup> parse_axes(const YAML::Node& n, YamlReader& r) {
  std::vector<AxisGroup> groups;
  if (!r.is_list(n, "axes", "a non-empty list of axes")) return groups;
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string path = "axes[" + std::to_string(i) + "]";
    const YAML::Node a = n[i];
    AxisGroup g;
    if (a.IsMap() && a["zip"]) {
      r.check_keys(a, {"zip"}, path);
      if (!r.is_list(a["zip"], path + ".zip", "a non-empty list of axes that advance together")) continue;
      for (size_t j = 0; j < a["zip"].size(); ++j) {
        if (auto axis = parse_axis(a["zip"][j], path + ".zip[" + std::to_string(j) + "]", r)) g.axes.push_back(std::move(*axis));
      }
      for (const auto& axis : g.axes) {
        if (axis.values.size() != g.axes.front().values.size()) {
          r.diags().error(axis.where, path + ".zip", "zipped axes must have the same number of values: '" + g.axes.front().name +
                                                         "' has " + std::to_string(g.axes.front().values.size()) + ", '" +
                                                         axis.name + "' has " + std::to_string(axis.values.size()));
        }
      }
    } else if (auto axis = parse_axis(a, path, r)) {
      g.axes.push_back(std::move(*axis));
    }
    if (!g.axes.empty()) groups.push_back(std::move(g));
  }
  return groups;
}

std::vector<uint64_t> parse_seeds(const YAML::Node& n, YamlReader& r) {
  std::vector<uint64_t> seeds;
  auto add = [&](long s, const YAML::Node& at) {
    if (s < 0) {
      r.error(at, "seeds", "got '" + std::to_string(s) + "', expected a seed >= 0");
      return;
    }
    for (const auto x : seeds) {
      if (x == static_cast<uint64_t>(s)) {
        r.error(at, "seeds", "seed " + std::to_string(s) + " is listed twice");
        return;
      }
    }
    seeds.push_back(static_cast<uint64_t>(s));
  };
  if (n.IsMap()) {
    r.check_keys(n, {"from", "count"}, "seeds");
    const long from = n["from"] ? r.integer(n["from"], "seeds.from").value_or(1) : 1;
    if (!n["count"]) {
      r.error(n, "seeds", "needs 'count' (seeds: {count: 5} runs seeds 1 to 5)");
      return seeds;
    }
    const auto count = r.integer(n["count"], "seeds.count");
    if (!count) return seeds;
    if (*count < 1 || *count > 100000) {
      r.error(n["count"], "seeds.count", "got '" + n["count"].Scalar() + "', expected an integer in [1, 100000]");
      return seeds;
    }
    for (long k = 0; k < *count; ++k) add(from + k, n);
  } else if (r.is_list(n, "seeds", "a non-empty list of seeds, or {from: 1, count: N}")) {
    for (size_t i = 0; i < n.size(); ++i) {
      if (const auto s = r.integer(n[i], "seeds[" + std::to_string(i) + "]")) add(*s, n[i]);
    }
  }
  return seeds;
}

}  // namespace

namespace detail {

std::string number_text(double v, bool integral) {
  char buf[64];
  if (integral) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.10g", v);
  }
  return buf;
}

}  // namespace detail

std::vector<std::string> SweepSpec::axis_names() const {
  std::vector<std::string> names;
  for (const auto& g : groups) {
    for (const auto& a : g.axes) names.push_back(a.name);
  }
  return names;
}

size_t SweepSpec::points() const {
  size_t n = 1;
  for (const auto& g : groups) n *= g.size();
  return n;
}

SweepSpec parse_sweep_text(const std::string& text, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError(Location{path, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax error: " + e.msg);
  }
  Diagnostics diags;
  YamlReader r(path, diags);
  SweepSpec spec;
  spec.path = path;
  if (!root.IsMap()) {
    throw InputError(Location{path, 1, 1}, "", "expected a sweep file: a mapping with 'scenario', 'axes', 'seeds', 'outputs' (docs/experiments.md)");
  }
  r.check_keys(root, {"name", "description", "scenario", "set", "axes", "seeds", "outputs", "plan"}, "");
  spec.name = root["name"] ? r.scalar(root["name"], "name", "a name").value_or("") : std::filesystem::path(path).stem().string();
  if (!root["scenario"]) {
    r.error(root, "scenario", "missing: the base scenario file, relative to this file");
  } else if (const auto s = r.scalar(root["scenario"], "scenario", "a scenario file path")) {
    const auto p = std::filesystem::absolute(std::filesystem::path(path).parent_path() / *s).lexically_normal();
    if (!std::filesystem::is_regular_file(p)) {
      r.error(root["scenario"], "scenario", "got '" + *s + "': no such file (" + p.string() + ")");
    }
    spec.scenario = p.string();
  }
  if (root["set"] && r.is_map(root["set"], "set", "a mapping {key.path: value, ...} applied to every run")) {
    for (const auto& kv : root["set"]) spec.sets.push_back(Override{kv.first.Scalar(), yaml_text(kv.second), r.at(kv.second)});
  }
  if (root["axes"]) spec.groups = parse_axes(root["axes"], r);
  if (root["seeds"]) spec.seeds = parse_seeds(root["seeds"], r);
  if (root["outputs"]) spec.outputs = detail::parse_outputs(root["outputs"], r);
  if (root["plan"]) spec.plan = detail::parse_plan(root["plan"], r, spec.outputs);

  std::set<std::string> names{"run", "id", "seed", "status", "exit_code", "wall_s", "file", "error"};
  for (const auto& o : spec.outputs) names.insert(o.name);
  for (const auto& g : spec.groups) {
    for (const auto& a : g.axes) {
      if (!names.insert(a.name).second) diags.error(a.where, "axes", "column name '" + a.name + "' is used twice (or is an index column); give the axis a 'name:'");
    }
  }
  diags.throw_if_errors();
  return spec;
}

SweepSpec parse_sweep_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(Location{path, 0, 0}, "", "cannot open the sweep file (does it exist and is it readable?)");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_sweep_text(ss.str(), path);
}

}  // namespace dcsim::experiments
