// The site-component registry and the list of component files that register into it, in the
// order they run on a step (the order the data flows: the facility, then the grid).
#include "models/site/site_component.hpp"

#include "models/facility/facility_schema.hpp"
#include "models/grid/grid_schema.hpp"

namespace dcsim::site {

SiteComponentRegistry& site_component_registry() {
  static SiteComponentRegistry r(KindFamily{"site_component", "", "What runs on a site's control step."});
  return r;
}

void register_site_components() {
  static const bool done = [] {
    facility::register_facility_component();
    grid::register_grid_component();
    return true;
  }();
  (void)done;
}

}  // namespace dcsim::site
