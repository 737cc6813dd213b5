#include "models/serving/weight_loading.hpp"

#include <simgrid/s4u/Host.hpp>

namespace dcsim::serving {

void load_weights(Engine& engine, const PoolPlacement& placement, uint32_t server, double bytes,
                  EventHandler* handler, uint64_t tag) {
  simgrid::s4u::Host* src = placement.storage;
  simgrid::s4u::Host* dst = placement.servers.at(server);
  const auto size = static_cast<uint64_t>(bytes);
  engine.start_transfer(src, dst, size, handler, tag);
}

}  // namespace dcsim::serving
