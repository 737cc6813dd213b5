// Power capping from the delivery tree: when a node's load exceeds its rating, the servers below
// it get a per-GPU power cap, as in production power-capping systems (e.g. Facebook's Dynamo,
// Wu et al., ISCA 2016: leaf controllers cap the servers below an over-limit breaker, then uncap
// in steps once load falls below a lower threshold).
//
// Each facility step, nodes from the feed down:
//   L_n > R_n:   the largest f ∈ [f_min, 1] with  L_n(every server below at min(P_s, P_s(f·TDP))) ≤ τ·R_n
//                (bisection on the subtree evaluated with the loss curves), f_n ← min(f_n, f);
//                an event (node, time, excess L_n − R_n W, f).
//   L_n < ρ_r·R_n and f_n < 1:   f_n ← min(1, f_n + Δf)  (release in steps; event when lifted)
// A rack's servers are capped at min over the rack and its ancestors of f·TDP of their pool's GPU
// (P_s(g) = server IT power with its GPUs at g, facility_types.hpp). Commands are emitted only
// for ranges whose cap changed. Parameters: τ cap_target (0.97), ρ_r release_below (0.90), Δf
// release_step (0.05), f_min min_cap_fraction (0.3; the H100's lowest settable power limit is
// ~200 of 700 W, nvidia-smi -q "Min Power Limit").
//
// Per-server power under caps (split_by_caps): the pools report one GPU energy per pool, not per
// server. Split evenly, the servers of a capped PDU would be charged the pool's mean — more than
// they draw at their cap — and the PDU would be capped again, deeper, while its uncapped
// neighbours are charged less than they draw. The split assumes the pool's router spreads work
// evenly (every server would draw the same) and clips each server at its cap (water filling):
//   g_s = min(G_s, x),   Σ_s g_s = G                        (G_s: server s's GPU cap, +inf: none)
//   x: the level at which the clipped shares add up to the pool's GPU power G
// (if Σ_s G_s < G — rounding, or caps applied during the step — the shares are G_s · G / Σ_s G_s).
// An ASSUMPTION where work is not spread evenly (e.g. replicas stopped by the grid or failed
// servers: their servers draw less and the others more than the split says).
#pragma once

#include <span>
#include <vector>

#include "models/facility/delivery_tree.hpp"

namespace dcsim::facility {

struct CapPolicy {
  double target = 0.97;
  double release_below = 0.90;
  double release_step = 0.05;
  double min_fraction = 0.3;
};

struct CapEvent {
  size_t node = 0;
  double excess_w = 0;   // L − R when capping (W); 0 when released
  double fraction = 1;   // the node's new f
  bool released = false;
  bool insufficient = false;  // even f_min leaves the node above τ·R
};

// Splits a pool's GPU power `gpu_w` (W) over its servers with per-server GPU caps `cap_w`
// (W per server, +inf: none) into `out` (W per server; resized). No allocation once `out` and
// `order` have the pool's size.
void split_by_caps(double gpu_w, std::span<const double> cap_w, std::vector<double>& out, std::vector<uint32_t>& order);

class DeliveryCaps {
 public:
  DeliveryCaps(const DeliveryTree& tree, const std::vector<PoolInfo>& pools, CapPolicy policy);

  void update(const ServerPowers& p, double mech_w, const DeliveryTree::Eval& e, std::vector<CapCommand>& commands,
              std::vector<CapEvent>& events);
  double fraction(size_t node) const { return f_[node]; }
  // Effective cap fraction of a rack's servers (1: none).
  double rack_fraction(size_t rack) const { return emitted_[rack]; }
  // Whether any rack is watched (oversubscribed) or capped: the tree must then fill leaf entries.
  bool watches_leaves() const { return watches_racks_ || capped_ > 0; }

 private:
  std::vector<double> caps_for(double f) const;
  const DeliveryTree& tree_;
  std::vector<PoolInfo> pools_;
  CapPolicy policy_;
  std::vector<double> ratings_;  // per node, with the 1e-9 tolerance
  size_t capped_ = 0;           // nodes with f < 1
  std::vector<size_t> watched_;  // nodes whose peak can exceed their rating
  bool watches_racks_ = false;
  std::vector<double> f_;        // per node
  std::vector<double> emitted_;  // per node (racks): last effective fraction sent
};

}  // namespace dcsim::facility
