// Prefill/decode disaggregation: a hand-derived completion time (prefill + KV transfer + decode),
// contention of simultaneous transfers on one link, rejection by the decode pool counted once,
// and the request invariant and counts on a small scenario run end to end.
// ctest runs each TEST_CASE in its own process (one SimGrid engine per process).
#include <catch2/catch.hpp>

#include <iomanip>
#include <map>
#include <memory>
#include <numeric>

#include <simgrid/s4u.hpp>

#include "models/register_models.hpp"
#include "models/serving/disagg_pool.hpp"
#include "sim/engine/engine.hpp"
#include "sim/output/memory_sink.hpp"
#include "sim/output/recorder.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "sim/world/world.hpp"
#include "tests/unit/llm_test_support.hpp"
#include "tests/unit/test_support.hpp"

using dcsim::Engine;
using dcsim::serving::DisaggPool;
using dcsim::serving::DisaggPoolConfig;
using dcsim::serving::LlmPoolConfig;
using dcsim::serving::LlmSide;
using dcsim::workload::Request;

namespace {

using ConstTime = dcsim::test::ConstTime;
using Obs = dcsim::test::RecordingObserver;

// 1e9-byte weights; 131072 B of KV cache per token.
LlmPoolConfig side_config(uint32_t replicas_per_server) { return dcsim::test::small_llm_config(replicas_per_server); }

struct Hosts {
  simgrid::s4u::Host *storage, *prefill, *decode;
};

// Storage s, prefill server p, decode server d; s-p and s-d have links of their own (1e9 B/s), p
// and d share one link of `bandwidth` B/s and `latency` s. CM02: no TCP factors.
Hosts three_hosts(double bandwidth, double latency) {
  auto* z = simgrid::s4u::create_full_zone("test");
  auto* s = z->create_host("s", 1e9)->seal();
  auto* p = z->create_host("p", 1e9)->seal();
  auto* d = z->create_host("d", 1e9)->seal();
  auto* sp = z->create_link("sp", 1e9)->seal();
  auto* sd = z->create_link("sd", 1e9)->seal();
  auto* pd = z->create_link("pd", bandwidth)->set_latency(latency)->seal();
  z->add_route(s->get_netpoint(), p->get_netpoint(), nullptr, nullptr, {simgrid::s4u::LinkInRoute(sp)}, true);
  z->add_route(s->get_netpoint(), d->get_netpoint(), nullptr, nullptr, {simgrid::s4u::LinkInRoute(sd)}, true);
  z->add_route(p->get_netpoint(), d->get_netpoint(), nullptr, nullptr, {simgrid::s4u::LinkInRoute(pd)}, true);
  z->seal();
  return {s, p, d};
}

Request llm(uint64_t id, double t, uint32_t prompt, uint32_t out) { return dcsim::test::llm_request(id, t, prompt, out); }

struct Bench {
  Obs obs;
  ConstTime model;
  std::unique_ptr<DisaggPool> pool;
  std::vector<Request> reqs;
  std::map<uint64_t, double> transfer_s;
  dcsim::test::Probe arrivals;

  Bench(Engine& e, dcsim::output::Recorder& rec, DisaggPoolConfig cfg, Hosts h) {
    dcsim::serving::PoolPlacement pl{"dc1", "dis", "/sites/dc1/pools/dis", {h.prefill, h.decode}, h.storage};
    auto power = [](double b) { return b > 0 ? 400.0 + b : 100.0; };
    pool = std::make_unique<DisaggPool>(cfg, pl, e, rec, LlmSide{&model, power}, LlmSide{&model, power},
                                        std::vector<dcsim::serving::RequestObserver*>{&obs});
    pool->set_on_transfer([this](const Request& r, double s) { transfer_s[r.id] = s; });
    arrivals.engine = &e;
    arrivals.fn = [this](uint64_t tag) {
      if (tag == UINT64_MAX) pool->start(); else pool->submit(reqs[tag]);
    };
  }
  void schedule(Engine& e) {
    e.at(0.0, &arrivals, UINT64_MAX);
    for (size_t k = 0; k < reqs.size(); ++k) e.at(reqs[k].arrival_s, &arrivals, k);
  }
};

DisaggPoolConfig config(uint32_t prefill_replicas, uint32_t decode_replicas) {
  DisaggPoolConfig c;
  c.prefill = side_config(prefill_replicas);
  c.decode = side_config(decode_replicas);
  c.prefill_servers = 1;
  return c;
}

}  // namespace

