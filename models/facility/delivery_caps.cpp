#include "models/facility/delivery_caps.hpp"

#include <algorithm>

namespace dcsim::facility {

DeliveryCaps::DeliveryCaps(const DeliveryTree& tree, const std::vector<PoolInfo>& pools, CapPolicy policy)
    : tree_(tree), pools_(pools), policy_(policy), f_(tree.size(), 1.0), emitted_(tree.size(), 1.0) {
  for (size_t n = 0; n < tree.size(); ++n) {
    ratings_.push_back(tree.rating_w(n) * (1 + 1e-9));
    // Watched on the fast path: nodes whose peak (servers at their declared peak) exceeds their
    // rating (oversubscribed), and those carrying the mechanical load (it has no declared peak).
    const Level lv = tree.node(n).level;
    if (tree.peak_load_w(n) > tree.rating_w(n) * (1 + 1e-9) || lv == Level::feed || lv == Level::transformer) {
      watched_.push_back(n);
      watches_racks_ = watches_racks_ || !tree.node(n).servers.empty();
    }
  }
}

std::vector<double> DeliveryCaps::caps_for(double f) const {
  std::vector<double> caps(pools_.size());
  for (size_t p = 0; p < pools_.size(); ++p) caps[p] = pools_[p].server_power_w(f * pools_[p].gpu_tdp_w);
  return caps;
}

void DeliveryCaps::update(const ServerPowers& p, double mech_w, const DeliveryTree::Eval& e,
                          std::vector<CapCommand>& commands, std::vector<CapEvent>& events) {
  bool changed = false;
  const size_t nodes = tree_.size();
  const double* loads = e.load_w.data();
  // Fast path: nothing capped and nothing over its rating.
  if (capped_ == 0) {
    bool over = false;
    for (const size_t n : watched_) over |= loads[n] > ratings_[n];
    if (!over) return;
  }
  for (size_t n = 0; n < nodes; ++n) {
    const double rating = ratings_[n];
    const double load = loads[n];
    if (load > rating) {
      const double goal = policy_.target * tree_.rating_w(n);
      double lo = policy_.min_fraction, hi = 1.0;
      const bool enough = tree_.subtree_load(n, p, caps_for(lo), mech_w) <= goal;
      if (enough) {
        for (int i = 0; i < 40; ++i) {
          const double mid = 0.5 * (lo + hi);
          (tree_.subtree_load(n, p, caps_for(mid), mech_w) <= goal ? lo : hi) = mid;
        }
      }
      const double f = std::min(f_[n], lo);
      if (f_[n] >= 1.0) ++capped_;
      f_[n] = f;
      events.push_back({n, load - tree_.rating_w(n), f, false, !enough});
      changed = true;
    } else if (f_[n] < 1.0 && load < policy_.release_below * rating / (1 + 1e-9)) {
      f_[n] = std::min(1.0, f_[n] + policy_.release_step);
      if (f_[n] >= 1.0) {
        --capped_;
        events.push_back({n, 0.0, 1.0, true, false});
      }
      changed = true;
    }
  }
  if (!changed) return;
  for (size_t r : tree_.racks_below(0)) {
    double f = 1.0;
    for (std::optional<size_t> a = r; a; a = tree_.parent(*a)) f = std::min(f, f_[*a]);
    if (f == emitted_[r]) continue;
    emitted_[r] = f;
    // Name the highest capped node above the rack (the one that caused it).
    std::string cause = tree_.node(r).name;
    for (std::optional<size_t> a = r; a; a = tree_.parent(*a)) {
      if (f_[*a] == f) cause = tree_.node(*a).name;
    }
    for (const auto& range : tree_.node(r).servers) {
      commands.push_back({range, f >= 1.0 ? kNoCap : f * pools_[range.pool].gpu_tdp_w, cause});
    }
  }
}

}  // namespace dcsim::facility
