// bench_grid: the cost of a site's grid model per control step, over a year at a 10 s step
// (3,153,600 steps), and what it would add to the serving benchmark.
//
//   bench_grid [years]          (default 1)
//
// Cases (one SiteGrid, steps fed back to back as the World's control step would):
//   grid+battery   rfcw preset (synthetic hourly mix, direct factors), time-of-use tariff,
//                  30 MW interconnect with a 4 h demand-response event every week at 15 MW,
//                  20 MWh / 10 MW battery on peak shaving at 25 MW, demand charge; responses
//                  battery, cap, shed. Load: a diurnal 18-28 MW facility power, the actions
//                  applied (drawn = demand - cap - shed).
//   +solar+gensets the same with 10 MW of PVWatts solar (synthetic irradiance) and 8 MW of
//                  gensets in the responses.
//   +recorder      the same with the 18 series declared in a Recorder (level updates per step;
//                  the sampling itself is the recorder's cost, shared by every component).
// Timing: std::chrono::steady_clock around the step loop (construction excluded), best of 3.
// The serving benchmark (docs/benchmarks.md) simulates 20 min in ~17 s wall: 120 control
// steps per site at 10 s; the overhead printed is 120 x (time per step) / 17 s.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "models/grid/presets.hpp"
#include "models/grid/site_grid.hpp"
#include "sim/engine/engine.hpp"
#include "sim/output/recorder.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "sim/scenario/datetime.hpp"

using namespace dcsim;
using namespace dcsim::grid;

namespace {

constexpr double kStep = 10;

GridContext context() {
  GridContext c;
  c.site = "dc1";
  c.start_epoch_s = scenario::parse_datetime("2025-01-01T00:00:00Z");
  c.seed = 42;
  return c;
}

std::unique_ptr<SiteGrid> make_grid(bool solar_and_gensets, double years) {
  const GridContext ctx = context();
  const RegionPreset& p = find_preset("rfcw");
  Rng rng(ctx.seed, "bench/grid/supply");
  auto supply = GridSupply::from_mix(synthesize_mix(p.shares, p.shape, 2025, rng), emission_factors(FactorBasis::direct),
                                     default_merit_order(), 0.02, "rfcw", ctx.start_epoch_s);
  std::vector<double> tou(8760, 45 / kJPerMWh);
  for (size_t h = 0; h < tou.size(); ++h) {
    const size_t local = (h + 24 - 5) % 24;
    if (local >= 16 && local < 21) tou[h] = 160 / kJPerMWh;
  }
  HourlySeries price(ctx.start_epoch_s, tou);
  price.bind(ctx.start_epoch_s);
  SiteGridSpec s;
  s.interconnect_w = 30e6;
  for (double w = 0; w < 52 * years; ++w) {
    const double start = w * 7 * 86400 + 3 * 86400 + 17 * 3600;
    s.events.push_back({"dr" + std::to_string(static_cast<int>(w)), "demand_response", start, start + 4 * 3600, 15e6});
  }
  s.battery.capacity_j = 20e6 * 3600;
  s.battery.charge_power_w = s.battery.discharge_power_w = 10e6;
  s.policy = BatteryPolicy::peak_shaving;
  s.peak_threshold_w = 25e6;
  s.demand_charge_usd_per_w = 0.012;
  s.responses = {Response::battery, Response::cap, Response::shed};
  if (solar_and_gensets) {
    s.pv.dc_capacity_w = 10e6;
    Rng sun(ctx.seed, "bench/grid/solar");
    s.irradiance = synthetic_irradiance(40, -83, 2025, 0.7, 0.2, sun);
    s.irradiance.bind(ctx.start_epoch_s);
    s.gensets.capacity_w = 8e6;
    s.responses = {Response::battery, Response::gensets, Response::cap, Response::shed};
  }
  return std::make_unique<SiteGrid>(std::move(supply), std::make_unique<GridPrice>(price, "tou"), s, ctx);
}

struct Result {
  double seconds;
  double emissions_t;
  double cost_usd;
};

Result run(SiteGrid& g, long steps) {
  GridActions a;
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < steps; ++i) {
    const double t = static_cast<double>(i) * kStep;
    const double demand = 23e6 + 5e6 * std::sin(2 * M_PI * (t / 86400.0 - 0.3));
    const double drawn = std::max(0.0, demand - a.cap_reduction_w - a.shed_w);
    SiteLoad l;
    l.t0_s = t;
    l.t1_s = t + kStep;
    l.facility_energy_j = drawn * kStep;
    l.uncapped_power_w = demand;
    l.cap_floor_power_w = 0.7 * demand;
    a = g.step(l).actions;
  }
  const auto t1 = std::chrono::steady_clock::now();
  g.finish(static_cast<double>(steps) * kStep);
  return {std::chrono::duration<double>(t1 - t0).count(), g.totals().emissions_g / 1e6, g.totals().cost_usd};
}

}  // namespace

int main(int argc, char** argv) {
  const double years = argc > 1 ? std::atof(argv[1]) : 1.0;
  const long steps = std::lround(years * 365 * 86400 / kStep);
#ifdef NDEBUG
  const char* build = "optimized, NDEBUG";
#else
  const char* build = "assertions on";
#endif
  std::printf("bench_grid (dcsim %s, %s): %ld control steps of %g s (%.2f years); best of 3\n", DCSIM_VERSION, build,
              steps, kStep, years);
  Engine engine(platform::simgrid_config());  // for the recorder's clock; never run
  double worst_ns = 0;
  for (int c = 0; c < 3; ++c) {
    const char* name = c == 0 ? "grid+battery" : c == 1 ? "+solar+gensets" : "+recorder";
    double best = 1e300;
    Result r{};
    for (int rep = 0; rep < 3; ++rep) {
      auto g = make_grid(c >= 1, years);
      output::Recorder rec(engine, 60);
      if (c == 2) g->declare_series(rec, "/sites/dc1");
      r = run(*g, steps);
      best = std::min(best, r.seconds);
    }
    const double ns = best / static_cast<double>(steps) * 1e9;
    worst_ns = std::max(worst_ns, ns);
    std::printf("%-15s %7.3f s  %6.1f ns/step  %5.2f M steps/s   (emissions %.0f t, cost %.0f USD)\n", name, best, ns,
                static_cast<double>(steps) / best / 1e6, r.emissions_t, r.cost_usd);
  }
  const double serving_wall = 17.0, serving_steps = 1200 / kStep;
  const double overhead = serving_steps * worst_ns * 1e-9 / serving_wall;
  std::printf("serving benchmark (20 min simulated in ~%.0f s wall, %.0f control steps per site): grid adds %.2e of "
              "its wall time (%s the 3 %% budget)\n",
              serving_wall, serving_steps, overhead, overhead <= 0.03 ? "within" : "OVER");
  std::printf("a year at 10 s steps takes %.2f s of grid time per site\n", worst_ns * 1e-9 * 365 * 8640);
  return 0;
}
