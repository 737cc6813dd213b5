// The continuous-batching LLM pool: hand-derived timings with a constant iteration time, batching
// of simultaneous arrivals, O(1) events per batch change, KV accounting and preemption, the queue
// cap, token accounting, and equality of the analytic skip with one event per iteration.
// ctest runs each TEST_CASE in its own process (one SimGrid engine per process).
#include <catch2/catch.hpp>

#include <map>
#include <memory>

#include <simgrid/s4u.hpp>

#include "models/serving/llm_pool.hpp"
#include "sim/engine/engine.hpp"
#include "sim/output/recorder.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "tests/unit/llm_test_support.hpp"
#include "tests/unit/test_support.hpp"

using dcsim::Engine;
using dcsim::serving::IterationTimeModel;
using dcsim::serving::LlmPool;
using dcsim::serving::LlmPoolConfig;
using dcsim::serving::LlmRequestStats;
using dcsim::workload::Request;

namespace {

using ConstTime = dcsim::test::ConstTime;
using AffineTime = dcsim::test::AffineTime;
using Obs = dcsim::test::RecordingObserver;

// 1e9-byte weights over a 1e9 B/s link: a lone replica is ready at t = 1.
LlmPoolConfig small_config() { return dcsim::test::small_llm_config(); }

// A config whose KV cache holds exactly `blocks` blocks.
LlmPoolConfig tight_config(uint64_t blocks) {
  LlmPoolConfig c = small_config();
  c.gpu_memory_utilization = 1.0;
  c.model.kv_bytes_per_token = 1e6;
  c.gpu.memory_B = 1e9 + double(blocks) * 16e6;
  return c;
}

Request llm(uint64_t id, double t, uint32_t prompt, uint32_t out) { return dcsim::test::llm_request(id, t, prompt, out); }

// One pool, its observer and the submissions, on the engine of the test case.
struct Bench {
  Obs obs;
  std::unique_ptr<LlmPool> pool;
  std::map<uint64_t, LlmRequestStats> stats;
  std::vector<Request> reqs;
  dcsim::test::Probe arrivals;

  Bench(Engine& e, dcsim::output::Recorder& rec, const IterationTimeModel& model, LlmPoolConfig cfg,
        std::pair<simgrid::s4u::Host*, simgrid::s4u::Host*> hosts, const std::string& group,
        std::function<double(double)> power = [](double b) { return b > 0 ? 400.0 + b : 100.0; }) {
    dcsim::serving::PoolPlacement pl{"dc1", group, "/sites/dc1/pools/" + group, {hosts.second}, hosts.first};
    pool = std::make_unique<LlmPool>(cfg, pl, e, rec, model, std::move(power),
                                     std::vector<dcsim::serving::RequestObserver*>{&obs});
    pool->set_on_done([this](const LlmRequestStats& s) { stats[s.request.id] = s; });
    arrivals.engine = &e;
    arrivals.fn = [this](uint64_t tag) {
      if (tag == UINT64_MAX) pool->start(); else pool->submit(reqs[tag]);
    };
  }
  void schedule(Engine& e) {
    e.at(0.0, &arrivals, UINT64_MAX);
    for (size_t k = 0; k < reqs.size(); ++k) e.at(reqs[k].arrival_s, &arrivals, k);
  }
  uint64_t output_of_completed() const {
    uint64_t sum = 0;
    for (const auto& r : reqs)
      if (obs.done.count(r.id)) sum += r.output_tokens;
    return sum;
  }
};

// A small deterministic generator for mixed workloads.
struct Lcg {
  uint64_t s;
  uint32_t next(uint32_t lo, uint32_t hi) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + static_cast<uint32_t>((s >> 33) % (hi - lo + 1));
  }
};

}  // namespace

TEST_CASE("llm pool: kv capacity follows the memory formula") {
  LlmPoolConfig c = small_config();
  // floor((80e9 * 0.9 - 1e9) / (16 * 131072)) = floor(71e9 / 2097152) = 33855
  CHECK(dcsim::serving::llm_kv_capacity_blocks(c) == 33855);
  CHECK(dcsim::serving::llm_kv_capacity_blocks(tight_config(20)) == 20);
  c.gpu.memory_B = 1e9;
  CHECK_THROWS(dcsim::serving::llm_kv_capacity_blocks(c));
}

