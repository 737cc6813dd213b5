// Commands on LLM pools (models/serving/pool.hpp, llm_pool_commands.cpp) with hand-derived
// expectations: a power cap or speed factor mid-iteration stretches the rest of that iteration
// and every later one by the rate; a removed replica serves what it holds, takes nothing new and
// stops drawing power; an added one loads and serves; a failed server's requests are orphans,
// a repaired one loads again; commands on a server subset leave the others alone; the factory's
// operating points follow the GPU power model's cap law; the disaggregated pool acts on its
// sides. Request conservation holds throughout.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <memory>
#include <vector>

#include "models/catalog/catalog.hpp"
#include "models/serving/disagg_pool.hpp"
#include "models/serving/llm_pool.hpp"
#include "models/serving/llm_pool_factory.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "tests/unit/llm_test_support.hpp"
#include "tests/unit/test_support.hpp"

using namespace dcsim;
using serving::LlmPool;
using serving::OperatingPoint;
using workload::Request;

namespace {

// Iteration time 10 ms / rate and replica power 100 W idle, 400 W x rate while iterating, with
// rate = min(speed, 0.5 if capped): the pool's mechanics with numbers one can follow by hand.
struct PointModels {
  std::vector<std::unique_ptr<test::ConstTime>> times;
  serving::LlmPointMaker maker() {
    return [this](const OperatingPoint& op) {
      const double rate = std::min(op.speed, op.cap_w > 0 ? 0.5 : 1.0);
      times.push_back(std::make_unique<test::ConstTime>());
      times.back()->dt = 0.01 / rate;
      return serving::LlmPointModels{times.back().get(), [rate](double b) { return b > 0 ? 400.0 * rate : 100.0; }};
    };
  }
};

// `servers` servers of `per_server` replicas (1e9 B of weights each, 1e9 B/s per server: loaded
// at t = per_server s), and a probe that runs lambdas at given times.
struct Bench {
  test::RecordingObserver obs;
  PointModels models;
  std::unique_ptr<LlmPool> pool;
  std::vector<Request> orphans;
  std::map<uint64_t, serving::LlmRequestStats> stats;
  test::Probe probe;
  std::vector<std::function<void()>> actions;
  Engine& e;

  Bench(Engine& engine, output::Recorder& rec, uint32_t servers, uint32_t per_server) : e(engine) {
    auto hosts = test::star_hosts(servers, 1e9);
    serving::PoolPlacement pl{"dc1", "p", "/sites/dc1/pools/p", hosts.second, hosts.first};
    pool = std::make_unique<LlmPool>(test::small_llm_config(per_server), pl, e, rec, models.maker(), OperatingPoint{},
                                     std::vector<serving::RequestObserver*>{&obs});
    pool->set_on_done([this](const serving::LlmRequestStats& s) { stats[s.request.id] = s; });
    probe.engine = &e;
    probe.fn = [this](uint64_t tag) { actions[tag](); };
    at(0, [this] { pool->start(); });
  }
  void at(double t, std::function<void()> f) {
    actions.push_back(std::move(f));
    e.at(t, &probe, actions.size() - 1);
  }
  void submit(double t, uint64_t id, uint32_t prompt, uint32_t out) {
    at(t, [this, t, id, prompt, out] { pool->submit(test::llm_request(id, t, prompt, out)); });
  }
};

}  // namespace

TEST_CASE("llm commands: a power cap mid-iteration stretches the rest of it and every later one") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  Bench b(e, rec, 1, 1);
  // Ready at 1 s; a request of 100 output tokens at 2 s: prefill then 99 decode iterations of
  // 10 ms, the j-th ending at 2 + 0.01 j. The cap at 2.505 s falls in iteration 51 (2.50-2.51):
  // its last 5 ms take 10 ms (ends 2.515), the other 49 take 20 ms: done at 2.515 + 0.98 = 3.495.
  b.submit(2.0, 1, 10, 100);
  double power_before = 0, power_after = 0;
  b.at(2.505, [&] {
    power_before = b.pool->power_w();
    b.pool->set_power_cap(300, serving::kAllServers);
    power_after = b.pool->power_w();
  });
  e.run(10);
  REQUIRE(b.obs.done.count(1));
  CHECK(b.obs.done.at(1) == Approx(3.495).epsilon(1e-9));
  CHECK(power_before == Approx(400.0));
  CHECK(power_after == Approx(200.0));
  // Energy: 400 W for 0.505 s, then 200 W for 0.99 s.
  CHECK(b.obs.energy.at(1) == Approx(400.0 * 0.505 + 200.0 * 0.99).epsilon(1e-9));
  CHECK(b.pool->operating_point(0).cap_w == 300);
  CHECK(b.pool->skips_cut() >= 1);
}

