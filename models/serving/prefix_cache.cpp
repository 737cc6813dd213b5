// LRU prefix cache; the rule is in prefix_cache.hpp.
#include "models/serving/prefix_cache.hpp"

namespace dcsim::serving {

PrefixCache::PrefixCache(uint64_t capacity_blocks) : capacity_(capacity_blocks), nodes_(1) {
  index_.reserve(static_cast<size_t>(capacity_blocks < (1u << 20) ? capacity_blocks : (1u << 20)));
}

void PrefixCache::unlink(uint32_t k) {
  nodes_[nodes_[k].prev].next = nodes_[k].next;
  nodes_[nodes_[k].next].prev = nodes_[k].prev;
}

void PrefixCache::push_front(uint32_t k) {
  nodes_[k].prev = 0;
  nodes_[k].next = nodes_[0].next;
  nodes_[nodes_[0].next].prev = k;
  nodes_[0].next = k;
}

uint32_t PrefixCache::match(const uint64_t* ids, uint32_t n) {
  uint32_t j = 0;
  for (; j < n; ++j) {
    const auto it = index_.find(ids[j]);
    if (it == index_.end()) break;
    unlink(it->second);
    push_front(it->second);
  }
  return j;
}

void PrefixCache::insert(const uint64_t* ids, uint32_t n) {
  if (capacity_ == 0) return;
  for (uint32_t j = 0; j < n; ++j) {
    const auto it = index_.find(ids[j]);
    if (it != index_.end()) {
      unlink(it->second);
      push_front(it->second);
      continue;
    }
    uint32_t k;
    if (index_.size() >= capacity_) {  // evict the least recently used
      k = nodes_[0].prev;
      unlink(k);
      index_.erase(nodes_[k].id);
    } else {
      k = static_cast<uint32_t>(nodes_.size());
      nodes_.emplace_back();
    }
    nodes_[k].id = ids[j];
    push_front(k);
    index_.emplace(ids[j], k);
  }
}

}  // namespace dcsim::serving
