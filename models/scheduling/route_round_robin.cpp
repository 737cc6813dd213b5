// Replica routing `round_robin`: replicas in turn, in index order, skipping those that are not
// up; when none is up, the next one still loading; kNoReplica when all are unavailable.
//
//   choose = first i in (last + 1, last + 2, ... mod n) with availability up
//
// Blind to load: on a homogeneous stream it spreads requests evenly, on a mixed one (long and
// short prompts) it lets queues diverge (compare least_outstanding_tokens).
// O(1) per request while the replicas are up; O(n) in the worst case.
#include <vector>

#include "models/scheduling/replica_router.hpp"

namespace dcsim::scheduling {

namespace {

class RoundRobin final : public ReplicaRouter {
 public:
  void reset(uint32_t replicas, const ReplicaView*) override {
    avail_.assign(replicas, Availability::loading);
    last_ = replicas ? replicas - 1 : 0;
  }
  void update(uint32_t i, const ReplicaLoad& load) override { avail_[i] = load.availability; }
  uint32_t choose(const workload::Request&) override {
    const auto n = static_cast<uint32_t>(avail_.size());
    uint32_t loading = kNoReplica;
    for (uint32_t j = 1; j <= n; ++j) {
      const uint32_t i = (last_ + j) % n;
      if (avail_[i] == Availability::up) {
        last_ = i;
        return i;
      }
      if (avail_[i] == Availability::loading && loading == kNoReplica) loading = i;
    }
    if (loading != kNoReplica) last_ = loading;
    return loading;
  }

 private:
  std::vector<Availability> avail_;
  uint32_t last_ = 0;
};

}  // namespace

std::unique_ptr<ReplicaRouter> round_robin_router() { return std::make_unique<RoundRobin>(); }

void register_route_round_robin() {
  replica_router_registry().add(
      "round_robin", "Replicas in turn (index order), skipping those not up; blind to load.", {},
      [](const scenario::Config&, const ReplicaRouterContext&) { return round_robin_router(); });
}

}  // namespace dcsim::scheduling
