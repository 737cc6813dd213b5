// Routing across sites: the second step of a service's front end (frontend.hpp). A router picks
// which of the service's pools (each at a site) takes an admitted request; the pool's own router
// then picks a replica (replica_router.hpp). It reads what it needs at decision time: the
// pools' load (Pool::load()), the WAN latency from the request's workload origin
// (ServiceView::wan_latency_s), the sites' signals (carbon, price, headroom).
//
// A router is a registry entry (category `site_routing`, block `services[].routing`): one file
// in models/scheduling/ plus one line in register.cpp. Built-in:
//   single         the service has one pool (the default; a service of several pools must name a router)
//   nearest        the pool at the lowest WAN latency from the workload's origin (ties: listed first)
//   least_loaded   the pool with the fewest requests per active replica
//   latency_aware  the lowest round-trip WAN latency + observed time in the pool (EWMA)
//   weighted       a seeded draw with declared weights
//   spill_over     the nearest pool whose queue is under a threshold per replica, else the least queued
//   lowest_signal  the pool whose site signal (carbon intensity, price) is lowest, among those with room
// A service of one pool never calls its router (no cost per request). docs/models/scheduling.md.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "models/serving/pool.hpp"
#include "sim/scenario/param.hpp"

#include "models/scheduling/policy_context.hpp"
#include "models/workload/request.hpp"
#include "sim/registry/registry.hpp"

namespace dcsim::scheduling {

inline constexpr uint32_t kNoPool = std::numeric_limits<uint32_t>::max();

class SiteRouter {
 public:
  virtual ~SiteRouter() = default;
  // Index into service.pools of the pool for `r`, or kNoPool: none can take it (rejected).
  virtual uint32_t choose(const workload::Request& r, double now) = 0;
  // True if the router wants on_outcome() when a pool reports a request (before the response
  // crosses the WAN back); `pool` is r.route.
  virtual bool wants_outcomes() const { return false; }
  virtual void on_outcome(const workload::Request& /*r*/, uint32_t /*pool*/, double /*now*/, Outcome /*o*/) {}
  // Flow form (fidelity: fluid; flow_frontend.hpp): the step [now, now + dt)'s admitted amounts
  // of the service's workloads, amount[w] by workload slot (ServiceView::workloads order), split
  // over its pools into out[w * pools + k]. A router without one (has_flow_form() false) is an
  // input error for a service of fluid pools.
  virtual bool has_flow_form() const { return false; }
  virtual void split_flows(const double* /*amount*/, double /*now*/, double /*dt*/, double* /*out*/) {}
};

// Load measures of a pool that routers share (PoolLoad read at decision time), a = active replicas:
//   requests per replica   l = (queued + running) / a     (+inf when a = 0)
//   queue per replica      q = queued / max(a, 1)
inline double requests_per_replica(const serving::PoolLoad& l) {
  return l.replicas_active ? double(l.queued + l.running) / double(l.replicas_active)
                           : std::numeric_limits<double>::infinity();
}
inline double queue_per_replica(const serving::PoolLoad& l) {
  return double(l.queued) / double(l.replicas_active ? l.replicas_active : 1);
}
// The pool of `pools` with the lowest queue per replica (ties: fewer requests in the pool, then
// listed first): the fall-back of the threshold routers when no pool has room.
uint32_t least_queued(const ServiceView& s);
// Pool indices of each workload slot, nearest first (ties: listed first): order[w].
std::vector<std::vector<uint32_t>> pools_by_latency(const ServiceView& s);
// The `threshold` parameter of the routers that look for room (spill_over, lowest_signal).
scenario::ParamSpec room_threshold_param();
// The workload slot of each Request::workload (ServiceView::npos for none), for O(1) lookups.
std::vector<size_t> workload_slots(const ServiceView& s);
// Flow forms of the routers that look for room (spill_over, lowest_signal; fidelity: fluid):
// what pool k can take over the coming step of dt before its queue reaches theta max(a_k, 1),
//   room_k = max(0, theta max(a_k, 1) - Q_k) + Pool::flow_room(dt)   (free slots + completions)
// into room[k]; fill_in_order gives `amount` to the pools of `order` in turn up to their room
// (lowering it), the rest to `fallback`, into out[0..pools).
void flow_rooms(const ServiceView& s, double theta, double dt, std::vector<double>& room);
void fill_in_order(const std::vector<uint32_t>& order, double amount, std::vector<double>& room, uint32_t fallback,
                   double* out);
// Throws the located input error of a router that needs every workload's origin.
void require_origins(const PolicyContext& ctx, const char* router);

using SiteRouterRegistry = Registry<SiteRouter, const PolicyContext&>;
SiteRouterRegistry& site_router_registry();

void register_site_single();
void register_site_nearest();
void register_site_least_loaded();
void register_site_latency_aware();
void register_site_weighted();
void register_site_spill_over();
void register_site_lowest_signal();

}  // namespace dcsim::scheduling
