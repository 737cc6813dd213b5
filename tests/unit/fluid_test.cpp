// The fluid fidelity (docs/models/fluid.md): a fluid pool's flows against figures derived by hand
// from its step equations (models/serving/fluid/fluid_pool.hpp), the queueing approximation
// against closed forms, energy = integral of power, its curves against the request-level models,
// and its input errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "models/register_models.hpp"
#include "models/serving/fluid/fluid_latency.hpp"
#include "sim/output/memory_sink.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "tests/unit/test_support.hpp"

using namespace dcsim;

namespace {

// The one-pool scenario of test_support.hpp (1 server of 4 GPUs, fifo, 4 replicas) as a fluid
// pool with a fixed 1 s service: capacity 4 requests/s, up from t = 0 (warm start: no weight load).
scenario::LoadedScenario load(const std::string& rate, std::vector<std::string> overrides = {}) {
  register_builtin_models();
  overrides.insert(overrides.begin(), {"sites[0].pools[0].fidelity=fluid", "sites[0].pools[0].service={model: fixed, time: 1 s}",
                                       "sites[0].pools[0].capacity={warm_start: true}"});
  return scenario::load_text(test::one_pool_scenario("model: poisson, rate: " + rate), "fluid_test.yaml",
                             scenario::scenario_schema(), overrides, scenario::check_scenario);
}

double summary(const RunResult& r, const std::string& name) { return test::summary_value(r, name); }
const std::string kPool = "/sites/dc1/pools/p";

}  // namespace

TEST_CASE("fluid: Allen-Cunneen is exact for M/M/1, M/M/2 and M/D/1") {
  using serving::fluid::allen_cunneen;
  using serving::fluid::erlang_c;
  // M/M/1, lambda 0.5, mu 1: P(wait) = rho = 0.5, Wq = rho / (mu - lambda) = 1 s, and
  // P(Wq > t) = rho exp(-(mu - lambda) t): the median is 0 and the 0.99-quantile ln(50) / 0.5.
  const auto mm1 = allen_cunneen(0.5, 1.0, 1, 1.0, 1.0, 0.0);
  CHECK(mm1.p_wait == Approx(0.5).epsilon(1e-12));
  CHECK(mm1.mean() == Approx(1.0).epsilon(1e-12));
  CHECK(mm1.quantile(0.5) == 0.0);
  CHECK(mm1.quantile(0.99) == Approx(std::log(50.0) / 0.5).epsilon(1e-12));
  // M/M/2, a = 1: Erlang B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2, C = 0.2 / (1 - 0.5 x 0.8) = 1/3,
  // Wq = C / (c mu - lambda) = 1/3 s.
  CHECK(erlang_c(2, 1) == Approx(1.0 / 3).epsilon(1e-12));
  CHECK(allen_cunneen(1.0, 1.0, 2, 1.0, 1.0, 0.0).mean() == Approx(1.0 / 3).epsilon(1e-12));
  // M/D/1 (Pollaczek-Khinchine): Wq = lambda E[S^2] / (2 (1 - rho)) = 0.5 x 1 / 1 = 0.5 s.
  CHECK(allen_cunneen(0.5, 1.0, 1, 1.0, 0.0, 0.0).mean() == Approx(0.5).epsilon(1e-12));
  // A backlog of 8 ahead of 4 servers of 1 s drains in 2 s; at rho >= 1 that is all the wait.
  const auto over = allen_cunneen(6.0, 1.0, 4, 1.0, 0.0, 8.0);
  CHECK(over.backlog_s == Approx(2.0).epsilon(1e-12));
  CHECK(over.mean() == Approx(2.0).epsilon(1e-12));
  CHECK(over.quantile(0.99) == Approx(2.0).epsilon(1e-12));
}

