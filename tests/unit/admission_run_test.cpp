// Admission in whole runs (run_scenario, in-memory sink): queue timeouts and request
// conservation with them, scheduled and conditional admission changes and their /events rows,
// degraded requests costing what the degraded class costs, bad policy blocks located.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "models/register_models.hpp"
#include "sim/output/memory_sink.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "tests/unit/test_support.hpp"

using namespace dcsim;

namespace {

// One fifo pool of 4 replicas (exponential 1 s service) behind service `s` with `admission`,
// a Poisson workload of `rate` with tiers free (90 %) / paid.
std::string fifo_service(const std::string& rate, const std::string& admission, const std::string& changes = "",
                         const std::string& horizon = "1 h") {
  return R"(
name: t
seed: 5
start: 2025-03-27T00:00Z
horizon: )" + horizon + R"(
record: {step: 60 s, requests: 1}
sites:
  - name: dc1
    storage: {bandwidth: 10 GB/s}
    pools:
      - name: p
        servers: 1
        gpus_per_server: 4
        weights: 10 GB
        queue_capacity: 100000
        service: {model: exponential, mean: 1 s}
services:
  - name: s
    pools: [{pool: dc1/p}]
    admission: )" + admission + "\n" + changes + R"(
workloads:
  - name: w
    service: s
    arrivals: {model: poisson, rate: )" + rate + R"(}
    tiers: [{name: free, share: 0.9, daily_limit: 3}, {name: paid, share: 0.1}]
)";
}

scenario::LoadedScenario load(const std::string& text) {
  register_builtin_models();
  return scenario::load_text(text, "t.yaml", scenario::scenario_schema(), {}, scenario::check_scenario);
}

double sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

}  // namespace

TEST_CASE("admission run: a queue timeout gives up requests that waited too long, and every request is counted") {
  // 6 /s on 4 replicas of 1 /s: the queue grows without bound, so with a 30 s timeout most
  // requests are given up. arrived = completed + rejected + dropped + timed_out + in flight,
  // in the summary and in the run's counts (the run checks the invariant too).
  output::MemorySink sink;
  const auto r = run_scenario(load(fifo_service("6 /s", "{model: queue_timeout, timeout: 30 s}")), &sink);
  const auto v = [&](const std::string& n) { return test::summary_value(r, n); };
  CHECK(v("requests_timed_out") > 1000);
  CHECK(v("requests_arrived") == v("requests_completed") + v("requests_rejected") + v("requests_dropped") +
                                     v("requests_timed_out") + v("requests_in_flight"));
  CHECK(r.counts.timed_out == uint64_t(v("requests_timed_out")));
  CHECK(sum(sink.column("/workloads/w", "timed_out")) == v("requests_timed_out"));
  // Completed requests waited at most the timeout (they started before their deadline); the
  // throughput is the 4 replicas': about 4 /s over the hour after the 1.6 s weight load.
  for (const auto& q : sink.requests()) {
    if (q.outcome != 0) continue;
    REQUIRE(q.start_s - q.arrival_s <= 30.0 + 1e-9);
  }
  size_t timed_out_rows = 0;
  for (const auto& q : sink.requests()) timed_out_rows += q.outcome == 3;
  CHECK(timed_out_rows == size_t(v("requests_timed_out")));
  CHECK(v("requests_completed") == Approx(4.0 * 3600).epsilon(0.03));
}

TEST_CASE("admission run: without a timeout nothing times out and the datasets have the counters") {
  output::MemorySink sink;
  const auto r = run_scenario(load(fifo_service("2 /s", "{model: concurrency_cap, max_in_flight: 1000}")), &sink);
  CHECK(test::summary_value(r, "requests_timed_out") == 0);
  CHECK(test::summary_value(r, "requests_degraded") == 0);
  CHECK(sum(sink.column("/services/s", "admission_rejected")) == 0);
}

TEST_CASE("admission run: a free-tier quota imposed mid-run is an events row and limits only after it") {
  // The daily quota (free: 3 a day, one user) is disabled at t = 0 and enabled at 00:30Z
  // (t = 1800 s): from then on at most 3 free requests are admitted that day; nothing is rejected
  // before. One /events row says what changed.
  output::MemorySink sink;
  const auto r = run_scenario(load(fifo_service("1 /s", "[{model: daily_quota, name: free-quota, enabled: false}]",
                                                "    admission_changes:\n"
                                                "      - {policy: free-quota, action: enable, at: 2025-03-27T00:30Z}\n")),
                              &sink);
  int rows = 0;
  for (const auto& e : sink.events()) {
    if (e.kind != "admission_change") continue;
    ++rows;
    CHECK(e.time_s == 1800.0);
    CHECK(e.subject == "/services/s/admission/free-quota");
    CHECK(e.detail == "free-quota enabled (at 2025-03-27T00:30:00Z)");
    CHECK(std::isnan(e.value));
  }
  CHECK(rows == 1);
  const auto rejected = sink.column("/services/s", "admission_rejected");
  const auto& times = sink.times();
  double before = 0, after = 0;
  for (size_t i = 0; i < times.size(); ++i) (times[i] <= 1800.0 ? before : after) += rejected[i];
  CHECK(before == 0);
  // ~0.9 x 1800 free requests after t = 1800 s, 3 admitted: the rest rejected (retries off).
  CHECK(after == Approx(0.9 * 1800).epsilon(0.1));
  CHECK(test::summary_value(r, "requests_rejected") == after);
}

