// A replica router that takes the replica with the smallest key, kept in a tournament tree
// (models/serving/argmin_tree.hpp: O(1) choice, O(log n) update), the key being the replica's
// availability class first, then a load measure of its ReplicaLoad:
//
//   key(i) = c(i) * 2^62 + m(load(i))     c = 0 up, 1 loading, 2 unavailable
//   choose = argmin_i key(i), ties to the lowest index; kNoReplica if its class is unavailable
//
// least_outstanding_tokens (m = outstanding tokens) and join_shortest_queue (m = outstanding
// requests) are this with their measure; prefix_aware uses it as its fall-back.
#pragma once

#include <algorithm>

#include "models/scheduling/replica_router.hpp"
#include "models/serving/argmin_tree.hpp"

namespace dcsim::scheduling {

template <uint64_t (*Measure)(const ReplicaLoad&)>
class ArgminRouter : public ReplicaRouter {
 public:
  void reset(uint32_t replicas, const ReplicaView*) override {
    tree_.reset(replicas);
    for (uint32_t i = 0; i < replicas; ++i) tree_.set(i, key(ReplicaLoad{}));
  }
  void update(uint32_t i, const ReplicaLoad& load) override { tree_.set(i, key(load)); }
  uint32_t choose(const workload::Request&) override { return best(); }

  uint32_t best() const {
    if (tree_.size() == 0) return kNoReplica;
    const uint32_t b = tree_.best();
    return tree_.key(b) >= kUnavailable ? kNoReplica : b;
  }
  // The measure of replica i and its class (0 up, 1 loading, 2 unavailable).
  uint64_t measure(uint32_t i) const { return tree_.key(i) & (kClass - 1); }
  uint64_t klass(uint32_t i) const { return tree_.key(i) >> 62; }

 private:
  static constexpr uint64_t kClass = uint64_t(1) << 62;
  static constexpr uint64_t kUnavailable = uint64_t(2) << 62;
  static uint64_t key(const ReplicaLoad& l) {
    return (uint64_t(l.availability) << 62) + std::min<uint64_t>(Measure(l), kClass - 1);
  }
  serving::ArgminTree tree_;
};

inline uint64_t outstanding_tokens_of(const ReplicaLoad& l) { return l.outstanding_tokens; }
inline uint64_t outstanding_requests_of(const ReplicaLoad& l) { return l.outstanding_requests; }

}  // namespace dcsim::scheduling
