// LlmPool commands (pool.hpp): replicas added and removed (drain), power cap and speed factor per
// server (operating points: throttle.hpp), server failure and repair. The rules are in
// llm_pool.hpp.
#include <algorithm>
#include <cassert>
#include <cmath>

#include "models/serving/llm_pool.hpp"
#include "models/serving/replica_commands.hpp"
#include "models/serving/weight_loading.hpp"

namespace dcsim::serving {

void LlmPool::stop(uint32_t i) {
  Replica& rep = replicas_[i];
  assert(rep.running.empty() && rep.waiting.empty());
  if (rep.state == State::iterating) engine_.cancel(rep.ev);
  rep.skip_k = 0;
  rep.reserved = false;
  rep.draining = false;
  rep.load = kNoLoad;
  if (cfg_.prefix_cache_tokens > 0) rep.prefix = PrefixCache(cfg_.prefix_cache_tokens / cfg_.prefix_block_tokens);
  set_replica_state(rep, State::stopped, 0);
  ++availability_epoch_;
  route_update(i);
}

// Its running and waiting requests leave the replica now, with the energy they got so far.
void LlmPool::evict(uint32_t i, std::vector<workload::Request>& out) {
  Replica& rep = replicas_[i];
  attribute_energy(rep, engine_.now());
  if (rep.state == State::iterating) engine_.cancel(rep.ev);
  rep.skip_k = 0;
  const auto take = [&](uint32_t slot, double energy) {
    Seq& s = seqs_[slot];
    workload::Request r = s.req;
    r.first_token_s = s.first_token_s;
    r.energy_j = energy;
    out.push_back(r);
    free_slots_.push_back(slot);
  };
  while (!rep.running.empty()) {
    const uint32_t slot = rep.running.back();
    const double energy = seq_energy(rep, seqs_[slot]);
    leave(rep, slot);
    take(slot, energy);
  }
  rep.finish.clear();
  for (uint32_t slot : rep.waiting) take(slot, seqs_[slot].energy_j);
  waiting_total_ -= rep.waiting.size();
  rep.waiting.clear();
  rep.outstanding_tokens = 0;
  rep.outstanding_requests = 0;
  rep.reserved = false;
  assert(rep.used_blocks == 0 && rep.n_dec == 0);
}

void LlmPool::load(const std::vector<uint32_t>& replicas) {
  const double now = engine_.now();
  commands::by_server(replicas_, replicas, placement_.servers.size(), [&](uint32_t s, const std::vector<uint32_t>& on) {
    const auto id = static_cast<uint32_t>(load_server_.size());
    load_server_.push_back(s);
    for (uint32_t i : on) {
      Replica& rep = replicas_[i];
      rep.load = id;
      rep.load_started_s = now;
      set_replica_state(rep, State::loading, 0);
      route_update(i);
    }
    ++availability_epoch_;
    load_weights(engine_, placement_, s, cfg_.model.weights_B() * double(on.size()), this, kLoadDoneBit | id);
  });
}

uint32_t LlmPool::replicas_wanted() const {
  uint32_t n = 0;
  for (const auto& r : replicas_) n += r.wanted ? 1 : 0;
  return n;
}

uint32_t LlmPool::add_replicas(uint32_t n) {
  const std::vector<uint32_t> picked = commands::want(replicas_, server_failed_, n);
  std::vector<uint32_t> to_load;
  for (uint32_t i : picked) {
    Replica& rep = replicas_[i];
    if (rep.draining) {  // still serving: back at once
      rep.draining = false;
      if (rep.state != State::loading) ++active_replicas_;
      ++availability_epoch_;
      route_update(i);
    } else if (rep.state == State::stopped) {
      to_load.push_back(i);
    }
  }
  if (!to_load.empty()) load(to_load);
  return static_cast<uint32_t>(picked.size());
}

uint32_t LlmPool::remove_replicas(uint32_t n) {
  const std::vector<uint32_t> picked = commands::unwant(replicas_, n);
  for (uint32_t i : picked) {
    Replica& rep = replicas_[i];
    if (rep.state == State::stopped) continue;  // its server failed: it stays down when repaired
    if (up(rep)) --active_replicas_;
    const bool empty = rep.running.empty() && rep.waiting.empty();
    if (empty && rep.state != State::iterating) {
      stop(i);
    } else {
      rep.draining = true;  // serves what it holds (plan() stops it when done)
      ++availability_epoch_;
      route_update(i);
    }
  }
  return static_cast<uint32_t>(picked.size());
}

void LlmPool::move_to_point(uint32_t i, uint16_t g) {
  Replica& rep = replicas_[i];
  if (rep.point == g) return;
  const uint16_t old = rep.point;
  rep.point = g;
  if (rep.state == State::iterating) {
    // The iteration in progress finishes its remaining part at the new speed; the skip ends there.
    const double now = engine_.now();
    const auto first = rep.ends.begin();
    const auto idx = static_cast<uint32_t>(std::lower_bound(first, first + rep.skip_k, now) - first);
    if (idx < rep.skip_k) {
      IterationLoad l = rep.planned;
      l.context_tokens += uint64_t(idx) * l.decode_seqs;
      const double t_old = points_[old].time->seconds(l), t_new = points_[g].time->seconds(l);
      engine_.cancel(rep.ev);
      if (idx + 1 < rep.skip_k) ++skips_cut_total_;
      rep.skip_k = idx + 1;
      rep.ends[idx] = now + (rep.ends[idx] - now) * t_new / t_old;
      rep.ev = engine_.at(rep.ends[idx], this, i);
    }
  }
  // The new power from now (a stopped replica draws none whatever its point).
  set_replica_state(rep, rep.state, rep.running.size());
}

void LlmPool::set_points(const std::vector<uint8_t>& servers, bool cap, double value) {
  for (uint32_t i = 0; i < replicas_.size(); ++i) {
    if (!servers[replicas_[i].server]) continue;
    OperatingPoint p = points_[replicas_[i].point].op;
    (cap ? p.cap_w : p.speed) = value;
    move_to_point(i, point_for(p));
  }
}

void LlmPool::set_power_cap(double watts, ServerSet servers) {
  set_points(server_mask(servers, placement_.servers.size()), true, commands::cap_value(watts));
}

void LlmPool::set_speed_factor(double factor, ServerSet servers) {
  check_speed_factor(factor);
  set_points(server_mask(servers, placement_.servers.size()), false, factor);
}

void LlmPool::fail_server(uint32_t server) {
  if (server >= placement_.servers.size()) throw std::invalid_argument("llm pool: no server " + std::to_string(server));
  if (server_failed_[server]) return;
  server_failed_[server] = 1;
  std::vector<workload::Request> orphans;
  for (uint32_t i = 0; i < replicas_.size(); ++i) {
    Replica& rep = replicas_[i];
    if (rep.server != server || rep.state == State::stopped) continue;
    if (up(rep)) --active_replicas_;
    evict(i, orphans);
    stop(i);
  }
  const double now = engine_.now();
  for (const auto& r : orphans) orphan(r, now, observers_);
}

void LlmPool::repair_server(uint32_t server) {
  if (server >= placement_.servers.size()) throw std::invalid_argument("llm pool: no server " + std::to_string(server));
  if (!server_failed_[server]) return;
  server_failed_[server] = 0;
  const auto to_load = commands::to_restart(replicas_, server, [](const Replica& r) { return r.state == State::stopped; });
  if (!to_load.empty()) load(to_load);
}

}  // namespace dcsim::serving
