// A pool's capacity over time (models/scheduling/capacity.hpp): the autoscaler's reaction and
// cool-down on a step in load, min/max, scale-in drains, cold starts that share the model store,
// the reservoir's delay, failure counts against their rate, repairs, request conservation with
// retries and drops, record.warmup and warm starts. Whole runs through run_scenario; expected
// values derived by hand in each case.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "models/register_models.hpp"
#include "sim/output/memory_sink.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "tests/unit/test_support.hpp"

using namespace dcsim;

namespace {

scenario::LoadedScenario load(const std::string& text, const std::vector<std::string>& overrides = {}) {
  register_builtin_models();
  return scenario::load_text(text, "capacity_test.yaml", scenario::scenario_schema(), overrides, scenario::check_scenario);
}

double summary(const RunResult& r, const std::string& name) { return test::summary_value(r, name); }

std::vector<double> times_of(const output::MemorySink& sink, const std::string& kind) {
  std::vector<double> out;
  for (const auto& e : sink.events())
    if (e.kind == kind) out.push_back(e.time_s);
  return out;
}

// One fifo pool `p` of `servers` one-GPU servers (one replica each, fixed `service` s), storage
// 10 GB/s with 50 us latency, server links 50 GB/s with 5 us; `capacity` is the pool's capacity
// block (flow YAML), `workloads` the workloads list.
std::string fifo(const std::string& horizon, int servers, const std::string& service, const std::string& capacity,
                 const std::string& workloads, const std::string& extra_pool = "", const std::string& record = "60 s") {
  return R"(
name: cap
seed: 7
horizon: )" + horizon + R"(
record: {step: )" + record + R"(}
sites:
  - name: dc1
    storage: {bandwidth: 10 GB/s, latency: 50 us}
    network: {server_link: 50 GB/s, latency: 5 us}
    pools:
      - name: p
        servers: )" + std::to_string(servers) + R"(
        gpus_per_server: 1
        weights: 1 GB
        service: {model: fixed, time: )" + service + R"(}
        capacity: )" + capacity + extra_pool + R"(
workloads:
)" + workloads;
}

}  // namespace

TEST_CASE("capacity: the autoscaler reacts at the first evaluation after a step in load and waits out its cool-down") {
  // Before t = 100 s: 0.5 /s on one replica of 1 s service: at most one request in the pool, so
  // D = ceil(1 / 20) = 1 = C: nothing happens. From 100 s the rate is 7 /s (0.5 + 6.5). At the
  // evaluation of 110 s ~71 have arrived and 10 been served: ~61 in the pool, D = ceil(61 / 20)
  // = 4: scale out 3 at exactly 110 s. Then 4 replicas serve 4 /s < 7 /s, the queue grows by
  // 3 /s, D > C from 120 s, but the next scale-out waits for the cool-down: 110 + 60 = 170 s,
  // when D ~ ceil(241 / 20) = 13 is clamped to max_replicas 8. Nothing more: the pool is at its max.
  const std::string cap =
      "{initial_replicas: 1, warm_start: true, autoscaler: {model: queue_length, target_per_replica: 20, interval: 10 s, "
      "min_replicas: 1, max_replicas: 8, cooldown_out: 60 s, cooldown_in: 100000 s}}";
  const std::string wl = R"(  - {name: base, pool: dc1/p, arrivals: {model: deterministic, rate: 0.5 /s}}
  - {name: step, pool: dc1/p, arrivals: {model: deterministic, rate: 6.5 /s, phase: 100 s}}
)";
  output::MemorySink sink;
  const auto r = run_scenario(load(fifo("400 s", 10, "1 s", cap, wl, "", "10 s")), &sink);
  REQUIRE(r.complete);
  const auto outs = times_of(sink, "scale_out");
  REQUIRE(outs.size() == 2);
  CHECK(outs[0] == Approx(110.0).margin(1e-9));
  CHECK(outs[1] == Approx(170.0).margin(1e-9));
  CHECK(times_of(sink, "scale_in").empty());
  // min and max: the capacity stays within [1, 8]; it is 8 from 170 s on.
  const auto capacity = sink.column("/sites/dc1/pools/p", "replicas_capacity");
  for (double c : capacity) {
    CHECK(c >= 1.0 - 1e-9);
    CHECK(c <= 8.0 + 1e-9);
  }
  CHECK(capacity.back() == Approx(8.0));
  CHECK(summary(r, "replicas_scaled_out") == 7);
}

