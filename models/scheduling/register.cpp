// The scheduling registries (admission, site routing, pool routing) and the list of policy files
// that register into them.
#include "models/scheduling/admission.hpp"
#include "models/scheduling/register.hpp"
#include "models/scheduling/replica_router.hpp"
#include "models/scheduling/site_router.hpp"
#include "models/scheduling/wan_transport.hpp"

namespace dcsim::scheduling {

AdmissionRegistry& admission_registry() {
  static AdmissionRegistry r("admission", "Admission control of a service's front end: which arriving requests get in.");
  return r;
}

SiteRouterRegistry& site_router_registry() {
  static SiteRouterRegistry r("site_routing", "Routing across a service's pools (sites): which pool takes a request.");
  return r;
}

ReplicaRouterRegistry& replica_router_registry() {
  static ReplicaRouterRegistry r("pool_routing", "Routing within a pool: which replica takes a request (pools that "
                                                 "queue at their replicas: llm, disaggregated).");
  return r;
}

WanTransportRegistry& wan_transport_registry() {
  static WanTransportRegistry r("wan_transport", "How request and response payloads cross the WAN between a "
                                                 "workload's origin and the serving pool's site.");
  return r;
}

void register_scheduling_models() {
  register_admission_none();
  register_admission_queue_cap();
  register_admission_token_bucket();
  register_admission_daily_quota();
  register_admission_concurrency_cap();
  register_admission_queue_timeout();
  register_admission_degrade();
  register_admission_defer();
  register_site_single();
  register_site_nearest();
  register_site_least_loaded();
  register_site_latency_aware();
  register_site_weighted();
  register_site_spill_over();
  register_site_lowest_signal();
  register_wan_latency();
  register_wan_comm();
  register_route_least_outstanding_tokens();
  register_route_round_robin();
  register_route_join_shortest_queue();
  register_route_power_of_two();
  register_route_least_kv();
  register_route_prefix_aware();
}

}  // namespace dcsim::scheduling
