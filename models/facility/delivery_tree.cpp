#include "models/facility/delivery_tree.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace dcsim::facility {

const char* level_name(Level l) {
  switch (l) {
    case Level::feed: return "feed";
    case Level::transformer: return "transformer";
    case Level::ups: return "ups";
    case Level::pdu: return "pdu";
    case Level::rack: return "rack";
  }
  return "?";
}

size_t DeliveryTree::add(DeliveryNode node, std::optional<size_t> parent) {
  if (parent && *parent >= size()) throw std::logic_error("DeliveryTree::add: parent added after its child");
  if (!parent && size() > 0) throw std::logic_error("DeliveryTree::add: a second root");
  const size_t v = boost::add_vertex(std::move(node), g_);
  if (parent) boost::add_edge(*parent, v, g_);
  return v;
}

std::optional<size_t> DeliveryTree::parent(size_t n) const {
  auto [b, e] = boost::in_edges(n, g_);
  if (b == e) return std::nullopt;
  return boost::source(*b, g_);
}

std::optional<size_t> DeliveryTree::find(const std::string& name) const {
  for (size_t v = 0; v < size(); ++v) {
    if (g_[v].name == name) return v;
  }
  return std::nullopt;
}

std::vector<std::string> DeliveryTree::finalize(const std::vector<PoolInfo>& pools, double rho, double design_mech_w) {
  pools_ = pools;
  const size_t n = size();
  parent_.assign(n, -1);
  for (size_t v = 0; v < n; ++v) {
    if (auto p = parent(v)) parent_[v] = static_cast<int64_t>(*p);
  }
  transformers_ = 0;
  for (size_t v = 0; v < n; ++v) transformers_ += g_[v].level == Level::transformer;
  // Peaks, bottom-up (children have larger indices than their parents).
  peak_.assign(n, 0);
  peak_load_.assign(n, 0);
  std::vector<std::string> problems;
  for (size_t v = n; v-- > 0;) {
    for (const auto& r : g_[v].servers) {
      if (r.pool >= pools.size() || r.first + r.count > pools[r.pool].servers) {
        problems.push_back(g_[v].name + ": servers out of range of pool " +
                           (r.pool < pools.size() ? "'" + pools[r.pool].name + "'" : std::to_string(r.pool)));
        continue;
      }
      peak_[v] += r.count * pools[r.pool].server_peak_w;
    }
    double own = peak_[v];
    if (g_[v].level == Level::transformer) own += design_mech_w / static_cast<double>(transformers_);
    if (v == 0 && transformers_ == 0) own += design_mech_w;
    auto& node = g_[v];
    if (node.rating_w <= 0) node.rating_w = own > 0 ? own / rho : 1.0;
    // Peak input of this node (its loss at the peak) is what its parent carries.
    const double peak_in = own + node.loss.loss_w(own, node.rating_w);
    peak_load_[v] = own;
    if (own > rho * node.rating_w * (1 + 1e-12)) {
      problems.push_back(std::string(level_name(node.level)) + " '" + node.name + "' carries a peak of " +
                         std::to_string(own / 1e3) + " kW, rating " + std::to_string(node.rating_w / 1e3) +
                         " kW with oversubscription " + std::to_string(rho) + " allows " +
                         std::to_string(rho * node.rating_w / 1e3) + " kW: the ratings cannot carry the servers");
    }
    peak_[v] = own;
    if (parent_[v] >= 0) peak_[static_cast<size_t>(parent_[v])] += peak_in;
  }
  // Every server of every pool under exactly one rack.
  std::vector<std::vector<int>> seen(pools.size());
  for (size_t p = 0; p < pools.size(); ++p) seen[p].assign(pools[p].servers, 0);
  for (size_t v = 0; v < n; ++v) {
    for (const auto& r : g_[v].servers) {
      if (r.pool >= pools.size() || r.first + r.count > pools[r.pool].servers) continue;
      for (uint32_t s = r.first; s < r.first + r.count; ++s) ++seen[r.pool][s];
    }
  }
  for (size_t p = 0; p < pools.size(); ++p) {
    const auto twice = std::count_if(seen[p].begin(), seen[p].end(), [](int c) { return c > 1; });
    const auto none = std::count(seen[p].begin(), seen[p].end(), 0);
    if (twice) problems.push_back("pool '" + pools[p].name + "': " + std::to_string(twice) + " servers are under two racks");
    if (none) problems.push_back("pool '" + pools[p].name + "': " + std::to_string(none) + " servers are under no rack");
  }
  // Flat arrays for evaluate().
  ranges_.clear();
  rating_.assign(n, 0);
  loss_.assign(n, {});
  indoor_.assign(n, 0);
  transformer_.assign(n, 0);
  chain_.assign(n, 0);
  lossless_.assign(n, 0);
  for (size_t v = 0; v < n; ++v) {
    lossless_[v] = g_[v].loss.lossless();
    rating_[v] = g_[v].rating_w;
    loss_[v] = g_[v].loss;
    indoor_[v] = g_[v].indoor;
    transformer_[v] = g_[v].level == Level::transformer;
  }
  std::vector<uint8_t> has_children(n, 0);
  for (size_t v = 1; v < n; ++v) has_children[static_cast<size_t>(parent_[v])] = 1;
  for (size_t v = 0; v < n; ++v) {
    if (!transformer_[v] && !(v == 0 && transformers_ == 0)) continue;
    for (int64_t a = static_cast<int64_t>(v); a >= 0; a = parent_[static_cast<size_t>(a)]) chain_[static_cast<size_t>(a)] = 1;
  }
  inner_.clear();
  chain_list_.clear();
  for (size_t v = n; v-- > 0;) {
    if (chain_[v]) chain_list_.push_back(v);
    const bool leaf = lossless_[v] && !has_children[v] && !chain_[v] && !transformer_[v] && parent_[v] >= 0;
    for (const auto& r : g_[v].servers) {
      ranges_.push_back({static_cast<uint32_t>(v), r.pool, r.first, r.count, leaf ? parent_[v] : -1});
    }
    if (!leaf) inner_.push_back(v);
  }
  leaf_counts_.clear();
  inner_ranges_.clear();
  for (const Range& r : ranges_) {
    if (r.up < 0) {
      inner_ranges_.push_back(r);
      continue;
    }
    auto it = std::find_if(leaf_counts_.begin(), leaf_counts_.end(), [&](const LeafCount& c) {
      return c.parent == static_cast<uint32_t>(r.up) && c.pool == r.pool;
    });
    if (it == leaf_counts_.end()) {
      leaf_counts_.push_back({static_cast<uint32_t>(r.up), r.pool, static_cast<double>(r.count)});
    } else {
      it->count += r.count;
    }
  }
  // Subtrees and racks below each node.
  subtree_.assign(n, {});
  racks_below_.assign(n, {});
  for (size_t v = 0; v < n; ++v) {
    for (int64_t a = static_cast<int64_t>(v); a >= 0; a = parent_[static_cast<size_t>(a)]) {
      subtree_[static_cast<size_t>(a)].push_back(v);
      if (!g_[v].servers.empty()) racks_below_[static_cast<size_t>(a)].push_back(v);
    }
  }
  return problems;
}