TEST_CASE("llm commands: a speed factor applies from that instant and lifting it restores the nominal time") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  Bench b(e, rec, 1, 1);
  b.submit(2.0, 1, 10, 100);
  // Iterations of 10 ms until 2.3 (30 done), 40 ms (speed 0.25) until 2.7 (10 more), then 10 ms
  // again for the remaining 60: done at 3.3.
  b.at(2.3, [&] { b.pool->set_speed_factor(0.25, serving::kAllServers); });
  b.at(2.7, [&] { b.pool->set_speed_factor(1.0, serving::kAllServers); });
  e.run(10);
  REQUIRE(b.obs.done.count(1));
  CHECK(b.obs.done.at(1) == Approx(3.3).epsilon(1e-9));
  CHECK_THROWS_AS(b.pool->set_speed_factor(0.0, serving::kAllServers), std::invalid_argument);
  CHECK_THROWS_AS(b.pool->set_speed_factor(1.5, serving::kAllServers), std::invalid_argument);
}

TEST_CASE("llm commands: a cap on one server leaves the other server's replicas at their speed") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  Bench b(e, rec, 2, 1);  // replica 0 on server 0, replica 1 on server 1
  const uint32_t server1[] = {1};
  b.at(1.5, [&] { b.pool->set_power_cap(300, serving::ServerSet(server1)); });
  b.submit(2.0, 1, 10, 100);  // to replica 0 (fewest tokens, lowest index)
  b.submit(2.0, 2, 10, 100);  // to replica 1
  e.run(10);
  CHECK(b.stats.at(1).replica == 0);
  CHECK(b.stats.at(2).replica == 1);
  CHECK(b.obs.done.at(1) == Approx(3.0).epsilon(1e-9));
  CHECK(b.obs.done.at(2) == Approx(4.0).epsilon(1e-9));
  CHECK_THROWS_AS(b.pool->set_power_cap(300, serving::ServerSet(std::vector<uint32_t>{2}.data(), 1)),
                  std::invalid_argument);
}

TEST_CASE("llm commands: a removed replica serves what it holds, takes nothing new, then draws no power") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  Bench b(e, rec, 1, 2);  // two replicas on one server, both ready at t = 2 s
  b.submit(3.0, 1, 10, 100);  // replica 0
  b.submit(3.0, 2, 10, 100);  // replica 1
  uint32_t removed = 0;
  size_t active_after = 0;
  b.at(3.5, [&] {
    removed = b.pool->remove_replicas(1);  // the highest index: replica 1
    active_after = b.pool->replicas_active();
  });
  b.submit(3.6, 3, 10, 100);  // must go to replica 0
  double power_at_4_5 = 0;
  b.at(4.5, [&] { power_at_4_5 = b.pool->power_w(); });
  e.run(10);
  CHECK(removed == 1);
  CHECK(active_after == 1);
  REQUIRE(b.obs.done.size() == 3);
  CHECK(b.stats.at(2).replica == 1);
  CHECK(b.obs.done.at(2) == Approx(4.0).epsilon(1e-9));  // finished what it was running
  CHECK(b.stats.at(3).replica == 0);
  // At 4.5 s replica 0 iterates (request 3) and replica 1 is stopped: 400 W + 0 W.
  CHECK(power_at_4_5 == Approx(400.0));
  CHECK(b.pool->replicas_active() == 1);
  CHECK(b.pool->in_flight() == 0);
  CHECK(b.pool->remove_replicas(5) == 1);  // only replica 0 was left
  CHECK(b.pool->replicas_active() == 0);
}

TEST_CASE("llm commands: an added replica loads its weights and then takes work") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  Bench b(e, rec, 1, 2);  // ready at 2 s
  b.at(2.5, [&] { CHECK(b.pool->remove_replicas(1) == 1); });  // idle: stops at once
  double power_stopped = 0;
  b.at(2.6, [&] { power_stopped = b.pool->power_w(); });
  uint32_t added = 0;
  b.at(3.0, [&] { added = b.pool->add_replicas(3); });  // one replica can come back
  size_t active_loading = 0;
  b.at(3.5, [&] { active_loading = b.pool->replicas_active(); });
  b.submit(5.0, 1, 10, 100);
  b.submit(5.0, 2, 10, 100);
  e.run(10);
  CHECK(power_stopped == Approx(100.0));  // replica 0 idle, replica 1 off
  CHECK(added == 1);
  CHECK(active_loading == 1);                              // 1e9 B over 1e9 B/s: loaded at 4 s
  CHECK(b.pool->replica_ready_s(1) == Approx(4.0).epsilon(1e-9));
  CHECK(b.pool->replicas_active() == 2);
  CHECK(b.stats.at(1).replica != b.stats.at(2).replica);  // both serve
}

