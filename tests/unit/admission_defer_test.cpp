// Admission `defer` (models/scheduling/admission_defer.cpp) in whole runs (run_scenario, in-memory
// sink) on a declared carbon-intensity step series (sites[].signals): hand-derived release times.
// The pool has 80 replicas of a fixed 1 s service, warm at t = 0, and the workloads ask at most
// ~0.05 /s; a release burst holds fewer than 80 requests, so a released request starts service
// the instant it is released (no queue): the request table's start_s is the release time, exactly.
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

struct Setup {
  std::string signal = "[{t: 0 s, value: 400 g/kWh}]";
  std::string admission = "{model: defer, threshold: 200 g/kWh}";
  std::string deferrable = "{deadline: 10 min}";  // of workload `batch` ("" : not deferrable)
  std::string horizon = "1 h";
  std::string batch_rate = "0.05 /s";
  std::string online_rate = "";  // a second, not deferrable workload when given
};

std::string scenario_text(const Setup& s) {
  std::string t = R"(
name: t
seed: 11
horizon: )" + s.horizon + R"(
record: {step: 60 s, requests: 1}
sites:
  - name: dc1
    signals: {carbon_intensity: )" + s.signal + R"(}
    pools:
      - name: p
        servers: 10
        gpus_per_server: 8
        queue_capacity: 100000
        capacity: {warm_start: true}
        service: {model: fixed, time: 1 s}
services:
  - name: s
    pools: [{pool: dc1/p}]
    admission: )" + s.admission + R"(
workloads:
  - name: batch
    service: s
    arrivals: {model: poisson, rate: )" + s.batch_rate + R"(}
    slo_latency: 1 h
)";
  if (!s.deferrable.empty()) t += "    deferrable: " + s.deferrable + "\n";
  if (!s.online_rate.empty())
    t += "  - name: online\n    service: s\n    arrivals: {model: poisson, rate: " + s.online_rate + "}\n";
  return t;
}

scenario::LoadedScenario load(const Setup& s, const std::vector<std::string>& overrides = {}) {
  register_builtin_models();
  return scenario::load_text(scenario_text(s), "t.yaml", scenario::scenario_schema(), overrides,
                             scenario::check_scenario);
}

double sum(const std::vector<double>& v) {
  double x = 0;
  for (double y : v) x += y;
  return x;
}