TEST_CASE("capacity: scale-in drains running work and keeps min_replicas") {
  // 4 replicas, 30 s services, one request every 10 s: about 3 in service. At each evaluation
  // (every 10 s, no cool-down) D = ceil(in pool / 1) < 4, down to min_replicas 2: replicas are
  // taken out while they serve. None of their requests is lost: every request completes, none is
  // dropped or rejected, and the capacity never goes under 2.
  const std::string cap =
      "{warm_start: true, autoscaler: {model: queue_length, target_per_replica: 1, interval: 10 s, min_replicas: 2, "
      "cooldown_out: 0 s, cooldown_in: 0 s, tolerance: 0}}";
  const std::string wl = "  - {name: w, pool: dc1/p, arrivals: {model: deterministic, rate: 0.1 /s, phase: 1 s}}\n";
  output::MemorySink sink;
  const auto r = run_scenario(load(fifo("1000 s", 4, "30 s", cap, wl, "", "10 s")), &sink);
  REQUIRE(r.complete);
  CHECK(!times_of(sink, "scale_in").empty());
  CHECK(r.counts.dropped == 0);
  CHECK(r.counts.rejected == 0);
  CHECK(r.counts.arrived == r.counts.completed + r.counts.in_flight);
  CHECK(r.counts.completed >= 95);  // arrivals at 1, 11, ..., 991 s: 100, the last 3 still in service
  for (double c : sink.column("/sites/dc1/pools/p", "replicas_capacity")) CHECK(c >= 2.0 - 1e-9);
}

namespace {

// At 100 s the schedule asks for n more replicas (n servers); after the 30 s provisioning delay
// the n servers load 1 GB each from the 10 GB/s store at once: each flow gets B / n, so every
// load takes n x 1 GB / 10 GB/s = n x 0.1 s, plus the path latency 50 + 5 us.
void check_cold_start(int n) {
  const std::string cap = "{initial_replicas: 1, warm_start: true, provisioning_delay: 30 s, schedule: [{after: 100 s, "
                          "replicas: " + std::to_string(n + 1) + "}]}";
  const std::string wl = "  - {name: w, pool: dc1/p, arrivals: {model: poisson, rate: 0.01 /s}}\n";
  output::MemorySink sink;
  const auto r = run_scenario(load(fifo("300 s", 20, "1 s", cap, wl)), &sink);
  REQUIRE(r.complete);
  int ready = 0;
  for (const auto& e : sink.events()) {
    if (e.kind != "replica_ready" || e.time_s < 1.0) continue;  // the warm replica is up at t = 0
    ++ready;
    CHECK(e.value == Approx(0.1 * n + 55e-6).epsilon(1e-9));
    CHECK(e.time_s == Approx(130.0 + 0.1 * n + 55e-6).epsilon(1e-9));
  }
  CHECK(ready == n);
}

}  // namespace

// One engine per process (ctest runs each case alone): one scale-out size per case.
TEST_CASE("capacity: a cold start of 1 replica takes 0.1 s from the model store") { check_cold_start(1); }
TEST_CASE("capacity: a cold start of 4 replicas at once takes 4 times as long") { check_cold_start(4); }
TEST_CASE("capacity: a cold start of 16 replicas at once takes 16 times as long") { check_cold_start(16); }

// A scale-out mid-run where the store (2 TB/s) is far faster than the server links (10 GB/s): the
// two new servers load 10 GB each at their links' rate, 1 s plus the path latency 55 us after the
// 30 s provisioning delay, and the run completes. (With SimGrid paying the latency itself, one load
// ran at the store's rate, ~5 ms, and the engine's lookahead stopped the run: "a platform activity
// completed at t=..., after an event at t=... had run".)
TEST_CASE("capacity: a mid-run scale-out through links slower than the store loads at the links' rate") {
  const std::string cap = "{initial_replicas: 1, warm_start: true, provisioning_delay: 30 s, schedule: [{after: 100 s, "
                          "replicas: 3}]}";
  const std::string wl = "  - {name: w, pool: dc1/p, arrivals: {model: poisson, rate: 50 /s}}\n";
  output::MemorySink sink;
  const auto r = run_scenario(load(fifo("300 s", 4, "10 ms", cap, wl),
                                   {"sites[0].storage.bandwidth=2 TB/s", "sites[0].network.server_link=10 GB/s",
                                    "sites[0].pools[0].weights=10 GB"}),
                              &sink);
  REQUIRE(r.complete);
  int ready = 0;
  for (const auto& e : sink.events()) {
    if (e.kind != "replica_ready" || e.time_s < 1.0) continue;
    ++ready;
    CHECK(e.value == Approx(1.0 + 55e-6).epsilon(1e-9));
    CHECK(e.time_s == Approx(131.0 + 55e-6).epsilon(1e-9));
  }
  CHECK(ready == 2);
}