TEST_CASE("llm commands: a failed server's requests are orphans and a repaired one loads again") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  Bench b(e, rec, 2, 1);  // replica 0 on server 0, replica 1 on server 1; ready at 1 s
  b.pool->set_orphan_handler([&](const Request& r, double) { b.orphans.push_back(r); });
  for (uint64_t k = 0; k < 6; ++k) b.submit(2.0, k, 10, 100);  // 3 at each replica
  uint64_t in_flight_after = 0;
  double power_after = 0;
  b.at(2.5, [&] {
    b.pool->fail_server(1);
    in_flight_after = b.pool->in_flight();
    power_after = b.pool->power_w();
  });
  b.submit(2.6, 10, 10, 100);  // replica 0: the only one up
  b.at(3.0, [&] { b.pool->repair_server(1); });
  e.run(20);
  REQUIRE(b.orphans.size() == 3);
  for (const auto& r : b.orphans) {
    CHECK(r.first_token_s == Approx(2.01).epsilon(1e-9));  // all three were decoding
    CHECK(r.energy_j > 0);
  }
  CHECK(in_flight_after == 3);
  CHECK(power_after == Approx(400.0));  // replica 0 iterating, replica 1 off
  CHECK(b.stats.at(10).replica == 0);
  CHECK(b.pool->replica_ready_s(1) == Approx(4.0).epsilon(1e-9));  // reloaded 3 -> 4 s
  // Conservation: 7 submitted = 4 completed + 3 orphaned; none rejected.
  CHECK(b.obs.done.size() == 4);
  CHECK(b.obs.rejected.empty());
  CHECK(b.pool->in_flight() == 0);
  CHECK(b.pool->replicas_active() == 2);
}

TEST_CASE("llm commands: without an orphan handler a failed server's requests are dropped") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  Bench b(e, rec, 1, 1);
  b.submit(2.0, 1, 10, 100);
  b.submit(2.0, 2, 10, 100);
  b.at(2.5, [&] { b.pool->fail_server(0); });
  e.run(10);
  CHECK(b.obs.dropped.size() == 2);
  CHECK(b.pool->in_flight() == 0);
  CHECK(b.pool->replicas_active() == 0);
  CHECK(b.pool->power_w() == 0);
}

TEST_CASE("llm commands: the factory's operating points follow the GPU power model's cap law") {
  const auto cat = catalog::Catalog::load_builtin();
  serving::LlmPoolConfig cfg = test::small_llm_config(1);
  cfg.gpu = cat.gpu("h100-sxm");
  cfg.model = cat.model("llama-3.1-8b");
  serving::LlmPoolParts parts;
  serving::LlmPointMaker maker = serving::llm_point_maker(parts, cfg, 0);
  const serving::LlmPointModels free = maker(OperatingPoint{});
  const serving::LlmPointModels capped = maker(OperatingPoint{450, 1});
  const serving::LlmPointModels throttled = maker(OperatingPoint{0, 0.8});
  power::GpuPowerModel gpu(cfg.gpu);
  serving::IterationLoad l{0, 64, 64 * 1200};
  // P_u: the uncapped activity power of the iteration (gpu_power_model.hpp, activity law).
  auto uncapped = [&](const serving::RooflineLoad& rl) {
    return gpu.activity_w(serving::gpu_activity(parts.roofline->activity(rl)));
  };
  const double pu = uncapped(serving::Roofline::load_of(l));
  REQUIRE(pu > 450);
  // Cap: time / (C / P_u)^(1/3), power min(P_u, C).
  CHECK(capped.iteration_time->seconds(l) == Approx(free.iteration_time->seconds(l) / std::cbrt(450 / pu)).epsilon(1e-12));
  CHECK(capped.power_w(64) == Approx(450.0));
  // Throttle 0.8: time / 0.8, power max(idle, P_u 0.8^3) (the table's batch-64 load: LM-Arena context).
  const double ctx = serving::kArenaPromptMean + serving::kArenaOutputAge;
  const double pu_table = uncapped(serving::RooflineLoad{0.0, 64.0, 64.0 * ctx});
  CHECK(throttled.iteration_time->seconds(l) == Approx(free.iteration_time->seconds(l) / 0.8).epsilon(1e-12));
  CHECK(throttled.power_w(64) == Approx(std::max(gpu.idle_w(), pu_table * 0.512)).epsilon(1e-12));
  CHECK(throttled.iteration_time->replica_power_w(l) == Approx(std::max(gpu.idle_w(), pu * 0.512)).epsilon(1e-12));
  CHECK(throttled.power_w(0) == Approx(gpu.idle_w()));
  // The initial point is the pool's own models; others are kept in parts.points.
  CHECK(free.iteration_time == parts.iteration_time.get());
  CHECK(parts.points.size() == 2);
}

