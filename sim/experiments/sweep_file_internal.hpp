// Internal to the sweep-file parser (sweep_file*.cpp): the parsers of its sections.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/experiments/sweep_spec.hpp"
#include "sim/experiments/yaml_reader.hpp"

namespace dcsim::experiments::detail {

std::vector<OutputSpec> parse_outputs(const YAML::Node& node, YamlReader& r);
std::optional<PlanSpec> parse_plan(const YAML::Node& node, YamlReader& r, const std::vector<OutputSpec>& outputs);
// "12" or "2.5": how an axis value made from a number is written.
std::string number_text(double v, bool integral);

}  // namespace dcsim::experiments::detail