TEST_CASE("fluid: below capacity the queue stays empty and throughput equals arrivals") {
  // 2 /s into 4 replicas of 1 s. Step j (1 s): completions c = R mu(n) dt = X (T = dt), so
  // c_j = a_{j-1} = 2 (c_0 = 0), the free slots (4) always take the arrivals: Q = 0, X = 2.
  // Per record step of 60 s: 120 arrivals; 120 completions (118 in the first). Power: n = 0.5 per
  // replica, 4 GPUs x (0.5 x 700 + 0.5 x 75) = 1550 W, after a first second idle at 4 x 75 W.
  output::MemorySink sink;
  const auto r = run_scenario(load("2 /s"), &sink);
  const auto arr = sink.column(kPool, "arrivals");
  const auto done = sink.column(kPool, "completed");
  const auto queue = sink.column(kPool, "queue_length");
  const auto power = sink.column(kPool, "gpu_power_w");
  const auto util = sink.column(kPool, "gpu_utilization");
  REQUIRE(arr.size() == 60);
  CHECK(done[0] == Approx(118).epsilon(1e-12));
  CHECK(power[0] == Approx((300.0 + 59 * 1550.0) / 60).epsilon(1e-12));
  for (size_t k = 1; k < arr.size(); ++k) {
    CHECK(arr[k] == Approx(120).epsilon(1e-12));
    CHECK(done[k] == Approx(120).epsilon(1e-12));
    CHECK(queue[k] == 0);
    CHECK(power[k] == Approx(1550).epsilon(1e-12));
    CHECK(util[k] == Approx(0.5).epsilon(1e-12));
  }
  CHECK(summary(r, "requests_rejected") == 0);
  CHECK(summary(r, "requests_completed") + summary(r, "requests_in_flight") == summary(r, "requests_arrived"));
  CHECK(summary(r, "requests_arrived") == Approx(7200).margin(2));
  // Latency: a fixed 1 s service, no wait (rho = 0.5 over 4 servers of M/D/4: C(4, 2) = 0.174,
  // Wq = C / (4 - 2) x (1 + 0) / 2 = 0.0435 s; the mean is 1.0435 s).
  CHECK(summary(r, "latency_mean_s") == Approx(1.0 + 0.17391304 / 4).epsilon(0.005));
  CHECK(r.overloaded.empty());
}

TEST_CASE("fluid: energy is the integral of the power held over each step") {
  // A rate that steps from 1 /s to 3 /s at 30 min (nhpp points): every record step's energy is its
  // mean power x 60 s, and the run's GPU energy their sum: 300 W in the first second, then
  // 4 x (n 700 + (1 - n) 75) with n = rate / 4 (the fluid's X = a per 1 s step).
  register_builtin_models();
  output::MemorySink sink;
  const auto sc = scenario::load_text(
      test::one_pool_scenario("model: nhpp, base: points, interpolation: step, points: [{t: 0 s, rate: 1 /s}, {t: 1800 s, rate: 3 /s}]"),
      "fluid_test.yaml", scenario::scenario_schema(),
      {"sites[0].pools[0].fidelity=fluid", "sites[0].pools[0].service={model: fixed, time: 1 s}"},
      scenario::check_scenario);
  const auto r = run_scenario(sc, &sink);
  const auto power = sink.column(kPool, "gpu_power_w");
  const auto energy = sink.column(kPool, "gpu_energy_j");
  REQUIRE(power.size() == 60);
  for (size_t k = 0; k < power.size(); ++k) CHECK(energy[k] == Approx(power[k] * 60).epsilon(1e-12));
  const double sum = std::accumulate(energy.begin(), energy.end(), 0.0);
  CHECK(summary(r, "energy_gpu_j") == Approx(sum).epsilon(1e-12));
  const auto p = [](double n) { return 4 * (n * 700 + (1 - n) * 75); };
  // The trapezoid of a step curve: the step [1799, 1800) sees (1 + 3) / 2 = 2 arrivals, served in the next.
  const double hand = 300 + 1799 * p(0.25) + p(0.5) + 1799 * p(0.75);
  CHECK(sum == Approx(hand).epsilon(1e-9));
}

