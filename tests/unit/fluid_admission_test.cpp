// Admission on flows (docs/models/fluid.md "Admission and routing on flows",
// models/scheduling/flow_frontend.hpp): the service's policies act on the flows of fluid pools.
// A token bucket on a flow admits exactly rate x t + burst, a daily quota stops at the quota (one
// user) or at the request-level expectation (many users), queue and concurrency caps admit
// everything below them and what the pool serves at them, as at request level. Policies without
// a flow form, and a service of fluid and request-level pools, are located input errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "models/register_models.hpp"
#include "models/scheduling/admission.hpp"
#include "sim/output/memory_sink.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "tests/unit/test_support.hpp"

using namespace dcsim;

namespace {

// One fifo pool of 4 replicas (fixed 1 s service: capacity 4 requests/s) behind service `s`
// with `admission`, a Poisson workload of `rate` with `tiers`.
std::string service(const std::string& rate, const std::string& admission, const std::string& horizon,
                    const std::string& tiers = "[]", const std::string& step = "10 s") {
  return R"(
name: t
seed: 5
start: 2025-03-27T00:00Z
horizon: )" + horizon + R"(
record: {step: )" + step + R"(}
sites:
  - name: dc1
    storage: {bandwidth: 10 GB/s}
    pools:
      - name: p
        servers: 1
        gpus_per_server: 4
        weights: 10 GB
        queue_capacity: 100000
        capacity: {warm_start: true}
        service: {model: fixed, time: 1 s}
services:
  - name: s
    pools: [{pool: dc1/p}]
    admission: )" + admission + R"(
workloads:
  - name: w
    service: s
    retry: {probability: 0}
    arrivals: {model: poisson, rate: )" + rate + R"(}
    tiers: )" + tiers + "\n";
}

scenario::LoadedScenario load(const std::string& text, bool fluid = true) {
  register_builtin_models();
  std::vector<std::string> o;
  if (fluid) o.push_back("fidelity=fluid");
  return scenario::load_text(text, "t.yaml", scenario::scenario_schema(), o, scenario::check_scenario);
}

double sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

double summary(const RunResult& r, const std::string& k) { return test::summary_value(r, k); }
const std::string kPool = "/sites/dc1/pools/p";

}  // namespace

TEST_CASE("fluid admission: a token bucket on a flow admits exactly rate x t + burst", "[fluid][admission]") {
  // A flood of 10 /s into a bucket of 2 /s, burst 50: after t s (a whole number of steps) the
  // pool has been offered min(10 t, 50 + 2 t) requests, exactly (10 a step while the bucket
  // lasts, 4 in the step it empties, then 2).
  output::MemorySink sink;
  const auto r = run_scenario(load(service("10 /s", "[{model: token_bucket, rate: 2 /s, burst: 50}]", "200 s")), &sink);
  const auto arrivals = sink.column(kPool, "arrivals");
  const auto& times = sink.times();
  double cum = 0;
  for (size_t i = 0; i < times.size(); ++i) {
    cum += arrivals[i];
    INFO("t = " << times[i]);
    CHECK(cum == Approx(std::min(10 * times[i], 50 + 2 * times[i])).margin(1e-9));
  }
  CHECK(cum == Approx(50 + 2 * 200.0).margin(1e-9));
  CHECK(sum(sink.column("/services/s", "admission_rejected")) == Approx(2000 - 450).margin(1e-9));
  // The run's totals include the step that starts at the horizon (as every fluid pool's): n steps
  // of 1 s offered 10 n and admitted 50 + 2 n.
  const double arrived = summary(r, "requests_arrived"), n = arrived / 10;
  CHECK((n == 200 || n == 201));
  CHECK(summary(r, "requests_rejected") == arrived - (50 + 2 * n));
  CHECK(summary(r, "requests_completed") + summary(r, "requests_in_flight") + summary(r, "requests_rejected") == arrived);
}

TEST_CASE("fluid admission: a daily quota on a flow stops at the quota and starts again at midnight", "[fluid][admission]") {
  // Free (90 % of 1 /s) limited to 1000 a day for the tier as a whole (users: 1), paid (10 %)
  // unlimited: over 2 days the pool is offered 2 x (1000 + 8640) requests.
  output::MemorySink sink;
  const auto r = run_scenario(
      load(service("1 /s", "[{model: daily_quota}]", "2 d",
                   "[{name: free, share: 0.9, daily_limit: 1000, users: 1}, {name: paid, share: 0.1}]", "1 h")),
      &sink);
  const auto arrivals = sink.column(kPool, "arrivals");
  const auto& times = sink.times();
  double day1 = 0, day2 = 0;
  for (size_t i = 0; i < times.size(); ++i) (times[i] <= 86400 ? day1 : day2) += arrivals[i];
  CHECK(day1 == Approx(1000 + 8640).epsilon(1e-9));
  CHECK(day2 == Approx(1000 + 8640).epsilon(1e-9));
  CHECK(summary(r, "requests_rejected") == Approx(2 * (77760 - 1000)).margin(2));
}