TEST_CASE("capacity: a reservoir's GPUs arrive after their delay") {
  // 6 servers, the last 2 borrowed: 4 replicas serve from the start; the operator asks at 600 s,
  // they arrive at 600 + 3600 = 4200 s and then load (2 x 1 GB at 10 GB/s: 0.2 s).
  const std::string cap = "{reservoir: {servers: 2, delay: 1 h, after: 10 min}}";
  const std::string wl = "  - {name: w, pool: dc1/p, arrivals: {model: poisson, rate: 0.5 /s}}\n";
  output::MemorySink sink;
  const auto r = run_scenario(load(fifo("2 h", 6, "1 s", cap, wl)), &sink);
  REQUIRE(r.complete);
  CHECK(times_of(sink, "reservoir_requested") == std::vector<double>{600.0});
  CHECK(times_of(sink, "reservoir_arrived") == std::vector<double>{4200.0});
  std::vector<double> late;
  for (const auto& e : sink.events())
    if (e.kind == "replica_ready" && e.time_s > 1.0) late.push_back(e.time_s);
  REQUIRE(late.size() == 2);
  for (double t : late) CHECK(t == Approx(4200.2 + 55e-6).epsilon(1e-9));
  // replicas_active: 4 before the arrival, 6 after (60 s samples: 4200 s is the end of a step).
  const auto active = sink.column("/sites/dc1/pools/p", "replicas_active");
  const auto& times = sink.times();
  for (size_t k = 0; k < times.size(); ++k) {
    if (times[k] <= 4200) CHECK(active[k] == Approx(4.0));
    if (times[k] > 4261) CHECK(active[k] == Approx(6.0));
  }
  CHECK(sink.column("/sites/dc1/pools/p", "replicas_capacity").back() == Approx(6.0));
}

namespace {

// `servers` servers of 8 GPUs (one 8-GPU replica each), failures at `model`'s rates over 2000 h.
std::string fleet(const std::string& failures, int servers = 100) {
  return R"(
name: fail
seed: 11
horizon: 2000 h
record: {step: 10 h}
sites:
  - name: dc1
    pools:
      - name: p
        servers: )" + std::to_string(servers) + R"(
        gpus_per_server: 8
        gpus_per_replica: 8
        weights: 1 GB
        service: {model: fixed, time: 1 s}
        capacity: {warm_start: true, failures: )" + failures + R"(}
workloads:
  - {name: w, pool: dc1/p, arrivals: {model: poisson, rate: 0.001 /s}}
)";
}

// Failures expected over the run: each server fails at g gpu_rate + server_rate per hour up and
// is down a fixed 1 h after each failure: a renewal cycle of 1 / lambda + 1 h, so over T hours
// about T / (1 / lambda + 1) failures per server.
double expected_failures(double per_server_per_h, int servers = 100) {
  return servers * 2000.0 / (1.0 / per_server_per_h + 1.0);
}

}  // namespace

TEST_CASE("capacity: exponential failure counts match their rate over a long run") {
  // lambda = 8 x 1e-3 + 1e-3 = 9e-3 /h: 100 x 2000 / (111.1 + 1) = 1784 failures, sd ~ 42
  // (Poisson); GPUs' share 8/9. Tolerance: 4 sd.
  output::MemorySink sink;
  const auto r = run_scenario(load(fleet("{model: exponential, gpu_rate: 1e-3 /h, server_rate: 1e-3 /h, "
                                         "repair_time: 1 h, repair_distribution: fixed}")), &sink);
  REQUIRE(r.complete);
  const double gpu = summary(r, "failures_gpu"), host = summary(r, "failures_server");
  const double want = expected_failures(9e-3);
  CHECK(std::abs(gpu + host - want) < 4 * std::sqrt(want));
  CHECK(std::abs(gpu / (gpu + host) - 8.0 / 9.0) < 0.03);
  CHECK(double(times_of(sink, "gpu_failure").size()) == gpu);
  CHECK(double(times_of(sink, "server_failure").size()) == host);
  // Every failure is repaired 1 h later (those of the last hour still down at the end).
  const double repairs = summary(r, "repairs");
  CHECK(repairs <= gpu + host);
  CHECK(repairs >= gpu + host - 10);
}