TEST_CASE("admission run: a change on a condition fires after the queue stayed above its threshold") {
  // 6 /s on 4 replicas: the queue passes 500 at about t = 250 s (growth ~2 /s after the weights
  // load). The change (enable a queue_cap of 1000, checked every 10 s, for 60 s) fires once, at
  // the first check at least 60 s after the first check above 500; the cap then holds the queue.
  output::MemorySink sink;
  const auto r = run_scenario(
      load(fifo_service("6 /s", "[{model: queue_cap, max_queue: 1000, enabled: false}]",
                        "    admission_changes:\n"
                        "      - {policy: queue_cap, action: enable, queue_above: 500, for: 60 s, check_every: 10 s}\n",
                        "30 min")),
      &sink);
  std::vector<output::EventRecord> rows;
  for (const auto& e : sink.events())
    if (e.kind == "admission_change") rows.push_back(e);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].detail == "queue_cap enabled (queue above 500 for 60 s)");
  CHECK(rows[0].value > 500);
  CHECK(std::fmod(rows[0].time_s, 10.0) == 0.0);
  CHECK(rows[0].time_s > 250);
  CHECK(rows[0].time_s < 450);
  CHECK(test::summary_value(r, "requests_rejected") > 0);
  const auto queue = sink.column("/sites/dc1/pools/p", "queue_length");
  for (double q : queue) CHECK(q <= 1000 + 1);
}

TEST_CASE("admission run: past its threshold every image request is served degraded and counted") {
  // queue_above 0: every request is degraded from 20 steps at 1024 px to 8 steps at 512 px. That
  // it then costs what the degraded class costs is tests/python/test_admission.py (two runs, two
  // processes: one SimGrid engine per process).
  const std::string text = R"(
name: t
seed: 3
horizon: 10 min
record: {step: 60 s}
sites:
  - name: dc1
    pools:
      - name: image
        servers: 1
        serving: diffusion
        queue_capacity: 5000
        diffusion: {gpu: h100-sxm, ai_model: sdxl, max_batch: 8, batch_window: 200 ms}
services:
  - name: img
    pools: [{pool: dc1/image}]
    admission: {model: degrade, queue_above: 0, steps: 8, resolution: 512}
workloads:
  - name: images
    service: img
    class: {model: image, ai_model: sdxl, resolution: 1024, steps: 20}
    arrivals: {model: poisson, rate: 10 /s}
)";
  output::MemorySink sink;
  const auto a = run_scenario(load(text), &sink);
  const auto v = [&](const std::string& n) { return test::summary_value(a, n); };
  CHECK(v("requests_degraded") == v("requests_arrived"));
  CHECK(v("requests_arrived") > 5000);
  CHECK(sum(sink.column("/services/img", "degraded")) == v("requests_degraded"));
}

TEST_CASE("admission run: bad policy blocks and changes are input errors at their keys") {
  const auto error_of = [](const std::string& admission, const std::string& changes = "") {
    try {
      run_scenario(load(fifo_service("1 /s", admission, changes)), nullptr);
    } catch (const scenario::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of("{model: queue_cap, max_queue: 10, tier: gold}"),
             Catch::Contains("t.yaml:") && Catch::Contains("services[0].admission.tier") && Catch::Contains("no tier 'gold'"));
  CHECK_THAT(error_of("[{model: queue_timeout, timeout: 1 s}, {model: degrade, steps: 4}]"),
             Catch::Contains("services[0].admission[1]") && Catch::Contains("missing 'queue_above' or 'p99_above'"));
  CHECK_THAT(error_of("{model: token_bucket, rate: 1 /s}", "    admission_changes: [{policy: limit, action: enable, at: 2025-03-27T01:00Z}]\n"),
             Catch::Contains("admission_changes[0].policy") && Catch::Contains("no admission policy 'limit'") &&
                 Catch::Contains("'token_bucket'"));
  CHECK_THAT(error_of("{model: token_bucket, rate: 1 /s}", "    admission_changes: [{policy: token_bucket, action: enable}]\n"),
             Catch::Contains("missing 'at' (a date-time) or 'queue_above'"));
  CHECK_THAT(error_of("{model: token_bucket, rate: 1 /s}",
                      "    admission_changes: [{policy: token_bucket, action: disable, at: 2025-03-26T23:00Z}]\n"),
             Catch::Contains("before the scenario's start"));
}
