// What a serving pool offers the rest of the world: submit() for the front end of its service
// (models/scheduling/frontend.hpp), its load for policies, totals for the summary. Implemented
// by every pool kind (fifo, llm, diffusion, disaggregated).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/workload/request.hpp"
#include "models/workload/request_observer.hpp"
#include "sim/engine/engine.hpp"

namespace simgrid::s4u {
class Host;
}

namespace dcsim::serving {

// Told what became of each request (the front end of its service: pools hold one per workload,
// indexed by Request::workload).
using workload::RequestObserver;

// Where a pool lives on the platform.
struct PoolPlacement {
  std::string site;
  std::string name;
  std::string group;                               // "/sites/dc1/pools/chat"
  std::vector<simgrid::s4u::Host*> servers;        // one SimGrid host per server
  simgrid::s4u::Host* storage = nullptr;           // where weights are loaded from
};

struct PoolTotals {
  uint64_t arrived = 0;
  uint64_t admitted = 0;
  uint64_t rejected = 0;
  uint64_t completed = 0;
  double energy_j = 0;
};

// What is in a pool now (read by admission and routing policies at decision time).
struct PoolLoad {
  uint64_t queued = 0;         // admitted, waiting for a replica
  uint64_t running = 0;        // in service (KV transfers in flight count here)
  uint32_t replicas_active = 0;  // weights loaded, taking work
  uint32_t replicas = 0;         // all replicas of the pool
};

class Pool {
 public:
  virtual ~Pool() = default;
  // Begin start-up at the current time (replicas load their weights).
  virtual void start() = 0;
  virtual void submit(const workload::Request& r) = 0;
  // Requests admitted and not yet completed (queued + in service).
  virtual uint64_t in_flight() const = 0;
  virtual PoolLoad load() const = 0;
  // Totals so far; energy integrated up to `now`.
  virtual PoolTotals totals(double now) const = 0;
  virtual const PoolPlacement& placement() const = 0;
};

}  // namespace dcsim::serving
