// Routing within a pool: the last step of a service's front end (frontend.hpp), run by the pool
// that the site router chose, because only the pool knows its replicas. A pool that queues
// requests at its replicas on arrival (serving: llm, and both sides of serving: disaggregated)
// asks its router for a replica for each request; pools whose replicas take work from one
// shared queue when they free up (fifo, diffusion) have no router.
//
// Protocol (no scan of the replicas per request):
//   reset(n, view)   n replicas, all `loading` with no load, before any request;
//   update(i, load)  the pool calls it whenever replica i's ReplicaLoad changes: its
//                    availability (loaded, draining, failed) or the requests routed to it
//                    (on arrival and when one leaves), so the router can keep its own index
//                    (a tournament tree, a ring);
//   choose(r)        the replica for request r; kNoReplica when every replica is unavailable
//                    (the pool then rejects r).
// What does not change only at those moments (KV blocks in use, queue vs batch split) a router
// reads at decision time through ReplicaView.
//
// A router is a registry entry (category `pool_routing`, block `<kind>.routing`): one file in
// models/scheduling/ plus one line in register.cpp. Built-in:
//   least_outstanding_tokens  fewest prompt + output tokens routed and unfinished (the default)
//   round_robin               the next available replica in index order
//   join_shortest_queue       fewest requests routed and unfinished
//   power_of_two              the fewer requests of d sampled replicas (seeded)
//   least_kv                  the least KV cache in use now
//   prefix_aware              where the prompt's prefix blocks were sent, unless much busier
// See docs/models/scheduling.md.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "models/workload/request.hpp"
#include "sim/engine/engine.hpp"
#include "sim/registry/registry.hpp"

namespace dcsim::scheduling {

inline constexpr uint32_t kNoReplica = std::numeric_limits<uint32_t>::max();

enum class Availability : uint8_t {
  up = 0,           // takes new work
  loading = 1,      // will take work once its weights are loaded (preferred only if none is up)
  unavailable = 2,  // draining, stopped or failed: takes no new work
};

struct ReplicaLoad {
  uint64_t outstanding_tokens = 0;    // prompt + output tokens of the requests routed to it, unfinished
  uint32_t outstanding_requests = 0;  // requests routed to it, unfinished (waiting + running)
  Availability availability = Availability::loading;
};

// State a router may read when it decides (exact at that instant).
struct ReplicaState {
  uint32_t waiting = 0;
  uint32_t running = 0;
  int64_t kv_used_blocks = 0;
  int64_t kv_capacity_blocks = 0;
};
class ReplicaView {
 public:
  virtual ~ReplicaView() = default;
  virtual ReplicaState replica_state(uint32_t replica) const = 0;
};

class ReplicaRouter {
 public:
  virtual ~ReplicaRouter() = default;
  virtual void reset(uint32_t replicas, const ReplicaView* view) = 0;
  virtual void update(uint32_t replica, const ReplicaLoad& load) = 0;
  virtual uint32_t choose(const workload::Request& r) = 0;
};

// What a pool gives the router it builds: engine, the pool's output group (a router declares
// its series there) and the scenario seed (a router that draws: Rng(seed, group + "/routing")).
struct ReplicaRouterContext {
  Engine& engine;
  std::string group;
  uint64_t seed = 0;
};

using ReplicaRouterRegistry = Registry<ReplicaRouter, const ReplicaRouterContext&>;
ReplicaRouterRegistry& replica_router_registry();

// The built-in routers, for pools built without a scenario (tests).
std::unique_ptr<ReplicaRouter> least_outstanding_tokens_router();
std::unique_ptr<ReplicaRouter> round_robin_router();
std::unique_ptr<ReplicaRouter> join_shortest_queue_router();
std::unique_ptr<ReplicaRouter> power_of_two_router(uint32_t choices, uint64_t seed, const std::string& group);
std::unique_ptr<ReplicaRouter> least_kv_router();
std::unique_ptr<ReplicaRouter> prefix_aware_router(uint64_t table_blocks, uint64_t balance_tokens);

void register_route_least_outstanding_tokens();
void register_route_round_robin();
void register_route_join_shortest_queue();
void register_route_power_of_two();
void register_route_least_kv();
void register_route_prefix_aware();

}  // namespace dcsim::scheduling
