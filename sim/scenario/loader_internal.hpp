// Internal to the scenario loader (loader*.cpp), not part of its interface: the Validator that walks
// a YAML tree with the declarations of param.hpp, reports every problem into Diagnostics and builds
// the Config tree with defaults filled in, and the small text helpers of its messages.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/config.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/param.hpp"

namespace dcsim::scenario::validation {

class Validator {
 public:
  Validator(std::string file, Diagnostics& diags) : file_(std::move(file)), diags_(diags) {}

  Location at(const YAML::Node& n) const {
    if (!n.IsDefined()) return Location{file_, 0, 0};
    if (n.Mark().is_null()) return Location{"--set", 0, 0};  // made by apply_override, not read from the file
    return Location{file_, n.Mark().line + 1, n.Mark().column + 1};
  }
  void error(const YAML::Node& n, const std::string& path, const std::string& msg) { diags_.error(at(n), path, msg); }
  // Whether the next problem reported is kept (the first kMaxIssues are; later ones are only
  // counted), so that a message's costly part, its "did you mean", is built only when kept.
  bool kept() const;

  Config block(const YAML::Node& node, const Schema& schema, const std::string& path, const Location& parent_loc);
  Config model(const YAML::Node& node, const ChildSpec& spec, const std::string& path, const Location& parent_loc);

 private:
  void check_keys(const YAML::Node& node, const std::vector<std::string>& allowed, const std::string& path,
                  const std::string& what);
  void params(const YAML::Node& node, const std::vector<ParamSpec>& specs, const std::string& path,
              const Location& loc, Config& cfg);
  void children(const YAML::Node& node, const Schema& schema, const std::string& path, const Location& loc,
                Config& cfg);
  Value value(const YAML::Node& node, const ParamSpec& spec, const std::string& path);
  bool in_range(double v, const ParamSpec& spec) const;
  std::vector<Config> list(const YAML::Node& node, const ChildSpec& spec, const std::string& path);

  std::string file_;
  Diagnostics& diags_;
};

// "a.b" from "a" and "b"; "b" at the root.
std::string join_path(const std::string& base, const std::string& key);
// "'text'" for a scalar, else what the node is ("a list", "a mapping", "nothing").
std::string show(const YAML::Node& n);

}  // namespace dcsim::scenario::validation
