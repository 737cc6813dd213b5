// DIR/experiment.yaml: what the index's columns are, for `python3 -m dcsim_analysis sweep DIR`:
//   kind (sweep | plan), name, sweep_file, scenario, axes (column names), seeds, outputs (name,
//   source, stat, window), and for a plan its capacity axes and constraints.
#pragma once

#include <string>
#include <vector>

#include "sim/experiments/sweep_spec.hpp"

namespace dcsim::experiments {

std::string experiment_yaml(const SweepSpec& spec, const std::string& kind, const std::vector<std::string>& axis_names);

}  // namespace dcsim::experiments
