// Builds the SimGrid platform from the topology graph, in C++ (no XML):
//   - a root full zone "world" holding one star zone per site;
//   - in a site zone: a host per server (cores = GPUs) and one for the model storage, each with
//     its own split-duplex link to the site's star centre, and a router as the site's gateway;
//   - between two sites, a route through the links of the shortest path in the graph (their WAN
//     uplinks via the WAN core).
// Network model: CM02 (max-min fair sharing, no TCP correction factors, no TCP window limit), so
// a transfer of S bytes alone on a path takes latency + S / min(bandwidth): weight loads are
// gigabytes, where TCP start-up effects do not matter, and tests can check times by hand.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sim/platform/topology.hpp"

namespace simgrid::s4u {
class Engine;
class Host;
}  // namespace simgrid::s4u

namespace dcsim::platform {

// SimGrid configuration the platform relies on; pass to the Engine constructor.
std::vector<std::string> simgrid_config();

struct Platform {
  std::map<std::string, simgrid::s4u::Host*> storage_by_site;
  // site -> pool -> servers, in order
  std::map<std::string, std::map<std::string, std::vector<simgrid::s4u::Host*>>> servers;
  size_t host_count = 0;
  size_t link_count = 0;
};

Platform build_simgrid_platform(const Topology& topology);

}  // namespace dcsim::platform
