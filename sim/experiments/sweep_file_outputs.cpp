// Sweep files: the `outputs:` and `plan:` sections (sweep_spec.hpp, docs/experiments.md).
#include <cctype>
#include <cstdlib>
#include <set>

#include "sim/experiments/sweep_file_internal.hpp"
#include "sim/util/text.hpp"

namespace dcsim::experiments::detail {

namespace {

const std::vector<std::string> kStats = {"mean", "min", "max", "sum", "first", "last", "count", "p50", "p90", "p99", "p99.9"};

bool parse_stat(const std::string& s, OutputSpec& o) {
  static const std::vector<std::pair<std::string, Stat>> names = {
      {"mean", Stat::mean}, {"min", Stat::min},     {"max", Stat::max},    {"sum", Stat::sum},
      {"first", Stat::first}, {"last", Stat::last}, {"count", Stat::count}};
  for (const auto& [n, st] : names) {
    if (s == n) {
      o.stat = st;
      return true;
    }
  }
  if (s.size() < 2 || s[0] != 'p') return false;
  char* end = nullptr;
  const double q = std::strtod(s.c_str() + 1, &end);
  if (*end != '\0' || !(q >= 0 && q <= 100)) return false;
  o.stat = Stat::quantile;
  o.quantile = q / 100;
  return true;
}

bool valid_name(const std::string& s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  }
  return true;
}

std::optional<OutputSpec> parse_output(const YAML::Node& n, const std::string& path, YamlReader& r) {
  OutputSpec o;
  o.where = r.at(n);
  if (n.IsScalar()) {  // a bare name: that /summary attribute
    o.name = o.summary = n.Scalar();
    return o;
  }
  if (!r.is_map(n, path, "an output {name: N, summary: ATTR} or {name: N, series: group/series, stat: max, window: [from, to]}"))
    return std::nullopt;
  r.check_keys(n, {"name", "summary", "series", "stat", "window", "divide_by"}, path);
  if (!n["name"]) {
    r.error(n, path, "an output needs a 'name' (its column in the index)");
    return std::nullopt;
  }
  o.name = r.scalar(n["name"], path + ".name", "a column name").value_or("");
  if (!o.name.empty() && !valid_name(o.name)) {
    r.error(n["name"], path + ".name", "got '" + o.name + "', expected letters, digits, '_', '-' or '.'");
  }
  if ((n["summary"] ? 1 : 0) + (n["series"] ? 1 : 0) != 1) {
    r.error(n, path, "an output needs exactly one of 'summary' (a /summary attribute) or 'series' (a series path)");
    return std::nullopt;
  }
  if (n["summary"]) {
    o.summary = r.scalar(n["summary"], path + ".summary", "a /summary attribute such as requests_rejected").value_or("");
    if (n["stat"] || n["window"]) r.error(n["stat"] ? n["stat"] : n["window"], path, "'stat' and 'window' go with 'series', not 'summary'");
  } else {
    std::string s = r.scalar(n["series"], path + ".series", "a series path such as workloads/images/latency_p99_s").value_or("");
    while (!s.empty() && s.front() == '/') s.erase(0, 1);
    o.series = s;
    if (!n["stat"]) {
      r.error(n, path, "a series output needs 'stat': one of " + quoted_list(kStats) + " (or any pNN)");
    } else if (const auto st = r.scalar(n["stat"], path + ".stat", "a statistic")) {
      if (!parse_stat(*st, o)) r.error(n["stat"], path + ".stat", "got '" + *st + "', expected one of " + quoted_list(kStats) + " (or any pNN)");
    }
    if (n["window"]) {
      const YAML::Node w = n["window"];
      if (!w.IsSequence() || w.size() != 2) {
        r.error(w, path + ".window", "expected [from, to], times from the scenario start such as [2 h, 8 h]");
      } else {
        const auto from = r.quantity(w[0], path + ".window[0]", units::Quantity::time);
        const auto to = r.quantity(w[1], path + ".window[1]", units::Quantity::time);
        if (from && to && !(*from < *to)) r.error(w, path + ".window", "'from' must be before 'to'");
        if (from) o.window_from = *from;
        if (to) o.window_to = *to;
      }
    }
  }
  if (n["divide_by"]) o.divide_by = r.scalar(n["divide_by"], path + ".divide_by", "the name of another output").value_or("");
  return o;
}

std::optional<CapacityAxis> parse_capacity(const YAML::Node& n, const std::string& path, bool several, YamlReader& r) {
  if (!r.is_map(n, path, "a capacity axis {key: sites.dc1.pools.image.servers, from: 1, to: 64}")) return std::nullopt;
  r.check_keys(n, {"name", "key", "from", "to", "step", "cost"}, path);
  CapacityAxis a;
  a.where = r.at(n);
  if (!n["key"] || !n["from"]) {
    r.error(n, path, "a capacity axis needs 'key' and 'from' (and usually 'to')");
    return std::nullopt;
  }
  a.key = r.scalar(n["key"], path + ".key", "a key path").value_or("");
  a.name = n["name"] ? r.scalar(n["name"], path + ".name", "a column name").value_or(a.key) : a.key;
  const auto from = r.integer(n["from"], path + ".from");
  if (!from) return std::nullopt;
  a.from = *from;
  if (n["step"]) {
    const auto step = r.integer(n["step"], path + ".step");
    if (step && *step < 1) r.error(n["step"], path + ".step", "got '" + n["step"].Scalar() + "', expected an integer >= 1");
    if (step && *step >= 1) a.step = *step;
  }
  if (n["to"]) {
    const auto to = r.integer(n["to"], path + ".to");
    if (to && *to < a.from) r.error(n["to"], path + ".to", "got '" + n["to"].Scalar() + "', expected an integer >= from (" + std::to_string(a.from) + ")");
    if (to && *to >= a.from) a.to = a.from + (*to - a.from) / a.step * a.step;
  } else if (several) {
    r.error(n, path, "with several capacity axes each needs 'to'");
  }
  if (n["cost"]) {
    const auto c = r.number(n["cost"], path + ".cost");
    if (c && !(*c > 0)) r.error(n["cost"], path + ".cost", "got '" + n["cost"].Scalar() + "', expected a cost > 0");
    if (c && *c > 0) a.cost = *c;
  }
  return a;
}

}  // namespace

