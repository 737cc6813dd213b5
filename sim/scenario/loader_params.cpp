// Schema-driven validation, the leaf level (Validator of loader_internal.hpp): the keys of one
// mapping (non-scalar, duplicate and unknown keys, with a did-you-mean), and each parameter of a
// block read against its ParamSpec (quantity with units, integer, boolean, identifier, date-time,
// choice), range-checked, or filled in from its default when absent.
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/datetime.hpp"
#include "sim/scenario/loader_internal.hpp"
#include "sim/util/text.hpp"

namespace dcsim::scenario::validation {

std::string join_path(const std::string& base, const std::string& key) { return base.empty() ? key : base + "." + key; }

std::string show(const YAML::Node& n) {
  if (n.IsScalar()) return quote_value(n.Scalar());
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  return "nothing";
}

namespace {

std::string article(const std::string& word) {
  return (std::string("aeiou").find(word.empty() ? 'x' : word[0]) != std::string::npos ? "an " : "a ") + word;
}

std::string expected_text(const ParamSpec& spec) {
  if (spec.kind == ParamKind::string && spec.identifier) return "a name made of letters, digits, '_' or '-'";
  std::string s = article(spec.kind_text());
  if (spec.kind == ParamKind::quantity) s += std::string(" such as '") + units::info(spec.quantity).example + "'";
  const std::string range = spec.range_text();
  if (!range.empty() && spec.kind != ParamKind::choice) s += " " + range;
  if (spec.kind == ParamKind::choice) s = range;
  return s;
}

// Outside [-limit, limit] on a side where the parameter declares no bound of its own.
bool beyond(double v, double limit, const ParamSpec& spec) {
  return (v > limit && !std::isfinite(spec.max)) || (v < -limit && !std::isfinite(spec.min));
}

// "got '1.8e308 /s', expected at most 1e6 /s in magnitude (the largest rate dcsim accepts)"
std::string beyond_limit(const std::string& text, const ParamSpec& spec) {
  const bool integer = spec.kind == ParamKind::integer;
  const double limit = integer ? kIntegerLimit : magnitude_limit(spec.quantity);
  const std::string shown = integer || spec.quantity == units::Quantity::dimensionless
                                ? units::format(limit, units::Quantity::dimensionless)
                                : units::format(limit, spec.quantity);
  const bool plain = spec.kind == ParamKind::quantity && spec.quantity == units::Quantity::dimensionless;
  return "got " + quote_value(text) + ", expected at most " + shown + " in magnitude (the largest " +
         (plain ? std::string("number") : spec.kind_text()) + " dcsim accepts)";
}

}  // namespace

// Diagnostics keeps the first kMaxIssues problems and only counts the others: their "did you
// mean" (an edit distance against every candidate: 16 % of the batch fuzzer's CPU, on the
// 20,000-key cases) would be thrown away.
bool Validator::kept() const { return diags_.count() < kMaxIssues; }

void Validator::check_keys(const YAML::Node& node, const std::vector<std::string>& allowed, const std::string& path,
                           const std::string& what) {
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    // A copy, not a reference: `it->first` lives in a temporary proxy that dies with this
    // statement (ASan: stack-use-after-scope).
    const YAML::Node k = it->first;
    if (!k.IsScalar()) {
      error(k, path, "got " + show(k) + " as a key, expected a plain name");
      continue;
    }
    const std::string key = k.Scalar();
    if (!seen.insert(key).second) {
      error(k, join_path(path, key), "duplicate key " + quote_value(key));
      continue;
    }
    bool known = false;
    for (const auto& a : allowed) known = known || a == key;
    if (!known) {
      std::string msg = "unknown key " + quote_value(key) + " in " + what;
      if (!kept()) {  // counted, not kept: no suggestion to compute
        error(k, path, msg);
        continue;
      }
      const std::string near = nearest(key, allowed);
      msg += near.empty() ? "; valid keys: " + quoted_list(allowed, ", ") : "; did you mean '" + near + "'?";
      error(k, path, msg);
    }
  }
}

bool Validator::in_range(double v, const ParamSpec& spec) const {
  if (spec.min_exclusive ? !(v > spec.min) : !(v >= spec.min)) return false;
  if (spec.max_exclusive ? !(v < spec.max) : !(v <= spec.max)) return false;
  return true;
}

