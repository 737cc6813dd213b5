// Replica routing `power_of_two` (power of d choices; Mitzenmacher 2001): sample d distinct
// replicas uniformly among those that are up (among those loading if none is up) and take the
// one with the fewest requests routed to it and unfinished; ties: the first sampled.
//
//   S = d distinct draws from U (the up replicas), d = min(choices, |U|)
//   choose = argmin_{i in S} N(i)     N(i) outstanding requests
//
// With d = 2 the longest queue falls from O(log n / log log n) (random) to O(log log n) (the
// power of two choices), without looking at every replica: the choice of routers that cannot
// see all the load at once. The draws come from the run's seed (stream "<pool group>/routing"):
// a run is reproducible. O(d) per request, O(1) per update (the up set is a vector with
// positions, swap-removed).
#include <vector>

#include "models/scheduling/replica_router.hpp"
#include "sim/util/rng.hpp"

namespace dcsim::scheduling {

namespace {

class PowerOfTwo final : public ReplicaRouter {
 public:
  PowerOfTwo(uint32_t choices, Rng rng) : d_(choices), rng_(rng) {}
  void reset(uint32_t replicas, const ReplicaView*) override {
    req_.assign(replicas, 0);
    avail_.assign(replicas, Availability::unavailable);
    pos_.assign(replicas, kNoReplica);
    for (auto& s : sets_) s.clear();
    for (uint32_t i = 0; i < replicas; ++i) move(i, Availability::loading);
  }
  void update(uint32_t i, const ReplicaLoad& load) override {
    req_[i] = load.outstanding_requests;
    if (load.availability != avail_[i]) move(i, load.availability);
  }
  uint32_t choose(const workload::Request&) override {
    std::vector<uint32_t>& set = !sets_[0].empty() ? sets_[0] : sets_[1];
    const auto n = static_cast<uint32_t>(set.size());
    if (n == 0) return kNoReplica;
    const uint32_t d = d_ < n ? d_ : n;
    uint32_t best = kNoReplica;
    // Partial Fisher-Yates over the set: positions 0..d-1 become the sample.
    for (uint32_t j = 0; j < d; ++j) {
      const auto pick = static_cast<uint32_t>(j + rng_.below(n - j));
      swap_at(set, j, pick);
      const uint32_t i = set[j];
      if (best == kNoReplica || req_[i] < req_[best]) best = i;
    }
    return best;
  }

 private:
  void swap_at(std::vector<uint32_t>& set, uint32_t a, uint32_t b) {
    std::swap(set[a], set[b]);
    pos_[set[a]] = a;
    pos_[set[b]] = b;
  }
  // Move replica i to the set of its new availability (up: 0, loading: 1; unavailable: none).
  void move(uint32_t i, Availability a) {
    if (avail_[i] != Availability::unavailable) {
      auto& from = sets_[size_t(avail_[i])];
      const uint32_t p = pos_[i];
      swap_at(from, p, static_cast<uint32_t>(from.size() - 1));
      from.pop_back();
    }
    avail_[i] = a;
    pos_[i] = kNoReplica;
    if (a != Availability::unavailable) {
      auto& to = sets_[size_t(a)];
      pos_[i] = static_cast<uint32_t>(to.size());
      to.push_back(i);
    }
  }

  uint32_t d_;
  Rng rng_;
  std::vector<uint32_t> req_;
  std::vector<Availability> avail_;
  std::vector<uint32_t> pos_;              // position in its set
  std::vector<uint32_t> sets_[2];          // up, loading
};

}  // namespace

std::unique_ptr<ReplicaRouter> power_of_two_router(uint32_t choices, uint64_t seed, const std::string& group) {
  return std::make_unique<PowerOfTwo>(choices, Rng(seed, group + "/routing"));
}

void register_route_power_of_two() {
  replica_router_registry().add(
      "power_of_two",
      "Sample `choices` distinct up replicas (seeded) and take the one with the fewest outstanding requests.",
      {scenario::ParamSpec::integer("choices").def("2").at_least(1).at_most(64).doc(
          "Replicas sampled per request (d); 1 is random routing, 2 the power of two choices.")},
      [](const scenario::Config& c, const ReplicaRouterContext& ctx) {
        return power_of_two_router(static_cast<uint32_t>(c.integer("choices")), ctx.seed, ctx.group);
      });
}

}  // namespace dcsim::scheduling
