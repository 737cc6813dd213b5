// What admission and routing policies see of a service: its pools (with their sites) and the
// workloads that send it requests (with their origins and the one-way WAN latency from each
// origin to each pool's site). Built by the World; read-only for policies. Pool state is read
// through the Pool interface (load(), in_flight()), site state through Site::signals.
//
// A service is one model served by one or more pools at one or more sites
// (docs/models/scheduling.md). A workload's `pool: SITE/POOL` is the one-pool service named
// "SITE/POOL" with admission `none`.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "models/site/site.hpp"
#include "sim/scenario/config.hpp"

namespace dcsim::serving {
class Pool;
}
namespace dcsim::arrivals {
class ArrivalProcess;
}

namespace dcsim::scheduling {

struct ServicePool {
  serving::Pool* pool = nullptr;
  const site::Site* site = nullptr;
  std::string name;  // "dc1/chat"
};

struct ServiceWorkload {
  uint32_t index = 0;                   // Request::workload
  std::string name;
  const site::Site* origin = nullptr;   // where its users' traffic enters the WAN (null: not given)
  const scenario::Config* config = nullptr;  // its block (locations for messages)
  const arrivals::ArrivalProcess* arrivals = nullptr;  // its arrival model (users(t): daily quotas)
};

struct ServiceView {
  std::string name;                 // "chat", or "dc1/chat" for the shorthand
  std::string group;                // output group of its series: /services/<name>
  const scenario::Config* config = nullptr;  // its services[] block (null: the pool shorthand)
  std::vector<ServicePool> pools;
  // Pools outside the service that a `degrade` policy sends requests to (a smaller model, served
  // degraded); site routers never choose them. Route index: pools.size() + j (Request::route).
  std::vector<ServicePool> fallback;
  std::vector<ServiceWorkload> workloads;
  // wan_latency_s[w][k]: one-way latency from the origin of workloads[w] to pool k's site, k over
  // pools then fallback (0 at the same site; NaN when the workload has no origin).
  std::vector<std::vector<double>> wan_latency_s;
  // wan_bandwidth_Bps[w][k]: the narrowest link on that path (+inf at the same site; NaN: no origin).
  std::vector<std::vector<double>> wan_bandwidth_Bps;

  // Pool k over pools then fallback.
  const ServicePool& pool_at(size_t k) const { return k < pools.size() ? pools[k] : fallback[k - pools.size()]; }
  size_t routes() const { return pools.size() + fallback.size(); }

  // workloads[] position of a request's workload (Request::workload), or npos.
  size_t workload_slot(uint32_t workload) const {
    for (size_t i = 0; i < workloads.size(); ++i)
      if (workloads[i].index == workload) return i;
    return npos;
  }
  static constexpr size_t npos = std::numeric_limits<size_t>::max();
};

}  // namespace dcsim::scheduling