TEST_CASE("capacity: Weibull failures keep their long-run rate whatever the shape") {
  // Each part is a renewal process in its server's up time with mean life mu = 1 / rate = 100 h.
  // Over an up time U a new part fails U / mu + (cv^2 - 1) / 2 times on average (renewal theory:
  // the second term is the transient of parts that start new; cv^2 = Gamma(1 + 2/k) /
  // Gamma(1 + 1/k)^2 - 1 = 2.19 for k = 0.7). Up share A = 1 / (1 + 9 x 0.01 /h x 1 h) = 0.917.
  // 50 servers: 450 parts x (2000 h x A / 100 h + 0.60) = 8,530; tolerance 5 % (the up share is
  // the exponential one; sd of the count ~ sqrt(8,530 x 2.2) = 137, 1.6 %).
  output::MemorySink sink;
  const auto r = run_scenario(load(fleet("{model: weibull, shape: 0.7, gpu_rate: 1e-2 /h, server_rate: 1e-2 /h, "
                                         "repair_time: 1 h, repair_distribution: fixed}", 50)), &sink);
  REQUIRE(r.complete);
  const double n = summary(r, "failures_gpu") + summary(r, "failures_server");
  const double k = 0.7;
  const double cv2 = std::tgamma(1 + 2 / k) / std::pow(std::tgamma(1 + 1 / k), 2) - 1;
  const double up = 1.0 / (1.0 + 9 * 0.01);
  const double want = 450 * (2000 * up / 100 + (cv2 - 1) / 2);
  CHECK(n == Approx(want).epsilon(0.05));
  // The same rates with exponential lives (cv^2 = 1: no transient): 450 x 18.35 = 8,260 (sd 91).
  output::MemorySink sink2;
  const auto e = run_scenario(load(fleet("{model: exponential, gpu_rate: 1e-2 /h, server_rate: 1e-2 /h, "
                                         "repair_time: 1 h, repair_distribution: fixed}", 50)), &sink2);
  const double ne = summary(e, "failures_gpu") + summary(e, "failures_server");
  CHECK(ne == Approx(expected_failures(9e-2, 50)).epsilon(0.04));
  CHECK(n > ne);  // early failures of new parts
}

TEST_CASE("capacity: failures are seeded and deterministic") {
  const std::string f = "{model: exponential, gpu_rate: 1e-3 /h}";
  output::MemorySink a, b;
  run_scenario(load(fleet(f)), &a);
  run_scenario(load(fleet(f)), &b);
  REQUIRE(times_of(a, "gpu_failure").size() > 100);
  CHECK(times_of(a, "gpu_failure") == times_of(b, "gpu_failure"));
  output::MemorySink c;
  run_scenario(load(fleet(f), {"seed=12"}), &c);
  CHECK(times_of(a, "gpu_failure") != times_of(c, "gpu_failure"));
}

TEST_CASE("capacity: a repair restores the server's replicas") {
  // 2 servers; each failure takes its replica out, the fixed 10 min repair brings it back: the
  // replica is ready again 1 GB / 10 GB/s + 55 us after the repair, and at the end every server
  // that is not down serves.
  const std::string cap = "{warm_start: true, failures: {model: exponential, gpu_rate: 0.5 /h, server_rate: 0 /h, "
                          "repair_time: 10 min, repair_distribution: fixed}}";
  const std::string wl = "  - {name: w, pool: dc1/p, arrivals: {model: poisson, rate: 0.2 /s}}\n";
  output::MemorySink sink;
  const auto r = run_scenario(load(fifo("20 h", 2, "1 s", cap, wl)), &sink);
  REQUIRE(r.complete);
  std::vector<std::pair<double, std::string>> repairs, ready;
  for (const auto& e : sink.events()) {
    if (e.kind == "server_repair") {
      repairs.emplace_back(e.time_s, e.subject.substr(e.subject.rfind('/') + 1));
      CHECK(e.value == Approx(600.0));
    }
    if (e.kind == "replica_ready" && e.time_s > 1) ready.emplace_back(e.time_s, e.subject.substr(e.subject.rfind('/') + 1));
  }
  REQUIRE(repairs.size() >= 5);
  REQUIRE(ready.size() == repairs.size());
  for (size_t k = 0; k < repairs.size(); ++k) {
    CHECK(ready[k].first == Approx(repairs[k].first + 0.1 + 55e-6).epsilon(1e-9));
    CHECK(ready[k].second == repairs[k].second);  // one replica per server: replica n is on server n
  }
  const auto active = sink.column("/sites/dc1/pools/p", "replicas_active");
  const auto failed = sink.column("/sites/dc1/pools/p", "servers_failed");
  CHECK(*std::min_element(active.begin(), active.end()) < 2);
  CHECK(*std::max_element(failed.begin(), failed.end()) > 0);
}

