// Reading the blocks of a sweep file with yaml-cpp: each accessor reports a problem (file:line:col,
// key path, the bad value, what was expected) into Diagnostics and returns an empty optional, so
// that the parser goes on and collects every problem before failing once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/units.hpp"

namespace dcsim::experiments {

class YamlReader {
 public:
  YamlReader(std::string file, scenario::Diagnostics& diags) : file_(std::move(file)), diags_(diags) {}

  scenario::Location at(const YAML::Node& n) const;
  const std::string& file() const { return file_; }
  void error(const YAML::Node& n, const std::string& path, const std::string& msg) { diags_.error(at(n), path, msg); }
  scenario::Diagnostics& diags() { return diags_; }

  // Reports keys of a mapping that are not in `allowed` (with the nearest allowed one).
  void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed, const std::string& path);
  // The node must be a mapping / a non-empty list / a scalar; reports otherwise.
  bool is_map(const YAML::Node& n, const std::string& path, const std::string& what);
  bool is_list(const YAML::Node& n, const std::string& path, const std::string& what);
  std::optional<std::string> scalar(const YAML::Node& n, const std::string& path, const std::string& what);
  std::optional<long> integer(const YAML::Node& n, const std::string& path);
  std::optional<double> number(const YAML::Node& n, const std::string& path);
  std::optional<double> quantity(const YAML::Node& n, const std::string& path, units::Quantity q);
  // "20 s", "1 %", "2 MW", or a bare number: converted to SI by the unit's factor.
  std::optional<double> si_value(const YAML::Node& n, const std::string& path);

 private:
  std::string file_;
  scenario::Diagnostics& diags_;
};

// The node as text fit for --set: a scalar as written, a list or mapping in YAML flow style.
std::string yaml_text(const YAML::Node& n);

}  // namespace dcsim::experiments
