#include "sim/platform/topology.hpp"

#include <stdexcept>

#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/property_map/property_map.hpp>

namespace dcsim::platform {

namespace {
Vertex add_node(TopologyGraph& g, NodeKind kind, std::string name, std::string site, std::string pool = "", int gpus = 0) {
  return boost::add_vertex(TopoNode{kind, std::move(name), std::move(site), std::move(pool), gpus}, g);
}
void add_link(TopologyGraph& g, Vertex a, Vertex b, std::string name, double bw, double lat) {
  boost::add_edge(a, b, TopoLink{std::move(name), bw, lat}, g);
}
}  // namespace

Topology build_topology(const scenario::Config& scenario) {
  Topology t;
  auto& g = t.graph;
  t.wan_core = add_node(g, NodeKind::wan_core, "wan-core", "");
  for (const auto& site : scenario.list("sites")) {
    const std::string& s = site.str("name");
    const Vertex sw = add_node(g, NodeKind::site_switch, s + "-switch", s);
    t.site_switches.push_back(sw);
    const auto& wan = site.child("wan");
    add_link(g, sw, t.wan_core, s + "-wan", wan.num("bandwidth"), wan.num("latency"));
    const auto& storage = site.child("storage");
    const Vertex st = add_node(g, NodeKind::storage, s + "-storage", s);
    add_link(g, st, sw, s + "-storage-link", storage.num("bandwidth"), storage.num("latency"));
    const auto& net = site.child("network");
    for (const auto& pool : site.list("pools")) {
      const std::string& p = pool.str("name");
      const auto n = pool.integer("servers");
      for (int64_t i = 0; i < n; ++i) {
        const std::string name = s + "-" + p + "-" + std::to_string(i);
        const Vertex v = add_node(g, NodeKind::server, name, s, p, static_cast<int>(pool.integer("gpus_per_server")));
        add_link(g, v, sw, name + "-link", net.num("server_link"), net.num("latency"));
      }
    }
  }
  return t;
}

std::vector<Edge> shortest_path(const Topology& t, Vertex a, Vertex b) {
  const auto& g = t.graph;
  const size_t n = boost::num_vertices(g);
  std::vector<Vertex> pred(n);
  std::vector<double> dist(n);
  boost::dijkstra_shortest_paths(
      g, a,
      boost::predecessor_map(boost::make_iterator_property_map(pred.begin(), boost::get(boost::vertex_index, g)))
          .distance_map(boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, g)))
          .weight_map(boost::get(&TopoLink::latency_s, g)));
  std::vector<Edge> path;
  for (Vertex v = b; v != a;) {
    const Vertex p = pred[v];
    if (p == v) throw std::runtime_error("topology: '" + g[a].name + "' and '" + g[b].name + "' are not connected");
    auto [e, ok] = boost::edge(p, v, g);
    path.push_back(e);
    v = p;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace dcsim::platform