double DeliveryTree::rack_load(size_t v, const ServerPowers& p, const std::vector<double>* cap_w) const {
  double sum = 0;
  for (const auto& r : g_[v].servers) {
    const double cap = cap_w ? (*cap_w)[r.pool] : kNoCap;
    const auto& per = p.per_server[r.pool];
    if (per.empty()) {
      sum += r.count * std::min(p.pool_w[r.pool], cap);
    } else {
      for (uint32_t s = r.first; s < r.first + r.count; ++s) sum += std::min(per[s], cap);
    }
  }
  return sum;
}

void DeliveryTree::fill_leaves(const ServerPowers& p, Eval& e) const {
  for (const Range& r : ranges_) {
    if (r.up < 0) continue;
    e.load_w[r.node] = 0;
    e.input_w[r.node] = 0;
  }
  for (const Range& r : ranges_) {
    if (r.up < 0) continue;
    double w = 0;
    if (p.per_server[r.pool].empty()) {
      w = r.count * p.pool_w[r.pool];
    } else {
      for (uint32_t s = r.first; s < r.first + r.count; ++s) w += p.per_server[r.pool][s];
    }
    e.load_w[r.node] += w;
    e.input_w[r.node] += w;
  }
}

void DeliveryTree::evaluate(const ServerPowers& p, double mech_w, Eval& e, bool leaves) const {
  const size_t n = size();
  e.load_w.assign(n, 0.0);
  e.fixed_w.assign(n, 0.0);
  e.input_w.assign(n, 0.0);
  e.loss_w.assign(n, 0.0);
  double it = 0;
  bool uniform = true;
  for (const auto& per : p.per_server) uniform = uniform && per.empty();
  if (uniform) {
    // Lossless leaf racks pass their servers' power straight to their parent: per (parent, pool).
    for (const LeafCount& c : leaf_counts_) {
      const double w = c.count * p.pool_w[c.pool];
      e.load_w[c.parent] += w;
      e.fixed_w[c.parent] += w;
      it += w;
    }
    if (leaves) fill_leaves(p, e);
  }
  for (const Range& r : uniform ? inner_ranges_ : ranges_) {
    double w = 0;
    if (p.per_server[r.pool].empty()) {
      w = r.count * p.pool_w[r.pool];
    } else {
      const auto& per = p.per_server[r.pool];
      for (uint32_t s = r.first; s < r.first + r.count; ++s) w += per[s];
    }
    e.load_w[r.node] += w;
    it += w;
    if (r.up >= 0) {  // a lossless leaf: its input is its load, straight to its parent
      e.input_w[r.node] += w;
      e.load_w[static_cast<size_t>(r.up)] += w;
      e.fixed_w[static_cast<size_t>(r.up)] += w;
    } else {
      e.fixed_w[r.node] += w;
    }
  }
  e.it_w = it;
  const double share = transformers_ ? mech_w / static_cast<double>(transformers_) : 0;
  double losses = 0, indoor = 0, fixed_losses = 0, fixed_indoor = 0;
  double* load = e.load_w.data();
  double* fixed = e.fixed_w.data();
  double* input = e.input_w.data();
  double* lossv = e.loss_w.data();
  for (const size_t v : inner_) {
    double l = load[v];
    double loss = 0;
    if (!lossless_[v]) {
      if (transformer_[v]) l += share;
      const double x = l / rating_[v];
      const LossCurve& c = loss_[v];
      loss = rating_[v] * (c.no_load + (c.proportional + c.square * x) * x);
      load[v] = l;
      losses += loss;
      if (indoor_[v]) indoor += loss;
      if (!chain_[v]) {
        fixed_losses += loss;
        if (indoor_[v]) fixed_indoor += loss;
      }
    } else if (transformer_[v]) {
      l += share;
      load[v] = l;
    }
    lossv[v] = loss;
    const double in = l + loss;
    input[v] = in;
    const int64_t up = parent_[v];
    if (up >= 0) {
      load[up] += in;
      if (!chain_[v]) fixed[up] += in;
    }
  }
  if (transformers_ == 0) e.load_w[0] += mech_w, e.input_w[0] += mech_w;  // no transformer: the feed carries it
  e.losses_w = losses;
  e.indoor_losses_w = indoor;
  e.fixed_losses_w = fixed_losses;
  e.fixed_indoor_losses_w = fixed_indoor;
  e.facility_w = e.input_w[0];
}

