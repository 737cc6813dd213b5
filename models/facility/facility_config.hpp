// Building the facility's parts from a site's `facility:` block (facility_schema.cpp): the delivery
// tree (per-level counts or explicit nodes), the cooling plant, the thermal nodes. Input errors are
// scenario::InputError at the offending key (exit code 2).
#pragma once

#include <vector>

#include "models/facility/cooling_plant.hpp"
#include "models/facility/delivery_caps.hpp"
#include "models/facility/delivery_tree.hpp"
#include "models/facility/thermal.hpp"
#include "sim/scenario/config.hpp"

namespace dcsim::facility {

struct FacilityParts {
  double design_it_w = 0;
  double design_heat_w = 0;  // IT + indoor losses at design + other
  double other_w = 0;
  double liquid_share = 0;
  DeliveryTree tree;
  CapPolicy caps;
  PlantSpec plant;
  ThermalNode nodes[2];      // air, liquid
  ThrottleModel throttle[2];
};

FacilityParts build_facility_parts(const scenario::Config& cfg, const std::vector<PoolInfo>& pools);

}  // namespace dcsim::facility
