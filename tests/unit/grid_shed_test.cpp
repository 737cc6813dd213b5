// The grid's `shed` response acting on the pools (models/grid/grid_component.cpp): when the
// interconnect limit leaves shedding as the only response, the site's pools keep only the
// replicas whose full-load power fits the limit, the rest drain and stop, the kept ones reject
// what they cannot serve, and each change is an /events row.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

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

TEST_CASE("grid shed: the autoscaler stays under the grid's replica ceiling until the event ends, then back") {
  // The pool's capacity controller has an autoscaler that wants all 8 replicas (min_replicas 8,
  // every 10 s, no cool-downs). A demand-response event to 5 kW over [2 min, 5 min) makes the
  // grid shed: as in the first case 4 replicas fit (4,748 W at full load), so the grid sets a
  // replica ceiling M = 4 on the controller at its first plan inside the event (110-120 s): the
  // controller takes 4 out of its capacity (they drain and stop) and its autoscaler, still
  // wanting 8, stays at 4 (no scale_out) until the plan after the event (300-310 s) lifts the
  // ceiling and the 4 come back (1 GB of weights at 100 GB/s: up within the next step).
  // Before the ceiling the grid removed replicas behind the controller's back: its capacity
  // still read 8 while 4 were stopped, and a scale-out would have brought the grid's back.
  ShedRun r;
  std::string text = shed_yaml("{supply: {model: preset, region: camx}, responses: shed, "
                               "events: [{name: dr, kind: demand_response, start: 2 min, duration: 3 min, limit: 5 kW}]}");
  const std::string cap = "weights: 1 GB, capacity: {warm_start: true, autoscaler: {model: queue_length, "
                          "target_per_replica: 1, interval: 10 s, min_replicas: 8, cooldown_out: 0 s, cooldown_in: 0 s}}";
  text.replace(text.find("capacity: {warm_start: true}"), std::string("capacity: {warm_start: true}").size(), cap);
  text.replace(text.find("facility: {step: 10 s}"), std::string("facility: {step: 10 s}").size(),
               "facility: {step: 10 s}\n    storage: {bandwidth: 100 GB/s}");
  run(text, r);
  const auto& t = r.sink.times();
  const auto active = r.sink.column("/sites/dc1/pools/p", "replicas_active");
  const auto capacity = r.sink.column("/sites/dc1/pools/p", "replicas_capacity");
  const auto imp = r.sink.column("/sites/dc1", "grid_import_w");
  REQUIRE(t.size() == 10);
  CHECK(capacity[0] == Approx(8));  // [0, 60 s)
  for (size_t k = 2; k <= 4; ++k) {  // [120, 300 s): the event, under the ceiling
    CHECK(capacity[k] == Approx(4));
    CHECK(active[k] == Approx(4));
    CHECK(imp[k] <= 5000);
  }
  for (size_t k = 6; k < t.size(); ++k) {  // from 360 s: back to what the autoscaler wants
    CHECK(capacity[k] == Approx(8));
    CHECK(active[k] == Approx(8));
  }
  int outs = 0, ins = 0;
  std::vector<double> values;
  for (const auto& e : r.sink.events()) {
    outs += e.kind == "scale_out";
    ins += e.kind == "scale_in";
    if (e.kind == "grid_shed_replicas") values.push_back(e.value);
  }
  CHECK(outs == 0);  // the autoscaler never fought the ceiling
  CHECK(ins == 0);   // and the ceiling is the grid's row, not a scale-in
  REQUIRE(values.size() == 2);
  CHECK(values[0] == 4);
  CHECK(values[1] == 0);
  CHECK(r.summary.at("dc1_grid_shed_commands") == 2);
}

TEST_CASE("grid shed: a service of two sites reroutes away from the shedding one while the other has room") {
  // Two sites with one 8-replica fifo pool each (fixed 1 s service, queues of 10); a service over
  // both routes `nearest` for a workload at dc1 (5 /s: 996 + 1.34 (5 x 700 + 3 x 75) = 5,988 W at
  // dc1 before the event). dc1's grid has a demand-response event to 5 kW over [2 min, 5 min)
  // and sheds 4 replicas (as above) from its first plan inside it
  // (110-120 s) to the plan after it (300-310 s). Meanwhile the front end sends the requests
  // nearest routes to dc1 to dc2 (8 idle replicas: room), 20 ms farther (10 ms + 10 ms of WAN):
  // at 5 /s on 8 replicas (62.5 % busy) dc2's queue stays under its 8 active replicas, so every
  // request goes there and nothing is rejected, where dc1 alone would reject ~1 /s. Two rows:
  // when dc1 is first avoided, and when nearest picks it again (value: the requests rerouted).
  const std::string text =
      "name: reroute\nseed: 11\nstart: 2025-07-15T00:00:00Z\nhorizon: 10 min\nrecord: {step: 1 min}\n"
      "sites:\n"
      "  - name: dc1\n    wan: {latency: 10 ms}\n    facility: {step: 10 s}\n"
      "    grid: {supply: {model: preset, region: camx}, responses: shed, events: [{name: dr, kind: demand_response, "
      "start: 2 min, duration: 3 min, limit: 5 kW}]}\n"
      "    pools:\n      - {name: p, servers: 1, queue_capacity: 10, capacity: {warm_start: true}, service: {model: fixed, time: 1 s}}\n"
      "  - name: dc2\n    wan: {latency: 10 ms}\n"
      "    pools:\n      - {name: p, servers: 1, queue_capacity: 10, capacity: {warm_start: true}, service: {model: fixed, time: 1 s}}\n"
      "services:\n  - {name: s, pools: [{pool: dc1/p}, {pool: dc2/p}], routing: {model: nearest}}\n"
      "workloads:\n  - {name: w, service: s, origin: dc1, arrivals: {model: poisson, rate: 5 /s}}\n";
  ShedRun r;
  run(text, r);
  const auto& t = r.sink.times();
  const auto at2 = r.sink.column("/sites/dc2/pools/p", "arrivals");
  const auto at1 = r.sink.column("/sites/dc1/pools/p", "arrivals");
  double moved = 0;
  for (size_t k = 0; k < t.size(); ++k) {
    if (t[k] <= 120) CHECK(at2[k] == 0);           // before the shed: all at the nearest site
    if (t[k] > 120 && t[k] <= 300) CHECK(at1[k] == 0);  // during it: none there
    if (t[k] > 360) CHECK(at2[k] == 0);            // after the lift: back
    moved += at2[k];
  }
  CHECK(moved == Approx(5 * 190.0).epsilon(0.15));  // ~5 /s over the ~190 s the shed lasts
  CHECK(r.summary.at("requests_rejected") == 0);
  std::vector<double> values;
  std::vector<std::string> details;
  for (const auto& e : r.sink.events()) {
    if (e.kind != "reroute") continue;
    CHECK(e.subject == "/services/s");
    values.push_back(e.value);
    details.push_back(e.detail);
  }
  REQUIRE(values.size() == 2);
  CHECK(std::isnan(values[0]));
  CHECK(values[1] == moved);
  CHECK_THAT(details[1], Catch::Contains("mean added one-way WAN latency of 20 ms"));
}