TEST_CASE("fluid: above capacity the queue grows at arrivals - capacity, then rejects the excess") {
  // 6 /s into a capacity of 4 /s: from step 1 on, c = 4 and m = 4 per step, so Q grows by exactly
  // 2 per step: 120 per record step.
  {
    output::MemorySink sink;
    run_scenario(load("6 /s", {"sites[0].pools[0].queue_capacity=1000000"}), &sink);
    const auto queue = sink.column(kPool, "queue_length");
    const auto done = sink.column(kPool, "completed");
    for (size_t k = 1; k < queue.size(); ++k) {
      CHECK(queue[k] - queue[k - 1] == Approx(120).epsilon(1e-12));
      CHECK(done[k] == Approx(240).epsilon(1e-12));
    }
  }
  // Queue cap 500: after step j the queue holds 2 (j + 1), full at j = 249; from step 250 on every
  // step rejects 2: 100 in the record step [240 s, 300 s), 120 in each later one.
  output::MemorySink sink;
  const auto r = run_scenario(load("6 /s", {"sites[0].pools[0].queue_capacity=500"}), &sink);
  const auto rej = sink.column(kPool, "rejected");
  for (size_t k = 0; k < 4; ++k) CHECK(rej[k] == 0);
  CHECK(rej[4] == Approx(100).epsilon(1e-12));
  for (size_t k = 5; k < rej.size(); ++k) CHECK(rej[k] == Approx(120).epsilon(1e-12));
  CHECK(summary(r, "requests_rejected") == Approx(2 * (3600 - 250)).margin(2));
  CHECK(sink.column(kPool, "queue_length").back() == Approx(500).epsilon(1e-12));
  CHECK(!r.overloaded.empty());
}

TEST_CASE("fluid: an M/M/1 pool matches the closed-form mean and percentiles of the time in system") {
  // One replica, exponential service of mean 1 s, Poisson 0.5 /s: M/M/1 with rho = 0.5. Mean wait
  // rho / (mu - lambda) = 1 s (within 2 %), mean time in system 1 / (mu - lambda) = 2 s; the time in
  // system is Exp(mu - lambda): median ln 2 / 0.5 = 1.386 s, p99 ln 100 / 0.5 = 9.21 s (the
  // percentiles of the Latin-hypercube points and the 1 % histogram: within 10 % and 15 %).
  output::MemorySink sink;
  const auto r = run_scenario(load("0.5 /s", {"sites[0].pools[0].gpus_per_server=1",
                                             "sites[0].pools[0].service={model: exponential, mean: 1 s}",
                                             "horizon=20000 s"}),
                              &sink);
  CHECK(summary(r, "latency_mean_s") - 1.0 == Approx(1.0).epsilon(0.02));
  CHECK(summary(r, "latency_p50_s") == Approx(std::log(2.0) / 0.5).epsilon(0.10));
  CHECK(summary(r, "latency_p99_s") == Approx(std::log(100.0) / 0.5).epsilon(0.15));
}

TEST_CASE("fluid: Poisson counts keep the mean and the request invariant") {
  output::MemorySink sink;
  const auto r = run_scenario(load("2 /s", {"sites[0].pools[0].fluid.poisson_counts=true", "horizon=20000 s"}), &sink);
  // 40,000 expected arrivals, sd 200: within 3 sd.
  CHECK(summary(r, "requests_arrived") == Approx(40000).margin(600));
  CHECK(summary(r, "requests_completed") + summary(r, "requests_in_flight") + summary(r, "requests_rejected") ==
        summary(r, "requests_arrived"));
}

TEST_CASE("fluid: bad input is a located error") {
  register_builtin_models();
  const auto bad = [](const std::vector<std::string>& o) {
    return scenario::load_text(test::one_pool_scenario("model: poisson, rate: 1 /s"), "fluid_test.yaml",
                               scenario::scenario_schema(), o, scenario::check_scenario);
  };
  CHECK_THROWS_WITH(bad({"sites[0].pools[0].fidelity=fluidd"}), Catch::Contains("sites[0].pools[0].fidelity"));
  CHECK_THROWS_WITH(bad({"sites[0].pools[0].fidelity=fluid", "sites[0].pools[0].fluid.step=0 s"}),
                    Catch::Contains("sites[0].pools[0].fluid.step"));
  // An arrival process without a rate curve (Hawkes) cannot feed a fluid pool.
  const auto hawkes = scenario::load_text(
      test::one_pool_scenario("model: hawkes, base_rate: 1 /s, branching_ratio: 0.5, decay: 10 s"), "fluid_test.yaml",
      scenario::scenario_schema(), {"sites[0].pools[0].fidelity=fluid"}, scenario::check_scenario);
  CHECK_THROWS_WITH(run_scenario(hawkes, nullptr),
                    Catch::Contains("workloads[0].arrivals") && Catch::Contains("no rate curve"));
}