TEST_CASE("disagg pool: one request completes after prefill then kv transfer then decode") {
  Engine e(dcsim::platform::simgrid_config());
  const double bw = 1e9, lat = 5e-6;
  dcsim::output::Recorder rec(e, 60);
  Bench b(e, rec, config(1, 1), three_hosts(bw, lat));
  // Weights: 1e9 B over each server's own 1e9 B/s storage link, ready at t = 1. Arrival at t = 3.
  b.reqs = {llm(0, 3.0, 100, 50)};
  b.schedule(e);
  e.run(100);
  // KV: (100 + 1) x 131072 B = 13,238,272 B over 1e9 B/s plus 5 us of latency.
  const double bytes = 101.0 * 131072.0;
  const double transfer = lat + bytes / bw;  // 0.013243272 s
  REQUIRE(b.transfer_s.count(0) == 1);
  CHECK(b.transfer_s.at(0) == Approx(transfer).epsilon(1e-9));
  REQUIRE(b.obs.done.count(0) == 1);
  // One prefill iteration (0.01 s, first token), the transfer, 49 decode iterations (0.01 s each).
  const double expected = 3.0 + 0.01 + transfer + 49 * 0.01;
  CHECK(b.obs.done.at(0) == Approx(expected).epsilon(1e-12));
  WARN(std::setprecision(12) << "hand-derived completion " << expected << " s, simulated " << b.obs.done.at(0) << " s; transfer "
                                  << transfer << " s vs " << b.transfer_s.at(0) << " s");
  CHECK(b.pool->kv_bytes_sent() == bytes);
  // Energy: 401 W x 0.01 s on the prefill replica, 401 W x 0.49 s on the decode replica.
  CHECK(b.obs.energy.at(0) == Approx(401.0 * 0.5).epsilon(1e-9));
  const auto t = b.pool->totals(100);
  CHECK(t.arrived == 1);
  CHECK(t.admitted == 1);
  CHECK(t.completed == 1);
  CHECK(t.rejected == 0);
  CHECK(b.pool->in_flight() == 0);
  CHECK(b.pool->prefill_pool().kv_used_blocks(0) == 0);
  CHECK(b.pool->decode_pool().kv_used_blocks(0) == 0);
  CHECK(b.pool->prefill_pool().tokens_out() + b.pool->decode_pool().tokens_out() == 50);
}

TEST_CASE("disagg pool: two simultaneous transfers over one shared link take twice as long") {
  Engine e(dcsim::platform::simgrid_config());
  const double bw = 1e9;
  dcsim::output::Recorder rec(e, 60);
  // Two prefill replicas on p (ready at t = 2: two loads share s-p), two decode replicas on d.
  Bench b(e, rec, config(2, 2), three_hosts(bw, 0));
  // One request per prefill replica: both are prefilled at 3.01 and sent at once over p-d.
  b.reqs = {llm(0, 3.0, 100, 20), llm(1, 3.0, 100, 20)};
  b.schedule(e);
  bool both_in_flight = false;
  dcsim::test::Probe look;
  look.engine = &e;
  look.fn = [&](uint64_t) { both_in_flight = b.pool->transfers_in_flight() == 2; };
  e.at(3.011, &look, 0);
  e.run(100);
  const double alone = 101.0 * 131072.0 / bw;
  REQUIRE(b.transfer_s.size() == 2);
  CHECK(both_in_flight);
  for (const auto& [id, s] : b.transfer_s) {
    CHECK(s == Approx(2 * alone).margin(1e-6));
    WARN(std::setprecision(12) << "request " << id << ": transfer " << s << " s, alone " << alone << " s");
  }
  REQUIRE(b.obs.done.size() == 2);
  // Each goes to its own decode replica (the router counts the transfers in flight).
  for (const auto& [id, t] : b.obs.done) CHECK(t == Approx(3.01 + 2 * alone + 19 * 0.01).epsilon(1e-12));
  CHECK(b.pool->decode_pool().kv_used_blocks(0) == 0);
  CHECK(b.pool->decode_pool().kv_used_blocks(1) == 0);
  CHECK(b.pool->decode_pool().tokens_out() == 2 * 19);
}

