// A site as the rest of the world sees it: its name, its pools and the signals its facility and
// grid connection publish for routing decisions (models/scheduling/site_router.hpp). The World
// (sim/world) owns one per scenario site and fills it; site components (site_component.hpp)
// write the signals on the site's control step.
//
// Routers read a signal through Site::signal(kind, now), in SI units (carbon intensity g/J,
// price USD/J, headroom W). Where it comes from, first that applies:
//   1. a SignalSource fed for that signal (SiteSignals::sources): the scenario's declared time
//      series (sites[].signals, signal_series.hpp) or, later, a grid or facility component that
//      computes it at `now`;
//   2. the value a component last published in SiteSignals (converted to SI);
//   3. NaN (headroom: +inf): not known. Routers treat an unknown signal as the worst value.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  // A source per SignalKind (not owned), or null: the published value above.
  std::array<const SignalSource*, kSignalKinds> sources{};
};

struct Site {
  std::string name;
  uint32_t index = 0;                // in the scenario's sites list
  std::vector<serving::Pool*> pools;  // in the scenario's order
  SiteSignals signals;

  // The signal at `now`, SI units (see the top of this file).
  double signal(SignalKind k, double now) const {
    if (const SignalSource* s = signals.sources[size_t(k)]) return s->at(now);
    switch (k) {
      case SignalKind::carbon_intensity: return signals.carbon_g_per_kwh / 3.6e6;   // g/kWh -> g/J
      case SignalKind::price: return signals.price_usd_per_mwh / 3.6e9;             // USD/MWh -> USD/J
      case SignalKind::power_headroom: return signals.power_headroom_w;
    }
    return std::numeric_limits<double>::quiet_NaN();
  }
  // Feed a signal from `source` (outlives the site); null: back to the published value.
  void feed(SignalKind k, const SignalSource* source) { signals.sources[size_t(k)] = source; }
};

}  // namespace dcsim::site
