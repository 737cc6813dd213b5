// Replica start-up: each server loads the model weights of all its replicas from the site storage
// as one SimGrid transfer (storage host -> server host), so start-up time depends on the storage
// link's bandwidth and on how many servers load at once (max-min sharing between the servers'
// flows). Shared by every pool (fifo, llm, diffusion; disaggregated through its llm sides).
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
