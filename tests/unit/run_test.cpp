// Whole runs through run_scenario with an in-memory sink: weight loading over the platform,
// queueing against M/M/1 theory, the power equations per step, the request invariant.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "models/catalog/catalog.hpp"
#include "models/register_models.hpp"
#include "models/serving/roofline.hpp"
#include "sim/output/memory_sink.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "tests/unit/test_support.hpp"

using namespace dcsim;

namespace {

scenario::LoadedScenario load(const std::vector<std::string>& overrides) {
  register_builtin_models();
  return scenario::load_text(test::one_pool_scenario("model: poisson, rate: 1 /s"), "run_test.yaml", scenario::scenario_schema(), overrides, scenario::check_scenario);
}

double summary(const RunResult& r, const std::string& name) { return dcsim::test::summary_value(r, name); }

}  // namespace

TEST_CASE("run: replicas load their weights over the shared storage link") {
  // The server's 4 replicas load 10 GB each as one 40 GB transfer over the 10 GB/s storage link
  // (the bottleneck; the server link is 50 GB/s): all are ready at 4 s plus the path latency
  // (storage 50 us + server link 5 us) = 4.000055 s, as 4 flows of 10 GB at 2.5 GB/s each would be.
  output::MemorySink sink;
  const auto r = run_scenario(load({}), &sink);
  int ready = 0;
  for (const auto& e : sink.events()) {
    if (e.kind != "replica_ready") continue;
    ++ready;
    CHECK(e.time_s == Approx(4.000055).epsilon(1e-9));
    CHECK(e.value == Approx(4.000055).epsilon(1e-9));
  }
  CHECK(ready == 4);
  CHECK(r.complete);
}

TEST_CASE("run: twice the storage bandwidth halves the start-up time") {
  output::MemorySink sink;
  run_scenario(load({"sites[0].storage.bandwidth=20 GB/s"}), &sink);
  REQUIRE(!sink.events().empty());
  CHECK(sink.events().front().time_s == Approx(2.000055).epsilon(1e-9));
}

TEST_CASE("run: one replica with Poisson arrivals matches M/M/1 theory") {
  // lambda = 0.5/s, mu = 1/s: utilisation 0.5, mean time in system 1/(mu - lambda) = 2 s,
  // median ln(2)/(mu - lambda) = 1.386 s. ~100,000 requests; tolerance 5 % (the standard error of
  // the mean response at rho = 0.5 over this many customers is about 1 %).
  output::MemorySink sink;
  const auto r = run_scenario(load({"sites[0].pools[0].gpus_per_server=1", "workloads[0].arrivals.rate=0.5 /s",
                                    "horizon=200000 s", "record.step=1000 s"}),
                              &sink);
  CHECK(summary(r, "requests_arrived") == Approx(100000).epsilon(0.02));
  CHECK(summary(r, "latency_mean_s") == Approx(2.0).epsilon(0.05));
  CHECK(summary(r, "latency_p50_s") == Approx(std::log(2.0) * 2.0).epsilon(0.05));
  const auto util = sink.column("/sites/dc1/pools/p", "gpu_utilization");
  const double mean_util = std::accumulate(util.begin() + 1, util.end(), 0.0) / double(util.size() - 1);
  CHECK(mean_util == Approx(0.5).epsilon(0.03));
  CHECK(summary(r, "requests_rejected") == 0);
  CHECK(summary(r, "pools_overloaded") == 0);  // below capacity the backlog stays bounded
  CHECK(r.overloaded.empty());
}