TEST_CASE("llm pool: one request has hand-derived ttft tpot and completion") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(1e9, 0);
  dcsim::output::Recorder rec(e, 60);
  ConstTime model;
  Bench b(e, rec, model, small_config(), hosts, "chat");
  b.reqs = {llm(0, 0.0, 100, 50)};
  b.schedule(e);
  e.run(100);
  const double ready = b.pool->replica_ready_s(0);
  CHECK(ready == Approx(1.0).epsilon(1e-9));
  REQUIRE(b.obs.done.size() == 1);
  const auto& s = b.stats.at(0);
  CHECK(s.first_token_s - 0.0 == Approx(ready + 0.01).epsilon(1e-12));      // TTFT: one iteration
  CHECK(s.completion_s == Approx(ready + 50 * 0.01).epsilon(1e-12));      // 50 iterations
  CHECK((s.completion_s - s.first_token_s) / 49 == Approx(0.01).epsilon(1e-9));  // TPOT
  CHECK(b.pool->iterations() == 50);
  CHECK(b.pool->tokens_out() == 50);
  CHECK(b.pool->kv_used_blocks(0) == 0);
  CHECK(b.pool->in_flight() == 0);
  const auto t = b.pool->totals(100);
  CHECK(t.completed == 1);
  // Power: 100 W idle (loading, idle) and 401 W during the 50 iterations.
  CHECK(t.energy_j == Approx(100.0 * (100 - 0.5) + 401.0 * 0.5).epsilon(1e-9));
  for (const char* name : {"arrivals", "admitted", "rejected", "completed", "queue_length", "running", "replicas_active",
                           "gpu_utilization", "tokens_out", "preemptions", "ttft_p99_s", "tpot_p99_s", "latency_p50_s",
                           "latency_p99_s", "gpu_power_w", "gpu_energy_j", "kv_utilization"})
    CHECK(rec.has_series("/sites/dc1/pools/chat", name));
}

TEST_CASE("llm pool: prefill and decode roles hand a request over with its energy") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(1e9, 0);
  dcsim::output::Recorder rec(e, 60);
  ConstTime model;
  Bench pre(e, rec, model, small_config(), hosts, "prefill");
  Bench dec(e, rec, model, small_config(), hosts, "decode");
  std::vector<Request> handed;
  pre.pool->set_on_prefilled([&](const Request& r, double energy_j, uint32_t replica) {
    CHECK(replica == 0);
    handed.push_back(r);
    dec.pool->submit_prefilled(r, energy_j, dec.pool->choose_replica());
  });
  // Both load 1e9 B over the shared 1e9 B/s link: ready at t = 2. The request arrives at t = 3.
  pre.reqs = {llm(0, 3.0, 100, 50), llm(1, 3.0, 100, 1)};
  pre.schedule(e);
  dec.arrivals.engine = &e;
  e.at(0.0, &dec.arrivals, UINT64_MAX);
  e.run(100);
  REQUIRE(handed.size() == 1);  // the one-token request completes in the prefill pool
  CHECK(handed[0].first_token_s == Approx(3.01).epsilon(1e-12));
  CHECK(handed[0].start_s == Approx(3.0).epsilon(1e-12));
  CHECK(pre.obs.done.at(1) == Approx(3.01).epsilon(1e-12));
  REQUIRE(dec.obs.done.count(0) == 1);
  // One prefill iteration there, 49 decode iterations here: the same as one pool.
  CHECK(dec.obs.done.at(0) == Approx(3.0 + 50 * 0.01).epsilon(1e-12));
  CHECK(pre.pool->tokens_out() == 2);
  CHECK(dec.pool->tokens_out() == 49);
  CHECK(dec.pool->kv_used_blocks(0) == 0);
  CHECK(pre.pool->kv_used_blocks(0) == 0);
  CHECK(pre.pool->in_flight() == 0);
  CHECK(dec.pool->in_flight() == 0);
  // Energy: half of 402 W x 0.01 s in the prefill pool (two requests), then 401 W x 0.49 s.
  CHECK(dec.obs.energy.at(0) == Approx(402.0 * 0.01 / 2 + 401.0 * 0.49).epsilon(1e-9));
  CHECK(pre.pool->totals(100).completed == 1);
  CHECK(dec.pool->totals(100).completed == 1);
}

