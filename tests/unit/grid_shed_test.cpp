// The grid's `shed` response acting on the pools (models/grid/grid_component.cpp): when the
// interconnect limit leaves shedding as the only response, the site's pools keep only the
// replicas whose full-load power fits the limit, the rest drain and stop, the kept ones reject
// what they cannot serve, and each change is an /events row.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>

#include "models/register_models.hpp"
#include "sim/output/memory_sink.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/scenario_schema.hpp"

using namespace dcsim;

namespace {

// One site without a facility model (the grid sees the IT power: r = 1), one fifo pool of one
// DGX-H100-class server: 8 replicas of 1 GPU, a fixed 1 s service, 7 requests/s, a queue of 10.
std::string shed_yaml(const std::string& grid) {
  return "name: shed\nseed: 11\nstart: 2025-07-15T00:00:00Z\nhorizon: 10 min\nrecord: {step: 1 min}\n"
         "sites:\n  - name: dc1\n    facility: {step: 10 s}\n    grid: " + grid + "\n"
         "    pools:\n      - {name: p, servers: 1, queue_capacity: 10, capacity: {warm_start: true}, service: {model: fixed, time: 1 s}}\n"
         "workloads:\n  - {name: w, pool: dc1/p, arrivals: {model: poisson, rate: 7 /s}}\n";
}

struct ShedRun {
  std::map<std::string, double> summary;
  output::MemorySink sink;
};

void run(const std::string& text, ShedRun& out) {
  register_builtin_models();
  const auto sc = scenario::load_text(text, "shed.yaml", scenario::scenario_schema(), {}, scenario::check_scenario);
  const RunResult r = run_scenario(sc, &out.sink);
  for (const auto& e : r.summary) out.summary[e.name] = e.value;
}

}  // namespace

TEST_CASE("grid shed: a 5 kW interconnect keeps 4 of 8 replicas and the rest of the load is rejected") {
  // Hand derivation. The fifo pool's IT power is a + (1 + b) P_gpu (pool_it_power.hpp) with the
  // dgx-h100 non-GPU power (servers.yaml: 1.2 kW idle, 2.9 kW max) between the fifo GPU's 75 W
  // idle and 700 W busy: b = (2900 - 1200) / (8 (700 - 75)) = 0.34,
  // a = 1200 - 1700 * 75 / 625 = 996 W.
  // Unshed demand: ~7 of 8 GPUs busy, 996 + 1.34 (7 * 700 + 75) = 7,662 W > 5,000 W.
  // Shedding only: target T = 5,000 W; kept replicas n at full load draw 996 + 1.34 * 700 n:
  // n = 4 -> 4,748 W <= 5,000 < 5,686 W (n = 5). So 4 replicas stop at t = 10 s (the first plan).
  // With 4 replicas at 7 /s the kept ones stay busy (offered 7, served 4 /s): import = 4,748 W and
  // ~3 requests/s rejected at the queue cap over the ~590 s after the shed.
  const double a = 1200 - 1700.0 * 75 / 625, b = 1700.0 / (8 * 625);
  const double kept_w = a + (1 + b) * 4 * 700;
  REQUIRE(kept_w == Approx(4748).epsilon(1e-12));
  ShedRun free, shed;
  run(shed_yaml("{supply: {model: preset, region: camx}}"), free);
  run(shed_yaml("{supply: {model: preset, region: camx}, interconnect: 5 kW, responses: shed}"), shed);

  const auto imp_free = free.sink.column("/sites/dc1", "grid_import_w");
  REQUIRE(*std::max_element(imp_free.begin() + 1, imp_free.end()) > 7000);
  const auto imp = shed.sink.column("/sites/dc1", "grid_import_w");
  const auto active = shed.sink.column("/sites/dc1/pools/p", "replicas_active");
  // From the second minute on the shed holds: 4 replicas up, import at the kept replicas' full load.
  for (size_t k = 2; k < imp.size(); ++k) {
    CHECK(imp[k] <= 5000);
    CHECK(imp[k] == Approx(kept_w).epsilon(2e-3));
    CHECK(active[k] == Approx(4).margin(1e-9));
  }
  CHECK(shed.summary.at("dc1_grid_shed_replicas_max") == 4);
  CHECK(shed.summary.at("dc1_grid_shed_commands") == 1);
  // 4 replicas out from t = 10 s to the end (the plan made at 600 s counts its step): 60 steps x 10 s.
  CHECK(shed.summary.at("dc1_grid_shed_replica_s") == Approx(4 * 600.0).epsilon(1e-9));
  // Rejections: ~(7 - 4) /s over ~590 s = ~1,770, Poisson spread ~sqrt(4,130) = 64: within 10 %.
  const double rejected = shed.summary.at("requests_rejected");
  CHECK(free.summary.at("requests_rejected") < 50);
  CHECK(rejected == Approx(3 * 590.0).epsilon(0.1));
  int rows = 0;
  for (const auto& e : shed.sink.events()) {
    if (e.kind != "grid_shed_replicas") continue;
    ++rows;
    CHECK(e.subject == "/sites/dc1/pools/p");
    CHECK(e.value == 4);
    CHECK(e.time_s == Approx(10.0));
  }
  CHECK(rows == 1);
}

TEST_CASE("grid shed: replicas come back when a demand-response event ends") {
  // The same site with an unlimited interconnect and a demand-response event to 5 kW over
  // [2 min, 5 min): 4 replicas out from the first plan inside the event, back at its end.
  ShedRun r;
  run(shed_yaml("{supply: {model: preset, region: camx}, responses: shed, "
                "events: [{name: dr, kind: demand_response, start: 2 min, duration: 3 min, limit: 5 kW}]}"),
      r);
  std::vector<double> times, values;
  for (const auto& e : r.sink.events()) {
    if (e.kind != "grid_shed_replicas") continue;
    times.push_back(e.time_s);
    values.push_back(e.value);
  }
  REQUIRE(times.size() == 2);
  CHECK(values[0] == 4);
  CHECK(values[1] == 0);
  // The plan at t = 110 s sees the event in its next step [110, 120) ... (min over the step).
  CHECK(times[0] <= 120.0);
  CHECK(times[0] >= 110.0);
  CHECK(times[1] >= 300.0);
  CHECK(times[1] <= 310.0);
  CHECK(r.summary.at("dc1_grid_shed_commands") == 2);
  CHECK(r.summary.at("requests_rejected") > 0);
}
