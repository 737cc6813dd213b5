// Prefix cache of one LLM replica (vLLM-style automatic prefix caching keyed by the hash ids of a
// Mooncake trace): an LRU set of prefix-block ids with a capacity in blocks.
//
//   match(ids, n)  = max j such that ids[0..j) are all cached. The ids are chained (Mooncake:
//                    id j names the whole prefix up to block j), so a cached prefix is a leading run.
//                    Marks the matched ids most recently used.
//   insert(ids, n) : the missing ids become most recently used, evicting least recently used ones
//                    when the cache is full; present ones are marked used.
//
// What the pool does with a match of j blocks of B_p tokens (B_p = 512 in Mooncake): the request's
// prefill starts at min(j * B_p, prompt - 1) tokens (at least one token is computed, which gives
// the first output token). See docs/models/serving-batching.md "Prefix caching".
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace dcsim::serving {

class PrefixCache {
 public:
  explicit PrefixCache(uint64_t capacity_blocks = 0);

  uint32_t match(const uint64_t* ids, uint32_t n);
  void insert(const uint64_t* ids, uint32_t n);

  uint64_t size() const { return index_.size(); }
  uint64_t capacity() const { return capacity_; }
  bool contains(uint64_t id) const { return index_.count(id) != 0; }

 private:
  struct Node {
    uint64_t id = 0;
    uint32_t prev = 0, next = 0;  // LRU list through nodes_; node 0 is the sentinel (next = most recent)
  };
  void unlink(uint32_t k);
  void push_front(uint32_t k);

  uint64_t capacity_;
  std::vector<Node> nodes_;
  std::unordered_map<uint64_t, uint32_t> index_;
};

}  // namespace dcsim::serving