TEST_CASE("disagg pool: a request rejected by the decode pool is rejected once") {
  Engine e(dcsim::platform::simgrid_config());
  dcsim::output::Recorder rec(e, 60);
  DisaggPoolConfig c = config(1, 1);
  c.decode.queue_capacity = 0;  // every hand-off is rejected when its KV cache arrives
  Bench b(e, rec, c, three_hosts(1e9, 0));
  b.reqs = {llm(0, 3.0, 100, 20), llm(1, 3.5, 100, 1)};  // the second completes in the prefill pool
  b.schedule(e);
  e.run(100);
  REQUIRE(b.obs.rejected.size() == 1);
  CHECK(b.obs.rejected[0] == 0);
  CHECK(b.obs.done.size() == 1);
  CHECK(b.obs.done.count(1) == 1);
  const auto t = b.pool->totals(100);
  CHECK(t.arrived == 2);
  CHECK(t.admitted == 2);
  CHECK(t.rejected == 1);
  CHECK(t.completed == 1);
  CHECK(b.pool->in_flight() == 0);
  CHECK(t.arrived == t.completed + t.rejected + b.pool->in_flight());
  CHECK(b.pool->transfers_done() == 1);
}

namespace {

std::string disagg_scenario() {
  return R"(
name: t
seed: 5
horizon: 120 s
record: {step: 10 s}
sites:
  - name: dc1
    storage: {bandwidth: 100 GB/s, latency: 50 us}
    network: {server_link: 50 GB/s, latency: 5 us}
    pools:
      - name: p
        servers: 3
        serving: disaggregated
        queue_capacity: 2000
        disaggregated: {ai_model: llama-3.1-8b, prefill_servers: 1, prefill_tp: 1, decode_tp: 1}
workloads:
  - name: w
    pool: dc1/p
    arrivals: {model: poisson, rate: 40 /s}
)";
}

double summary(const dcsim::RunResult& r, const std::string& name) { return dcsim::test::summary_value(r, name); }

}  // namespace

