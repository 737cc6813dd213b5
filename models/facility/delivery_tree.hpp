// The power-delivery tree of a site, as a Boost.Graph: utility feed → substation transformers →
// UPS → PDUs → racks → servers (the leaves, given as ranges of a pool's servers).
//
// Power flows up: a node's load (output) is the sum of its children's inputs; its input adds its
// conversion loss (loss_curve.hpp):
//   L_n      = Σ_{c ∈ children(n)} P_in,c  (+ Σ server IT power for a rack)
//              (+ P_mech / #transformers for a transformer: cooling and other loads are fed from the
//              substation, not through the UPS)
//   P_in,n   = L_n + R_n · (a_n + b_n L_n/R_n + c_n (L_n/R_n)²)
//   P_feed   = P_in of the root = the site's facility power
// Every loss is counted once, at the node that converts, so
//   P_feed = P_IT + P_mech + Σ_n P_loss,n                                     (exact identity)
// Heat in the building = Σ of the indoor nodes' losses (UPS and PDU rooms; transformers outdoors).
//
// Ratings and oversubscription: a node's peak is Σ of the server peaks below it; with an
// oversubscription ratio ρ a node must satisfy peak_n ≤ ρ · R_n (else the ratings cannot carry the
// servers: an input error). A rating of 0 means auto-sized: R_n = peak_n / ρ (transformers also
// carry the design mechanical load). Headroom_n = R_n − L_n.
// Queries: servers_below(n) (the servers a failed node takes down), headroom, find by name.
// Capping when a load exceeds a rating: delivery_caps.hpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "models/facility/facility_types.hpp"
#include "models/facility/loss_curve.hpp"

namespace dcsim::facility {

enum class Level { feed, transformer, ups, pdu, rack };
const char* level_name(Level l);

struct DeliveryNode {
  std::string name;
  Level level = Level::rack;
  double rating_w = 0;  // 0 before finalize: auto
  LossCurve loss;
  bool indoor = true;   // its losses are heat the cooling plant removes
  std::vector<ServerRange> servers;  // racks: the servers they hold
};

// Per-pool server powers for one evaluation: uniform (every server at pool_w[p]) unless
// per_server[p] is non-empty (then its values, one per server of the pool).
struct ServerPowers {
  std::vector<double> pool_w;
  std::vector<std::vector<double>> per_server;
};

class DeliveryTree {
 public:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, DeliveryNode>;

  // Builder: parents before children (the root first, with no parent).
  size_t add(DeliveryNode node, std::optional<size_t> parent);
  // Sizes auto ratings, computes peaks and the evaluation order. Returns the problems (node, what):
  // empty = fine. design_mech_w: mechanical load at design (sizes transformers).
  std::vector<std::string> finalize(const std::vector<PoolInfo>& pools, double oversubscription, double design_mech_w);

  struct Eval {
    std::vector<double> load_w, input_w, loss_w;  // per node
    std::vector<double> fixed_w;  // per node: load from outside the mechanical chain (internal)
    double it_w = 0, losses_w = 0, indoor_losses_w = 0, facility_w = 0;
    // Losses of the nodes off the mechanical chain (reevaluate_mech adds the chain's afresh, so
    // a large change of the mechanical load leaves no rounding residue in losses_w).
    double fixed_losses_w = 0, fixed_indoor_losses_w = 0;
  };
  // leaves = false: lossless leaf racks' own entries (load_w, input_w) are left at 0 when every
  // pool is uniform (their parents are still exact); fill_leaves() completes them on demand.
  void evaluate(const ServerPowers& p, double mech_w, Eval& out, bool leaves = true) const;
  void fill_leaves(const ServerPowers& p, Eval& out) const;
  bool has_leaves() const { return !leaf_counts_.empty(); }
  // The same evaluation with another mechanical load: only the transformers and their ancestors
  // change (the UPS and below do not carry it). Exactly equal to evaluate(p, mech_w, out).
  void reevaluate_mech(double mech_w, Eval& out) const;
  double rating_w(size_t n) const { return rating_[n]; }
  // Load of node n's subtree with every server of it at min(its power, cap_w(pool)) (caps).
  // server_cap_w: per pool, the server power a cap allows (W); mech_w as in evaluate.
  double subtree_load(size_t n, const ServerPowers& p, const std::vector<double>& server_cap_w, double mech_w) const;

  size_t size() const { return boost::num_vertices(g_); }
  const DeliveryNode& node(size_t n) const { return g_[n]; }
  std::optional<size_t> parent(size_t n) const;
  std::optional<size_t> find(const std::string& name) const;
  double peak_w(size_t n) const { return peak_[n]; }
  // Peak input (with losses) a node can see; a node whose rating covers it can never be over.
  double peak_load_w(size_t n) const { return peak_load_[n]; }
  double headroom_w(size_t n, const Eval& e) const { return g_[n].rating_w - e.load_w[n]; }
  // Servers below n (a failed node takes them down), merged per pool.
  std::vector<ServerRange> servers_below(size_t n) const;
  // Racks below n (n itself if it is a rack).
  const std::vector<size_t>& racks_below(size_t n) const { return racks_below_[n]; }
  const Graph& graph() const { return g_; }

 private:
  double rack_load(size_t n, const ServerPowers& p, const std::vector<double>* cap_w) const;
  Graph g_;
  std::vector<int64_t> parent_;  // -1 for the root
  // Flat copies for the per-step evaluation (no graph property lookups in the loop).
  struct Range {
    uint32_t node, pool, first, count;
    int64_t up;  // parent when the node is a lossless leaf (folded into the range loop), else -1
  };
  std::vector<Range> ranges_;
  std::vector<size_t> inner_;  // the other nodes, children before parents
  struct LeafCount {
    uint32_t parent, pool;
    double count;  // servers of the pool in the parent's lossless leaf racks
  };
  std::vector<LeafCount> leaf_counts_;
  std::vector<Range> inner_ranges_;  // ranges of the other nodes
  std::vector<size_t> chain_list_;  // nodes carrying mechanical load, children before parents
  std::vector<double> rating_;
  std::vector<LossCurve> loss_;
  std::vector<uint8_t> indoor_, transformer_, chain_, lossless_;  // chain: carries mechanical load
  std::vector<double> peak_;
  std::vector<double> peak_load_;
  std::vector<std::vector<size_t>> racks_below_;
  std::vector<std::vector<size_t>> subtree_;  // nodes of each subtree, children after parents
  std::vector<PoolInfo> pools_;
  size_t transformers_ = 0;
};

}  // namespace dcsim::facility
