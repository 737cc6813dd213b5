// The options every scenario subcommand takes (--set, --seed, --until), checked here before they
// become overrides of the scenario: each error names its option and the form it expects, and
// all of them are reported at once (InputError, exit code 2).
#pragma once

#include <string>
#include <vector>

#include "sim/cli/commands.hpp"

namespace dcsim::cli {

// The overrides (key=value) that --set, --seed and --until stand for, in that order. Throws
// scenario::InputError listing every bad --seed or --until value, e.g.
//   "--until: got '2', expected a duration with a unit, e.g. 2h, 30min, 1d or 1w"
std::vector<std::string> scenario_overrides(const ScenarioArgs& a);

}  // namespace dcsim::cli
