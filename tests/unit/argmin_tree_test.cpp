// The routers' tournament tree: after every update its winner is the brute-force argmin of the
// keys, ties to the lowest index, for sizes that are and are not powers of two.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "models/serving/argmin_tree.hpp"

using dcsim::serving::ArgminTree;

namespace {
uint32_t brute_argmin(const std::vector<uint64_t>& k) {
  uint32_t best = 0;
  for (uint32_t i = 1; i < k.size(); ++i)
    if (k[i] < k[best]) best = i;
  return best;
}
}  // namespace

TEST_CASE("argmin tree: the winner is the lowest index of the smallest key after every update") {
  for (size_t n : {1u, 2u, 3u, 7u, 8u, 100u, 850u}) {
    ArgminTree t(n);
    std::vector<uint64_t> keys(n, 0);
    CHECK(t.best() == 0);
    uint64_t s = 12345 + n;
    for (int step = 0; step < 5000; ++step) {
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      const auto i = static_cast<uint32_t>((s >> 33) % n);
      const uint64_t key = (s >> 13) % 8;  // few distinct keys: many ties
      keys[i] = key;
      t.set(i, key);
      REQUIRE(t.best() == brute_argmin(keys));
      REQUIRE(t.key(i) == key);
    }
  }
}

TEST_CASE("argmin tree: an empty tree answers 0") {
  ArgminTree t(0);
  CHECK(t.size() == 0);
  CHECK(t.best() == 0);
}
