// The power caps on a site's pools, by source. Several parts of a site cap GPU power for their
// own reasons — the scenario's initial power_cap, thermal throttling and the delivery tree's
// ratings (the facility), the grid's curtailment and demand response — and a server runs at the
// lowest of them:
//   C_eff(server) = min over sources of C_source(server)     (W per GPU; +inf: no cap)
// A source sets its cap for a range of servers; the pool is told only of the servers whose
// effective cap changed (Pool::set_power_cap, one call per distinct new value). Caps change on
// control steps, never per request.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace dcsim::serving {
class Pool;
}

namespace dcsim::site {

using std::size_t;

enum class CapSource : uint8_t { scenario, thermal, delivery, grid };
inline constexpr std::size_t kCapSources = 4;

class SiteCaps {
 public:
  // One entry per pool of the site: the pool, its servers, the scenario's initial cap (W per GPU;
  // <= 0 or +inf: none). Before any set().
  void attach(serving::Pool* pool, uint32_t servers, double initial_cap_w);
  // Cap from `source` on servers [first, first + count) of pool `p` (+inf: lift that source's cap).
  void set(CapSource source, size_t p, uint32_t first, uint32_t count, double watts_per_gpu);
  void set_all(CapSource source, size_t p, double watts_per_gpu);
  double effective(size_t p, uint32_t server) const { return pools_[p].applied[server]; }
  double of(CapSource source, size_t p, uint32_t server) const {
    return pools_[p].by_server[server][static_cast<size_t>(source)];
  }
  size_t pools() const { return pools_.size(); }
  uint64_t commands() const { return commands_; }  // set_power_cap calls made

 private:
  struct PoolCaps {
    serving::Pool* pool = nullptr;
    std::vector<std::array<double, kCapSources>> by_server;
    std::vector<double> applied;
  };
  std::vector<PoolCaps> pools_;
  std::vector<uint32_t> changed_;  // reused
  uint64_t commands_ = 0;
};

}  // namespace dcsim::site
