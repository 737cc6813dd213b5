// The service front end (models/scheduling/frontend.hpp) and its built-in policies on
// constructed states: admission none and queue_cap, site routing single and nearest, outcomes
// passed back to the workloads, rejections that never reach a pool.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <vector>

#include "models/register_models.hpp"
#include "models/scheduling/admission_chain.hpp"
#include "models/scheduling/frontend.hpp"
#include "models/serving/pool.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "scheduling_test_support.hpp"

using namespace dcsim;
using scheduling::Frontend;
using workload::Request;

using test::FakePool;
using test::model_block;
using test::Outcomes;
using test::req;

TEST_CASE("frontend: a one-pool service without admission hands every request to its pool and outcomes to the workload") {
  register_builtin_models();
  Engine engine(platform::simgrid_config());
  output::Recorder recorder(engine, 60);
  FakePool pool;
  Outcomes wl;
  Frontend fe(engine);
  fe.view().name = "s";
  fe.view().pools.push_back({&pool, nullptr, "dc1/p"});
  const scheduling::PolicyContext ctx{fe.view(), engine, recorder, 1};
  fe.set_admission(scheduling::admission_registry().create(model_block("none"), ctx));
  fe.set_router(scheduling::site_router_registry().create(model_block("single"), ctx));
  fe.set_observer(0, &wl);
  CHECK(fe.admission()->admits_all());
  for (uint64_t i = 0; i < 5; ++i) fe.submit(req(i));
  REQUIRE(pool.got.size() == 5);
  CHECK(pool.got[3].id == 3);
  fe.on_completed(pool.got[0], 1.0);
  fe.on_rejected(pool.got[1], 1.0);
  fe.on_dropped(pool.got[2], 1.0);
  CHECK(wl.completed == std::vector<uint64_t>{0});
  CHECK(wl.rejected == std::vector<uint64_t>{1});
  CHECK(wl.dropped == std::vector<uint64_t>{2});
}

TEST_CASE("frontend: queue_cap rejects while the service's pools hold max_queue waiting requests") {
  register_builtin_models();
  Engine engine(platform::simgrid_config());
  output::Recorder recorder(engine, 60);
  FakePool a, b;
  Outcomes wl;
  site::Site dc1{"dc1", 0, {}, {}};
  Frontend fe(engine);
  fe.view().name = "s";
  fe.view().group = "/services/s";
  fe.view().pools = {{&a, &dc1, "dc1/a"}, {&b, &dc1, "dc1/b"}};
  fe.view().workloads.push_back({0, "w", &dc1, nullptr});
  fe.view().wan_latency_s = {{0.0, 0.0}};
  const scheduling::PolicyContext ctx{fe.view(), engine, recorder, 1};
  fe.set_admission(scheduling::make_admission({model_block("queue_cap", {{"max_queue", 10}})}, {}, ctx));
  fe.set_router(scheduling::site_router_registry().create(model_block("nearest"), ctx));
  fe.set_observer(0, &wl);
  CHECK_FALSE(fe.admission()->admits_all());
  a.now_load.queued = 6;
  b.now_load.queued = 3;  // 9 < 10: admitted
  fe.submit(req(1));
  b.now_load.queued = 4;  // 10: rejected, the pools never see it
  fe.submit(req(2));
  a.now_load.queued = 0;
  fe.submit(req(3));
  CHECK(a.got.size() == 2);  // nearest with equal latencies: the pool listed first
  CHECK(b.got.empty());
  CHECK(wl.rejected == std::vector<uint64_t>{2});
  CHECK(recorder.has_series("/services/s", "admission_rejected"));
}

TEST_CASE("frontend: nearest routes each workload to the pool at the lowest WAN latency from its origin") {
  register_builtin_models();
  Engine engine(platform::simgrid_config());
  output::Recorder recorder(engine, 60);
  FakePool us, eu, asia;
  site::Site s_us{"us", 0, {}, {}}, s_eu{"eu", 1, {}, {}};
  Frontend fe(engine);
  auto& v = fe.view();
  v.name = "s";
  v.pools = {{&us, &s_us, "us/p"}, {&eu, &s_eu, "eu/p"}, {&asia, nullptr, "asia/p"}};
  v.workloads = {{0, "from-eu", &s_eu, nullptr}, {3, "from-us", &s_us, nullptr}, {5, "tie", &s_us, nullptr}};
  v.wan_latency_s = {{0.040, 0.0, 0.120}, {0.0, 0.040, 0.090}, {0.050, 0.030, 0.030}};
  const scheduling::PolicyContext ctx{v, engine, recorder, 1};
  fe.set_router(scheduling::site_router_registry().create(model_block("nearest"), ctx));
  Outcomes wl;
  for (uint32_t w : {0u, 3u, 5u}) fe.set_observer(w, &wl);
  fe.submit(req(1, 0));
  fe.submit(req(2, 3));
  fe.submit(req(3, 5));  // 30 ms to eu and to asia: eu, listed first
  REQUIRE(eu.got.size() == 2);
  CHECK(eu.got[0].id == 1);
  CHECK(eu.got[1].id == 3);
  REQUIRE(us.got.size() == 1);
  CHECK(us.got[0].id == 2);
  CHECK(asia.got.empty());
}

TEST_CASE("frontend: single refuses a service of two pools and nearest a workload without origin") {
  register_builtin_models();
  Engine engine(platform::simgrid_config());
  output::Recorder recorder(engine, 60);
  FakePool a, b;
  scheduling::ServiceView v;
  v.name = "s";
  v.pools = {{&a, nullptr, "dc1/a"}, {&b, nullptr, "dc1/b"}};
  scenario::Config wcfg(nullptr, "workloads[0]", scenario::Location{"t.yaml", 9, 3});
  v.workloads = {{0, "w", nullptr, &wcfg}};
  v.wan_latency_s = {{std::nan(""), std::nan("")}};
  const scheduling::PolicyContext ctx{v, engine, recorder, 1};
  CHECK_THROWS_WITH(scheduling::site_router_registry().create(model_block("single"), ctx),
                    Catch::Contains("t.yaml:3:5: services[0].x: service 's' has 2 pools"));
  CHECK_THROWS_WITH(scheduling::site_router_registry().create(model_block("nearest"), ctx),
                    Catch::Contains("t.yaml:9:3: workloads[0]: workload 'w' sends requests to service 's'"));
}
