// Site routing `lowest_signal`: the hook of carbon- and price-aware routing. Each request goes to
// the pool whose site has the best value of a site signal now (Site::signal, models/site/site.hpp:
// a declared series in sites[].signals until a grid component feeds it), among the pools with
// room; when none has room, the least queued:
//
//   room(k)  <=>  queued_k < theta * max(a_k, 1)
//   k*       = argmin_{k with room} s_k(t)    (carbon_intensity, price: lowest; power_headroom:
//              highest, i.e. argmin of -s_k); an unknown signal (NaN) ranks last;
//              ties: nearer the origin when the workload has one, then listed first
//   if no pool has room: argmin_k queued_k / max(a_k, 1)
//
// Use it to move flexible work (batch images, offline jobs) to the greenest or cheapest site
// that can take it; latency is not weighed beyond the ties (put latency-sensitive traffic on
// another service with nearest or spill_over).
// Cost: one Site::signal and one Pool::load() per pool per request.
#include <algorithm>
#include <cmath>

#include "models/scheduling/site_router.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace dcsim::scheduling {

namespace {

class LowestSignal final : public SiteRouter {
 public:
  LowestSignal(const ServiceView& s, site::SignalKind kind, double threshold)
      : s_(s), kind_(kind), sign_(kind == site::SignalKind::power_headroom ? -1.0 : 1.0), theta_(threshold),
        slot_(workload_slots(s)) {}
  uint32_t choose(const workload::Request& r, double now) override {
    const size_t w = r.workload < slot_.size() ? slot_[r.workload] : ServiceView::npos;
    const bool near = w != ServiceView::npos && s_.workloads[w].origin;
    uint32_t best = kNoPool;
    double best_x = 0, best_lat = 0;
    for (uint32_t k = 0; k < s_.pools.size(); ++k) {
      const serving::PoolLoad l = s_.pools[k].pool->load();
      if (!(double(l.queued) < theta_ * double(l.replicas_active ? l.replicas_active : 1))) continue;
      double x = sign_ * s_.pools[k].site->signal(kind_, now);
      if (std::isnan(x)) x = std::numeric_limits<double>::infinity();
      const double lat = near ? s_.wan_latency_s[w][k] : 0.0;
      if (best == kNoPool || x < best_x || (x == best_x && lat < best_lat)) {
        best = k;
        best_x = x;
        best_lat = lat;
      }
    }
    return best == kNoPool ? least_queued(s_) : best;
  }
  // Flow form: each workload's flow fills the pools in the order of their signal (ties: WAN
  // latency from its origin, then listed first) up to their room over the step (flow_rooms);
  // the rest to the least queued pool.
  bool has_flow_form() const override { return true; }
  void split_flows(const double* amount, double now, double dt, double* out) override {
    const size_t P = s_.pools.size();
    flow_rooms(s_, theta_, dt, room_);
    x_.resize(P);
    for (size_t k = 0; k < P; ++k) {
      x_[k] = sign_ * s_.pools[k].site->signal(kind_, now);
      if (std::isnan(x_[k])) x_[k] = std::numeric_limits<double>::infinity();
    }
    const uint32_t fallback = least_queued(s_);
    for (size_t w = 0; w < s_.workloads.size(); ++w) {
      const bool near = s_.workloads[w].origin != nullptr;
      order_.resize(P);
      for (uint32_t k = 0; k < P; ++k) order_[k] = k;
      std::stable_sort(order_.begin(), order_.end(), [&](uint32_t a, uint32_t b) {
        if (x_[a] != x_[b]) return x_[a] < x_[b];
        return near && s_.wan_latency_s[w][a] < s_.wan_latency_s[w][b];
      });
      fill_in_order(order_, amount[w], room_, fallback, out + w * P);
    }
  }

 private:
  const ServiceView& s_;
  site::SignalKind kind_;
  double sign_;
  double theta_;
  std::vector<size_t> slot_;
  std::vector<double> room_, x_;   // flow form, by pool
  std::vector<uint32_t> order_;
};

}  // namespace

void register_site_lowest_signal() {
  site_router_registry().add(
      "lowest_signal",
      "The pool whose site signal is best now (lowest carbon intensity or price, highest power headroom), among "
      "those with room; the least queued when none has room. The hook of carbon- and price-aware routing.",
      {scenario::ParamSpec::choice("signal", {"carbon_intensity", "price", "power_headroom"})
           .def("carbon_intensity")
           .doc("Site signal read at decision time (Site::signal: sites[].signals until a grid component feeds it)."),
       room_threshold_param()},
      [](const scenario::Config& c, const PolicyContext& ctx) -> std::unique_ptr<SiteRouter> {
        for (const auto& p : ctx.service.pools)
          if (!p.site) throw std::logic_error("lowest_signal: a pool without a site");
        return std::make_unique<LowestSignal>(ctx.service, *site::signal_kind(c.str("signal")), c.num("threshold"));
      });
}

}  // namespace dcsim::scheduling
