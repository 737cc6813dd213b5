// What a serving pool offers the rest of the world: submit() for the front end of its service
// (models/scheduling/frontend.hpp), its load for policies, totals for the summary, and the
// commands of the operator, the autoscaler and the facility (DESIGN.md "Composition"): add and
// remove replicas (with drain), a per-GPU power cap, a speed factor (thermal throttling), and a
// server's failure and repair. Implemented by every pool kind (fifo, llm, diffusion,
// disaggregated). Commands act at the current time and are rare (not per request).
//
// Replica life cycle under the commands:
//   loading ──loaded──▶ up (takes work) ──remove──▶ draining (takes no new work, finishes what
//   was routed to it) ──empty──▶ stopped (0 W) ──add──▶ loading (weights again)
//   any ──its server fails──▶ stopped; its requests are orphans ──repair──▶ loading (unless removed)
// `replicas_active` (series and PoolLoad) counts the replicas that are up.
//
// Power cap C (W per GPU) and speed factor s in (0, 1] of a replica (throttle.hpp):
//   rate  = min(s, f_cap(P_u))          work (iterations, batches, service) takes time / rate
//   power = min(C, max(P_idle, P_u s^(1/alpha)))   the GPU power model's clock-power law
// with P_u the uncapped power of what the replica runs. A change applies from that instant:
// the work in progress finishes its remaining part at the new rate.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "models/workload/flow.hpp"
#include "models/workload/request.hpp"
#include "models/workload/request_observer.hpp"
#include "sim/engine/engine.hpp"

namespace simgrid::s4u {
class Host;
}

namespace dcsim::serving {

// Told what became of each request (the front end of its service: pools hold one per workload,
// indexed by Request::workload).
using workload::RequestObserver;

// Where a pool lives on the platform.
struct PoolPlacement {
  std::string site;
  std::string name;
  std::string group;                               // "/sites/dc1/pools/chat"
  std::vector<simgrid::s4u::Host*> servers;        // one SimGrid host per server
  simgrid::s4u::Host* storage = nullptr;           // where weights are loaded from
};

struct PoolTotals {
  uint64_t arrived = 0;
  uint64_t admitted = 0;
  uint64_t rejected = 0;
  uint64_t completed = 0;
  double energy_j = 0;
};

// What is in a pool now (read by admission and routing policies at decision time).
struct PoolLoad {
  uint64_t queued = 0;         // admitted, waiting for a replica
  uint64_t running = 0;        // in service (KV transfers in flight count here)
  uint32_t replicas_active = 0;  // weights loaded, taking work
  uint32_t replicas = 0;         // all replicas of the pool
};

// Servers a command applies to: indices into PoolPlacement::servers; empty: all of them.
using ServerSet = std::span<const uint32_t>;
inline constexpr ServerSet kAllServers{};

// Told of each request a pool gives up (its replica's server failed), with the request as it was
// (energy_j and first_token_s so far). Without a handler the pool reports it dropped to its
// observer. A handler may resubmit it (to this pool or another: a retry) or count it lost
// (observer->on_dropped); either way every orphan must be accounted for once.
using OrphanHandler = std::function<void(const workload::Request& r, double now)>;

// Queue timeouts (admission queue_timeout sets Request::deadline_s): the requests at the head of
// a pool's FIFO queue whose deadline has passed are given up when a replica would take the next
// request (now > deadline_s), each told to its observer as timed_out. The check is at the head:
// exact when the queue's deadlines grow with its order (one timeout per service); a request with
// a shorter timeout behind a longer one is given up when it reaches the head. Returns how many.
template <class Queue>
size_t expire_head(Queue& queue, double now, const std::vector<RequestObserver*>& observers) {
  size_t n = 0;
  while (!queue.empty() && now > queue.front().deadline_s) {
    const workload::Request r = queue.front();
    queue.pop_front();
    observers[r.workload]->on_timed_out(r, now);
    ++n;
  }
  return n;
}

class Pool {
 public:
  virtual ~Pool() = default;
  // Begin start-up at the current time: the replicas in the pool's capacity load their weights
  // (one transfer per server), or, with warm start, are up at once (an event at the current
  // time, no transfer). Replicas removed before start() stay stopped (models/scheduling/
  // capacity.hpp: a pool may start with fewer replicas than it holds).
  virtual void start() = 0;
  void set_warm_start(bool warm) { warm_start_ = warm; }
  virtual void submit(const workload::Request& r) = 0;
  // Requests admitted and not yet completed (queued + in service).
  virtual uint64_t in_flight() const = 0;
  virtual PoolLoad load() const = 0;
  // Totals so far; energy integrated up to `now`.
  virtual PoolTotals totals(double now) const = 0;
  virtual const PoolPlacement& placement() const = 0;

  // ---- commands ----
  // Bring back up to n replicas that are not part of the pool's capacity (removed, or never
  // added): draining ones are taken back at once, stopped ones (lowest index first, not on a
  // failed server) load their weights and take work when loaded. Returns how many.
  virtual uint32_t add_replicas(uint32_t n) = 0;
  // Take up to n replicas out (highest index first): they drain, then stop. Returns how many.
  virtual uint32_t remove_replicas(uint32_t n) = 0;
  // Per-GPU power cap of the servers (W; <= 0 or inf: none). The scenario's power_cap is its
  // initial value.
  virtual void set_power_cap(double watts_per_gpu, ServerSet servers) = 0;
  // Speed factor in (0, 1] of the servers (1: nominal). std::invalid_argument outside.
  virtual void set_speed_factor(double factor, ServerSet servers) = 0;
  // The server (index in placement().servers) fails: its replicas stop at once, their requests
  // go to the orphan handler. Repair: its replicas that were not removed load their weights.
  virtual void fail_server(uint32_t server) = 0;
  virtual void repair_server(uint32_t server) = 0;
  void set_orphan_handler(OrphanHandler handler) { orphan_ = std::move(handler); }
  // Fluid pools: what the orphan handler does, for a failed server's share of the in-service
  // fluid (true: submitted again, into the pool's queue; false: dropped). Request-level pools
  // call the handler per request.
  virtual void set_orphans_retried(bool /*retried*/) {}
  // Fluid fidelity (docs/models/fluid.md): a pool that takes its workloads' arrival flows instead
  // of submit() returns true and reads `source` (Request::workload index `workload`) every
  // control step; request-level pools return false. Before start().
  virtual bool add_flow_source(workload::FlowSource* /*source*/, uint32_t /*workload*/) { return false; }
  virtual bool takes_flows() const { return false; }
  // A fluid pool of a service that admits or routes flows takes its arrivals from `inlet` as
  // route `route` (flow.hpp) instead of reading its sources' rates. Before start().
  virtual void set_flow_inlet(workload::FlowInlet* /*inlet*/, uint32_t /*route*/) {}
  // Fluid pools: requests waiting (a fluid), and what the pool can take into service over the
  // coming step of dt before its queue grows: free slots plus the last step's completions
  // (flow forms of queue_cap and the threshold routers). Request-level pools: load().queued, 0.
  virtual double flow_queued() const { return double(load().queued); }
  virtual double flow_room(double /*dt*/) const { return 0.0; }

 protected:
  // The handler, or the request's observer as dropped.
  void orphan(const workload::Request& r, double now, const std::vector<RequestObserver*>& observers) const {
    if (orphan_) {
      orphan_(r, now);
    } else {
      observers[r.workload]->on_dropped(r, now);
    }
  }
  OrphanHandler orphan_;
  bool warm_start_ = false;
};

}  // namespace dcsim::serving
