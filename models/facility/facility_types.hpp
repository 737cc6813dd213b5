// Plain data the facility shares with the World: what it knows of each pool's servers, and the
// commands it returns for the pools (applied by the World; the facility never calls a pool).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace dcsim::facility {

// One pool of the site, as the facility sees it. Server IT power = other_offset_w +
// (1 + other_slope) · (GPU power of the server) (the affine map of models/power/server_power.hpp,
// per server: offset = a / S, slope = b).
struct PoolInfo {
  std::string name;              // pool name in the site
  uint32_t servers = 0;
  uint32_t gpus_per_server = 8;
  double gpu_tdp_w = 700;        // uncapped per-GPU maximum
  double server_peak_w = 8500;   // IT power of one server at full load (sizing, oversubscription)
  double other_offset_w = 996;   // non-GPU power of one server at zero GPU power
  double other_slope = 0.34;     // W of non-GPU power per W of GPU power

  // Server IT power when each of its GPUs draws gpu_w.
  double server_power_w(double gpu_w) const {
    return other_offset_w + (1.0 + other_slope) * gpus_per_server * gpu_w;
  }
  // Per-GPU power of a server drawing server_w.
  double gpu_power_w(double server_w) const {
    return (server_w - other_offset_w) / ((1.0 + other_slope) * gpus_per_server);
  }
};

// Servers [first, first + count) of pool `pool` (index into the PoolInfo list).
struct ServerRange {
  uint32_t pool = 0;
  uint32_t first = 0;
  uint32_t count = 0;
};

inline constexpr double kNoCap = std::numeric_limits<double>::infinity();

// A per-GPU power cap for a range of servers (kNoCap: lift the cap). Emitted when it changes.
struct CapCommand {
  ServerRange servers;
  double gpu_cap_w = kNoCap;
  std::string node;  // delivery node whose rating caused it ("pdu-3")
};

}  // namespace dcsim::facility
