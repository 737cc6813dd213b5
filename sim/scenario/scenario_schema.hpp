// The structure of a scenario file: which blocks exist and the parameters of each. Model blocks
// (`arrivals:`, `service:`) take their parameters from the registries. docs/scenario-reference.md
// is generated from this and the registries (`dcsim list --markdown`).
#pragma once

#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/param.hpp"

namespace dcsim::scenario {

const Schema& scenario_schema();

// Checks across blocks: a workload's pool exists, replicas fit on servers, the record step fits
// in the horizon.
void check_scenario(const Config& root, Diagnostics& diags);

// Load + validate + check a scenario file (registries must be populated first).
LoadedScenario load_scenario(const std::string& path, const std::vector<std::string>& overrides);

}  // namespace dcsim::scenario