TEST_CASE("llm commands: the disaggregated pool applies them to its sides") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  auto hosts = test::star_hosts(3, 1e9);  // server 0 prefill, servers 1 and 2 decode
  PointModels models;
  serving::DisaggPoolConfig cfg;
  cfg.prefill = test::small_llm_config(1);
  cfg.decode = test::small_llm_config(1);
  cfg.prefill_servers = 1;
  test::RecordingObserver obs;
  serving::PoolPlacement pl{"dc1", "dis", "/sites/dc1/pools/dis", hosts.second, hosts.first};
  serving::DisaggPool pool(cfg, pl, e, rec, serving::LlmSide{nullptr, {}, models.maker(), {}},
                           serving::LlmSide{nullptr, {}, models.maker(), {}}, {&obs});
  std::vector<Request> orphans;
  pool.set_orphan_handler([&](const Request& r, double) { orphans.push_back(r); });
  test::Probe probe;
  probe.engine = &e;
  probe.fn = [&](uint64_t tag) {
    if (tag == 0) pool.start();
    if (tag == 1) {
      const uint32_t prefill_server[] = {0};
      pool.set_power_cap(300, serving::ServerSet(prefill_server));
      for (uint64_t k = 0; k < 4; ++k) pool.submit(test::llm_request(k, 2.0, 10, 1000));
    }
    if (tag == 2) pool.fail_server(2);
    if (tag == 3) CHECK(pool.remove_replicas(1) == 1);
  };
  e.at(0, &probe, 0);
  e.at(2.0, &probe, 1);
  e.at(3.0, &probe, 2);
  e.at(4.0, &probe, 3);
  e.run(60);
  CHECK(pool.prefill_pool().operating_point(0).cap_w == 300);
  CHECK(pool.decode_pool().operating_point(0).cap_w == 0);
  // Prefill at half speed: 20 ms for the four prompts, then transfers; decoding on both decode
  // replicas; server 2 (decode replica 1) fails at 3 s: its two requests are orphans.
  CHECK(orphans.size() == 2);
  // Removing one replica: prefill 1/1 wanted vs decode 2/2 (the failed one still counts): decode.
  CHECK(pool.decode_pool().replicas_wanted() == 1);
  CHECK(obs.done.size() == 2);
  CHECK(pool.in_flight() == 0);
}

TEST_CASE("llm commands: the disaggregated pool adds to the side short of its share and throttles both sides") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  auto hosts = test::star_hosts(3, 1e9);  // server 0 prefill, servers 1 and 2 decode
  PointModels models;
  serving::DisaggPoolConfig cfg;
  cfg.prefill = test::small_llm_config(1);
  cfg.decode = test::small_llm_config(1);
  cfg.prefill_servers = 1;
  test::RecordingObserver obs;
  serving::PoolPlacement pl{"dc1", "dis", "/sites/dc1/pools/dis", hosts.second, hosts.first};
  serving::DisaggPool pool(cfg, pl, e, rec, serving::LlmSide{nullptr, {}, models.maker(), {}},
                           serving::LlmSide{nullptr, {}, models.maker(), {}}, {&obs});
  std::vector<uint32_t> wanted_after;
  test::Probe probe;
  probe.engine = &e;
  probe.fn = [&](uint64_t tag) {
    if (tag == 0) pool.start();
    if (tag == 1) {
      CHECK(pool.remove_replicas(2) == 2);  // decode (2/2 >= 1/1), then prefill (1/1 > 1/2)
      wanted_after = {pool.prefill_pool().replicas_wanted(), pool.decode_pool().replicas_wanted()};
      CHECK(pool.add_replicas(1) == 1);  // prefill (0/1 <= 1/2)
      wanted_after.push_back(pool.prefill_pool().replicas_wanted());
      CHECK(pool.add_replicas(5) == 1);  // decode, then nothing left
      pool.set_speed_factor(0.5, serving::kAllServers);
    }
    if (tag == 2) pool.fail_server(0);
    if (tag == 3) pool.repair_server(0);
  };
  e.at(0, &probe, 0);
  e.at(2.0, &probe, 1);
  e.at(5.0, &probe, 2);
  e.at(6.0, &probe, 3);
  e.run(60);
  CHECK(wanted_after == std::vector<uint32_t>{0, 1, 1});
  CHECK(pool.decode_pool().replicas_wanted() == 2);
  CHECK(pool.prefill_pool().operating_point(0).speed == 0.5);
  CHECK(pool.decode_pool().operating_point(1).speed == 0.5);
  CHECK(pool.prefill_pool().replica_ready_s(0) == Approx(7.0).epsilon(1e-9));  // reloaded after the repair
  CHECK(pool.load().replicas_active == 3);
  CHECK_THROWS_AS(pool.fail_server(3), std::invalid_argument);
}
