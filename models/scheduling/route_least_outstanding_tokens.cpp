// Replica routing `least_outstanding_tokens` (the default of LLM pools): the replica with the
// fewest prompt + output tokens routed to it and not yet finished, among the replicas that are
// up; among those still loading if none is up; ties to the lowest index.
//
//   key(i) = c(i) · 2^62 + T(i)     c = 0 up, 1 loading, 2 unavailable;  T(i) outstanding tokens
//   choose = argmin_i key(i)         (kNoReplica if its class is unavailable)
//
// T is a proxy for the work left at a replica (prefill + decode), known at arrival. Kept in a
// tournament tree (argmin_router.hpp): O(1) choice, O(log n) update.
#include "models/scheduling/argmin_router.hpp"

namespace dcsim::scheduling {

std::unique_ptr<ReplicaRouter> least_outstanding_tokens_router() {
  return std::make_unique<ArgminRouter<outstanding_tokens_of>>();
}

void register_route_least_outstanding_tokens() {
  replica_router_registry().add(
      "least_outstanding_tokens",
      "The replica with the fewest prompt + output tokens routed to it and unfinished (up replicas first; ties: "
      "lowest index).",
      {}, [](const scenario::Config&, const ReplicaRouterContext&) { return least_outstanding_tokens_router(); });
}

}  // namespace dcsim::scheduling
