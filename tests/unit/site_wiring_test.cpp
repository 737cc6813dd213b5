// The facility and the grid on the sites' control step through the World (models/facility/
// facility_component.cpp, models/grid/grid_component.cpp, models/site/site_caps.hpp): the
// pools' IT energy in, the energy balance over the run, throttling felt as latency, the grid's
// cap holding an interconnect limit, and the signals readable by name.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "models/register_models.hpp"
#include "models/serving/pool.hpp"
#include "sim/output/memory_sink.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "sim/world/world.hpp"

using namespace dcsim;

namespace {

// One site, one fifo pool of 2 servers at a fixed 1 s service time, light load (no queueing:
// latency = service time / speed factor once the weights are loaded; warm: up at t = 0, so no
// request waits for the load).
std::string yaml_of(const std::string& facility, const std::string& grid = "", double rate = 2, bool warm = false) {
  return "name: w\nseed: 3\nstart: 2025-07-15T00:00:00Z\nhorizon: 2 h\nrecord: {step: 10 min}\n"
         "sites:\n  - name: dc1\n    facility: " + facility + "\n" + (grid.empty() ? "" : "    grid: " + grid + "\n") +
         "    pools:\n      - {name: p, servers: 2, " + std::string(warm ? "capacity: {warm_start: true}, " : "") +
         "service: {model: fixed, time: 1 s}}\n"
         "workloads:\n  - {name: w, pool: dc1/p, arrivals: {model: poisson, rate: " + std::to_string(rate) + " /s}}\n";
}

struct Run {
  std::map<std::string, double> summary;
  output::MemorySink sink;
};

void run(const std::string& text, Run& out) {
  register_builtin_models();
  const auto sc = scenario::load_text(text, "w.yaml", scenario::scenario_schema(), {}, scenario::check_scenario);
  const RunResult r = run_scenario(sc, &out.sink);
  for (const auto& e : r.summary) out.summary[e.name] = e.value;
}

}  // namespace

TEST_CASE("site wiring: without mode the facility is absent and the site series stop at IT") {
  Run r;
  run(yaml_of("{step: 60 s}"), r);
  CHECK(r.summary.count("dc1_energy_facility_j") == 0);
  CHECK_THROWS_AS(r.sink.column("/sites/dc1", "power_facility_w"), std::out_of_range);
}

TEST_CASE("site wiring: the facility closes its energy balance on the pools' IT energy") {
  Run r;
  run(yaml_of("{mode: physical, step: 60 s, weather: {model: preset, climate: helsinki}}"), r);
  const double it = r.summary.at("energy_it_j");
  const double fac = r.summary.at("dc1_energy_facility_j");
  const double parts = it + r.summary.at("dc1_energy_losses_j") + r.summary.at("dc1_energy_cooling_j") +
                       r.summary.at("dc1_energy_other_j");
  // 2 h is 120 steps of 60 s: the facility saw exactly the World's IT energy.
  CHECK(fac == Approx(parts).epsilon(1e-9));
  CHECK(r.summary.at("dc1_pue") == Approx(fac / it).epsilon(1e-9));
  CHECK(r.summary.at("dc1_pue") > 1.0);
  CHECK(r.summary.at("dc1_pue") < 2.0);
  // The fleet sums the site's facility series.
  const auto site = r.sink.column("/sites/dc1", "energy_facility_j");
  const auto fleet = r.sink.column("/fleet", "energy_facility_j");
  for (size_t k = 0; k < site.size(); ++k) CHECK(fleet[k] == Approx(site[k]).epsilon(1e-12));
}

TEST_CASE("site wiring: a cooling shortfall throttles the pool and its latency grows by the speed factor") {
  // No chillers, a dry cooler and an outdoor temperature far above the inlet setpoint: the
  // economizer cannot cool, the air loop warms at the thermal mass's rate and the GPUs throttle.
  const std::string hot =
      "{mode: physical, step: 10 s, weather: {model: synthetic, mean: 45 degC, annual_amplitude: 0 degC, "
      "diurnal_amplitude: 0 degC, relative_humidity: 0.3}, cooling: {chillers: none, heat_rejection: dry_cooler}, "
      "thermal: {air_volume: 20000 L, equipment_mass: 100000 g}}";
  Run cool, warm;
  run(yaml_of("{step: 10 s}", "", 2, true), cool);
  run(yaml_of(hot, "", 2, true), warm);
  const auto s = warm.sink.column("/sites/dc1", "throttle_factor");
  const double s_min = *std::min_element(s.begin() + 1, s.end());
  REQUIRE(s_min < 0.9);
  CHECK(warm.summary.at("dc1_throttled_s") > 0);
  CHECK(warm.summary.at("dc1_inlet_max_c") > 30.0);
  CHECK(cool.summary.at("latency_mean_s") == Approx(1.0).epsilon(1e-6));
  // Fixed 1 s service at light load: latency = 1 s / s(t), averaged over the requests.
  CHECK(warm.summary.at("latency_mean_s") > 1.0 / 0.99);
  CHECK(warm.summary.at("latency_mean_s") < 1.0 / s_min + 1e-6);
  bool throttle_event = false;
  for (const auto& e : warm.sink.events()) throttle_event |= e.kind == "thermal_throttle";
  CHECK(throttle_event);
  // The energy balance in this deep shortfall, by hand. Other power: other_fraction 1 % of the
  // design IT power, Σ server peaks = 2 x (8 x 700 + 2,900) W = 17,000 W -> 170 W over 7,200 s.
  CHECK(warm.summary.at("dc1_energy_other_j") == Approx(170.0 * 7200).epsilon(1e-12));
  const double it = warm.summary.at("energy_it_j"), losses = warm.summary.at("dc1_energy_losses_j");
  const double cooling = warm.summary.at("dc1_energy_cooling_j");
  CHECK(warm.summary.at("dc1_energy_facility_j") == Approx(it + losses + cooling + 170.0 * 7200).epsilon(1e-9));
  // Once the warmed loop lets the economizer carry heat, the fans move at most their design flow:
  // the plant removes at most the design heat (17,000 W + indoor losses + other), so cooling stays
  // a fraction of IT. (Before the fix the loop's capacity was unbounded at a full economizer: the
  // whole stored heat C·δ came out in one 10 s step, the cube law charged the fans ~880 MW for it
  // and the transformer loss of that load broke the balance by rounding.)
  CHECK(cooling < it);
  const auto p_cool = warm.sink.column("/sites/dc1", "power_cooling_w");
  for (size_t k = 1; k < p_cool.size(); ++k) CHECK(p_cool[k] < 17000.0);
  CHECK(warm.summary.at("dc1_pue") < 1.5);
}