std::vector<OutputSpec> parse_outputs(const YAML::Node& node, YamlReader& r) {
  std::vector<OutputSpec> outs;
  if (!r.is_list(node, "outputs", "a non-empty list of outputs")) return outs;
  for (size_t i = 0; i < node.size(); ++i) {
    if (auto o = parse_output(node[i], "outputs[" + std::to_string(i) + "]", r)) outs.push_back(std::move(*o));
  }
  std::set<std::string> names;
  for (const auto& o : outs) {
    if (!names.insert(o.name).second) r.diags().error(o.where, "outputs", "output name '" + o.name + "' is used twice");
  }
  for (const auto& o : outs) {
    if (o.divide_by.empty()) continue;
    const OutputSpec* d = nullptr;
    for (const auto& x : outs) d = x.name == o.divide_by ? &x : d;
    if (d == nullptr) {
      std::vector<std::string> all(names.begin(), names.end());
      const std::string near = nearest(o.divide_by, all);
      r.diags().error(o.where, "outputs." + o.name + ".divide_by",
                      "no output named '" + o.divide_by + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
    } else if (!d->divide_by.empty() || d == &o) {
      r.diags().error(o.where, "outputs." + o.name + ".divide_by", "'" + o.divide_by + "' must be an output that is not itself a ratio");
    }
  }
  return outs;
}

std::optional<PlanSpec> parse_plan(const YAML::Node& n, YamlReader& r, const std::vector<OutputSpec>& outputs) {
  if (!r.is_map(n, "plan", "a plan {minimize: {key, from, to}, constraints: [...]}")) return std::nullopt;
  r.check_keys(n, {"minimize", "constraints", "confidence", "max_points"}, "plan");
  PlanSpec p;
  p.where = r.at(n);
  const YAML::Node m = n["minimize"];
  if (!m) {
    r.error(n, "plan", "needs 'minimize': the capacity axis (or a list of them, each with a 'cost')");
  } else if (m.IsSequence()) {
    if (r.is_list(m, "plan.minimize", "a non-empty list of capacity axes")) {
      for (size_t i = 0; i < m.size(); ++i) {
        if (auto a = parse_capacity(m[i], "plan.minimize[" + std::to_string(i) + "]", m.size() > 1, r)) p.axes.push_back(std::move(*a));
      }
    }
  } else if (auto a = parse_capacity(m, "plan.minimize", false, r)) {
    p.axes.push_back(std::move(*a));
  }
  const YAML::Node cs = n["constraints"];
  if (!cs) {
    r.error(n, "plan", "needs 'constraints': a list of {output: NAME, max: X} or {output: NAME, min: X}");
  } else if (r.is_list(cs, "plan.constraints", "a non-empty list of constraints")) {
    for (size_t i = 0; i < cs.size(); ++i) {
      const std::string path = "plan.constraints[" + std::to_string(i) + "]";
      const YAML::Node c = cs[i];
      if (!r.is_map(c, path, "a constraint {output: NAME, max: X} or {output: NAME, min: X}")) continue;
      r.check_keys(c, {"output", "max", "min"}, path);
      if (!c["output"] || (c["max"] ? 1 : 0) + (c["min"] ? 1 : 0) != 1) {
        r.error(c, path, "a constraint needs 'output' and exactly one of 'max' or 'min'");
        continue;
      }
      Constraint k;
      k.where = r.at(c);
      k.output = r.scalar(c["output"], path + ".output", "an output name").value_or("");
      k.upper = static_cast<bool>(c["max"]);
      const YAML::Node lim = k.upper ? c["max"] : c["min"];
      const auto v = r.si_value(lim, path + (k.upper ? ".max" : ".min"));
      if (!v) continue;
      k.limit = *v;
      k.limit_text = lim.Scalar();
      bool known = false;
      std::vector<std::string> names;
      for (const auto& o : outputs) {
        known = known || o.name == k.output;
        names.push_back(o.name);
      }
      if (!known) {
        const std::string near = nearest(k.output, names);
        r.error(c["output"], path + ".output",
                "no output named '" + k.output + "' in outputs:" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
      }
      p.constraints.push_back(std::move(k));
    }
  }
  if (n["confidence"]) {
    const auto c = r.number(n["confidence"], "plan.confidence");
    if (c && !(*c >= 0.5 && *c < 1)) r.error(n["confidence"], "plan.confidence", "got '" + n["confidence"].Scalar() + "', expected a probability in [0.5, 1)");
    if (c && *c >= 0.5 && *c < 1) p.confidence = *c;
  }
  if (n["max_points"]) {
    const auto mp = r.integer(n["max_points"], "plan.max_points");
    if (mp && *mp >= 1) p.max_points = *mp;
  }
  return p;
}

}  // namespace dcsim::experiments::detail
