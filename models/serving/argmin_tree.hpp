// The index of the smallest of n keys, ties to the lowest index, kept in a tournament tree so a
// router finds its replica in O(1) and updates one replica's key in O(log n):
//   node k holds the winner of nodes 2k and 2k+1; leaves n..2^ceil(log2 n) repeat index n-1.
// Used by the pools' routers (LlmPool: fewest outstanding tokens among loaded replicas;
// DisaggPool: the same for its decode side, transfers in flight included).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dcsim::serving {

class ArgminTree {
 public:
  explicit ArgminTree(size_t n = 0) { reset(n); }

  // n keys, all 0.
  void reset(size_t n) {
    keys_.assign(n, 0);
    leaves_ = 1;
    while (leaves_ < n) leaves_ *= 2;
    tree_.assign(2 * leaves_, 0);
    if (n == 0) return;
    for (size_t k = 0; k < leaves_; ++k) tree_[leaves_ + k] = static_cast<uint32_t>(k < n ? k : n - 1);
    for (size_t k = leaves_ - 1; k >= 1; --k) tree_[k] = tree_[2 * k];  // all keys equal: lowest index
  }

  void set(uint32_t i, uint64_t key) {
    keys_[i] = key;
    for (size_t k = (leaves_ + i) / 2; k >= 1; k /= 2) {
      const uint32_t a = tree_[2 * k], b = tree_[2 * k + 1];
      const uint32_t w = (a <= b ? keys_[a] <= keys_[b] : keys_[a] < keys_[b]) ? a : b;
      if (tree_[k] == w && w != i) break;  // nothing above changes
      tree_[k] = w;
    }
  }

  uint32_t best() const { return tree_.size() > 1 ? tree_[1] : 0; }
  uint64_t key(uint32_t i) const { return keys_[i]; }
  size_t size() const { return keys_.size(); }

 private:
  size_t leaves_ = 1;
  std::vector<uint32_t> tree_;
  std::vector<uint64_t> keys_;
};

}  // namespace dcsim::serving
