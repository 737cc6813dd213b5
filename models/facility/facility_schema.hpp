// The `facility:` block of a site (declared once; sim/scenario/scenario_schema.cpp includes it in
// the site schema with one ChildSpec line). Parameters, units, defaults and sources are listed in
// docs/scenario-reference.md (generated) and explained in docs/models/facility.md.
#pragma once

#include "sim/scenario/param.hpp"

namespace dcsim::facility {

const scenario::Schema& facility_schema();

}  // namespace dcsim::facility