Value Validator::value(const YAML::Node& node, const ParamSpec& spec, const std::string& path) {
  Value v;
  v.kind = spec.kind;
  v.where = at(node);
  v.present = true;
  if (!node.IsScalar()) {
    error(node, path, "got " + show(node) + ", expected " + expected_text(spec));
    return v;
  }
  const std::string text = node.Scalar();
  v.text = text;
  const std::string bad = "got " + quote_value(text) + ", expected " + expected_text(spec);
  switch (spec.kind) {
    case ParamKind::quantity: {
      try {
        v.number = units::parse(text, spec.quantity);
      } catch (const units::UnitError& e) {
        error(node, path, std::string(e.what()));
        return v;
      }
      if (!in_range(v.number, spec)) {
        error(node, path, bad);
      } else if (beyond(v.number, magnitude_limit(spec.quantity), spec)) {
        error(node, path, beyond_limit(text, spec));
      }
      break;
    }
    case ParamKind::integer: {
      std::string digits;
      for (char c : text) {
        if (c != '_') digits += c;
      }
      size_t used = 0;
      double d = 0;
      try {
        d = std::stod(digits, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != digits.size() || !std::isfinite(d) || d != std::floor(d) || std::abs(d) > 9e15) {
        error(node, path, bad);
        return v;
      }
      v.number = d;
      if (!in_range(d, spec)) {
        error(node, path, bad);
      } else if (beyond(d, kIntegerLimit, spec)) {
        error(node, path, beyond_limit(text, spec));
      }
      break;
    }
    case ParamKind::boolean: {
      static const std::set<std::string> yes{"true", "True", "TRUE", "yes", "on"};
      static const std::set<std::string> no{"false", "False", "FALSE", "no", "off"};
      if (yes.count(text)) {
        v.number = 1;
      } else if (no.count(text)) {
        v.number = 0;
      } else {
        error(node, path, bad);
      }
      break;
    }
    case ParamKind::string: {
      if (spec.identifier) {
        const bool ok = !text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
                                            std::string::npos;
        if (!ok) error(node, path, "got " + quote_value(text) + ", expected a name made of letters, digits, '_' or '-'");
      }
      break;
    }
    case ParamKind::datetime: {
      try {
        v.number = parse_datetime(text);
      } catch (const std::invalid_argument& e) {
        error(node, path, std::string("got ") + e.what());
      }
      break;
    }
    case ParamKind::choice: {
      bool ok = false;
      for (const auto& c : spec.choices) ok = ok || c == text;
      if (!ok) {
        const std::string near = kept() ? nearest(text, spec.choices) : std::string();
        error(node, path, bad + (near.empty() ? "" : "; did you mean '" + near + "'?"));
      }
      break;
    }
  }
  return v;
}

void Validator::params(const YAML::Node& node, const std::vector<ParamSpec>& specs, const std::string& path,
                       const Location& loc, Config& cfg) {
  for (const auto& spec : specs) {
    const std::string ppath = join_path(path, spec.name);
    const YAML::Node n = node.IsMap() ? node[spec.name] : YAML::Node();
    if (n.IsDefined() && !n.IsNull()) {
      const size_t before = diags_.count();
      Value v = value(n, spec, ppath);
      // A value that was refused has none: the checks across blocks that still run (loader.cpp,
      // finish) see it absent (has() false, num() throws) rather than a made-up 0.
      if (diags_.count() > before) v.present = false;
      cfg.set_value(spec.name, std::move(v));
      continue;
    }
    Value v;
    v.kind = spec.kind;
    v.where = loc;
    if (spec.required) {
      diags_.error(loc, path, "missing required key '" + spec.name + "' (" + expected_text(spec) + ")");
    } else if (!spec.default_text.empty()) {
      v.text = spec.default_text;
      v.defaulted = true;
      v.present = true;
      if (spec.kind == ParamKind::quantity) {
        v.number = units::parse(spec.default_text, spec.quantity);  // a bad default is a programming error
      } else if (spec.kind == ParamKind::integer) {
        v.number = std::stod(spec.default_text);
      } else if (spec.kind == ParamKind::boolean) {
        v.number = spec.default_text == "true" ? 1 : 0;
      } else if (spec.kind == ParamKind::datetime) {
        v.number = parse_datetime(spec.default_text);
      }
    }
    cfg.set_value(spec.name, std::move(v));
  }
}

}  // namespace dcsim::scenario::validation
