// Commands on the placeholder (fifo) and diffusion pools (models/serving/pool.hpp) with
// hand-derived expectations: a cap or speed factor mid-service stretches the rest of the service
// or batch by the rate of the GPU power model's law (throttle.hpp), power follows at once; a
// removed replica finishes what it runs and stops drawing power; a failed server's requests are
// orphans and a repaired one loads again; requests are conserved.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <memory>
#include <vector>

#include "models/catalog/catalog.hpp"
#include "models/register_models.hpp"
#include "models/serving/diffusion_pool_factory.hpp"
#include "models/serving/fifo_pool.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "tests/unit/llm_test_support.hpp"
#include "tests/unit/test_support.hpp"

using namespace dcsim;
using workload::Request;

namespace {

// A fifo pool of one server with two 1-GPU replicas (75 W idle, 700 W busy), a fixed 10 s
// service, 1 GB of weights per replica over a 1 GB/s link: both ready at t = 2 s.
const char* kFifo = R"(
name: t
horizon: 1 h
sites:
  - name: dc1
    pools:
      - {name: p, servers: 1, gpus_per_server: 2, weights: 1 GB, queue_capacity: 10,
         gpu: {idle_power: 75 W, busy_power: 700 W}, service: {model: fixed, time: 10 s}}
workloads:
  - {name: w, pool: dc1/p, arrivals: {model: poisson, rate: 1 /s}}
)";

struct Actions {
  test::Probe probe;
  std::vector<std::function<void()>> fns;
  Engine& e;
  explicit Actions(Engine& engine) : e(engine) {
    probe.engine = &e;
    probe.fn = [this](uint64_t tag) { fns[tag](); };
  }
  void at(double t, std::function<void()> f) {
    fns.push_back(std::move(f));
    e.at(t, &probe, fns.size() - 1);
  }
};

struct FifoBench {
  scenario::LoadedScenario sc;
  test::RecordingObserver obs;
  std::unique_ptr<serving::FifoPool> pool;
  Actions act;
  FifoBench(Engine& e, output::Recorder& rec) : act(e) {
    register_builtin_models();
    sc = scenario::load_text(kFifo, "t.yaml", scenario::scenario_schema(), {}, scenario::check_scenario);
    auto hosts = test::star_hosts(1, 1e9);
    serving::PoolPlacement pl{"dc1", "p", "/sites/dc1/pools/p", hosts.second, hosts.first};
    pool = std::make_unique<serving::FifoPool>(sc.root.list("sites")[0].list("pools")[0], pl, e, rec, Rng(1, "t"),
                                               std::vector<serving::RequestObserver*>{&obs});
    act.at(0, [this] { pool->start(); });
  }
  void submit(double t, uint64_t id) {
    act.at(t, [this, t, id] { pool->submit(test::llm_request(id, t, 1, 1)); });
  }
};

}  // namespace

TEST_CASE("fifo commands: a cap mid-service stretches its rest by (cap / busy power)^(1/3)") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  FifoBench b(e, rec);
  b.submit(3.0, 1);  // nominal end 13 s
  double before = 0, after = 0;
  b.act.at(8.0, [&] {
    before = b.pool->power_w();
    b.pool->set_power_cap(350, serving::kAllServers);
    after = b.pool->power_w();
  });
  e.run(100);
  CHECK(b.obs.done.at(1) == Approx(8.0 + 5.0 / std::cbrt(0.5)).epsilon(1e-12));
  CHECK(before == Approx(700.0 + 75.0));
  CHECK(after == Approx(350.0 + 75.0));
}

TEST_CASE("fifo commands: a speed factor of 0.5 doubles the rest of a service and busy power falls as s^3") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  FifoBench b(e, rec);
  b.submit(3.0, 1);
  double after = 0;
  b.act.at(8.0, [&] {
    b.pool->set_speed_factor(0.5, serving::kAllServers);
    after = b.pool->power_w();
  });
  b.submit(20.0, 2);  // a new service at half speed: 20 s
  e.run(100);
  CHECK(b.obs.done.at(1) == Approx(18.0).epsilon(1e-12));
  CHECK(b.obs.done.at(2) == Approx(40.0).epsilon(1e-12));
  CHECK(after == Approx(std::max(75.0, 700.0 * 0.125) + 75.0));
}