TEST_CASE("run: above capacity with an unbounded queue the backlog grows and the run says so") {
  // Offered 1.5/s to a server of 1/s: the backlog grows by ~0.5/s, from ~1000 at mid-run to ~2000.
  output::MemorySink sink;
  const auto r = run_scenario(load({"sites[0].pools[0].gpus_per_server=1", "workloads[0].arrivals.rate=1.5 /s",
                                    "sites[0].pools[0].queue_capacity=1000000", "horizon=4000 s"}),
                              &sink);
  CHECK(summary(r, "pools_overloaded") == 1);
  REQUIRE(r.overloaded.size() == 1);
  CHECK_THAT(r.overloaded[0], Catch::StartsWith("dc1/p: backlog grew from"));
  bool logged = false;
  for (const auto& e : sink.events()) logged = logged || (e.kind == "overload" && e.subject == "/sites/dc1/pools/p");
  CHECK(logged);
}

TEST_CASE("run: above capacity the queue grows and arrivals are rejected once it is full") {
  output::MemorySink sink;
  const auto r = run_scenario(load({"sites[0].pools[0].gpus_per_server=1", "workloads[0].arrivals.rate=2 /s",
                                    "sites[0].pools[0].queue_capacity=500", "horizon=2000 s"}),
                              &sink);
  // Offered 2/s, served 1/s: about 1000 s to fill 500 places, then about half are rejected.
  CHECK(summary(r, "requests_rejected") > 1000);
  const auto q = sink.column("/sites/dc1/pools/p", "queue_length");
  CHECK(q.back() == Approx(500).margin(1));
  CHECK(summary(r, "requests_in_flight") == Approx(501).margin(1));
}

TEST_CASE("run: pool power follows P = N idle + U N (busy - idle) at every step") {
  output::MemorySink sink;
  const auto r = run_scenario(load({"workloads[0].arrivals.rate=2.5 /s"}), &sink);
  const auto power = sink.column("/sites/dc1/pools/p", "gpu_power_w");
  const auto energy = sink.column("/sites/dc1/pools/p", "gpu_energy_j");
  const auto util = sink.column("/sites/dc1/pools/p", "gpu_utilization");
  const auto site = sink.column("/sites/dc1", "power_gpu_w");
  REQUIRE(power.size() == 60);
  for (size_t k = 0; k < power.size(); ++k) {
    CHECK(power[k] == Approx(4 * 75.0 + util[k] * 4 * (700.0 - 75.0)).epsilon(1e-9));
    CHECK(energy[k] == Approx(power[k] * 60.0).epsilon(1e-9));
    CHECK(site[k] == power[k]);
  }
  CHECK(std::accumulate(energy.begin(), energy.end(), 0.0) == Approx(summary(r, "energy_gpu_j")).epsilon(1e-9));
}

// IT power = GPUs + the servers' non-GPU part, affine in GPU power (models/power/server_power.hpp).
// The fifo pool: 1 server of 4 GPUs counts as S = 4 / 8 = 0.5 DGX H100 (auto server); u between
// idle_power 75 W and busy_power 700 W. b = 1700 / (8 x 625) = 0.34, a = 0.5 x 996 = 498 W.
TEST_CASE("run: IT power adds the servers' non-GPU power to the GPUs' at pool site and fleet") {
  output::MemorySink sink;
  const auto r = run_scenario(load({"workloads[0].arrivals.rate=2.5 /s"}), &sink);
  const std::string pg = "/sites/dc1/pools/p";
  const auto gpu = sink.column(pg, "gpu_power_w");
  const auto gpu_e = sink.column(pg, "gpu_energy_j");
  const auto it = sink.column(pg, "power_w");
  const auto it_e = sink.column(pg, "energy_j");
  const auto site_it = sink.column("/sites/dc1", "power_it_w");
  const auto site_gpu = sink.column("/sites/dc1", "power_gpu_w");
  const auto fleet_it = sink.column("/fleet", "power_it_w");
  const auto fleet_gpu = sink.column("/fleet", "power_gpu_w");
  const auto fleet_e = sink.column("/fleet", "energy_it_j");
  REQUIRE(gpu.size() == 60);
  for (size_t k = 0; k < gpu.size(); ++k) {
    CHECK(site_it[k] == it[k]);
    CHECK(fleet_it[k] == it[k]);
    CHECK(site_gpu[k] == gpu[k]);
    CHECK(fleet_gpu[k] == gpu[k]);
    CHECK(it[k] - gpu[k] == Approx(498.0 + 0.34 * gpu[k]).epsilon(1e-9));
    CHECK(it_e[k] == Approx(498.0 * 60 + 1.34 * gpu_e[k]).epsilon(1e-9));
    CHECK(it_e[k] == Approx(it[k] * 60).epsilon(1e-9));
    // Between all idle (300 W GPU + 600 W = 900 W) and all busy (2800 W + 1450 W = 4250 W).
    CHECK(it[k] >= 900.0 - 1e-9);
    CHECK(it[k] <= 4250.0 + 1e-9);
  }
  const double e_it = std::accumulate(it_e.begin(), it_e.end(), 0.0);
  const double e_gpu = std::accumulate(gpu_e.begin(), gpu_e.end(), 0.0);
  CHECK(e_it == Approx(summary(r, "energy_it_j")).epsilon(1e-9));
  CHECK(std::accumulate(fleet_e.begin(), fleet_e.end(), 0.0) == Approx(e_it).epsilon(1e-9));
  CHECK(e_gpu == Approx(summary(r, "energy_gpu_j")).epsilon(1e-9));
  CHECK(e_it == Approx(498.0 * 3600 + 1.34 * e_gpu).epsilon(1e-9));
}