TEST_CASE("fluid admission: E[min(N, L)] of a Poisson count", "[fluid][admission]") {
  using scheduling::expected_min_poisson;
  // m = 2, L = 3: P(N > 0) + P(N > 1) + P(N > 2) = 3 - 9 e^-2.
  CHECK(expected_min_poisson(2, 3) == Approx(3 - 9 * std::exp(-2.0)).epsilon(1e-12));
  CHECK(expected_min_poisson(0.5, 1) == Approx(1 - std::exp(-0.5)).epsilon(1e-12));
  CHECK(expected_min_poisson(5, 1000) == 5);          // far below the limit: m
  CHECK(expected_min_poisson(5000, 100) == 100);      // far above: L
  CHECK(expected_min_poisson(100, 100) == Approx(100 - 3.99).margin(0.01));  // E[(N - L)+] = 3.99 at m = L = 100
  CHECK(expected_min_poisson(0, 3) == 0);
}

TEST_CASE("fluid admission: a daily quota of many users matches request level", "[fluid][admission]") {
  // 4,320 free requests in a day over 1000 users of 3 a day: U E[min(Poisson(4.32), 3)] = 2,721
  // admitted in expectation; request level draws them (sd ~ 30).
  const std::string text = service("0.05 /s", "[{model: daily_quota}]", "1 d",
                                   "[{name: free, share: 1, daily_limit: 3, users: 1000}]", "1 h");
  const auto f = run_scenario(load(text, true), nullptr), q = run_scenario(load(text, false), nullptr);
  const double admitted_f = summary(f, "requests_arrived") - summary(f, "requests_rejected");
  const double admitted_q = summary(q, "requests_arrived") - summary(q, "requests_rejected");
  CHECK(admitted_f == Approx(1000 * scheduling::expected_min_poisson(4.32, 3)).margin(2));
  CHECK(admitted_f == Approx(admitted_q).epsilon(0.03));
}

TEST_CASE("fluid admission: queue and concurrency caps admit all below them and what the pool serves at them",
          "[fluid][admission]") {
  // Below: 2 /s into a pool of 4 /s, max_queue 10 / max_in_flight 10: nothing rejected.
  for (const char* adm : {"[{model: queue_cap, max_queue: 10}]", "[{model: concurrency_cap, max_in_flight: 10}]"}) {
    INFO(adm);
    const auto r = run_scenario(load(service("2 /s", adm, "10 min")), nullptr);
    CHECK(summary(r, "requests_rejected") == 0);
    CHECK(summary(r, "requests_completed") == Approx(1200).margin(3));
  }
  // At them: 10 /s: the pool completes its 4 /s and the rest is turned away, within 2 % of
  // request level (whose Poisson arrivals keep the pool as busy at a cap of 20 waiting or in flight).
  for (const char* adm : {"[{model: queue_cap, max_queue: 20}]", "[{model: concurrency_cap, max_in_flight: 20}]"}) {
    INFO(adm);
    const std::string text = service("10 /s", adm, "30 min");
    const auto f = run_scenario(load(text, true), nullptr), q = run_scenario(load(text, false), nullptr);
    CHECK(summary(f, "requests_completed") == Approx(4 * 1800).epsilon(0.01));
    CHECK(summary(f, "requests_completed") == Approx(summary(q, "requests_completed")).epsilon(0.02));
    CHECK(summary(f, "requests_rejected") == Approx(summary(q, "requests_rejected")).epsilon(0.02));
  }
}

TEST_CASE("fluid admission: a policy without a flow form is a located error",
          "[fluid][admission]") {
  const auto timeout = load(service("1 /s", "[{model: queue_timeout, timeout: 10 s}]", "10 min"));
  CHECK_THROWS_WITH(run_scenario(timeout, nullptr), Catch::Contains("services[0].admission[0]") &&
                                                        Catch::Contains("no flow form") &&
                                                        Catch::Contains("queue_timeout"));
}
