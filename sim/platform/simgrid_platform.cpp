#include "sim/platform/simgrid_platform.hpp"

#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/NetZone.hpp>

namespace sg4 = simgrid::s4u;

namespace dcsim::platform {

std::vector<std::string> simgrid_config() {
  // latency-factor 0: SimGrid gives every comm its bandwidth phase at once and Engine::start_transfer
  // pays the route's latency before it (see the header for why).
  std::vector<std::string> cfg = {"--cfg=network/model:CM02", "--cfg=network/TCP-gamma:0",
                                   "--cfg=network/crosstraffic:0", "--cfg=network/latency-factor:0"};
#ifdef DCSIM_SANITIZE
  // Under ASan (scripts/test-sanitizers.sh) the actors run on threads: SimGrid's own stacks (raw
  // and ucontext contexts) are unknown to ASan, and an exception thrown in an actor there gives a
  // false stack-buffer-overflow report (google/sanitizers#189). Same order of events, slower.
  cfg.push_back("--cfg=contexts/factory:thread");
#endif
  return cfg;
}

namespace {
constexpr double kServerFlops = 1e15;  // host speed; computation is not simulated on hosts yet
constexpr double kStorageFlops = 1e9;

struct SiteZone {
  sg4::NetZone* zone = nullptr;
  simgrid::kernel::routing::NetPoint* gateway = nullptr;
};
}  // namespace

Platform build_simgrid_platform(const Topology& topo) {
  const auto& g = topo.graph;
  Platform out;
  auto* world = sg4::create_full_zone("world");
  std::map<std::string, SiteZone> sites;
  std::map<std::string, sg4::Link*> wan_links;  // by link name: edges that touch the WAN core

  for (Vertex sw : topo.site_switches) {
    const std::string& site = g[sw].site;
    SiteZone z;
    z.zone = sg4::create_star_zone(site);
    z.zone->set_parent(world);
    z.gateway = z.zone->create_router(site + "-gw");
    z.zone->add_route(z.gateway, nullptr, nullptr, nullptr, {}, true);
    // Every vertex attached to this switch (storage, servers) becomes a host with its own link.
    for (auto [e, e_end] = boost::out_edges(sw, g); e != e_end; ++e) {
      const Vertex v = boost::target(*e, g);
      const TopoNode& node = g[v];
      const TopoLink& tl = g[*e];
      if (node.kind == NodeKind::wan_core) continue;
      sg4::Host* host = z.zone->create_host(node.name, node.kind == NodeKind::server ? kServerFlops : kStorageFlops);
      if (node.kind == NodeKind::server) host->set_core_count(node.gpus);
      host->seal();
      auto* link = z.zone->create_split_duplex_link(tl.name, tl.bandwidth_Bps)->set_latency(tl.latency_s)->seal();
      z.zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr,
                        {sg4::LinkInRoute(link, sg4::LinkInRoute::Direction::UP)}, true);
      ++out.host_count;
      ++out.link_count;
      if (node.kind == NodeKind::storage) out.storage_by_site[site] = host;
      if (node.kind == NodeKind::server) out.servers[site][node.pool].push_back(host);
    }
    z.zone->seal();
    sites[site] = z;
  }

  // WAN links live in the root zone: one per edge that is not inside a site.
  for (auto [e, e_end] = boost::edges(g); e != e_end; ++e) {
    const NodeKind a = g[boost::source(*e, g)].kind;
    const NodeKind b = g[boost::target(*e, g)].kind;
    if (a == NodeKind::wan_core || b == NodeKind::wan_core) {
      const TopoLink& tl = g[*e];
      wan_links[tl.name] = world->create_link(tl.name, tl.bandwidth_Bps)->set_latency(tl.latency_s)->seal();
      ++out.link_count;
    }
  }
  for (size_t i = 0; i < topo.site_switches.size(); ++i) {
    for (size_t j = i + 1; j < topo.site_switches.size(); ++j) {
      std::vector<sg4::LinkInRoute> links;
      for (const Edge& e : shortest_path(topo, topo.site_switches[i], topo.site_switches[j])) {
        links.emplace_back(wan_links.at(g[e].name));
      }
      const SiteZone& a = sites.at(g[topo.site_switches[i]].site);
      const SiteZone& b = sites.at(g[topo.site_switches[j]].site);
      world->add_route(a.zone->get_netpoint(), b.zone->get_netpoint(), a.gateway, b.gateway, links, true);
    }
  }
  world->seal();
  return out;
}

}  // namespace dcsim::platform
