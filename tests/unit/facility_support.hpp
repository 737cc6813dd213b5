// Helpers for the facility tests: a facility block from YAML text, DGX-H100-like pools, and a
// loop that runs a site facility over a synthetic load.
#pragma once

#include <string>
#include <vector>

#include "models/facility/facility_schema.hpp"
#include "models/facility/site_facility.hpp"
#include "models/facility/synthetic_load.hpp"
#include "models/register_models.hpp"
#include "sim/scenario/loader.hpp"

namespace dcsim::test {

// Without a `mode:` the block gets `mode: physical` (appended: the lines stay where they are).
inline scenario::LoadedScenario facility_block(const std::string& yaml) {
  register_builtin_models();
  const std::string text = yaml.find("mode:") == std::string::npos ? yaml + "\nmode: physical\n" : yaml;
  return scenario::load_text(text, "facility.yaml", facility::facility_schema(), {});
}

// `n` pools of `servers` DGX-H100-like servers (8 x 700 W GPUs, 8.5 kW peak, non-GPU 996 W + 0.34 W/W).
inline std::vector<facility::PoolInfo> dgx_pools(int n, uint32_t servers) {
  std::vector<facility::PoolInfo> pools;
  for (int i = 0; i < n; ++i) pools.push_back({"p" + std::to_string(i), servers, 8, 700, 8500, 996, 0.34});
  return pools;
}

inline constexpr double kStart2025 = 1735689600.0;  // 2025-01-01T00:00Z

// Run `site` for `horizon` s at `step` s over `load`, applying its commands; returns the steps run.
inline long run_facility(facility::SiteFacility& site, facility::SyntheticItLoad& load, double horizon, double step) {
  const auto n = static_cast<long>(horizon / step);
  for (long k = 1; k <= n; ++k) {
    const double t = k * step;
    const auto& out = site.step(t, step, {load.energy(t - step, step)});
    if (out.thermal_changed || !out.caps.empty()) load.apply(out.caps, out.thermal_gpu_cap_w);
  }
  return n;
}

}  // namespace dcsim::test
