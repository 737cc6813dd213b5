// Benchmark: one site's facility alone for a simulated year at a 60 s step (525,600 steps), with a
// synthetic diurnal IT load (no request-level pools): 4 pools x 128 DGX-H100-class servers, racks of
// 4, 8 PDUs, 2 UPS, 1 transformer, water-cooled chillers + towers + economizer, preset climate.
// Reports wall time, steps/s and the year's PUE/WUE. Usage: bench_facility [climate] [step_s]
#include <chrono>
#include <cstdio>
#include <string>

#include "models/facility/facility_schema.hpp"
#include "models/facility/site_facility.hpp"
#include "models/facility/synthetic_load.hpp"
#include "models/register_models.hpp"
#include "sim/scenario/loader.hpp"

using namespace dcsim;

int main(int argc, char** argv) {
  register_builtin_models();
  const std::string climate = argc > 1 ? argv[1] : "northern-virginia";
  const double step = argc > 2 ? std::stod(argv[2]) : 60.0;
  const std::string yaml = "mode: physical\nweather: {model: preset, climate: " + climate + "}\n"
                           "delivery: {pdu: {count: 8}, ups: {count: 2}}\n";
  const auto cfg = scenario::load_text(yaml, "bench", facility::facility_schema(), {});
  std::vector<facility::PoolInfo> pools;
  for (int i = 0; i < 4; ++i) pools.push_back({"pool" + std::to_string(i), 128, 8, 700, 8500, 996, 0.34});
  facility::FacilityContext ctx{1735689600.0, 365 * 86400.0, ".", "dc1"};  // 2025-01-01
  facility::SiteFacility site(cfg.root, pools, ctx);
  facility::SyntheticItLoad load(pools, 75, 0.6, 0.2);
  const auto n = static_cast<long>(ctx.horizon_s / step);
  const auto t0 = std::chrono::steady_clock::now();
  for (long k = 1; k <= n; ++k) {
    const double t = k * step;
    const auto& e = load.energy(t - step, step);
    const auto& out = site.step(t, step, {e});
    if (out.thermal_changed || !out.caps.empty()) load.apply(out.caps, out.thermal_gpu_cap_w);
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto& tot = site.totals();
  std::printf("facility year: %ld steps of %.0f s in %.3f s wall (%.2f M steps/s); %s: PUE %.4f, WUE %.3f L/kWh, "
              "max balance residual %.2e\n",
              n, step, wall, n / wall / 1e6, climate.c_str(), tot.pue(), tot.wue_l_per_kwh(), tot.max_balance_residual);
  return 0;
}