// Two DGX H100 of an idle LLM pool: 16 GPUs at idle_loaded 113 W; non-GPU 2 x 1200 W at u = 0
// plus 1700 W x (16 x 113 - 16 x 75) / (8 x 625) = 206.72 W; IT = 1808 + 2400 + 206.72 = 4414.72 W.
TEST_CASE("run: an idle LLM pool of two DGX H100 draws the hand-derived IT power") {
  output::MemorySink sink;
  const auto r = run_scenario(load({"sites[0].pools[0].serving=llm", "sites[0].pools[0].servers=2",
                                    "sites[0].pools[0].gpus_per_server=8", "workloads[0].arrivals.rate=1e-6 /s"}),
                              &sink);
  const auto gpu = sink.column("/sites/dc1/pools/p", "gpu_power_w");
  const auto it = sink.column("/sites/dc1", "power_it_w");
  size_t idle_steps = 0;
  for (size_t k = 0; k < gpu.size(); ++k) {
    if (gpu[k] != 16 * 113.0) continue;
    ++idle_steps;
    CHECK(it[k] == Approx(4414.72).epsilon(1e-12));
  }
  CHECK(idle_steps >= 50);
  CHECK(summary(r, "energy_it_j") == Approx(4414.72 * 3600).epsilon(1e-6));
}

TEST_CASE("run: the invariant check catches a broken count and marks the output incomplete") {
  output::MemorySink sink;
  RunOptions opt;
  opt.tamper_counts = [](RequestCounts& c) { c.completed += 1; };
  CHECK_THROWS_WITH(run_scenario(load({}), &sink, opt), Catch::Contains("request invariant violated"));
  REQUIRE(sink.closed());
  CHECK_FALSE(sink.end().complete);
  CHECK_THAT(sink.end().stop_reason, Catch::StartsWith("error: request invariant violated"));
}

TEST_CASE("run: the invariant holds at the horizon with requests still in flight") {
  const RequestCounts ok{10, 6, 2, 1, 1};
  CHECK_NOTHROW(check_request_invariant(ok));
  const RequestCounts bad{10, 6, 2, 1, 0, 0};
  CHECK_THROWS_WITH(check_request_invariant(bad),
                    "request invariant violated: arrived (10) != completed (6) + rejected (2) + dropped (1) + "
                    "timed_out (0) + in flight (0) + held (0) = 9");
  output::MemorySink sink;
  const auto r = run_scenario(load({"workloads[0].arrivals.rate=3.9 /s"}), &sink);
  CHECK(r.counts.arrived == r.counts.completed + r.counts.rejected + r.counts.dropped + r.counts.in_flight);
  CHECK(r.counts.in_flight > 0);
}