TEST_CASE("fifo commands: a removed replica finishes its request, takes no new one and stops drawing power") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  FifoBench b(e, rec);
  b.submit(3.0, 1);
  b.submit(3.0, 2);
  size_t active = 0;
  b.act.at(5.0, [&] {
    CHECK(b.pool->remove_replicas(1) == 1);
    active = b.pool->replicas_active();
  });
  b.submit(6.0, 3);  // waits for replica 0
  double power_14 = 0;
  b.act.at(14.0, [&] { power_14 = b.pool->power_w(); });
  e.run(100);
  CHECK(active == 1);
  CHECK(b.obs.done.at(1) == Approx(13.0));
  CHECK(b.obs.done.at(2) == Approx(13.0));
  CHECK(b.obs.done.at(3) == Approx(23.0));  // served by replica 0 after its first request
  CHECK(power_14 == Approx(700.0));         // replica 0 busy, replica 1 off
  CHECK(b.pool->in_flight() == 0);
}

TEST_CASE("fifo commands: a failed server's requests are orphans, its queue waits, a repair serves it") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  FifoBench b(e, rec);
  for (uint64_t k = 0; k < 3; ++k) b.submit(3.0, k);  // two served, one queued
  std::vector<Request> orphans;
  b.pool->set_orphan_handler([&](const Request& r, double) { orphans.push_back(r); });
  uint64_t in_flight = 0;
  double power = -1;
  b.act.at(5.0, [&] {
    b.pool->fail_server(0);
    in_flight = b.pool->in_flight();
    power = b.pool->power_w();
  });
  b.act.at(6.0, [&] { b.pool->repair_server(0); });  // reloads 2 GB: ready at 8 s
  e.run(100);
  CHECK(orphans.size() == 2);
  CHECK(in_flight == 1);
  CHECK(power == 0);
  CHECK(b.obs.done.size() == 1);
  CHECK(b.obs.done.at(2) == Approx(18.0).epsilon(1e-9));  // 8 s + 10 s
  CHECK(b.pool->replicas_active() == 2);
}

TEST_CASE("fifo commands: an added replica loads its weights, then serves") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  FifoBench b(e, rec);
  b.act.at(3.0, [&] { CHECK(b.pool->remove_replicas(2) == 2); });
  b.act.at(4.0, [&] { CHECK(b.pool->add_replicas(1) == 1); });  // replica 0: 1 GB, ready at 5 s
  b.submit(4.5, 1);                                              // queued until then
  e.run(100);
  CHECK(b.obs.done.at(1) == Approx(15.0).epsilon(1e-9));
  CHECK(b.pool->replicas_active() == 1);
}

namespace {

constexpr double kPx = 1024.0 * 1024.0;

const catalog::Catalog& cat() {
  static const catalog::Catalog c = catalog::Catalog::load_builtin();
  return c;
}

// One SDXL replica (one H100), batches start at once (no window).
struct DiffusionBench {
  test::RecordingObserver obs;
  serving::DiffusionPoolParts parts;
  Actions act;
  DiffusionBench(Engine& e, output::Recorder& rec, uint32_t replicas) : act(e) {
    serving::DiffusionPoolConfig c =
        serving::diffusion_pool_config(cat(), cat().gpu("h100-sxm"), cat().model("sdxl"));
    c.gpus_per_server = replicas;
    c.batch_window_s = 0;
    auto hosts = test::star_hosts(1, 1e10);
    serving::PoolPlacement pl{"dc1", "img", "/sites/dc1/pools/img", hosts.second, hosts.first};
    parts = serving::build_diffusion_pool(std::move(c), 0, pl, e, rec, {&obs});
    act.at(0, [this] { parts.pool->start(); });
  }
  serving::DiffusionPool& pool() { return *parts.pool; }
  void submit(double t, uint64_t id) {
    act.at(t, [this, t, id] {
      Request r;
      r.id = id;
      r.arrival_s = t;
      r.kind = workload::RequestKind::image;
      r.images = 1;
      r.steps = 20;
      r.pixels = static_cast<uint32_t>(kPx);
      pool().submit(r);
    });
  }
};

}  // namespace