TEST_CASE("llm pool: two requests arriving together share one batch") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(1e9, 0);
  dcsim::output::Recorder rec(e, 60);
  ConstTime model;
  Bench b(e, rec, model, small_config(), hosts, "chat");
  // After the weights are loaded (t = 1) the replica is idle; both arrive at t = 2.
  b.reqs = {llm(0, 2.0, 100, 20), llm(1, 2.0, 300, 20)};
  b.schedule(e);
  e.run(100);
  REQUIRE(b.obs.done.size() == 2);
  CHECK(b.obs.done.at(0) == Approx(2.0 + 20 * 0.01).epsilon(1e-12));
  CHECK(b.obs.done.at(0) == b.obs.done.at(1));
  CHECK(b.stats.at(0).first_token_s == b.stats.at(1).first_token_s);
  CHECK(b.pool->iterations() == 20);
}

TEST_CASE("llm pool: chunked prefill spreads a long prompt over the token budget") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(1e9, 0);
  dcsim::output::Recorder rec(e, 60);
  ConstTime model;
  LlmPoolConfig c = small_config();
  c.max_batch = 8;
  c.max_batch_tokens = 256;
  Bench b(e, rec, model, c, hosts, "chat");
  // 1000 prompt tokens in chunks of 256: 4 iterations to the first token, then 9 more.
  b.reqs = {llm(0, 2.0, 1000, 10)};
  b.schedule(e);
  e.run(100);
  REQUIRE(b.obs.done.size() == 1);
  CHECK(b.stats.at(0).first_token_s == Approx(2.0 + 4 * 0.01).epsilon(1e-12));
  CHECK(b.obs.done.at(0) == Approx(2.0 + 13 * 0.01).epsilon(1e-12));
  CHECK(b.pool->iterations() == 13);
}

TEST_CASE("llm pool: a long request costs O(1) events") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(1e9, 0);
  dcsim::output::Recorder rec(e, 60);
  AffineTime model;
  Bench b(e, rec, model, small_config(), hosts, "chat");
  b.reqs = {llm(0, 0.0, 1000, 20000)};
  b.schedule(e);
  const auto stats = e.run(1e6);
  REQUIRE(b.obs.done.size() == 1);
  CHECK(b.pool->iterations() == 20000);
  CHECK(b.pool->tokens_out() == 20000);
  // start, arrival, prefill iteration, one skip over the 19999 decode iterations
  CHECK(stats.events <= 6);
}

TEST_CASE("llm pool: a workload that does not fit is preempted and the kv cache stays consistent") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(1e9, 0);
  dcsim::output::Recorder rec(e, 60);
  ConstTime model;
  Bench b(e, rec, model, tight_config(20), hosts, "chat");
  // Each needs ceil(65/16) = 5 blocks to start and ceil(164/16) = 11 at the end: four start
  // together (20 blocks), then the first decode block boundary forces preemptions.
  for (uint64_t k = 0; k < 4; ++k) b.reqs.push_back(llm(k, 0.0, 64, 100));
  b.schedule(e);
  e.run(1e4);
  CHECK(b.obs.done.size() == 4);
  CHECK(b.pool->preemptions() > 0);
  CHECK(b.pool->kv_used_min_seen() >= 0);
  CHECK(b.pool->kv_used_max_seen() <= 20);
  CHECK(b.pool->kv_used_blocks(0) == 0);
  CHECK(b.pool->tokens_out() == 400);
  CHECK(b.pool->tokens_out() == b.output_of_completed());
  uint32_t preempted = 0;
  for (const auto& [id, s] : b.stats) preempted += s.preemptions;
  CHECK(preempted == b.pool->preemptions());
}

TEST_CASE("llm pool: the queue cap rejects and oversize requests are rejected") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(1e9, 0);
  dcsim::output::Recorder rec(e, 60);
  ConstTime model;
  LlmPoolConfig c = tight_config(20);
  c.queue_capacity = 2;
  Bench b(e, rec, model, c, hosts, "chat");
  // While the weights load (until t = 1) everything waits: 2 fit in the queue, 3 are rejected.
  for (uint64_t k = 0; k < 5; ++k) b.reqs.push_back(llm(k, 0.5, 10, 10));
  b.reqs.push_back(llm(5, 2.0, 300, 100));  // 400 tokens > 20 blocks * 16: can never run
  b.schedule(e);
  e.run(1e3);
  CHECK(b.obs.rejected == std::vector<uint64_t>{2, 3, 4, 5});
  CHECK(b.obs.done.size() == 2);
  const auto t = b.pool->totals(1e3);
  CHECK(t.arrived == 6);
  CHECK(t.admitted == 2);
  CHECK(t.rejected == 4);
  CHECK(t.completed == 2);
}

