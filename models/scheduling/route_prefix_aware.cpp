// Replica routing `prefix_aware`: send a request to the replica that most likely holds its
// prompt's prefix in its prefix cache (models/serving/prefix_cache.hpp), unless that replica is
// much busier than the least busy one; otherwise least_outstanding_tokens.
//
// The router keeps its own table of where prefix blocks were last sent (a real gateway sees the
// requests, not the engines' caches): a direct-mapped table of `table_blocks` entries,
// slot(id) = mix(id) mod size, holding (id, replica); a newer id overwrites the slot (the table
// forgets, like a cache). For a request with chained block ids b_0..b_{n-1} (Mooncake hash_ids):
//
//   j*  = the largest j with table[b_{j-1}] = (b_{j-1}, i_c)        (the deepest block seen)
//   choose = i_c        if j* >= 1, i_c is up and T(i_c) <= T_min + balance_tokens
//            argmin T   otherwise                                   (least_outstanding_tokens)
//   then table[b_j] = (b_j, chosen) for every j < n
//
// T(i): outstanding prompt + output tokens; T_min over the up replicas. A hit saves the
// prefill of j* x 512 tokens; balance_tokens is how much more queued work that is worth (the
// default, 16,384 tokens, is two iterations' token budget of a vLLM replica: an assumption,
// not calibrated). The table may point at a replica whose cache has since evicted the blocks
// (the pool then computes them: a miss, never an error). Requests without ids (synthetic
// classes) go to argmin T. Cost: O(n) table probes per request, O(log R) per update.
#include <vector>

#include "models/scheduling/argmin_router.hpp"

namespace dcsim::scheduling {

namespace {

class PrefixAware final : public ReplicaRouter {
 public:
  PrefixAware(uint64_t table_blocks, uint64_t balance_tokens) : balance_(balance_tokens) {
    uint64_t size = 1;
    while (size < table_blocks) size *= 2;
    table_.assign(size, Entry{});
    mask_ = size - 1;
  }
  void reset(uint32_t replicas, const ReplicaView* view) override { lot_.reset(replicas, view); }
  void update(uint32_t i, const ReplicaLoad& load) override { lot_.update(i, load); }
  uint32_t choose(const workload::Request& r) override {
    const uint32_t least = lot_.best();
    if (!r.prefix_ids || r.prefix_blocks == 0 || least == kNoReplica) return least;
    uint32_t chosen = least;
    for (uint32_t j = r.prefix_blocks; j-- > 0;) {
      const Entry& e = table_[slot(r.prefix_ids[j])];
      if (e.id != r.prefix_ids[j] || e.replica == kNoReplica) continue;
      if (lot_.klass(e.replica) == 0 && lot_.measure(e.replica) <= lot_.measure(least) + balance_) chosen = e.replica;
      break;
    }
    for (uint32_t j = 0; j < r.prefix_blocks; ++j) table_[slot(r.prefix_ids[j])] = Entry{r.prefix_ids[j], chosen};
    return chosen;
  }

 private:
  struct Entry {
    uint64_t id = 0;
    uint32_t replica = kNoReplica;
  };
  size_t slot(uint64_t id) const {
    uint64_t x = id * 0x9E3779B97F4A7C15ULL;  // Fibonacci hashing: trace ids are small integers
    return size_t((x ^ (x >> 29)) & mask_);
  }
  ArgminRouter<outstanding_tokens_of> lot_;
  uint64_t balance_;
  std::vector<Entry> table_;
  uint64_t mask_ = 0;
};

}  // namespace

std::unique_ptr<ReplicaRouter> prefix_aware_router(uint64_t table_blocks, uint64_t balance_tokens) {
  return std::make_unique<PrefixAware>(table_blocks, balance_tokens);
}

void register_route_prefix_aware() {
  replica_router_registry().add(
      "prefix_aware",
      "The replica its prompt's prefix blocks were last sent to (likely cached there) unless it holds more than "
      "balance_tokens more outstanding tokens than the least busy; else least_outstanding_tokens.",
      {scenario::ParamSpec::integer("balance_tokens")
           .def("16384")
           .at_least(0)
           .doc("Extra outstanding tokens a prefix hit is worth over the least busy replica (an assumption: two "
                "iterations' token budget)."),
       scenario::ParamSpec::integer("table_blocks")
           .def("1048576")
           .at_least(1)
           .at_most(1 << 26)
           .doc("Entries of the router's table of where prefix blocks were sent (rounded up to a power of two; 16 B each).")},
      [](const scenario::Config& c, const ReplicaRouterContext&) {
        return prefix_aware_router(static_cast<uint64_t>(c.integer("table_blocks")),
                                   static_cast<uint64_t>(c.integer("balance_tokens")));
      });
}

}  // namespace dcsim::scheduling