TEST_CASE("diffusion commands: a cap mid-batch stretches its rest by the cap's throughput factor") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  DiffusionBench b(e, rec, 1);
  const double T = b.pool().image_batch_time(1, kPx, 20);
  const double pu = b.parts.image_power->diffusion_w(1);  // uncapped power of a batch of one
  REQUIRE(pu > 300);
  b.submit(5.0, 1);
  double before = 0, after = 0;
  b.act.at(5.0 + T / 2, [&] {
    before = b.pool().power_w();
    b.pool().set_power_cap(300, serving::kAllServers);
    after = b.pool().power_w();
  });
  e.run(100);
  CHECK(b.obs.done.at(1) == Approx(5.0 + T / 2 + (T / 2) / std::cbrt(300 / pu)).epsilon(1e-9));
  CHECK(before == Approx(pu));
  CHECK(after == Approx(300.0));
  // The request's energy: P_u for T/2, then 300 W for the stretched rest.
  CHECK(b.obs.energy.at(1) == Approx(pu * T / 2 + 300 * (T / 2) / std::cbrt(300 / pu)).epsilon(1e-9));
}

TEST_CASE("diffusion commands: a speed factor mid-batch and a removed replica that finishes then stops") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  DiffusionBench b(e, rec, 2);
  const double T = b.pool().image_batch_time(1, kPx, 20);
  b.submit(5.0, 1);  // replica 1 (the idle stack's top), then replica 0
  b.submit(5.0, 2);
  double after = 0;
  b.act.at(5.0 + T / 2, [&] {
    b.pool().set_speed_factor(0.5, serving::kAllServers);
    CHECK(b.pool().remove_replicas(1) == 1);
    after = b.pool().power_w();
  });
  b.submit(5.0 + T, 3);  // one replica up: waits for it
  double power_late = 0;
  b.act.at(5.0 + 2 * T, [&] { power_late = b.pool().power_w(); });
  e.run(200);
  const double end = 5.0 + T / 2 + T;  // the rest (T / 2) at half speed
  CHECK(b.obs.done.at(1) == Approx(end).epsilon(1e-9));
  CHECK(b.obs.done.at(2) == Approx(end).epsilon(1e-9));
  CHECK(b.obs.done.at(3) == Approx(end + 2 * T).epsilon(1e-9));  // a whole batch at half speed
  const double pu = b.parts.image_power->diffusion_w(1);
  CHECK(after == Approx(2 * std::max(b.parts.image_power->idle_w(), pu * 0.125)));
  CHECK(power_late == Approx(std::max(b.parts.image_power->idle_w(), pu * 0.125)));  // replica 1 off
  CHECK(b.pool().replicas_active() == 1);
  CHECK(b.pool().in_flight() == 0);
}

TEST_CASE("diffusion commands: a failed server's batches are orphans and a repaired one serves again") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  DiffusionBench b(e, rec, 2);
  const double T = b.pool().image_batch_time(1, kPx, 20);
  std::vector<Request> orphans;
  b.pool().set_orphan_handler([&](const Request& r, double) { orphans.push_back(r); });
  b.submit(5.0, 1);
  b.submit(5.0, 2);
  b.act.at(5.0 + T / 2, [&] { b.pool().fail_server(0); });
  b.submit(6.0 + T, 3);  // waits in the queue
  b.act.at(7.0 + T, [&] { b.pool().repair_server(0); });
  e.run(200);
  REQUIRE(orphans.size() == 2);
  CHECK(orphans[0].energy_j > 0);
  CHECK(b.obs.done.size() == 1);
  CHECK(b.obs.done.count(3) == 1);
  CHECK(b.pool().in_flight() == 0);
  CHECK(b.pool().replicas_active() == 2);
}

