// Builds the SimGrid platform from the topology graph, in C++ (no XML):
//   - a root full zone "world" holding one star zone per site;
//   - in a site zone: a host per server (cores = GPUs) and one for the model storage, each with
//     its own split-duplex link to the site's star centre, and a router as the site's gateway;
//   - between two sites, a route through the links of the shortest path in the graph (their WAN
//     uplinks via the WAN core).
// Network model: CM02 (max-min fair sharing, no TCP correction factors, no TCP window limit), so
// a transfer of S bytes alone on a path takes latency + S / min(bandwidth): weight loads are
// gigabytes, where TCP start-up effects do not matter, and tests can check times by hand.
//
// Latencies: the links carry them (Host::route_to sums them), but SimGrid is told to ignore them
// (network/latency-factor 0) and Engine::start_transfer pays a route's latency as a delay before
// the comm starts: the same "latency, then the bytes at their share" as CM02's own latency phase,
// without that phase. Why: in SimGrid 3.32 (and its master as of 2026), a comm whose latency phase
// ends is enabled in the max-min system by System::enable_var, which marks only the comm's first
// link as modified (update_modified_cnst_set_from_variable) and relies on the recursion from it to
// reach the others; if that link is already marked in the same solve round (another comm on it
// started, ended or left its latency phase at the same instant), the recursion is skipped and the
// comm is solved without its other links. With TCP-gamma 0 the comm has no per-flow bound either
// (min(route bandwidth, gamma / 2 latency) = 0 = none), so it ran at the store's bandwidth through a
// 10 GB/s server link (two loads started together from a 2 TB/s store: one done in 0.065 s instead
// of 12.85 s); with a TCP-gamma the per-flow bound holds each comm at its slowest link, but a link
// it shares with running comms is still oversubscribed (docs/benchmarks.md, Autoscaling). A comm
// created with zero latency enters the system enabled and expand() marks each of its links, so the
// sharing is max-min over every link, as intended. What this changes: CM02's RTT weighting
// (a comm's share inversely proportional to its route latency) is gone; every comm has weight 1,
// which is also what a data-centre fabric's congestion control aims at.
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
