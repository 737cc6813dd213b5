// Site routers (models/scheduling/site_router.hpp) on constructed states: least_loaded,
// spill_over at its threshold, weighted shares over many requests, latency_aware with its moving
// average derived by hand, lowest_signal reading declared site signals (Site::signal), and the
// located input errors of their parameters.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "models/register_models.hpp"
#include "models/scheduling/frontend.hpp"
#include "models/site/signal_series.hpp"
#include "scheduling_test_support.hpp"
#include "sim/platform/simgrid_platform.hpp"

using namespace dcsim;
using scheduling::Frontend;
using test::FakePool;
using test::model_block;
using test::req;

namespace {

struct Rig {
  Engine engine{platform::simgrid_config()};
  output::Recorder recorder{engine, 60};
  FakePool a, b, c;
  site::Site s_a{"a", 0, {}, {}}, s_b{"b", 1, {}, {}}, s_c{"c", 2, {}, {}};
  test::Outcomes wl;
  Frontend fe{engine};
  // Three pools at three sites; workload 0 enters at site a: latencies 0, 20 ms, 80 ms.
  Rig() {
    register_builtin_models();
    auto& v = fe.view();
    v.name = "s";
    v.group = "/services/s";
    v.pools = {{&a, &s_a, "a/p"}, {&b, &s_b, "b/p"}, {&c, &s_c, "c/p"}};
    v.workloads = {{0, "w", &s_a, nullptr}};
    v.wan_latency_s = {{0.0, 0.020, 0.080}};
    v.wan_bandwidth_Bps = {{INFINITY, 1e9, 1e9}};
    fe.set_observer(0, &wl);
  }
  void route(const std::string& model, const std::map<std::string, double>& n = {},
             const std::map<std::string, std::string>& s = {}, uint64_t seed = 1) {
    const scheduling::PolicyContext ctx{fe.view(), engine, recorder, seed};
    fe.set_router(scheduling::site_router_registry().create(model_block(model, n, s), ctx));
  }
  // Where the next request goes: the pool that received it.
  int next(uint64_t id = 0) {
    const size_t na = a.got.size(), nb = b.got.size(), nc = c.got.size();
    fe.submit(req(id));
    if (a.got.size() > na) return 0;
    if (b.got.size() > nb) return 1;
    if (c.got.size() > nc) return 2;
    return -1;
  }
};

serving::PoolLoad load(uint64_t queued, uint64_t running, uint32_t active) { return {queued, running, active, active}; }

}  // namespace

TEST_CASE("site router: least_loaded takes the fewest requests per active replica") {
  Rig r;
  r.route("least_loaded");
  r.a.now_load = load(10, 90, 10);  // 10 per replica
  r.b.now_load = load(0, 40, 5);    // 8
  r.c.now_load = load(0, 9, 1);     // 9
  CHECK(r.next() == 1);
  r.b.now_load = load(0, 50, 5);  // 10 = a: c (9) is now the least
  CHECK(r.next() == 2);
  r.c.now_load = load(0, 10, 1);  // 10 = a = b: fewer requests in the pool wins (c: 10)
  CHECK(r.next() == 2);
  r.c.now_load = load(0, 0, 0);  // no replica up: +inf
  r.b.now_load = load(0, 100, 10);
  CHECK(r.next() == 0);  // 10 and 10 with 100 each: listed first
}

TEST_CASE("site router: spill_over stays near until the queue reaches threshold x replicas") {
  Rig r;
  r.route("spill_over", {{"threshold", 2}});
  r.a.now_load = load(19, 80, 10);  // 19 < 2 x 10: room
  CHECK(r.next() == 0);
  r.a.now_load = load(20, 80, 10);  // at the threshold: full, spill to the next nearest (b, 20 ms)
  CHECK(r.next() == 1);
  r.b.now_load = load(2, 8, 1);  // b full too (2 >= 2 x 1): c
  CHECK(r.next() == 2);
  r.c.now_load = load(100, 8, 8);  // all full: the least queued per replica: a (2.0) = b (2.0) < c (12.5)
  CHECK(r.next() == 1);            // a and b both 2 per replica: fewer in the pool (b: 10 < 100)
  r.a.now_load = load(0, 0, 0);    // no replica up yet, nothing queued: 0 < 2 x max(0, 1)
  CHECK(r.next() == 0);
}

TEST_CASE("site router: weighted shares follow the weights within three standard deviations") {
  Rig r;
  r.route("weighted", {}, {{"weights", "3, 1 0"}}, 42);
  const int n = 40000;
  int hits[3] = {0, 0, 0};
  for (int i = 0; i < n; ++i) ++hits[r.next(uint64_t(i))];
  const double p = 0.75, sd = std::sqrt(p * (1 - p) / n);
  CHECK(std::abs(hits[0] / double(n) - 0.75) < 3 * sd);
  CHECK(std::abs(hits[1] / double(n) - 0.25) < 3 * sd);
  CHECK(hits[2] == 0);
  // The same seed gives the same sequence; another seed another (one engine per process: the
  // same rig, routers rebuilt).
  const auto draws = [&](uint64_t seed) {
    r.route("weighted", {}, {{"weights", "3 1 0"}}, seed);
    std::vector<int> s;
    for (int i = 0; i < 64; ++i) s.push_back(r.next());
    return s;
  };
  const auto s1 = draws(42);
  CHECK(s1 == draws(42));
  CHECK(s1 != draws(43));
}