// The diffusion pool of scenarios/image-serving.yaml: one 8-GPU H100 server, auto server_type
// dgx-h100, so IT - GPU = 996 W + 0.34 x GPU power at every step, summed to the site and fleet.
TEST_CASE("run: a diffusion pool's IT power is the affine map of its GPU power") {
  register_builtin_models();
  output::MemorySink sink;
  const auto r = run_scenario(scenario::load_scenario(test::source_path("scenarios/image-serving.yaml"), {"horizon=10 min"}),
                              &sink);
  const auto gpu = sink.column("/sites/dc1/pools/image", "gpu_power_w");
  const auto it = sink.column("/sites/dc1/pools/image", "power_w");
  const auto site = sink.column("/sites/dc1", "power_it_w");
  const auto fleet_gpu = sink.column("/fleet", "power_gpu_w");
  REQUIRE(gpu.size() == 10);
  for (size_t k = 0; k < gpu.size(); ++k) {
    CHECK(it[k] - gpu[k] == Approx(996.0 + 0.34 * gpu[k]).epsilon(1e-9));
    CHECK(site[k] == it[k]);
    CHECK(fleet_gpu[k] == gpu[k]);
    CHECK(gpu[k] > 8 * 113.0);  // serving: above idle with a model loaded
  }
  CHECK(summary(r, "energy_it_j") == Approx(996.0 * 600 + 1.34 * summary(r, "energy_gpu_j")).epsilon(1e-9));
}

namespace {

// One LLM request every 10 s (no overlap) with 1000 prompt and 20 output tokens on one H100.
std::string spaced_llm_scenario() {
  return test::one_h100_llm_scenario("200 s", "50 s", "", "model: deterministic, rate: 0.1 /s, phase: 5 s",
                                     ", prompt_tokens: {model: fixed, tokens: 1000}, output_tokens: {model: fixed, tokens: 20}");
}

}  // namespace

TEST_CASE("run: the summary gives run-wide ttft and tpot percentiles of llm requests") {
  register_builtin_models();
  const auto sc = scenario::load_text(spaced_llm_scenario(), "run_test.yaml", scenario::scenario_schema(), {},
                                      scenario::check_scenario);
  output::MemorySink sink;
  const RunResult r = run_scenario(sc, &sink);
  REQUIRE(r.counts.completed == 20);
  // Hand-derived from the roofline: TTFT = one prefill iteration of 1000 tokens; TPOT = the mean
  // of the 19 decode iterations of one sequence with 1001..1019 tokens of context.
  const auto cat = catalog::Catalog::load_builtin();
  const serving::Roofline roof(cat.gpu("h100-sxm"), cat.model("llama-3.1-8b"), 1, serving::h100_llama31_8b_fit());
  const double ttft = roof.seconds(serving::IterationLoad{1000, 0, 0});
  double decode = 0;
  for (uint64_t ctx = 1001; ctx <= 1019; ++ctx) decode += roof.seconds(serving::IterationLoad{0, 1, ctx});
  const double tpot = decode / 19;
  // Every request sees the same times: the percentiles are those values within the histograms'
  // 1 % relative accuracy.
  CHECK(summary(r, "ttft_p50_s") == Approx(ttft).epsilon(0.01));
  CHECK(summary(r, "ttft_p99_s") == Approx(ttft).epsilon(0.01));
  CHECK(summary(r, "tpot_p50_s") == Approx(tpot).epsilon(0.01));
  CHECK(summary(r, "tpot_p99_s") == Approx(tpot).epsilon(0.01));
  // A run without LLM requests has none.
  output::MemorySink sink2;
  const RunResult fifo = run_scenario(load({}), &sink2);
  CHECK(std::isnan(summary(fifo, "ttft_p99_s")));
  CHECK(std::isnan(summary(fifo, "tpot_p50_s")));
}