TEST_CASE("llm pool: tokens out equal the outputs of completed requests") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(1e9, 0);
  dcsim::output::Recorder rec(e, 60);
  AffineTime model;
  LlmPoolConfig c = tight_config(200);
  c.max_batch = 16;
  c.max_batch_tokens = 512;
  Bench b(e, rec, model, c, hosts, "chat");
  Lcg g{7};
  double t = 1.5;
  for (uint64_t k = 0; k < 200; ++k) {
    t += g.next(0, 100) * 1e-3;
    b.reqs.push_back(llm(k, t, g.next(1, 1500), g.next(1, 600)));
  }
  b.schedule(e);
  e.run(1e5);
  CHECK(b.obs.done.size() + b.obs.rejected.size() == 200);
  CHECK(b.obs.done.size() > 150);
  CHECK(b.pool->tokens_out() == b.output_of_completed());
  CHECK(b.pool->kv_used_min_seen() >= 0);
  CHECK(b.pool->kv_used_max_seen() <= 200);
  CHECK(b.pool->kv_used_blocks(0) == 0);
  CHECK(b.pool->in_flight() == 0);
}

namespace {

// The same arrivals into a skipping pool and a pool that steps every iteration (config `c`,
// arrivals from `seed`): identical completions, first tokens, preemptions and iterations.
void compare_skip_and_step(LlmPoolConfig c, uint64_t seed) {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(1e9, 0);
  dcsim::output::Recorder rec(e, 60);
  AffineTime model;
  LlmPoolConfig c_step = c;
  c_step.step_every_iteration = true;
  // Both pools load 1e9 B at once over the same link: both ready at t = 2.
  Bench skip(e, rec, model, c, hosts, "skip");
  Bench step(e, rec, model, c_step, hosts, "step");
  Lcg g{seed};
  double t = 2.0;
  for (uint64_t k = 0; k < 120; ++k) {
    t += g.next(1, 400) * 1.37e-3;  // arrivals fall inside iterations and inside skips
    const Request r = llm(k, t, g.next(1, 700), g.next(1, 400));
    skip.reqs.push_back(r);
    step.reqs.push_back(r);
  }
  skip.schedule(e);
  step.schedule(e);
  e.run(1e5);
  INFO("iterations " << skip.pool->iterations() << " skip events " << skip.pool->boundaries() << " cut "
                     << skip.pool->skips_cut() << " preemptions " << skip.pool->preemptions());
  REQUIRE(skip.obs.done.size() == step.obs.done.size());
  CHECK(skip.obs.done.size() > 100);
  CHECK(skip.pool->preemptions() == step.pool->preemptions());
  CHECK(skip.pool->iterations() == step.pool->iterations());
  CHECK(skip.pool->tokens_out() == step.pool->tokens_out());
  CHECK(skip.pool->preemptions() > 0);                  // the cache was full at times
  CHECK(skip.pool->skips_cut() > 10);                   // arrivals did fall inside skips
  CHECK(step.pool->boundaries() == step.pool->iterations());
  CHECK(skip.pool->boundaries() * 3 < step.pool->boundaries());
  CHECK(skip.pool->kv_used_max_seen() == step.pool->kv_used_max_seen());
  CHECK(skip.pool->kv_used_blocks(0) == 0);
  size_t mismatches = 0;
  for (const auto& [id, s] : step.stats) {
    const auto& k = skip.stats.at(id);
    if (k.completion_s != Approx(s.completion_s).epsilon(1e-12) ||
        k.first_token_s != Approx(s.first_token_s).epsilon(1e-12) || k.preemptions != s.preemptions)
      ++mismatches;
  }
  CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("llm pool: arrivals inside a skip give the same times as stepping every iteration") {
  LlmPoolConfig c = tight_config(120);
  c.max_batch = 8;
  c.max_batch_tokens = 256;
  compare_skip_and_step(c, 42);
}

// KV growth is counted by block residues (llm_pool.cpp): other block sizes, other arrivals.
TEST_CASE("llm pool: skipping equals stepping with 7-token blocks and a full cache") {
  LlmPoolConfig c = tight_config(120);  // 120 blocks of 16 tokens of memory: 274 blocks of 7
  c.block_tokens = 7;
  c.max_batch = 12;
  c.max_batch_tokens = 300;
  compare_skip_and_step(c, 9);
}

TEST_CASE("llm pool: skipping equals stepping with 1-token blocks") {
  LlmPoolConfig c = tight_config(60);  // 960 one-token blocks
  c.block_tokens = 1;
  c.max_batch = 8;
  c.max_batch_tokens = 256;
  compare_skip_and_step(c, 3);
}