TEST_CASE("site router: weighted refuses weights that do not match the pools, located") {
  Rig r;
  const scheduling::PolicyContext ctx{r.fe.view(), r.engine, r.recorder, 1};
  CHECK_THROWS_WITH(scheduling::site_router_registry().create(model_block("weighted", {}, {{"weights", "1 2"}}), ctx),
                    Catch::Contains("t.yaml:4:14: services[0].x.weights: got '1 2', expected 3 numbers >= 0"));
  CHECK_THROWS_WITH(scheduling::site_router_registry().create(model_block("weighted", {}, {{"weights", "1 x 2"}}), ctx),
                    Catch::Contains("'x' is not one"));
  CHECK_THROWS_WITH(scheduling::site_router_registry().create(model_block("weighted", {}, {{"weights", "0 0 0"}}), ctx),
                    Catch::Contains("not all 0"));
}

TEST_CASE("site router: latency_aware weighs the round trip against the moving average of time in the pool") {
  Rig r;
  r.route("latency_aware", {{"window", 10}});
  CHECK(r.fe.router()->wants_outcomes());
  // No completions yet: the round trip alone, 0 < 40 ms < 160 ms.
  CHECK(r.next(1) == 0);
  // Pool a completes a request that arrived at 0 at t = 2 s: S_a = 2 - 0 - 0 = 2 s.
  workload::Request done = req(1);
  done.route = 0;
  r.fe.on_completed(done, 2.0);
  CHECK(r.next(2) == 1);  // b: 0.040 + 0 < a: 0 + 2
  // Pool b completes one at t = 3 s (arrived at 0): S_b = 3 - 0 - 0.020 = 2.98 s.
  done.route = 1;
  r.fe.on_completed(done, 3.0);
  CHECK(r.next(3) == 2);  // c: 0.160 + 0
  // Pool a again at t = 12 s with x = 0.5 s: S_a = 2 + (0.5 - 2)(1 - e^{-10/10}) = 1.05182 s.
  done.route = 0;
  done.arrival_s = 11.5;
  r.fe.on_completed(done, 12.0);
  // c completes x = 1.2 s: S_c = 1.2 - 0.080 = 1.12 s -> c scores 0.160 + 1.12 = 1.28 > a 1.0518.
  done.route = 2;
  done.arrival_s = 0;
  r.fe.on_completed(done, 1.2);
  CHECK(r.next(4) == 0);
  // Rejections do not count.
  r.fe.on_rejected(done, 20.0);
  CHECK(r.next(5) == 0);
}

TEST_CASE("site signals: a declared step series is read at decision time, published values otherwise") {
  site::SignalSeries carbon({0, 3600, 7200}, {300 / 3.6e6, 100 / 3.6e6, 250 / 3.6e6});
  site::Site s{"a", 0, {}, {}};
  CHECK(std::isnan(s.signal(site::SignalKind::carbon_intensity, 0)));
  s.signals.carbon_g_per_kwh = 360;  // published by a component, g/kWh
  CHECK(s.signal(site::SignalKind::carbon_intensity, 0) == Approx(1e-4));
  s.feed(site::SignalKind::carbon_intensity, &carbon);
  CHECK(s.signal(site::SignalKind::carbon_intensity, -5) == Approx(300 / 3.6e6));  // before the first point
  CHECK(s.signal(site::SignalKind::carbon_intensity, 3599.9) == Approx(300 / 3.6e6));
  CHECK(s.signal(site::SignalKind::carbon_intensity, 3600) == Approx(100 / 3.6e6));
  CHECK(s.signal(site::SignalKind::carbon_intensity, 1e6) == Approx(250 / 3.6e6));
  CHECK(s.signal(site::SignalKind::carbon_intensity, 10) == Approx(300 / 3.6e6));  // time back: searched again
  CHECK(s.signal(site::SignalKind::power_headroom, 0) == INFINITY);
  CHECK(site::signal_kind("price") == site::SignalKind::price);
  CHECK_FALSE(site::signal_kind("carbon").has_value());
  CHECK_THROWS(site::SignalSeries({0, 0}, {1, 2}));
}

TEST_CASE("site router: lowest_signal takes the greenest site with room, then the least queued") {
  Rig r;
  site::SignalSeries ca({0}, {400.0}), cb({0, 100}, {300.0, 500.0}), cc({0}, {200.0});
  r.s_a.feed(site::SignalKind::carbon_intensity, &ca);
  r.s_b.feed(site::SignalKind::carbon_intensity, &cb);
  r.s_c.feed(site::SignalKind::carbon_intensity, &cc);
  r.route("lowest_signal", {{"threshold", 1}}, {{"signal", "carbon_intensity"}});
  for (auto* p : {&r.a, &r.b, &r.c}) p->now_load = load(0, 10, 10);
  CHECK(r.next() == 2);            // c: 200
  r.c.now_load = load(10, 10, 10);  // c full (10 >= 1 x 10)
  CHECK(r.next() == 1);             // b: 300 < a: 400
  r.b.now_load = load(30, 10, 10);
  r.a.now_load = load(20, 10, 10);  // all full: the least queued per replica (c: 1)
  CHECK(r.next() == 2);
  r.s_c.feed(site::SignalKind::carbon_intensity, nullptr);  // c unknown (NaN): ranks last
  r.c.now_load = load(0, 10, 10);
  r.a.now_load = load(0, 10, 10);
  CHECK(r.next() == 0);
}
