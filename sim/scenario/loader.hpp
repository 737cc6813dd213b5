// Scenario loading: YAML text -> (command-line overrides) -> a validated Config tree.
// Every problem is collected (file:line:column, key path, bad value, what was expected, and the
// nearest valid name for unknown keys and models) before one InputError is thrown.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sim/scenario/config.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/param.hpp"

namespace YAML {
class Node;
}

namespace dcsim::scenario {

struct LoadedScenario {
  Config root;
  std::string path;           // as given
  std::string resolved_yaml;  // defaults filled in, overrides applied: re-running it gives the same run
};

// Cross-block checks (a workload naming a pool that exists, ...), run after the block checks.
using SemanticCheck = std::function<void(const Config& root, Diagnostics& diags)>;

// Load a scenario file. `overrides` are "key.path=value" strings (--set); list elements are
// addressed by index (sites[0]) or by name (sites.dc1). Throws InputError.
LoadedScenario load_file(const std::string& path, const Schema& schema, const std::vector<std::string>& overrides,
                         const SemanticCheck& check = {});
// Same from text (tests); `display_name` is used in messages in place of a file name.
LoadedScenario load_text(const std::string& text, const std::string& display_name, const Schema& schema,
                         const std::vector<std::string>& overrides, const SemanticCheck& check = {});

// Apply one override to a YAML tree. Reports problems into diags (location "--set").
void apply_override(YAML::Node& root, const std::string& assignment, Diagnostics& diags);

// Validate a YAML tree against a schema (exposed for tests).
Config validate(const YAML::Node& node, const Schema& schema, const std::string& file, Diagnostics& diags);

// Emit a Config tree as YAML (the resolved scenario).
std::string to_yaml(const Config& root);

}  // namespace dcsim::scenario