TEST_CASE("disagg pool: a scenario run keeps the request invariant and records the transfers") {
  dcsim::register_builtin_models();
  const auto sc = dcsim::scenario::load_text(disagg_scenario(), "disagg_test.yaml", dcsim::scenario::scenario_schema(),
                                             {}, dcsim::scenario::check_scenario);
  dcsim::output::MemorySink sink;
  const auto r = dcsim::run_scenario(sc, &sink);
  CHECK(r.complete);
  CHECK(r.counts.arrived == r.counts.completed + r.counts.rejected + r.counts.dropped + r.counts.in_flight);
  CHECK(r.counts.arrived > 3000);
  CHECK(r.counts.completed > 1000);
  const std::string g = "/sites/dc1/pools/p";
  const auto sum = [&](const std::string& group, const std::string& name) {
    const auto v = sink.column(group, name);
    return std::accumulate(v.begin(), v.end(), 0.0);
  };
  CHECK(sum(g, "arrivals") == double(r.counts.arrived));
  CHECK(sum(g, "completed") == double(r.counts.completed));
  CHECK(sum(g, "rejected") == double(r.counts.rejected));
  CHECK(sum(g, "kv_bytes") > 0);
  // GPU power of the pool = prefill + decode, at every step; its IT power adds the servers'
  // non-GPU part; energies match the summary.
  const auto pw = sink.column(g, "gpu_power_w");
  const auto pp = sink.column(g + "/prefill", "gpu_power_w");
  const auto pd = sink.column(g + "/decode", "gpu_power_w");
  const auto it = sink.column(g, "power_w");
  REQUIRE(it.size() == pw.size());
  for (size_t k = 0; k < pw.size(); ++k) {
    CHECK(pw[k] == Approx(pp[k] + pd[k]).epsilon(1e-12));
    CHECK(it[k] > pw[k]);
  }
  CHECK(sum(g, "gpu_energy_j") == Approx(summary(r, "energy_gpu_j")).epsilon(1e-9));
  CHECK(sum(g, "energy_j") == Approx(summary(r, "energy_it_j")).epsilon(1e-9));
  CHECK(sum(g, "tokens_out") == sum(g + "/prefill", "tokens_out") + sum(g + "/decode", "tokens_out"));
  // KV transfers of ~1000-token prompts (128 KiB per token) over 50 GB/s: milliseconds.
  const auto p99 = sink.column(g, "kv_transfer_p99_s");
  CHECK(p99.back() > 0);
  CHECK(p99.back() < 0.1);
}

namespace {

// Two workloads with deterministic arrivals at the same instants into one disaggregated pool:
// both requests are prefilled together on the one prefill server and sent at once.
std::string two_at_once_scenario() {
  const std::string workload = R"(
    pool: dc1/p
    arrivals: {model: deterministic, rate: 0.05 /s, phase: 10 s}
    class: {model: llm, prompt_tokens: {model: fixed, tokens: 1000}, output_tokens: {model: fixed, tokens: 20}}
)";
  return R"(
name: t
horizon: 15 s
record: {step: 5 s}
sites:
  - name: dc1
    storage: {bandwidth: 100 GB/s, latency: 50 us}
    network: {server_link: 50 GB/s, latency: 5 us}
    pools:
      - name: p
        servers: 2
        serving: disaggregated
        disaggregated: {ai_model: llama-3.1-8b, prefill_servers: 1}
workloads:
  - name: a)" + workload + "  - name: b" + workload;
}

}  // namespace

TEST_CASE("disagg pool: on the site fabric two transfers from one server share its link") {
  dcsim::register_builtin_models();
  const auto sc = dcsim::scenario::load_text(two_at_once_scenario(), "disagg_test.yaml",
                                             dcsim::scenario::scenario_schema(), {}, dcsim::scenario::check_scenario);
  Engine e(dcsim::platform::simgrid_config());
  dcsim::output::Recorder rec(e, 5);
  dcsim::World world(sc.root, ".", e, rec);
  auto* pool = dynamic_cast<DisaggPool*>(world.pools().at(0).get());
  REQUIRE(pool != nullptr);
  std::vector<std::pair<double, double>> seen;  // (end time, duration)
  pool->set_on_transfer([&](const Request&, double s) { seen.emplace_back(e.now(), s); });
  world.start(15);
  e.run(15);
  // Star zone: prefill server link up, decode server link down, 5 us each; 50 GB/s shared by two.
  const double bytes = 1001.0 * 131072.0;
  const double expected = 2 * 5e-6 + 2 * bytes / 50e9;
  REQUIRE(seen.size() == 2);
  for (const auto& [end, s] : seen) {
    CHECK(s == Approx(expected).margin(1e-6));
    WARN(std::setprecision(12) << "fabric transfer " << s << " s, hand-derived " << expected << " s");
  }
  CHECK(seen[0].first == seen[1].first);
  CHECK(pool->totals(15).completed == 2);
  CHECK(pool->in_flight() == 0);
}
