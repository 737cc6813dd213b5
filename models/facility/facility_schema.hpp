// The `facility:` block of a site (declared once; sim/scenario/scenario_schema.cpp includes it in
// the site schema with one ChildSpec line). Parameters, units, defaults and sources are listed in
// docs/scenario-reference.md (generated) and explained in docs/models/facility.md.
#pragma once

#include "sim/scenario/param.hpp"

namespace dcsim::facility {

// The whole block (with `step`): tests and benchmarks load a facility block on its own with it.
const scenario::Schema& facility_schema();
// The site-component kind "facility" (facility_component.cpp): its keys (all but `step`, which
// the site's control step declares) extend every site's `facility:` block.
void register_facility_component();

}  // namespace dcsim::facility
