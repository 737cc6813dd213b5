// The site-component registry and the list of component files that register into it (none yet:
// the facility and grid models plug in here).
#include "models/site/site_component.hpp"

namespace dcsim::site {

SiteComponentRegistry& site_component_registry() {
  static SiteComponentRegistry r(KindFamily{"site_component", "", "What runs on a site's control step."});
  return r;
}

void register_site_components() {}

}  // namespace dcsim::site