TEST_CASE("site wiring: the grid caps GPU power to hold the interconnect and publishes its signals") {
  // 2 fifo servers (16 GPUs at 75 W idle, 700 W busy; 1 s per request at 1.8 requests/s: 1.8 GPUs
  // busy on average, warm start so every step is at that load) with capping as the only response.
  // By hand (dgx-h100: non-GPU 1.2 kW at idle GPUs to 2.9 kW at 8 x 700 W, so per server
  // 1,200 + 0.34 (P_gpu − 600) W; two servers: IT = 1,992 + 1.34 P_gpu):
  //   free:    P_gpu = 16 x 75 + 1.8 x 625 = 2,325 W,  IT = 5,107.5 W (no facility: import = IT)
  //   capped:  the grid aims at (1 − 0.02) x 4,600 = 4,508 W: P_gpu = (4,508 − 1,992)/1.34 = 1,877.6 W,
  //            so 1,200 + 1.8 (700/C)^(1/3) (C − 75) = 1,877.6 → C ≈ 383 W (f ≈ 0.55).
  // Only the 1.8 busy GPUs give power back; before the cap was counted per busy GPU the grid
  // spread the excess over all 16 (min(P_gpu, 16 f 700) never binds above f = 0.3) and import
  // stayed at ~5.1 kW.
  const std::string grid = "{supply: {model: preset, region: camx}, interconnect: 4.6 kW, responses: cap}";
  Run free, capped;
  run(yaml_of("{step: 10 s}", "{supply: {model: preset, region: camx}}", 1.8, true), free);
  run(yaml_of("{step: 10 s}", grid, 1.8, true), capped);
  const auto imp_free = free.sink.column("/sites/dc1", "grid_import_w");
  const auto imp = capped.sink.column("/sites/dc1", "grid_import_w");
  const auto mean_after_first = [](const std::vector<double>& v) {
    double sum = 0;
    for (size_t k = 1; k < v.size(); ++k) sum += v[k];
    return sum / double(v.size() - 1);
  };
  // Tolerance 1.5 %: Poisson arrivals, 11 samples of 10 min (60 control steps each); the
  // per-10-min spread of the busy count is ~0.6 % of import.
  CHECK(mean_after_first(imp_free) == Approx(5107.5).epsilon(0.015));
  CHECK(mean_after_first(imp) == Approx(4508.0).epsilon(0.015));
  // Every 10-min mean below the limit (the first sample holds the first, uncapped, 10 s step).
  for (size_t k = 1; k < imp.size(); ++k) CHECK(imp[k] <= 4600);
  CHECK(capped.summary.at("dc1_emissions_g") > 0);
  // Emissions = Σ energy x intensity (the grid's own check holds every step; here the run's).
  CHECK(free.summary.at("dc1_emissions_g") > capped.summary.at("dc1_emissions_g"));
}

TEST_CASE("site wiring: signals by name at decision time") {
  register_builtin_models();
  const auto sc = scenario::load_text(yaml_of("{mode: physical, step: 60 s}", "{supply: {model: preset, region: camx}}"),
                                      "w.yaml", scenario::scenario_schema(), {}, scenario::check_scenario);
  Engine engine(platform::simgrid_config());
  output::Recorder recorder(engine, 600);
  World world(sc.root, ".", engine, recorder);
  const site::Site& s = *world.sites()[0];
  const double c = s.signal("carbon_intensity_g_per_kwh", 3600);
  CHECK(c > 50);
  CHECK(c < 600);
  CHECK(s.signal("carbon_forecast_g_per_kwh", 0) > 0);
  CHECK(std::isfinite(s.signal("marginal_intensity_g_per_kwh", 0)));
  CHECK(s.has_signal("power_headroom_w"));
  CHECK_THROWS_WITH(s.signal("carbon", 0), Catch::Contains("no signal 'carbon'") && Catch::Contains("carbon_intensity_g_per_kwh"));
}
