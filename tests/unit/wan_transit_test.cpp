// Requests and responses over the WAN (models/scheduling/wan_transport.hpp, frontend.hpp): the
// `latency` transport's times derived by hand (L + bytes / B, both ways), the first token seen
// one latency later, requests at their origin's site untouched, and the requests in transit
// counted until they arrive.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "models/register_models.hpp"
#include "models/scheduling/frontend.hpp"
#include "scheduling_test_support.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "test_support.hpp"

using namespace dcsim;
using test::model_block;

namespace {

struct At final : EventHandler {
  std::function<void()> f;
  void on_event(uint64_t) override { f(); }
};

const std::map<std::string, double> kSizes{
    {"overhead", 2000}, {"bytes_per_token", 4}, {"image_bytes_per_pixel", 1.5}, {"video_rate", 1e6}};

}  // namespace

TEST_CASE("wan: payload sizes by request kind") {
  register_builtin_models();
  scheduling::PayloadSizes s;
  workload::Request llm;
  llm.prompt_tokens = 1000;
  llm.output_tokens = 500;
  CHECK(s.request_bytes(llm) == 6000);
  CHECK(s.response_bytes(llm) == 4000);
  workload::Request img;
  img.kind = workload::RequestKind::image;
  img.pixels = 1024 * 1024;
  img.images = 2;
  CHECK(s.request_bytes(img) == 2400);
  CHECK(s.response_bytes(img) == Approx(2000 + 2 * 1.5 * 1048576));
  workload::Request vid;
  vid.kind = workload::RequestKind::video;
  vid.video_seconds = 5;
  CHECK(s.response_bytes(vid) == 2000 + 5e6);
}

TEST_CASE("wan: a request crosses to a remote pool in L + bytes / B and its response comes back the same way") {
  register_builtin_models();
  Engine engine(platform::simgrid_config());
  test::two_hosts(1e9, 0);  // the dispatcher actor's host
  output::Recorder recorder(engine, 60);
  test::FakePool remote, local;
  remote.engine = &engine;
  local.engine = &engine;
  site::Site s_a{"a", 0, {}, {}}, s_b{"b", 1, {}, {}};
  test::Outcomes wl;
  scheduling::Frontend fe(engine);
  auto& v = fe.view();
  v.name = "s";
  v.group = "/services/s";
  v.pools = {{&remote, &s_b, "b/p"}, {&local, &s_a, "a/p"}};
  // Workload 0 enters at a, workload 1 at b; 20 ms and 1 MB/s between a and b.
  v.workloads = {{0, "from-a", &s_a, nullptr}, {1, "from-b", &s_b, nullptr}};
  v.wan_latency_s = {{0.020, 0.0}, {0.0, 0.020}};
  v.wan_bandwidth_Bps = {{1e6, INFINITY}, {INFINITY, 1e6}};
  fe.set_observer(0, &wl);
  fe.set_observer(1, &wl);
  const scheduling::PolicyContext ctx{v, engine, recorder, 1};
  fe.set_router(scheduling::site_router_registry().create(model_block("weighted", {}, {{"weights", "1 0"}}), ctx));
  fe.set_transport(scheduling::wan_transport_registry().create(model_block("latency", kSizes),
                                                               scheduling::WanContext{engine, {}}));
  // At t = 0: an LLM request from a (1000 prompt tokens: 6000 B) and one from b (stays at b).
  workload::Request q = test::req(7, 0);
  q.prompt_tokens = 1000;
  q.output_tokens = 500;
  uint64_t prefix[2] = {11, 12};
  q.prefix_ids = prefix;
  q.prefix_blocks = 2;
  fe.submit(q);
  CHECK(fe.in_transit() == 1);
  CHECK(remote.got.empty());
  workload::Request p = test::req(8, 1);
  p.prompt_tokens = 1000;
  fe.submit(p);
  REQUIRE(remote.got.size() == 1);  // from b to b: at once, no crossing
  CHECK(remote.got[0].id == 8);
  // The pool reports request 7 done at t = 1 s (first token at 0.5 s); the response (500
  // tokens: 4000 B) takes 20 ms + 4 ms. An image done at 1 s from the same origin: 1.5749 s more.
  At done;
  done.f = [&] {
    REQUIRE(remote.got.size() == 2);
    workload::Request r = remote.got[1];
    r.first_token_s = 0.5;
    fe.on_completed(r, engine.now());
    workload::Request img = test::req(9, 0);
    img.kind = workload::RequestKind::image;
    img.pixels = 1024 * 1024;
    img.images = 1;
    img.route = 0;
    fe.on_completed(img, engine.now());
    CHECK(fe.in_transit() == 2);
    fe.on_rejected(test::req(10, 0), engine.now());  // route 0: a 2000 B reply, 22 ms
  };
  engine.at(1.0, &done);
  engine.run(10);
  REQUIRE(remote.got.size() == 2);
  CHECK(remote.got[1].id == 7);
  CHECK(remote.got_at[1] == Approx(0.020 + 6000 / 1e6));
  CHECK(remote.got[1].route == 0);
  CHECK(remote.got[1].prefix_blocks == 2);
  REQUIRE(wl.completed.size() == 2);
  CHECK(wl.completed[0] == 7);
  CHECK(wl.completed_at[0] == Approx(1.0 + 0.020 + 4000 / 1e6));
  CHECK(wl.first_token[0] == Approx(0.520));
  CHECK(wl.completed[1] == 9);
  CHECK(wl.completed_at[1] == Approx(1.0 + 0.020 + (2000 + 1.5 * 1048576) / 1e6));
  CHECK(wl.rejected == std::vector<uint64_t>{10});
  CHECK(fe.in_transit() == 0);
}
