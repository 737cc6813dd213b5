// A request is plain data that moves through queues and replicas; never an actor.
#pragma once

#include <cstdint>

namespace dcsim::workload {

struct Request {
  uint64_t id = 0;          // unique in the run, in arrival order
  uint32_t workload = 0;    // index of its workload in the world
  double arrival_s = 0;     // when it arrived
  double start_s = -1;      // when service started (-1: not yet)
};

}  // namespace dcsim::workload