TEST_CASE("diffusion commands: an added replica loads and serves, a cap on one server leaves the other alone") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  auto hosts = test::star_hosts(2, 1e10);  // two servers of one replica each
  serving::DiffusionPoolConfig c = serving::diffusion_pool_config(cat(), cat().gpu("h100-sxm"), cat().model("sdxl"));
  c.gpus_per_server = 1;
  c.batch_window_s = 0;
  test::RecordingObserver obs;
  serving::PoolPlacement pl{"dc1", "img", "/sites/dc1/pools/img", hosts.second, hosts.first};
  auto parts = serving::build_diffusion_pool(std::move(c), 0, pl, e, rec, {&obs});
  serving::DiffusionPool& pool = *parts.pool;
  const double T = pool.image_batch_time(1, kPx, 20);
  const double load_s = cat().model("sdxl").weights_B() / 1e10;
  const double pu = parts.image_power->diffusion_w(1);
  Actions act(e);
  act.at(0, [&] { pool.start(); });
  const uint32_t server1[] = {1};
  act.at(2.0, [&] {
    CHECK(pool.remove_replicas(1) == 1);  // replica 1 (server 1), idle: stops
    pool.set_power_cap(300, serving::ServerSet(server1));
  });
  uint32_t added = 0;
  act.at(3.0, [&] { added = pool.add_replicas(1); });  // loads again: up at 3 + load_s
  size_t active_loading = 0;
  act.at(3.0 + load_s / 2, [&] { active_loading = pool.replicas_active(); });
  const auto image = [&](uint64_t id, double t) {
    act.at(t, [&pool, id, t] {
      Request r;
      r.id = id;
      r.arrival_s = t;
      r.kind = workload::RequestKind::image;
      r.images = 1;
      r.steps = 20;
      r.pixels = static_cast<uint32_t>(kPx);
      pool.submit(r);
    });
  };
  image(1, 5.0);  // one on each replica
  image(2, 5.0);
  e.run(100);
  CHECK(added == 1);
  CHECK(active_loading == 1);
  CHECK(pool.replica_ready_s(1) == Approx(3.0 + load_s).epsilon(1e-9));
  // The replica on server 1 runs capped, the other at full speed.
  const double slow = T / std::cbrt(300 / pu);
  const double a = std::min(obs.done.at(1), obs.done.at(2)), b = std::max(obs.done.at(1), obs.done.at(2));
  CHECK(a == Approx(5.0 + T).epsilon(1e-9));
  CHECK(b == Approx(5.0 + slow).epsilon(1e-9));
}

TEST_CASE("fifo commands: a cap on one server of two leaves the other's services at full speed") {
  Engine e(platform::simgrid_config());
  output::Recorder rec(e, 60);
  register_builtin_models();
  auto sc = scenario::load_text(kFifo, "t.yaml", scenario::scenario_schema(), {"sites[0].pools[0].servers=2",
                                "sites[0].pools[0].gpus_per_server=1"}, scenario::check_scenario);
  auto hosts = test::star_hosts(2, 1e9);
  test::RecordingObserver obs;
  serving::PoolPlacement pl{"dc1", "p", "/sites/dc1/pools/p", hosts.second, hosts.first};
  serving::FifoPool pool(sc.root.list("sites")[0].list("pools")[0], pl, e, rec, Rng(1, "t"), {&obs});
  Actions act(e);
  act.at(0, [&] { pool.start(); });  // one replica per server, ready at 1 s
  const uint32_t server0[] = {0};
  act.at(2.0, [&] { pool.set_power_cap(350, serving::ServerSet(server0)); });
  act.at(3.0, [&] {
    pool.submit(test::llm_request(1, 3.0, 1, 1));  // one on each replica
    pool.submit(test::llm_request(2, 3.0, 1, 1));
  });
  e.run(100);
  const double a = std::min(obs.done.at(1), obs.done.at(2)), b = std::max(obs.done.at(1), obs.done.at(2));
  CHECK(a == Approx(13.0).epsilon(1e-12));                        // server 1: full speed
  CHECK(b == Approx(3.0 + 10.0 / std::cbrt(0.5)).epsilon(1e-12));  // server 0: capped
}
