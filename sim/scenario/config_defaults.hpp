// Whether a parameter of a validated block holds its declared default, whether it was left out
// or written with the default's value: for the checks whose rule is "this key is not used here"
// (nhpp `rate` with base: points) or "a default adapts" (a facility level's `count`), which must
// read a resolved scenario, where every default is written out, as they read the original.
#pragma once

#include <string>

#include "sim/scenario/config.hpp"

namespace dcsim::scenario {

bool at_default(const Config& c, const std::string& key);

}  // namespace dcsim::scenario
