// Parameter declarations: every parameter is declared once — name, kind, unit, default, range,
// help — and that declaration drives validation, `dcsim list` and docs/scenario-reference.md
// (STYLE.md 3). A Schema is a block of a scenario file: its parameters and its sub-blocks.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "sim/scenario/units.hpp"

namespace dcsim::scenario {

enum class ParamKind { quantity, integer, boolean, string, choice, datetime };

struct ParamSpec {
  std::string name;
  ParamKind kind = ParamKind::quantity;
  units::Quantity quantity = units::Quantity::dimensionless;
  std::string default_text;  // as a user would write it ("700 W"); empty with required=false: optional
  bool required = false;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;
  std::vector<std::string> choices;  // ParamKind::choice
  std::string pattern_help;          // ParamKind::string: what a valid value looks like ("" = anything)
  bool identifier = false;           // ParamKind::string: must be [a-z0-9_-]+ (used in output paths)
  std::string help;
  std::string source;                // calibration.yaml id or datasheet behind the default

  // Builders: Param::quantity("rate", Quantity::rate).def("10 /s").above(0).help("...")
  static ParamSpec quantity_of(std::string name, units::Quantity q);
  static ParamSpec integer(std::string name);
  static ParamSpec boolean(std::string name);
  static ParamSpec string(std::string name);
  static ParamSpec choice(std::string name, std::vector<std::string> options);
  static ParamSpec datetime(std::string name);  // value: seconds since 1970-01-01T00:00:00Z
  ParamSpec&& def(std::string text) &&;
  ParamSpec&& req() &&;
  ParamSpec&& at_least(double v) &&;
  ParamSpec&& above(double v) &&;
  ParamSpec&& at_most(double v) &&;
  ParamSpec&& below(double v) &&;
  ParamSpec&& id() &&;
  ParamSpec&& doc(std::string text) &&;
  ParamSpec&& src(std::string calibration_id) &&;

  std::string unit_text() const;   // "W", "1", "" for strings
  std::string range_text() const;  // "> 0", "[0, 1]", "one of 'a', 'b'"
  std::string kind_text() const;   // "power", "integer", "string", ...
};

// The largest magnitude dcsim accepts for any value of a quantity, and for any integer, whatever
// a parameter's own range says: beyond it a value is a typo (or hostile), and would give a run
// that never ends or does not fit in memory ("1.8e308 /s"). The validator checks it after the
// parameter's range; `dcsim list` prints the table (docs/scenario-reference.md, "Limits").
double magnitude_limit(units::Quantity q);
inline constexpr double kIntegerLimit = 1e9;

struct Schema;

enum class ChildKind {
  block,   // a mapping with the child schema's keys
  list,    // a sequence of such mappings (each with a unique `name`)
  model,   // a mapping `{model: NAME, ...}` whose other keys are the chosen model's parameters
  models,  // one such model block, or a list of them (applied in order): Config::list(key); absent:
           // the default model alone, or an empty list when default_model is ""
  raw,     // any YAML, kept as it is for a model that validates it itself (the `catalog:` block)
};

struct ChildSpec {
  std::string key;
  ChildKind kind = ChildKind::block;
  const Schema* schema = nullptr;  // block, list
  std::string category;            // model: registry category ("arrivals")
  std::string default_model;       // model: used when the key is absent ("" = the key is required)
  bool required = false;           // block/list: must be present (list: non-empty)
  std::string help;
  std::string default_yaml;  // model: the whole block used when the key is absent, e.g.
                             // "{model: lognormal, median: 1020, sigma: 0.5}" (wins over default_model)
};

struct Schema {
  std::string name;  // "site", "pool": shown in docs and messages
  std::string help;
  std::vector<ParamSpec> params;
  std::vector<ChildSpec> children;

  const ParamSpec* find_param(const std::string& key) const;
  const ChildSpec* find_child(const std::string& key) const;
  std::vector<std::string> keys() const;
};

}  // namespace dcsim::scenario
