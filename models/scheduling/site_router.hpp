// Routing across sites: the second step of a service's front end (frontend.hpp). A router picks
// which of the service's pools (each at a site) takes an admitted request; the pool's own router
// then picks a replica (replica_router.hpp). It reads what it needs at decision time: the
// pools' load (Pool::load()), the WAN latency from the request's workload origin
// (ServiceView::wan_latency_s), the sites' signals (carbon, price, headroom).
//
// A router is a registry entry (category `site_routing`, block `services[].routing`): one file
// in models/scheduling/ plus one line in register.cpp. Built-in:
//   single   the service has one pool (the default; a service of several pools must name a router)
//   nearest  the pool at the lowest WAN latency from the workload's origin (ties: listed first)
// A service of one pool never calls its router (no cost per request).
#pragma once

#include <cstdint>
#include <limits>

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
};

using SiteRouterRegistry = Registry<SiteRouter, const PolicyContext&>;
SiteRouterRegistry& site_router_registry();

void register_site_single();
void register_site_nearest();

}  // namespace dcsim::scheduling
