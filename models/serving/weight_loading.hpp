// Replica start-up: a replica loads its model weights from the site storage as a SimGrid transfer
// (storage host -> its server host), so start-up time depends on the storage link's bandwidth and
// on how many replicas load at once (max-min sharing). Shared by every pool.
#pragma once

#include <cstdint>

#include "models/serving/pool.hpp"
#include "sim/engine/engine.hpp"

namespace dcsim::serving {

// Starts the transfer of `bytes` to server `server` of the placement; handler->on_event(tag) runs
// at its completion. Call from an event handler (pool start()).
void load_weights(Engine& engine, const PoolPlacement& placement, uint32_t server, double bytes,
                  EventHandler* handler, uint64_t tag);

}  // namespace dcsim::serving
