// The replica routers added to round_robin and least_outstanding_tokens
// (models/scheduling/route_*.cpp) on constructed states: join_shortest_queue picks the fewest
// requests; power_of_two compares only the replicas it samples, from the run's seed; least_kv
// reads KV use at decision time; prefix_aware sends a prefix back where it went unless that
// replica is too busy.
#include <catch2/catch.hpp>

#include <vector>

#include "models/register_models.hpp"
#include "models/scheduling/replica_router.hpp"

using namespace dcsim;
using scheduling::Availability;
using scheduling::kNoReplica;
using scheduling::ReplicaLoad;

namespace {

ReplicaLoad reqs(uint32_t requests, Availability a = Availability::up, uint64_t tokens = 0) {
  return ReplicaLoad{tokens, requests, a};
}

struct KvView final : scheduling::ReplicaView {
  std::vector<int64_t> used;
  scheduling::ReplicaState replica_state(uint32_t i) const override { return {0, 0, used[i], 1000}; }
};

}  // namespace

TEST_CASE("replica router: join_shortest_queue picks the fewest outstanding requests") {
  auto r = scheduling::join_shortest_queue_router();
  r->reset(4, nullptr);
  const workload::Request q;
  r->update(0, reqs(3, Availability::up, 10));
  r->update(1, reqs(2, Availability::up, 90000));  // many tokens, fewer requests: JSQ ignores tokens
  r->update(2, reqs(2));
  r->update(3, reqs(0, Availability::loading));
  CHECK(r->choose(q) == 1);  // 2 at 1 and 2: the lowest index
  r->update(1, reqs(4, Availability::up, 90000));
  CHECK(r->choose(q) == 2);
  for (uint32_t i = 0; i < 3; ++i) r->update(i, reqs(0, Availability::unavailable));
  CHECK(r->choose(q) == 3);  // only the loading one
  r->update(3, reqs(0, Availability::unavailable));
  CHECK(r->choose(q) == kNoReplica);
}

TEST_CASE("replica router: power_of_two takes the less loaded of its sample only") {
  auto r = scheduling::power_of_two_router(2, 7, "/sites/dc1/pools/p");
  r->reset(4, nullptr);
  const workload::Request q;
  r->update(0, reqs(0));
  r->update(1, reqs(5));
  r->update(2, reqs(9));
  r->update(3, reqs(0, Availability::unavailable));
  // Samples of 2 of {0, 1, 2}: 2 always meets a less loaded one; 0 wins whenever drawn (2/3).
  int hits[4] = {0, 0, 0, 0};
  const int n = 30000;
  for (int i = 0; i < n; ++i) ++hits[r->choose(q)];
  CHECK(hits[2] == 0);
  CHECK(hits[3] == 0);
  CHECK(hits[0] / double(n) == Approx(2.0 / 3).margin(0.015));  // 3 sd = 0.008
  CHECK(hits[1] / double(n) == Approx(1.0 / 3).margin(0.015));
  // choices = 1: random among the up replicas, whatever the load.
  auto one = scheduling::power_of_two_router(1, 7, "/p");
  one->reset(3, nullptr);
  for (uint32_t i = 0; i < 3; ++i) one->update(i, reqs(i * 100));
  int got[3] = {0, 0, 0};
  for (int i = 0; i < n; ++i) ++got[one->choose(q)];
  for (int k = 0; k < 3; ++k) CHECK(got[k] / double(n) == Approx(1.0 / 3).margin(0.015));
  // The seed decides: same seed, same choices; none up: the loading ones; none: kNoReplica.
  auto a = scheduling::power_of_two_router(2, 11, "/p"), b = scheduling::power_of_two_router(2, 11, "/p");
  a->reset(8, nullptr);
  b->reset(8, nullptr);
  std::vector<uint32_t> sa, sb;
  for (int i = 0; i < 100; ++i) {
    sa.push_back(a->choose(q));
    sb.push_back(b->choose(q));
  }
  CHECK(sa == sb);
  for (uint32_t i = 0; i < 8; ++i) a->update(i, reqs(0, i == 5 ? Availability::loading : Availability::unavailable));
  CHECK(a->choose(q) == 5);
  a->update(5, reqs(0, Availability::unavailable));
  CHECK(a->choose(q) == kNoReplica);
}

TEST_CASE("replica router: least_kv takes the least KV in use now, ties to fewer requests") {
  KvView view;
  view.used = {500, 200, 200, 0};
  auto r = scheduling::least_kv_router();
  r->reset(4, &view);
  const workload::Request q;
  CHECK(r->choose(q) == 0);  // none up: the loading one with the fewest requests, lowest index
  r->update(0, reqs(1));
  r->update(1, reqs(3));
  r->update(2, reqs(2));
  r->update(3, reqs(0, Availability::unavailable));  // 0 blocks but unavailable
  CHECK(r->choose(q) == 2);  // 200 at 1 and 2: 2 has fewer requests
  view.used[0] = 100;        // KV is read at decision time, without an update
  CHECK(r->choose(q) == 0);
}

TEST_CASE("replica router: prefix_aware sends a prefix back to the replica it went to, unless too busy") {
  auto r = scheduling::prefix_aware_router(1024, 1000);
  r->reset(3, nullptr);
  for (uint32_t i = 0; i < 3; ++i) r->update(i, ReplicaLoad{0, 0, Availability::up});
  uint64_t conv[3] = {101, 102, 103}, other[1] = {900};
  workload::Request first;
  first.prefix_ids = conv;
  first.prefix_blocks = 2;  // the first turn: blocks 101, 102
  CHECK(r->choose(first) == 0);  // no match: least tokens, lowest index
  r->update(0, ReplicaLoad{800, 1, Availability::up});
  workload::Request o;
  o.prefix_ids = other;
  o.prefix_blocks = 1;
  CHECK(r->choose(o) == 1);  // another prefix: least tokens (1)
  r->update(1, ReplicaLoad{300, 1, Availability::up});
  workload::Request second = first;
  second.prefix_blocks = 3;  // the next turn shares 101, 102
  CHECK(r->choose(second) == 0);  // 800 <= 0 + 1000: the hit is worth it
  r->update(0, ReplicaLoad{2000, 2, Availability::up});
  CHECK(r->choose(second) == 2);  // 2000 > 0 + 1000: least tokens (2), and the table moves there
  r->update(2, ReplicaLoad{1500, 1, Availability::up});
  r->update(0, ReplicaLoad{0, 0, Availability::up});
  CHECK(r->choose(second) == 0);  // the table says 2, but 1500 > 0 + 1000: least tokens (0)
  r->update(2, ReplicaLoad{900, 1, Availability::up});
  CHECK(r->choose(second) == 0);  // the table moved to 0 with the last choice
}

TEST_CASE("replica router: the four added routers are registered under pool_routing") {
  register_builtin_models();
  for (const char* name : {"join_shortest_queue", "power_of_two", "least_kv", "prefix_aware"})
    CHECK(scheduling::replica_router_registry().contains(name));
}