TEST_CASE("capacity: requests are conserved with failures, retries and drops") {
  // A busy pool that fails often (gpu_rate 0.5 /h on 10 servers), a small queue (rejections)
  // and users who retry: the run's invariant (arrived = completed + rejected + dropped + in
  // flight, counted apart) holds; orphans are retried (on_failure: retry) or dropped (drop).
  const std::string wl =
      "  - {name: w, pool: dc1/p, arrivals: {model: poisson, rate: 8 /s}, retry: {probability: 0.5, backoff: 5 s}}\n";
  for (const std::string policy : {"retry", "drop"}) {
    const std::string cap = "{warm_start: true, failures: {model: exponential, gpu_rate: 0.5 /h, repair_time: 5 min, "
                            "on_failure: " + policy + "}}";
    output::MemorySink sink;
    const auto r = run_scenario(load(fifo("4 h", 10, "1 s", cap, wl, "\n        queue_capacity: 20")), &sink);
    REQUIRE(r.complete);
    const auto& c = r.counts;
    CHECK(c.arrived == c.completed + c.rejected + c.dropped + c.in_flight);
    CHECK(c.rejected > 0);
    if (policy == "retry") {
      CHECK(summary(r, "requests_orphans_retried") > 0);
      CHECK(summary(r, "requests_orphans_lost") == 0);
      CHECK(c.dropped == 0);
    } else {
      CHECK(summary(r, "requests_orphans_lost") > 0);
      CHECK(double(c.dropped) == summary(r, "requests_orphans_lost"));
    }
  }
}

TEST_CASE("capacity: an llm pool's orphans are retried on its other replicas") {
  output::MemorySink sink;
  const std::string text = test::one_h100_llm_scenario("2 h", "60 s", "", "model: poisson, rate: 4 /s");
  const auto r = run_scenario(load(text, {"sites[0].pools[0].servers=4",
                                          "sites[0].pools[0].capacity.failures.model=exponential",
                                          "sites[0].pools[0].capacity.failures.gpu_rate=1 /h",
                                          "sites[0].pools[0].capacity.failures.repair_time=10 min"}),
                              &sink);
  REQUIRE(r.complete);
  const auto& c = r.counts;
  CHECK(c.arrived == c.completed + c.rejected + c.dropped + c.in_flight);
  CHECK(summary(r, "failures_gpu") > 0);
  CHECK(summary(r, "requests_orphans_retried") > 0);
  CHECK(c.dropped == 0);
}

TEST_CASE("capacity: record.warmup leaves exactly the requests that arrived before it out of the statistics") {
  // 4 replicas must load 100 GB each (one 400 GB transfer at 10 GB/s: 40 s) while one request a
  // second arrives: the first 40 wait. From ~46 s on every request takes its 0.5 s service.
  // With warmup 150 s the statistics hold the arrivals at 150, 151, ..., 999 s: 850 requests,
  // each 0.5 s; the counts keep all 1000.
  const std::string text = R"(
name: warm
seed: 3
horizon: 1000 s
record: {step: 10 s, warmup: 150 s}
sites:
  - name: dc1
    storage: {bandwidth: 10 GB/s}
    pools:
      - {name: p, servers: 1, gpus_per_server: 4, weights: 100 GB, service: {model: fixed, time: 0.5 s}}
workloads:
  - {name: w, pool: dc1/p, arrivals: {model: deterministic, rate: 1 /s}}
)";
  const auto with = run_scenario(load(text), nullptr);
  CHECK(summary(with, "warmup_s") == 150);
  CHECK(summary(with, "requests_measured") == 850);
  CHECK(summary(with, "requests_completed") == 1000);
  CHECK(summary(with, "latency_mean_s") == Approx(0.5).epsilon(1e-9));
  CHECK(summary(with, "latency_p99_s") == Approx(0.5).epsilon(0.02));  // histogram bins
  CHECK(summary(with, "slo_attainment") == 1.0);
  const auto without = run_scenario(load(text, {"record.warmup=0 s"}), nullptr);
  CHECK(summary(without, "requests_measured") == 1000);
  CHECK(summary(without, "latency_mean_s") > 1.0);  // the first 40 waited up to 40 s
  // A warm start: no load, every request takes its service time, warm-up or not.
  const auto warm = run_scenario(load(text, {"record.warmup=0 s", "sites[0].pools[0].capacity.warm_start=true"}), nullptr);
  CHECK(summary(warm, "latency_mean_s") == Approx(0.5).epsilon(1e-9));
}