TEST_CASE("fluid: the scenario's top-level fidelity is the default of its pools") {
  register_builtin_models();
  const auto sc = scenario::load_text(test::one_pool_scenario("model: poisson, rate: 2 /s"), "fluid_test.yaml",
                                      scenario::scenario_schema(),
                                      {"fidelity=fluid", "sites[0].pools[0].service={model: fixed, time: 1 s}"},
                                      scenario::check_scenario);
  output::MemorySink sink;
  const auto r = run_scenario(sc, &sink);
  CHECK(sink.meta().fidelity == "fluid");
  CHECK(sink.column(kPool, "arrivals")[1] == Approx(120).epsilon(1e-12));  // 2 /s, a fluid: exactly
  CHECK(summary(r, "requests_arrived") == Approx(7200).margin(2));
}

TEST_CASE("fluid: Erlang C by Halfin-Whitt above the recursion's range agrees with the recursion") {
  // At c = 2000 (the recursion's last exact size) and beta = (c - a) / sqrt(a) from 0.1 to 3, the
  // Halfin-Whitt limit is within 0.004 of the exact Erlang C (computed apart: 0.8810/0.8803,
  // 0.5071/0.5045, 0.2265/0.2234, 0.0283/0.0269, 0.00169/0.00148).
  using serving::fluid::erlang_c;
  using serving::fluid::halfin_whitt_c;
  for (double beta : {0.1, 0.5, 1.0, 2.0, 3.0}) {
    const double c = 2000, r = (-beta + std::sqrt(beta * beta + 4 * c)) / 2, a = r * r;
    CHECK(std::abs(halfin_whitt_c(c, a) - erlang_c(c, a)) < 0.004);
  }
  CHECK(erlang_c(2001, 2001 - 0.5 * std::sqrt(2001.0)) == Approx(halfin_whitt_c(2001, 2001 - 0.5 * std::sqrt(2001.0))));
}

TEST_CASE("fluid: a service of a fluid and a request-level pool is a located error") {
  register_builtin_models();
  const std::string text = R"(
name: t
seed: 5
horizon: 10 min
sites:
  - name: dc1
    pools:
      - {name: a, servers: 1, fidelity: fluid, service: {model: fixed, time: 1 s}}
      - {name: b, servers: 1, service: {model: fixed, time: 1 s}}
services:
  - name: s
    pools: [{pool: dc1/a}, {pool: dc1/b}]
    routing: {model: least_loaded}
workloads:
  - {name: w, service: s, arrivals: {model: poisson, rate: 1 /s}}
)";
  const auto two = scenario::load_text(text, "fluid_two.yaml", scenario::scenario_schema(), {}, scenario::check_scenario);
  CHECK_THROWS_WITH(run_scenario(two, nullptr), Catch::Contains("fluid_two.yaml:9") &&
                                                    Catch::Contains("sites[0].pools[1].fidelity") &&
                                                    Catch::Contains("every pool of a service at one fidelity"));
}

TEST_CASE("fluid: replicas load their weights before they take work, as at request level") {
  // One server of 4 replicas of 10 GB each from a 10 GB/s store: one 40 GB transfer, ~4 s. The
  // fluid pool's replicas come up when the same SimGrid transfer completes; arrivals meanwhile
  // queue. Warm start: up at t = 0.
  register_builtin_models();
  const auto up_series = [](bool fluid, bool warm) {
    std::vector<std::string> o{"record.step=1 s", "horizon=12 s", "sites[0].pools[0].service={model: fixed, time: 1 s}",
                               std::string("sites[0].pools[0].capacity={warm_start: ") + (warm ? "true}" : "false}")};
    if (fluid) o.push_back("sites[0].pools[0].fidelity=fluid");
    const auto sc = scenario::load_text(test::one_pool_scenario("model: poisson, rate: 2 /s"), "fluid_test.yaml",
                                        scenario::scenario_schema(), o, scenario::check_scenario);
    output::MemorySink sink;
    run_scenario(sc, &sink);
    return sink.column(kPool, "replicas_active");
  };
  // (Run alone, build/dcsim gives the two fidelities the same series, 0 0 0 0 4 4 ...; inside one
  // test process the SimGrid transfer times of successive runs differ, so only the fluid pool's
  // own series is held here.)
  const auto fluid = up_series(true, false), warm = up_series(true, true);
  for (size_t i = 0; i < warm.size(); ++i) CHECK(warm[i] == 4);
  CHECK(fluid.front() == 0);
  CHECK(fluid.back() == 4);
  for (size_t i = 1; i < fluid.size(); ++i) CHECK(fluid[i] >= fluid[i - 1]);
}