void DeliveryTree::reevaluate_mech(double mech_w, Eval& e) const {
  const double share = transformers_ ? mech_w / static_cast<double>(transformers_) : 0;
  // Chain nodes: recompute from their fixed load (servers and non-chain children) upwards.
  for (const size_t v : chain_list_) e.load_w[v] = 0;
  double losses = e.fixed_losses_w, indoor = e.fixed_indoor_losses_w;
  for (const size_t v : chain_list_) {
    double load = e.load_w[v] + e.fixed_w[v];
    if (transformer_[v]) load += share;
    e.load_w[v] = load;
    const double loss = lossless_[v] ? 0.0 : loss_[v].loss_w(load, rating_[v]);
    e.loss_w[v] = loss;
    e.input_w[v] = load + loss;
    losses += loss;
    if (indoor_[v]) indoor += loss;
    if (parent_[v] >= 0) e.load_w[static_cast<size_t>(parent_[v])] += e.input_w[v];
  }
  if (transformers_ == 0) e.load_w[0] += mech_w, e.input_w[0] += mech_w;
  e.losses_w = losses;
  e.indoor_losses_w = indoor;
  e.facility_w = e.input_w[0];
}

double DeliveryTree::subtree_load(size_t top, const ServerPowers& p, const std::vector<double>& cap_w, double mech_w) const {
  const auto& nodes = subtree_[top];
  std::map<size_t, double> load;
  const double mech_share = transformers_ ? mech_w / static_cast<double>(transformers_) : 0;
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    const size_t v = *it;
    double l = load[v];
    if (!g_[v].servers.empty()) l += rack_load(v, p, &cap_w);
    if (g_[v].level == Level::transformer) l += mech_share;
    if (v == top) return l;
    load[static_cast<size_t>(parent_[v])] += l + g_[v].loss.loss_w(l, g_[v].rating_w);
  }
  return 0;
}

std::vector<ServerRange> DeliveryTree::servers_below(size_t n) const {
  std::vector<ServerRange> all;
  for (size_t r : racks_below_[n]) {
    for (const auto& s : g_[r].servers) all.push_back(s);
  }
  std::sort(all.begin(), all.end(), [](const ServerRange& a, const ServerRange& b) {
    return a.pool != b.pool ? a.pool < b.pool : a.first < b.first;
  });
  std::vector<ServerRange> merged;
  for (const auto& s : all) {
    if (!merged.empty() && merged.back().pool == s.pool && merged.back().first + merged.back().count == s.first) {
      merged.back().count += s.count;
    } else {
      merged.push_back(s);
    }
  }
  return merged;
}

}  // namespace dcsim::facility
