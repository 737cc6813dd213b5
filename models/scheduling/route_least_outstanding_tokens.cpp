// Replica routing `least_outstanding_tokens` (the default of LLM pools): the replica with the
// fewest prompt + output tokens routed to it and not yet finished, among the replicas that are
// up; among those still loading if none is up; ties to the lowest index.
//
//   key(i) = c(i) · 2^62 + T(i)     c = 0 up, 1 loading, 2 unavailable;  T(i) outstanding tokens
//   choose = argmin_i key(i)         (kNoReplica if its class is unavailable)
//
// T is a proxy for the work left at a replica (prefill + decode), known at arrival. Kept in a
// tournament tree (models/serving/argmin_tree.hpp): O(1) choice, O(log n) update.
#include "models/scheduling/replica_router.hpp"
#include "models/serving/argmin_tree.hpp"

namespace dcsim::scheduling {

namespace {

class LeastOutstandingTokens final : public ReplicaRouter {
 public:
  void reset(uint32_t replicas, const ReplicaView*) override {
    tree_.reset(replicas);
    for (uint32_t i = 0; i < replicas; ++i) tree_.set(i, key(ReplicaLoad{}));
  }
  void update(uint32_t i, const ReplicaLoad& load) override { tree_.set(i, key(load)); }
  uint32_t choose(const workload::Request&) override {
    if (tree_.size() == 0) return kNoReplica;
    const uint32_t best = tree_.best();
    return tree_.key(best) >= kUnavailable ? kNoReplica : best;
  }

 private:
  static constexpr uint64_t kUnavailable = uint64_t(2) << 62;
  static uint64_t key(const ReplicaLoad& l) { return (uint64_t(l.availability) << 62) + l.outstanding_tokens; }
  serving::ArgminTree tree_;
};

}  // namespace

std::unique_ptr<ReplicaRouter> least_outstanding_tokens_router() { return std::make_unique<LeastOutstandingTokens>(); }

void register_route_least_outstanding_tokens() {
  replica_router_registry().add(
      "least_outstanding_tokens",
      "The replica with the fewest prompt + output tokens routed to it and unfinished (up replicas first; ties: "
      "lowest index).",
      {}, [](const scenario::Config&, const ReplicaRouterContext&) { return least_outstanding_tokens_router(); });
}

}  // namespace dcsim::scheduling
