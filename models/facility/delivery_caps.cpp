#include "models/facility/delivery_caps.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace dcsim::facility {

void split_by_caps(double gpu_w, std::span<const double> cap_w, std::vector<double>& out, std::vector<uint32_t>& order) {
  const size_t n = cap_w.size();
  out.resize(n);
  if (n == 0) return;
  order.resize(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return cap_w[a] < cap_w[b]; });
  // Water filling from the lowest cap: the servers below the level x sit at their cap.
  double left = gpu_w;
  size_t k = 0;
  for (; k < n; ++k) {
    const double c = cap_w[order[k]];
    const double level = left / double(n - k);  // the level if servers k.. all share what is left
    if (!(c < level)) break;                    // server k (and every one above it) is not clipped
    out[order[k]] = c;
    left -= c;
  }
  if (k < n) {
    const double level = left / double(n - k);
    for (size_t j = k; j < n; ++j) out[order[j]] = level;
    return;
  }
  // Every server clipped and power left over: more than the caps allow (rounding, or caps that
  // changed within the step): in proportion to the caps, so the shares add up to gpu_w.
  const double sum = gpu_w - left;
  for (size_t s = 0; s < n; ++s) out[s] = sum > 0 ? cap_w[s] * gpu_w / sum : gpu_w / double(n);
}

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
