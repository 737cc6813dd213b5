// LlmPool: construction, weight loading, routing, admission to the pool, replica power and
// totals. The iterations themselves (plan, skip, finish, KV accounting) are in
// llm_pool_iterations.cpp; the model is described in llm_pool.hpp and docs/models/serving-batching.md.
#include "models/serving/llm_pool.hpp"
#include "models/serving/kv_capacity.hpp"
#include "models/serving/weight_loading.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>
#include <string>

#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Host.hpp>

namespace dcsim::serving {

uint64_t llm_kv_capacity_blocks(const LlmPoolConfig& cfg) {
  if (cfg.tp == 0 || cfg.block_tokens == 0 || cfg.max_batch == 0)
    throw std::invalid_argument("llm pool: tp, block_tokens and max_batch must be positive");
  if (cfg.model.kv_bytes_per_token <= 0) throw std::invalid_argument("llm pool: model kv_bytes_per_token must be positive");
  const double free_B = kv_cache_bytes(cfg.gpu, cfg.model, double(cfg.tp), cfg.gpu_memory_utilization, cfg.reserve_B) -
                        double(cfg.prefix_cache_tokens) * cfg.model.kv_bytes_per_token;
  const double blocks = std::floor(free_B / (double(cfg.block_tokens) * cfg.model.kv_bytes_per_token));
  if (!(blocks >= 1))
    throw std::invalid_argument("llm pool: model " + cfg.model.name + " leaves no KV cache on " + std::to_string(cfg.tp) +
                                " x " + cfg.gpu.name);
  return static_cast<uint64_t>(blocks);
}

namespace {

// One model for every replica: no operating point but the nominal one.
LlmPointMaker fixed_point(const IterationTimeModel& time, std::function<double(double)> power_w) {
  return [&time, power_w = std::move(power_w)](const OperatingPoint& op) {
    if (!(op == OperatingPoint{}))
      throw std::logic_error("llm pool built with one iteration-time model: no power cap or speed factor");
    return LlmPointModels{&time, power_w};
  };
}

}  // namespace

LlmPool::LlmPool(LlmPoolConfig cfg, PoolPlacement placement, Engine& engine, output::Recorder& recorder,
                 const IterationTimeModel& iteration_time, std::function<double(double batch)> power_w,
                 std::vector<RequestObserver*> observers, std::unique_ptr<scheduling::ReplicaRouter> router)
    : LlmPool(std::move(cfg), std::move(placement), engine, recorder, fixed_point(iteration_time, std::move(power_w)),
              OperatingPoint{}, std::move(observers), std::move(router)) {}

LlmPool::LlmPool(LlmPoolConfig cfg, PoolPlacement placement, Engine& engine, output::Recorder& recorder,
                 LlmPointMaker points, OperatingPoint initial, std::vector<RequestObserver*> observers,
                 std::unique_ptr<scheduling::ReplicaRouter> router)
    : cfg_(std::move(cfg)),
      placement_(std::move(placement)),
      engine_(engine),
      recorder_(recorder),
      make_point_(std::move(points)),
      observers_(std::move(observers)),
      kv_capacity_(llm_kv_capacity_blocks(cfg_)),
      router_(std::move(router)) {
  if (cfg_.max_batch_tokens < cfg_.max_batch)
    throw std::invalid_argument("llm pool: max_batch_tokens must be >= max_batch");
  if (cfg_.gpus_per_server < cfg_.tp) throw std::invalid_argument("llm pool: tp larger than a server");
  if (!make_point_) throw std::invalid_argument("llm pool: no iteration-time and power models");
  if (point_for(initial) != 0) throw std::logic_error("llm pool: initial point");
  server_failed_.assign(placement_.servers.size(), 0);
  const uint32_t per_server = cfg_.gpus_per_server / cfg_.tp;
  replicas_.resize(placement_.servers.size() * per_server);
  for (size_t k = 0; k < replicas_.size(); ++k) {
    replicas_[k].server = static_cast<uint32_t>(k / per_server);
    replicas_[k].running.reserve(cfg_.max_batch);
    replicas_[k].residue.assign(cfg_.block_tokens, 0);
    if (cfg_.prefix_cache_tokens > 0) replicas_[k].prefix = PrefixCache(cfg_.prefix_cache_tokens / cfg_.prefix_block_tokens);
    replicas_[k].ends.reserve(64);
  }
  if (router_) router_->reset(static_cast<uint32_t>(replicas_.size()), this);
  for (uint32_t k = 0; k < replicas_.size(); ++k) route_update(k);

  const std::string& g = placement_.group;
  using output::QuantileSpec;
  series_ = declare_pool_series(recorder_, g,
                                {[this] { return double(waiting_total_); }, [this] { return double(running_total_); },
                                 [this] { return double(active_replicas_); }});
  tokens_out_ = recorder_.counter(g, "tokens_out", "1", "Output tokens produced during the step");
  preemptions_ = recorder_.counter(g, "preemptions", "1", "Running requests preempted (KV cache full) during the step");
  recorder_.gauge(g, "kv_utilization", "1", "KV-cache blocks used / capacity, mean over active replicas",
                  [this] { return kv_utilization(); });
  ttft_ = recorder_.quantiles(g, {QuantileSpec{"ttft_p99_s", 0.99, "99th-percentile time to first token"}}, "s");
  tpot_ = recorder_.quantiles(g, {QuantileSpec{"tpot_p99_s", 0.99, "99th-percentile time per output token after the first"}},
                              "s");
  if (cfg_.prefix_cache_tokens > 0)
    prefix_hits_ = recorder_.counter(g, "prefix_hit_tokens", "1", "Prompt tokens found in a replica's prefix cache (not recomputed) during the step");
}

void LlmPool::start() {
  const double now = engine_.now();
  for (auto& rep : replicas_) {
    if (rep.state == State::stopped) continue;  // removed before the start
    set_replica_state(rep, State::loading, 0);
    rep.load_started_s = now;
  }
  power_since_s_ = now;
  // One transfer per server carries the weights of all its replicas: the same times as one per
  // replica (they would share the server's link equally and end together), fewer flows.
  const uint32_t per_server = cfg_.gpus_per_server / cfg_.tp;
  for (uint32_t k = 0; k < placement_.servers.size(); ++k) {
    const auto id = static_cast<uint32_t>(load_server_.size());
    uint32_t n = 0;
    for (uint32_t i = k * per_server; i < (k + 1) * per_server && i < replicas_.size(); ++i) {
      if (replicas_[i].state == State::stopped) continue;
      replicas_[i].load = id;
      ++n;
    }
    if (n == 0) continue;
    load_server_.push_back(k);
    if (warm_start_) {
      engine_.at(now, this, kLoadDoneBit | id);
    } else {
      load_weights(engine_, placement_, k, cfg_.model.weights_B() * n, this, kLoadDoneBit | id);
    }
  }
}

uint16_t LlmPool::point_for(const OperatingPoint& op) {
  for (size_t g = 0; g < points_.size(); ++g)
    if (points_[g].op == op) return static_cast<uint16_t>(g);
  const LlmPointModels m = make_point_(op);
  if (!m.iteration_time || !m.power_w) throw std::invalid_argument("llm pool: no models for an operating point");
  Point p{op, m.iteration_time, std::vector<double>(size_t(cfg_.max_batch) + 1)};
  for (size_t b = 0; b < p.power_by_batch.size(); ++b) p.power_by_batch[b] = m.power_w(double(b));
  points_.push_back(std::move(p));
  return static_cast<uint16_t>(points_.size() - 1);
}

// What the router is told of replica i: the requests routed to it and unfinished, and whether it
// takes work (a loading replica will).
void LlmPool::route_update(uint32_t i) {
  if (!router_) return;
  const Replica& r = replicas_[i];
  router_->update(i, scheduling::ReplicaLoad{r.outstanding_tokens, r.outstanding_requests, availability(r)});
}

scheduling::ReplicaState LlmPool::replica_state(uint32_t i) const {
  const Replica& r = replicas_[i];
  return {static_cast<uint32_t>(r.waiting.size()), static_cast<uint32_t>(r.running.size()), r.used_blocks,
          static_cast<int64_t>(kv_capacity_)};
}

uint32_t LlmPool::new_slot() {
  if (free_slots_.empty()) {
    seqs_.emplace_back();
    decoding_stint_.push_back(kNotDecoding);
    if (cfg_.prefix_cache_tokens > 0) slot_prefix_.emplace_back();
    return static_cast<uint32_t>(seqs_.size() - 1);
  }
  const uint32_t slot = free_slots_.back();
  free_slots_.pop_back();
  const uint32_t stint = seqs_[slot].stint;
  seqs_[slot] = Seq{};
  seqs_[slot].stint = stint + 1;  // stints never repeat on a slot: old heap marks stay stale
  return slot;
}

void LlmPool::submit(const workload::Request& r) {
  const uint32_t slot = new_slot();
  Seq& s = seqs_[slot];
  s.req = r;
  s.req.prefix_ids = nullptr;  // points into the trace row: copied below, not kept
  s.target = std::max<uint32_t>(1, r.prompt_tokens);
  if (cfg_.prefix_cache_tokens > 0) {
    auto& ids = slot_prefix_[slot];
    ids.clear();
    if (r.prefix_ids) ids.assign(r.prefix_ids, r.prefix_ids + r.prefix_blocks);
  }
  enqueue(r, slot, UINT32_MAX);
}

void LlmPool::submit_prefilled(const workload::Request& r, double energy_j, uint32_t replica) {
  const uint32_t slot = new_slot();
  Seq& s = seqs_[slot];
  s.req = r;
  s.req.prefix_ids = nullptr;
  s.target = std::max<uint32_t>(1, r.prompt_tokens);
  s.prefilled = s.target;
  if (cfg_.prefix_cache_tokens > 0) slot_prefix_[slot].clear();
  s.generated = 1;
  s.first_token_s = r.first_token_s;
  s.energy_j = energy_j;
  enqueue(r, slot, replica < replicas_.size() ? replica : UINT32_MAX);
}

bool LlmPool::enqueue(const workload::Request& r, uint32_t slot, uint32_t replica) {
  const double now = engine_.now();
  ++totals_.arrived;
  series_.arrivals.add();
  const uint64_t longest = outstanding_of(r);
  uint32_t i = scheduling::kNoReplica;
  if (waiting_total_ < cfg_.queue_capacity && !replicas_.empty() && blocks_for(longest) <= int64_t(kv_capacity_))
    i = replica == UINT32_MAX ? route(r) : replica;
  if (i == scheduling::kNoReplica) {
    free_slots_.push_back(slot);
    ++totals_.rejected;
    series_.rejected.add();
    observers_[r.workload]->on_rejected(r, now);
    return false;
  }
  ++totals_.admitted;
  series_.admitted.add();
  Replica& rep = replicas_[i];
  rep.waiting.push_back(slot);
  ++waiting_total_;
  rep.outstanding_tokens += longest;
  ++rep.outstanding_requests;
  route_update(i);

  if (rep.state == State::idle) {
    // Start at the end of this instant, so requests arriving together share the first iteration.
    if (!rep.kick_pending) {
      rep.kick_pending = true;
      engine_.after(0, this, kKickBit | i);
    }
  } else if (rep.state == State::iterating && rep.skip_k > 1) {
    // Arrival inside a skip: stop at the end of the iteration in progress.
    const auto first = rep.ends.begin();
    const auto idx = static_cast<uint32_t>(std::lower_bound(first, first + rep.skip_k, now) - first);
    if (idx + 1 < rep.skip_k) {
      engine_.cancel(rep.ev);
      ++skips_cut_total_;
      rep.skip_k = idx + 1;
      rep.ev = engine_.at(rep.ends[idx], this, i);
    }
  }
  return true;
}

void LlmPool::on_event(uint64_t tag) {
  if (tag & kLoadDoneBit) {
    load_done(static_cast<uint32_t>(tag & ~kLoadDoneBit));
  } else if (tag & kKickBit) {
    const auto i = static_cast<uint32_t>(tag & ~kKickBit);
    replicas_[i].kick_pending = false;
    if (replicas_[i].state == State::idle) plan(i);
  } else {
    finish_iterations(static_cast<uint32_t>(tag));
  }
}

void LlmPool::load_done(uint32_t load) {
  const double now = engine_.now();
  const uint32_t server = load_server_[load];
  const uint32_t per_server = cfg_.gpus_per_server / cfg_.tp;
  for (uint32_t i = server * per_server; i < (server + 1) * per_server && i < replicas_.size(); ++i) {
    Replica& rep = replicas_[i];
    if (rep.load != load) continue;  // stopped or reloading meanwhile
    rep.load = kNoLoad;
    rep.ready_s = now;
    if (!rep.draining) ++active_replicas_;
    ++availability_epoch_;
    recorder_.event("replica_ready", placement_.group + "/replicas/" + std::to_string(i), now - rep.load_started_s,
                    "weights loaded from site storage; value = load time in s");
    set_replica_state(rep, State::idle, 0);
    route_update(i);
    if (!rep.waiting.empty()) {
      plan(i);
    } else if (rep.draining) {
      stop(i);
    }
  }
}

void LlmPool::alloc(Replica& rep, int64_t n) {
  rep.used_blocks += n;
  assert(rep.used_blocks >= 0 && rep.used_blocks <= int64_t(kv_capacity_));
  kv_max_seen_ = std::max(kv_max_seen_, rep.used_blocks);
}

void LlmPool::release(Replica& rep, int64_t n) {
  rep.used_blocks -= n;
  assert(rep.used_blocks >= 0);
  kv_min_seen_ = std::min(kv_min_seen_, rep.used_blocks);
}

void LlmPool::attribute_energy(Replica& rep, double now) {
  const double dt = now - rep.energy_since_s;
  rep.energy_since_s = now;
  if (dt <= 0 || rep.running.empty()) return;
  rep.energy_per_seq += rep.power_w * dt / double(rep.running.size());
}

void LlmPool::set_replica_state(Replica& rep, State st, size_t batch, double power_w) {
  const double now = engine_.now();
  attribute_energy(rep, now);
  if (st == State::iterating && rep.state != State::iterating) ++iterating_replicas_;
  if (st != State::iterating && rep.state == State::iterating) --iterating_replicas_;
  const bool util_changed = (st == State::iterating) != (rep.state == State::iterating);
  rep.state = st;
  const double p = st == State::stopped ? 0.0
                   : st == State::iterating && power_w >= 0 ? power_w
                   : points_[rep.point].power_by_batch[st == State::iterating ? batch : 0];
  if (util_changed)
    series_.utilization.set(now, replicas_.empty() ? 0.0 : double(iterating_replicas_) / double(replicas_.size()));
  if (p == rep.power_w) return;
  totals_.energy_j += power_total_w_ * (now - power_since_s_);
  power_since_s_ = now;
  power_total_w_ += p - rep.power_w;
  rep.power_w = p;
  series_.power.set(now, power_total_w_);
}

double LlmPool::kv_utilization() const {
  double sum = 0;
  size_t n = 0;
  for (const auto& rep : replicas_) {
    if (rep.state == State::loading || rep.state == State::stopped) continue;
    sum += double(rep.used_blocks) / double(kv_capacity_);
    ++n;
  }
  return n ? sum / double(n) : 0.0;
}

PoolTotals LlmPool::totals(double now) const {
  PoolTotals t = totals_;
  t.energy_j += power_total_w_ * (now - power_since_s_);
  return t;
}

}  // namespace dcsim::serving
