// What a serving pool offers the rest of the world. The placeholder FifoPool implements it now;
// the continuous-batching and diffusion pools of the GPU-serving issue will implement the same.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/workload/request.hpp"
#include "sim/engine/engine.hpp"

namespace simgrid::s4u {
class Host;
}

namespace dcsim::serving {

// Told what became of each request (the workload that sent it implements this).
class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  virtual void on_completed(const workload::Request& r, double now) = 0;
  virtual void on_rejected(const workload::Request& r, double now) = 0;
};

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

class Pool {
 public:
  virtual ~Pool() = default;
  // Begin start-up at the current time (replicas load their weights).
  virtual void start() = 0;
  virtual void submit(const workload::Request& r) = 0;
  // Requests admitted and not yet completed (queued + in service).
  virtual uint64_t in_flight() const = 0;
  // Totals so far; energy integrated up to `now`.
  virtual PoolTotals totals(double now) const = 0;
  virtual const PoolPlacement& placement() const = 0;
};

}  // namespace dcsim::serving
