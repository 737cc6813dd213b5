// The fleet's network as a Boost.Graph: vertices are the WAN core, each site's switch, its model
// storage and its servers; edges are links with a bandwidth and a latency. The SimGrid platform
// (simgrid_platform.hpp) is built from this graph, and routes between sites are shortest paths
// (by latency) in it, so a richer WAN only needs more vertices and edges here.
//
//   wan-core ── <site>-switch ── <site>-storage
//                    ├── <site>-<pool>-<i>   (one vertex per server)
//                    └── ...
#pragma once

#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "sim/scenario/config.hpp"

namespace dcsim::platform {

enum class NodeKind { wan_core, site_switch, storage, server };

struct TopoNode {
  NodeKind kind = NodeKind::server;
  std::string name;  // unique: "dc1-chat-3"
  std::string site;  // "" for the WAN core
  std::string pool;  // servers only
  int gpus = 0;      // servers only
};

struct TopoLink {
  std::string name;  // "dc1-chat-3-link"
  double bandwidth_Bps = 0;
  double latency_s = 0;
};

using TopologyGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, TopoNode, TopoLink>;
using Vertex = boost::graph_traits<TopologyGraph>::vertex_descriptor;
using Edge = boost::graph_traits<TopologyGraph>::edge_descriptor;

struct Topology {
  TopologyGraph graph;
  Vertex wan_core = 0;
  std::vector<Vertex> site_switches;  // in scenario order
};

// Build the graph from a validated scenario.
Topology build_topology(const scenario::Config& scenario);

// Edges of the minimum-latency path between two vertices (Dijkstra). Empty if a == b.
// Throws std::runtime_error if they are not connected.
std::vector<Edge> shortest_path(const Topology& t, Vertex a, Vertex b);

}  // namespace dcsim::platform
