// A site as the rest of the world sees it: its name, its pools and the signals its facility and
// grid connection publish for routing decisions (models/scheduling/site_router.hpp). The World
// (sim/world) owns one per scenario site and fills it; site components (site_component.hpp)
// write the signals on the site's control step.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace dcsim::serving {
class Pool;
}

namespace dcsim::site {

// Read by routers at decision time; NaN / +inf until a component publishes them.
struct SiteSignals {
  double carbon_g_per_kwh = std::numeric_limits<double>::quiet_NaN();   // grid intensity now
  double price_usd_per_mwh = std::numeric_limits<double>::quiet_NaN();  // energy price now
  double power_headroom_w = std::numeric_limits<double>::infinity();    // facility limit - draw
};

struct Site {
  std::string name;
  uint32_t index = 0;                // in the scenario's sites list
  std::vector<serving::Pool*> pools;  // in the scenario's order
  SiteSignals signals;
};

}  // namespace dcsim::site
