// Replica routing `least_kv`: the up replica whose KV cache is least used now (blocks in use /
// capacity, read at decision time through ReplicaView), ties: fewer requests routed to it and
// unfinished, then the lowest index; among loading replicas (fewest requests) if none is up.
//
//   choose = argmin_{i up} ( u(i), N(i), i ),   u(i) = kv_used_blocks(i) / kv_capacity_blocks(i)
//
// KV use is what limits a replica's batch (and what preemption frees): it reads memory pressure
// directly, where outstanding tokens only predict it. But it lags: a request just routed holds
// no blocks until it is admitted to the batch, so a burst arriving at once all sees the same
// replica as emptiest; the N(i) tie-break spreads bursts over replicas at equal use.
// O(n) per request (KV use changes at every iteration, not only at the router's updates).
#include <vector>

#include "models/scheduling/replica_router.hpp"

namespace dcsim::scheduling {

namespace {

class LeastKv final : public ReplicaRouter {
 public:
  void reset(uint32_t replicas, const ReplicaView* view) override {
    view_ = view;
    req_.assign(replicas, 0);
    avail_.assign(replicas, Availability::loading);
  }
  void update(uint32_t i, const ReplicaLoad& load) override {
    req_[i] = load.outstanding_requests;
    avail_[i] = load.availability;
  }
  uint32_t choose(const workload::Request&) override {
    uint32_t best = kNoReplica, loading = kNoReplica;
    double best_u = 0;
    for (uint32_t i = 0; i < avail_.size(); ++i) {
      if (avail_[i] == Availability::loading) {
        if (loading == kNoReplica || req_[i] < req_[loading]) loading = i;
        continue;
      }
      if (avail_[i] != Availability::up) continue;
      double u = 0;
      if (view_) {
        const ReplicaState s = view_->replica_state(i);
        u = s.kv_capacity_blocks > 0 ? double(s.kv_used_blocks) / double(s.kv_capacity_blocks) : 0.0;
      }
      if (best == kNoReplica || u < best_u || (u == best_u && req_[i] < req_[best])) {
        best = i;
        best_u = u;
      }
    }
    return best != kNoReplica ? best : loading;
  }

 private:
  const ReplicaView* view_ = nullptr;
  std::vector<uint32_t> req_;
  std::vector<Availability> avail_;
};

}  // namespace

std::unique_ptr<ReplicaRouter> least_kv_router() { return std::make_unique<LeastKv>(); }

void register_route_least_kv() {
  replica_router_registry().add(
      "least_kv",
      "The up replica with the least KV cache in use now (share of its blocks); ties: fewer outstanding requests.", {},
      [](const scenario::Config&, const ReplicaRouterContext&) { return least_kv_router(); });
}

}  // namespace dcsim::scheduling
