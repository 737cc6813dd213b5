// What the site routers share (site_router.hpp): the pool-load fall-back, the latency order of
// the pools from each workload's origin, the room threshold parameter, the origin check.
#include <algorithm>
#include <numeric>

#include "models/scheduling/site_router.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace dcsim::scheduling {

uint32_t least_queued(const ServiceView& s) {
  uint32_t best = 0;
  double best_q = std::numeric_limits<double>::infinity();
  uint64_t best_n = std::numeric_limits<uint64_t>::max();
  for (uint32_t k = 0; k < s.pools.size(); ++k) {
    const serving::PoolLoad l = s.pools[k].pool->load();
    const double q = queue_per_replica(l);
    const uint64_t n = l.queued + l.running;
    if (q < best_q || (q == best_q && n < best_n)) {
      best = k;
      best_q = q;
      best_n = n;
    }
  }
  return best;
}

std::vector<std::vector<uint32_t>> pools_by_latency(const ServiceView& s) {
  std::vector<std::vector<uint32_t>> order(s.workloads.size());
  for (size_t w = 0; w < s.workloads.size(); ++w) {
    auto& o = order[w];
    o.resize(s.pools.size());
    std::iota(o.begin(), o.end(), 0u);
    std::stable_sort(o.begin(), o.end(),
                     [&](uint32_t a, uint32_t b) { return s.wan_latency_s[w][a] < s.wan_latency_s[w][b]; });
  }
  return order;
}

scenario::ParamSpec room_threshold_param() {
  return scenario::ParamSpec::quantity_of("threshold", units::Quantity::dimensionless)
      .def("1")
      .at_least(0)
      .doc("A pool has room while its waiting requests are fewer than threshold x its active replicas (at least 1).");
}

std::vector<size_t> workload_slots(const ServiceView& s) {
  std::vector<size_t> slots;
  for (size_t w = 0; w < s.workloads.size(); ++w) {
    const uint32_t idx = s.workloads[w].index;
    if (slots.size() <= idx) slots.resize(size_t(idx) + 1, ServiceView::npos);
    slots[idx] = w;
  }
  return slots;
}

void require_origins(const PolicyContext& ctx, const char* router) {
  for (const auto& wl : ctx.service.workloads) {
    if (wl.origin) continue;
    const auto& c = *wl.config;
    throw scenario::InputError(c.where("service"), c.path(),
                               "workload '" + wl.name + "' sends requests to service '" + ctx.service.name +
                                   "', whose routing is '" + router +
                                   "': give the workload an origin (a site name, where its users' traffic enters the WAN)");
  }
}

void flow_rooms(const ServiceView& s, double theta, double dt, std::vector<double>& room) {
  room.resize(s.pools.size());
  for (size_t k = 0; k < s.pools.size(); ++k) {
    const serving::Pool& p = *s.pools[k].pool;
    const serving::PoolLoad l = p.load();
    room[k] = std::max(0.0, theta * double(l.replicas_active ? l.replicas_active : 1) - p.flow_queued()) + p.flow_room(dt);
  }
}

void fill_in_order(const std::vector<uint32_t>& order, double amount, std::vector<double>& room, uint32_t fallback,
                   double* out) {
  for (size_t k = 0; k < room.size(); ++k) out[k] = 0;
  for (const uint32_t k : order) {
    if (!(amount > 0)) break;
    const double take = std::min(amount, room[k]);
    out[k] += take;
    room[k] -= take;
    amount -= take;
  }
  if (amount > 0) out[fallback] += amount;
}

}  // namespace dcsim::scheduling
