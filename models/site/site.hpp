// A site as the rest of the world sees it: its name, its pools, the power caps its components
// put on the pools (site_caps.hpp), what its components hand each other within a control step,
// and the signals its facility and grid connection publish for routing decisions
// (models/scheduling/site_router.hpp). The World (sim/world) owns one per scenario site and fills
// it; site components (site_component.hpp) write the signals on the site's control step.
//
// Signals at decision time: `signals` holds the last step's values as plain fields (read by
// pointer, no call, for per-request use); `signal(name, now)` asks the component that publishes
// `name` for its value at `now` (the grid: the intensity and price of the hour that holds `now`,
// forecasts over its window). Names (docs/models/grid.md "Signals"): carbon_intensity_g_per_kwh,
// marginal_intensity_g_per_kwh, carbon_forecast_g_per_kwh, marginal_forecast_g_per_kwh,
// price_usd_per_mwh, price_forecast_usd_per_mwh, grid_headroom_w (grid); power_headroom_w,
// pue (facility). An unknown name, or one no component of this site publishes, is
// std::invalid_argument listing the ones it has.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/site/site_caps.hpp"

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

// What one component leaves for the next within a control step (the facility for the grid);
// NaN: no component wrote it (the grid then takes the IT energy as the site's load).
struct StepShare {
  double facility_energy_j = std::numeric_limits<double>::quiet_NaN();  // over the step
  double outdoor_drybulb_c = std::numeric_limits<double>::quiet_NaN();  // step mean
  double facility_per_it = std::numeric_limits<double>::quiet_NaN();    // facility / IT power of the step
};

struct Site {
  Site() = default;
  Site(std::string n, uint32_t i, std::vector<serving::Pool*> p = {}, SiteSignals s = {})
      : name(std::move(n)), index(i), pools(std::move(p)), signals(s) {}

  std::string name;
  uint32_t index = 0;                // in the scenario's sites list
  std::vector<serving::Pool*> pools;  // in the scenario's order
  SiteSignals signals;
  SiteCaps caps;                     // the pools' power caps, by source (the World attaches it)
  StepShare step;                    // rewritten every control step

  using SignalFn = std::function<double(double now)>;
  // A component publishes `name` (std::logic_error if it is already published).
  void publish(std::string key, SignalFn fn);
  // Throws std::invalid_argument for a name nobody publishes here.
  double signal(std::string_view key, double now) const;
  bool has_signal(std::string_view key) const;

 private:
  std::vector<std::pair<std::string, SignalFn>> published_;
};

}  // namespace dcsim::site
