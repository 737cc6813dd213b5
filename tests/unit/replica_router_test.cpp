// Replica routers (models/scheduling/replica_router.hpp) on constructed states, and the LLM pool
// routing with them: least_outstanding_tokens picks the fewest tokens among replicas that are up
// (loading ones only if none is up, ties to the lowest index); round_robin takes replicas in
// turn, skipping those that are not up; both say kNoReplica when every replica is unavailable.
#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "llm_test_support.hpp"
#include "models/register_models.hpp"
#include "models/scheduling/replica_router.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "test_support.hpp"

using namespace dcsim;
using scheduling::Availability;
using scheduling::kNoReplica;
using scheduling::ReplicaLoad;

namespace {

ReplicaLoad load(uint64_t tokens, Availability a = Availability::up, uint32_t requests = 0) {
  return ReplicaLoad{tokens, requests, a};
}

}  // namespace

TEST_CASE("replica router: least_outstanding_tokens takes the fewest tokens among up replicas") {
  auto r = scheduling::least_outstanding_tokens_router();
  r->reset(4, nullptr);
  const workload::Request q;
  CHECK(r->choose(q) == 0);  // all loading, no load: the lowest index
  r->update(0, load(500, Availability::loading));
  r->update(1, load(900));
  r->update(2, load(300));
  r->update(3, load(300));
  CHECK(r->choose(q) == 2);  // 300 at 2 and 3: the lowest index
  r->update(2, load(301));
  CHECK(r->choose(q) == 3);
  r->update(3, load(0, Availability::unavailable));
  r->update(2, load(0, Availability::unavailable));
  CHECK(r->choose(q) == 1);  // 900 up beats 500 loading
  r->update(1, load(0, Availability::unavailable));
  CHECK(r->choose(q) == 0);  // only the loading one is left
  r->update(0, load(0, Availability::unavailable));
  CHECK(r->choose(q) == kNoReplica);
}

TEST_CASE("replica router: round_robin takes replicas in turn and skips those not up") {
  auto r = scheduling::round_robin_router();
  r->reset(3, nullptr);
  const workload::Request q;
  CHECK(r->choose(q) == 0);  // none up: the next loading one
  CHECK(r->choose(q) == 1);
  for (uint32_t i = 0; i < 3; ++i) r->update(i, load(1000 * i));  // load is ignored
  std::vector<uint32_t> got;
  for (int k = 0; k < 6; ++k) got.push_back(r->choose(q));
  CHECK(got == std::vector<uint32_t>{2, 0, 1, 2, 0, 1});
  r->update(0, load(0, Availability::unavailable));
  got.clear();
  for (int k = 0; k < 4; ++k) got.push_back(r->choose(q));
  CHECK(got == std::vector<uint32_t>{2, 1, 2, 1});
  r->update(1, load(0, Availability::unavailable));
  r->update(2, load(0, Availability::unavailable));
  CHECK(r->choose(q) == kNoReplica);
}

TEST_CASE("replica router: both built-ins are registered under pool_routing") {
  register_builtin_models();
  CHECK(scheduling::replica_router_registry().contains("least_outstanding_tokens"));
  CHECK(scheduling::replica_router_registry().contains("round_robin"));
  CHECK(scheduling::replica_router_registry().category() == "pool_routing");
}

namespace {

// 4 replicas on one server, loaded at t = 1 s; 8 requests at t = 2 s, two of them long. The
// requests waiting or running at each replica right after they arrive.
std::vector<uint32_t> routed_per_replica(std::unique_ptr<scheduling::ReplicaRouter> router) {
  Engine e(platform::simgrid_config());
  auto hosts = test::two_hosts(4e9, 0);
  output::Recorder rec(e, 60);
  test::ConstTime model;
  test::RecordingObserver obs;
  serving::PoolPlacement pl{"dc1", "p", "/sites/dc1/pools/p", {hosts.second}, hosts.first};
  serving::LlmPool pool(test::small_llm_config(4), pl, e, rec, model, [](double b) { return b > 0 ? 400.0 : 100.0; },
                        {&obs}, std::move(router));
  const std::vector<uint32_t> prompts{4000, 10, 10, 10, 4000, 10, 10, 10};
  std::vector<uint32_t> per_replica;
  test::Probe p;
  p.engine = &e;
  p.fn = [&](uint64_t tag) {
    if (tag == 0) {
      pool.start();
    } else if (tag == 1) {
      for (uint32_t k = 0; k < prompts.size(); ++k) pool.submit(test::llm_request(k, 2.0, prompts[k], 10));
    } else {
      for (uint32_t i = 0; i < 4; ++i) {
        const auto s = pool.replica_state(i);
        per_replica.push_back(s.waiting + s.running);
      }
    }
  };
  e.at(0, &p, 0);
  e.at(2.0, &p, 1);
  e.at(2.0, &p, 2);  // same instant, after the arrivals
  e.run(3.0);
  return per_replica;
}

}  // namespace

TEST_CASE("replica router: an LLM pool with round_robin puts two of eight requests at each of four replicas") {
  CHECK(routed_per_replica(scheduling::round_robin_router()) == std::vector<uint32_t>{2, 2, 2, 2});
}

TEST_CASE("replica router: an LLM pool with least_outstanding_tokens balances tokens not requests") {
  // Tokens (prompt + 10): long to 0 (4010), shorts to 1, 2, 3 (20 each); the second long to 1,
  // the lowest of the 20s; then shorts to 2 and 3 (40 each) and the last to 2.
  CHECK(routed_per_replica(scheduling::least_outstanding_tokens_router()) == std::vector<uint32_t>{1, 2, 3, 2});
}
