// Replica routing `join_shortest_queue` (JSQ): the replica with the fewest requests routed to it
// and unfinished (waiting + running), among the replicas that are up; among those still loading
// if none is up; ties to the lowest index.
//
//   key(i) = c(i) · 2^62 + N(i)     c = 0 up, 1 loading, 2 unavailable;  N(i) outstanding requests
//   choose = argmin_i key(i)
//
// JSQ counts requests, not their size: on a stream of similar requests it balances like
// least_outstanding_tokens; on a mixed one (long and short prompts) a replica with a few long
// requests looks as free as one with a few short ones (compare least_outstanding_tokens).
// O(1) choice, O(log n) update (argmin_router.hpp).
#include "models/scheduling/argmin_router.hpp"

namespace dcsim::scheduling {

std::unique_ptr<ReplicaRouter> join_shortest_queue_router() {
  return std::make_unique<ArgminRouter<outstanding_requests_of>>();
}

void register_route_join_shortest_queue() {
  replica_router_registry().add(
      "join_shortest_queue",
      "The replica with the fewest requests routed to it and unfinished (up replicas first; ties: lowest index).", {},
      [](const scenario::Config&, const ReplicaRouterContext&) { return join_shortest_queue_router(); });
}

}  // namespace dcsim::scheduling
