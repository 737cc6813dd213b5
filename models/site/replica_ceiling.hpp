// A ceiling on a pool's replicas that a site component imposes and lifts (the grid shedding load
// to hold an interconnect limit or a demand-response event), enforced by the pool's capacity
// controller (models/scheduling/capacity.hpp) so that its autoscaler does not fight it:
//
//   capacity C(t) <= min(max_replicas, own ceiling, external ceiling M)
//   set M < C:   C - M replicas drain and stop at once (provisioning ones cancelled first), and
//                counted as out for the ceiling (X += C - M)
//   while M:     the autoscaler's answers, the schedule and the reservoir stay at or below M
//   raise M:     min(X, M - C) of those replicas come back at once (weights load again, no
//                provisioning delay: the machines were never released); M = none brings back all X
//
// No scale_out / scale_in events or counters: the component that sets the ceiling writes its own
// /events rows (the grid's grid_shed_replicas).
#pragma once

#include <cstdint>
#include <limits>

namespace dcsim::site {

inline constexpr uint32_t kNoCeiling = std::numeric_limits<uint32_t>::max();

class ReplicaCeiling {
 public:
  virtual ~ReplicaCeiling() = default;
  // Set the external ceiling (kNoCeiling: lift it). Returns the replicas out for it now (X).
  virtual uint32_t set_external_ceiling(uint32_t replicas) = 0;
  virtual uint32_t external_ceiling() const = 0;
};

}  // namespace dcsim::site