// The InputError message of loading and running `s` ("" when it runs).
std::string error_of(const Setup& s) {
  try {
    output::MemorySink sink;
    run_scenario(load(s), &sink);
  } catch (const scenario::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("defer: a constant signal at or below the threshold holds nothing") {
  Setup s;
  s.signal = "[{t: 0 s, value: 200 g/kWh}]";  // = threshold: clean
  output::MemorySink sink;
  const auto r = run_scenario(load(s), &sink);
  const auto v = [&](const std::string& n) { return test::summary_value(r, n); };
  CHECK(v("requests_arrived") > 100);
  CHECK(v("requests_deferred") == 0);
  CHECK(v("requests_held") == 0);
  CHECK(sum(sink.column("/services/s", "defer_held")) == 0);
  CHECK(sum(sink.column("/services/s", "defer_released_signal")) == 0);
  CHECK(sum(sink.column("/services/s", "defer_released_deadline")) == 0);
  for (const auto& q : sink.requests()) REQUIRE(q.start_s == q.arrival_s);  // served at once
  for (const auto& e : sink.events()) CHECK(e.kind != "defer_release");
}

TEST_CASE("defer: a step down at a check instant releases everything held exactly at the crossing") {
  // 400 g/kWh until t = 1800 s, 100 g/kWh after; threshold 200; checks every 300 s (1800 = 6 x 300).
  // Every request arriving before 1800 s is held and starts at 1800 s (deadline 1 h: none is due
  // first); every later one starts on arrival. One events row at 1800 s with their count.
  Setup s;
  s.signal = "[{t: 0 s, value: 400 g/kWh}, {t: 1800 s, value: 100 g/kWh}]";
  s.deferrable = "{deadline: 1 h}";
  s.batch_rate = "0.03 /s";  // ~54 held, fewer than the 80 replicas: none waits at the release
  output::MemorySink sink;
  const auto r = run_scenario(load(s), &sink);
  size_t before = 0;
  for (const auto& q : sink.requests()) {
    REQUIRE(q.outcome == 0);
    if (q.arrival_s < 1800.0) {
      ++before;
      REQUIRE(q.start_s == 1800.0);
    } else {
      REQUIRE(q.start_s == q.arrival_s);
    }
  }
  CHECK(before > 30);  // ~0.03 /s x 1800 s = 54
  CHECK(test::summary_value(r, "requests_deferred") == double(before));
  CHECK(test::summary_value(r, "requests_held") == 0);
  CHECK(sum(sink.column("/services/s", "defer_released_signal")) == double(before));
  CHECK(sum(sink.column("/services/s", "defer_released_deadline")) == 0);
  // The gauge: held at each sample, growing until 1800 s, 0 after.
  const auto held = sink.column("/services/s", "defer_held");
  const auto& times = sink.times();
  for (size_t i = 0; i < times.size(); ++i)
    if (times[i] >= 1800.0) CHECK(held[i] == 0);
  CHECK(held[28] > 0);  // t = 1740 s
  int rows = 0;
  for (const auto& e : sink.events()) {
    if (e.kind != "defer_release") continue;
    ++rows;
    CHECK(e.time_s == 1800.0);
    CHECK(e.value == double(before));
    CHECK(e.subject == "/services/s/admission/defer");
    CHECK(e.detail == "released " + std::to_string(before) + " held requests: signal 100 g/kWh <= threshold 200 g/kWh");
  }
  CHECK(rows == 1);
}

TEST_CASE("defer: a step down between checks releases within one check period") {
  // The step at 1700 s, checks at multiples of 300 s: the held requests are released at the first
  // arrival after 1700 s (it sees the clean signal) or at the check at 1800 s, whichever is first.
  Setup s;
  s.signal = "[{t: 0 s, value: 400 g/kWh}, {t: 1700 s, value: 100 g/kWh}]";
  s.deferrable = "{deadline: 1 h}";
  s.batch_rate = "0.03 /s";
  output::MemorySink sink;
  run_scenario(load(s), &sink);
  double first_after = 1800.0;
  for (const auto& q : sink.requests())
    if (q.arrival_s >= 1700.0) first_after = std::min(first_after, q.arrival_s);
  size_t held = 0;
  for (const auto& q : sink.requests()) {
    if (q.arrival_s >= 1700.0) {
      REQUIRE(q.start_s == q.arrival_s);
      continue;
    }
    ++held;
    REQUIRE(q.start_s == first_after);
    REQUIRE(q.start_s - 1700.0 <= 300.0);
  }
  CHECK(held > 30);
}

TEST_CASE("defer: a signal that never drops releases each request at arrival + deadline - lead") {
  // Deadline 10 min, lead 1 min: every request starts 540 s after it arrived; those arriving in the
  // last 540 s are still held at the horizon (counted: requests_held, the invariant holds).
  Setup s;
  s.admission = "{model: defer, threshold: 200 g/kWh, lead: 1 min}";
  output::MemorySink sink;
  const auto r = run_scenario(load(s), &sink);
  size_t served = 0;
  for (const auto& q : sink.requests()) {
    ++served;
    REQUIRE(q.start_s == Approx(q.arrival_s + 540.0).margin(1e-9));
    REQUIRE(q.arrival_s + 540.0 <= 3600.0 + 1e-9);
  }
  const auto v = [&](const std::string& n) { return test::summary_value(r, n); };
  CHECK(served > 100);
  CHECK(v("requests_deferred") == v("requests_arrived"));
  CHECK(sum(sink.column("/services/s", "defer_released_deadline")) == double(served));
  CHECK(sum(sink.column("/services/s", "defer_released_signal")) == 0);
  CHECK(v("requests_held") > 10);  // ~0.05 /s x 540 s = 27
  CHECK(r.counts.held == uint64_t(v("requests_held")));
  CHECK(r.counts.arrived == r.counts.completed + r.counts.rejected + r.counts.dropped + r.counts.timed_out +
                                r.counts.in_flight + r.counts.held);
  CHECK(sink.column("/services/s", "defer_held").back() == v("requests_held"));
}

TEST_CASE("defer: requests of a workload that is not deferrable pass untouched") {
  Setup s;
  s.online_rate = "0.05 /s";
  output::MemorySink sink;
  const auto r = run_scenario(load(s), &sink);
  size_t online = 0, batch = 0;
  for (const auto& q : sink.requests()) {
    if (q.workload == 1) {
      ++online;
      REQUIRE(q.start_s == q.arrival_s);  // never held
    } else {
      ++batch;
      REQUIRE(q.start_s == Approx(q.arrival_s + 600.0).margin(1e-9));
    }
  }
  CHECK(online > 100);
  CHECK(batch > 100);
  CHECK(test::summary_value(r, "requests_deferred") == double(batch) + test::summary_value(r, "requests_held"));

  Setup plain = s;  // no deferrable block: nothing held at all
  plain.deferrable = "";
  const auto r2 = run_scenario(load(plain), &sink);
  CHECK(test::summary_value(r2, "requests_deferred") == 0);
}

TEST_CASE("defer: the invariant counts held requests (a broken count is caught)") {
  Setup s;
  s.deferrable = "{deadline: 2 h}";  // longer than the run: everything is still held at the end
  output::MemorySink sink;
  const auto r = run_scenario(load(s), &sink);
  CHECK(r.counts.held == r.counts.arrived);
  CHECK(r.counts.completed == 0);
  RunOptions opt;
  opt.tamper_counts = [](RequestCounts& c) { c.held -= 1; };
  output::MemorySink sink2;
  CHECK_THROWS_WITH(run_scenario(load(s), &sink2, opt), Catch::Contains("+ held ("));
}

TEST_CASE("defer: bad parameters are input errors at their location") {
  Setup s;
  s.admission = "{model: defer, threshold: 200 g/kWh, lead: 10 min}";
  CHECK_THAT(error_of(s), Catch::Contains("t.yaml:19:") && Catch::Contains("services[0].admission.lead") &&
                              Catch::Contains("expected less than the deadline of workload 'batch' (10 min"));
  s.admission = "{model: defer, threshold: 200 g/kWh, site: dc2}";
  CHECK_THAT(error_of(s), Catch::Contains("services[0].admission.site") &&
                              Catch::Contains("got 'dc2', expected a site of service 's'"));
  s.admission = "{model: defer, threshold: -1 g/kWh}";
  CHECK_THAT(error_of(s), Catch::Contains("services[0].admission.threshold"));
  s.admission = "{model: defer}";
  CHECK_THAT(error_of(s), Catch::Contains("threshold"));
  s.admission = "{model: defer, threshold: 200 g/kWh, check: 0 s}";
  CHECK_THAT(error_of(s), Catch::Contains("services[0].admission.check"));
  s.admission = "{model: defer, threshold: 200 g/kWh, signal: marginal_intensity}";  // no grid at dc1
  CHECK_THAT(error_of(s), Catch::Contains("services[0].admission.signal") &&
                              Catch::Contains("site 'dc1' has no marginal intensity signal"));
  s.admission = "[{model: defer, threshold: 200 g/kWh}, {model: defer, name: d2, threshold: 100 g/kWh}]";
  CHECK_THAT(error_of(s), Catch::Contains("a second policy that holds requests"));
  s.admission = "[{model: degrade, queue_above: 10, steps: 10}, {model: defer, threshold: 200 g/kWh}]";
  CHECK_THAT(error_of(s), Catch::Contains("comes after the degrade policy"));
  s.admission = "{model: defer, threshold: 200 g/kWh}";
  s.deferrable = "{deadline: 0 s}";
  CHECK_THAT(error_of(s), Catch::Contains("workloads[0].deferrable.deadline"));
  s.deferrable = "{}";
  CHECK_THAT(error_of(s), Catch::Contains("workloads[0].deferrable.deadline") && Catch::Contains("missing 'deadline'"));
  s.deferrable = "{deadline: 10 min}";
  s.signal = "[]";  // no carbon signal at all
  CHECK_THAT(error_of(s), Catch::Contains("site 'dc1' has no carbon intensity signal"));
}
