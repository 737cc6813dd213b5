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
//
// Routers read a typed signal through Site::signal(SignalKind, now), in SI units (carbon intensity g/J,
// price USD/J, headroom W). Where it comes from, first that applies:
//   1. a SignalSource fed for that signal (SiteSignals::sources): the scenario's declared time
//      series (sites[].signals, signal_series.hpp) or, later, a grid or facility component that
//      computes it at `now`;
//   2. a signal a component publishes by name (publish(): the grid's carbon_intensity_g_per_kwh and
//      price_usd_per_mwh, the facility's power_headroom_w), converted to SI;
//   3. the value a component last wrote in SiteSignals (converted to SI);
//   4. NaN (headroom: +inf): not known. Routers treat an unknown signal as the worst value.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/site/site_caps.hpp"

namespace dcsim::serving {
class Pool;
}

namespace dcsim::site {

enum class SignalKind : uint8_t { carbon_intensity = 0, price = 1, power_headroom = 2 };
inline constexpr size_t kSignalKinds = 3;
// "carbon_intensity", "price", "power_headroom" (the scenario's names); nullopt otherwise.
std::optional<SignalKind> signal_kind(std::string_view name);
const char* signal_name(SignalKind k);

// Something that knows a site signal at any time (a declared series, a grid model).
class SignalSource {
 public:
  virtual ~SignalSource() = default;
  virtual double at(double now) const = 0;  // SI units
};

// Read by routers at decision time; NaN / +inf until a component publishes them.
struct SiteSignals {
  double carbon_g_per_kwh = std::numeric_limits<double>::quiet_NaN();   // grid intensity now
  double price_usd_per_mwh = std::numeric_limits<double>::quiet_NaN();  // energy price now
  double power_headroom_w = std::numeric_limits<double>::infinity();    // facility limit - draw
  // The grid is shedding load here (its replicas stopped to hold a limit, grid_component.cpp): the
  // services' front ends send new requests to their other sites with room meanwhile (frontend.hpp).
  bool shedding = false;
  // A source per SignalKind (not owned), or null: the published value above.
  std::array<const SignalSource*, kSignalKinds> sources{};
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


  // The signal at `now`, SI units (see the top of this file).
  double signal(SignalKind k, double now) const {
    if (const SignalSource* s = signals.sources[size_t(k)]) return s->at(now);
    if (!published_.empty()) {
      if (k == SignalKind::carbon_intensity && has_signal("carbon_intensity_g_per_kwh"))
        return signal("carbon_intensity_g_per_kwh", now) / 3.6e6;
      if (k == SignalKind::price && has_signal("price_usd_per_mwh")) return signal("price_usd_per_mwh", now) / 3.6e9;
      if (k == SignalKind::power_headroom && has_signal("power_headroom_w")) return signal("power_headroom_w", now);
    }
    switch (k) {
      case SignalKind::carbon_intensity: return signals.carbon_g_per_kwh / 3.6e6;   // g/kWh -> g/J
      case SignalKind::price: return signals.price_usd_per_mwh / 3.6e9;             // USD/MWh -> USD/J
      case SignalKind::power_headroom: return signals.power_headroom_w;
    }
    return std::numeric_limits<double>::quiet_NaN();
  }
  // Feed a signal from `source` (outlives the site); null: back to the published value.
  void feed(SignalKind k, const SignalSource* source) { signals.sources[size_t(k)] = source; }

 private:
  std::vector<std::pair<std::string, SignalFn>> published_;
};

}  // namespace dcsim::site
