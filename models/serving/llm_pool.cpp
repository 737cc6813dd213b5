#include "models/serving/llm_pool.hpp"
#include "models/serving/weight_loading.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>
#include <string>

#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Host.hpp>

namespace dcsim::serving {

namespace {
// Output tokens a request produces (at least one: the prefill iteration gives the first).
uint32_t output_of(const workload::Request& r) { return std::max<uint32_t>(1, r.output_tokens); }
// Longest skip planned at once (bounds the buffer of iteration end times).
constexpr uint64_t kMaxSkip = 1u << 16;
}  // namespace

uint64_t llm_kv_capacity_blocks(const LlmPoolConfig& cfg) {
  if (cfg.tp == 0 || cfg.block_tokens == 0 || cfg.max_batch == 0)
    throw std::invalid_argument("llm pool: tp, block_tokens and max_batch must be positive");
  if (cfg.model.kv_bytes_per_token <= 0) throw std::invalid_argument("llm pool: model kv_bytes_per_token must be positive");
  const double free_B = double(cfg.tp) * cfg.gpu.memory_B * cfg.gpu_memory_utilization - cfg.model.weights_B() - cfg.reserve_B;
  const double blocks = std::floor(free_B / (double(cfg.block_tokens) * cfg.model.kv_bytes_per_token));
  if (!(blocks >= 1))
    throw std::invalid_argument("llm pool: model " + cfg.model.name + " leaves no KV cache on " + std::to_string(cfg.tp) +
                                " x " + cfg.gpu.name);
  return static_cast<uint64_t>(blocks);
}

LlmPool::LlmPool(LlmPoolConfig cfg, PoolPlacement placement, Engine& engine, output::Recorder& recorder,
                 const IterationTimeModel& iteration_time, std::function<double(double batch)> power_w,
                 std::vector<RequestObserver*> observers)
    : cfg_(std::move(cfg)),
      placement_(std::move(placement)),
      engine_(engine),
      recorder_(recorder),
      iteration_time_(iteration_time),
      power_fn_(std::move(power_w)),
      observers_(std::move(observers)),
      kv_capacity_(llm_kv_capacity_blocks(cfg_)) {
  if (cfg_.max_batch_tokens < cfg_.max_batch)
    throw std::invalid_argument("llm pool: max_batch_tokens must be >= max_batch");
  if (cfg_.gpus_per_server < cfg_.tp) throw std::invalid_argument("llm pool: tp larger than a server");
  if (!power_fn_) throw std::invalid_argument("llm pool: no power function");
  const uint32_t per_server = cfg_.gpus_per_server / cfg_.tp;
  replicas_.resize(placement_.servers.size() * per_server);
  for (size_t k = 0; k < replicas_.size(); ++k) {
    replicas_[k].server = static_cast<uint32_t>(k / per_server);
    replicas_[k].running.reserve(cfg_.max_batch);
    replicas_[k].ends.reserve(64);
  }

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
}

void LlmPool::start() {
  const double now = engine_.now();
  for (auto& rep : replicas_) set_replica_state(rep, State::loading, 0);
  power_since_s_ = now;
  for (uint32_t i = 0; i < replicas_.size(); ++i) {
    replicas_[i].load_started_s = now;
    load_weights(engine_, placement_, replicas_[i].server, cfg_.model.weights_B(), this, kLoadDoneBit | i);
  }
}

uint32_t LlmPool::route() const {
  // Fewest outstanding tokens among the replicas that are up; among all if none is up yet.
  uint32_t best = 0;
  uint64_t best_tokens = UINT64_MAX;
  bool best_up = false;
  for (uint32_t i = 0; i < replicas_.size(); ++i) {
    const bool up = replicas_[i].state != State::loading;
    const uint64_t t = replicas_[i].outstanding_tokens;
    if ((up && !best_up) || (up == best_up && t < best_tokens)) {
      best = i;
      best_tokens = t;
      best_up = up;
    }
  }
  return best;
}

void LlmPool::submit(const workload::Request& r) {
  Seq s;
  s.req = r;
  s.target = std::max<uint32_t>(1, r.prompt_tokens);
  enqueue(r, s, UINT32_MAX);
}

void LlmPool::submit_prefilled(const workload::Request& r, double energy_j, uint32_t replica) {
  Seq s;
  s.req = r;
  s.target = std::max<uint32_t>(1, r.prompt_tokens);
  s.prefilled = s.target;
  s.generated = 1;
  s.first_token_s = r.first_token_s;
  s.energy_j = energy_j;
  enqueue(r, s, replica < replicas_.size() ? replica : UINT32_MAX);
}

bool LlmPool::enqueue(const workload::Request& r, Seq& s, uint32_t replica) {
  const double now = engine_.now();
  ++totals_.arrived;
  series_.arrivals.add();
  const uint64_t longest = uint64_t(std::max<uint32_t>(1, r.prompt_tokens)) + output_of(r);
  if (waiting_total_ >= cfg_.queue_capacity || replicas_.empty() || blocks_for(longest) > int64_t(kv_capacity_)) {
    ++totals_.rejected;
    series_.rejected.add();
    observers_[r.workload]->on_rejected(r, now);
    return false;
  }
  ++totals_.admitted;
  series_.admitted.add();
  const uint32_t i = replica == UINT32_MAX ? route() : replica;
  Replica& rep = replicas_[i];
  rep.waiting.push_back(s);
  ++waiting_total_;
  rep.outstanding_tokens += longest;

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
    replica_ready(static_cast<uint32_t>(tag & ~kLoadDoneBit));
  } else if (tag & kKickBit) {
    const auto i = static_cast<uint32_t>(tag & ~kKickBit);
    replicas_[i].kick_pending = false;
    if (replicas_[i].state == State::idle) plan(i);
  } else {
    finish_iterations(static_cast<uint32_t>(tag));
  }
}

void LlmPool::replica_ready(uint32_t i) {
  Replica& rep = replicas_[i];
  const double now = engine_.now();
  rep.ready_s = now;
  ++active_replicas_;
  recorder_.event("replica_ready", placement_.group + "/replicas/" + std::to_string(i), now - rep.load_started_s,
                  "weights loaded from site storage; value = load time in s");
  set_replica_state(rep, State::idle, 0);
  if (!rep.waiting.empty()) plan(i);
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

void LlmPool::preempt_newest(Replica& rep) {
  Seq s = rep.running.back();
  rep.running.pop_back();
  s.energy_j = seq_energy(rep, s);  // its share so far; a new stint starts when it is readmitted
  --running_total_;
  release(rep, s.blocks);
  s.blocks = 0;
  s.prefilled = 0;
  s.chunk = 0;
  s.role = Role::idle;
  s.target = std::max<uint32_t>(1, s.req.prompt_tokens + s.generated);  // recompute prompt + output so far
  ++s.preempted;
  rep.waiting.push_front(s);
  ++waiting_total_;
  ++preemptions_total_;
  preemptions_.add();
}

void LlmPool::plan(uint32_t i) {
  Replica& rep = replicas_[i];
  const double now = engine_.now();
  attribute_energy(rep, now);  // admissions below start their energy share from here
  const int64_t cap = static_cast<int64_t>(kv_capacity_);

  // 1. Decoding sequences, oldest first, take one token each and the block it may need; if none
  //    is free the newest running request is preempted (possibly the sequence itself).
  bool preempted_now = false;
  uint32_t n_dec = 0;
  uint64_t ctx = 0;
  for (size_t j = 0; j < rep.running.size(); ++j) {
    Seq& s = rep.running[j];
    s.chunk = 0;
    if (s.prefilled < s.target) {
      s.role = Role::prefill;
      continue;
    }
    s.role = Role::decode;
    const uint64_t kv = uint64_t(s.req.prompt_tokens) + s.generated;
    const int64_t need = blocks_for(kv + 1);
    bool self_preempted = false;
    while (s.blocks < need) {
      if (rep.used_blocks < cap) {
        alloc(rep, 1);
        ++s.blocks;
      } else {
        self_preempted = (j + 1 == rep.running.size());
        preempt_newest(rep);  // pops the back: s stays valid unless it was the back
        preempted_now = true;
        if (self_preempted) break;
      }
    }
    if (self_preempted) break;
    ++n_dec;
    ctx += kv;
  }
  if (rep.running.empty()) preempted_now = false;  // nothing runs: let the queue in

  // 2. The rest of the budget goes to prefill chunks, FIFO: partially prefilled requests first,
  //    then waiting requests admitted if their prompt (+ first token) fits in free blocks.
  uint64_t budget = cfg_.max_batch_tokens - n_dec;
  uint64_t prefill = 0;
  for (auto& s : rep.running) {
    if (s.role != Role::prefill || budget == 0) continue;
    s.chunk = static_cast<uint32_t>(std::min<uint64_t>(budget, s.target - s.prefilled));
    budget -= s.chunk;
    prefill += s.chunk;
  }
  if (!preempted_now) {
    while (budget > 0 && !rep.waiting.empty() && rep.running.size() < cfg_.max_batch) {
      Seq& w = rep.waiting.front();
      // A request whose KV arrived ready (disaggregated decode) decodes at once: it holds its
      // prompt and first token and needs room for the next one.
      const bool ready = w.prefilled == w.target;
      const uint64_t kv = ready ? uint64_t(w.req.prompt_tokens) + w.generated : 0;
      const int64_t need = blocks_for(ready ? kv + 1 : uint64_t(w.target) + 1);
      if (rep.used_blocks + need > cap) break;
      alloc(rep, need);
      w.blocks = need;
      if (ready) {
        w.role = Role::decode;
        w.chunk = 0;
        budget -= 1;
        ++n_dec;
        ctx += kv;
      } else {
        w.role = Role::prefill;
        w.chunk = static_cast<uint32_t>(std::min<uint64_t>(budget, w.target));
        budget -= w.chunk;
        prefill += w.chunk;
      }
      if (w.req.start_s < 0) w.req.start_s = now;
      w.energy_mark = rep.energy_per_seq;
      rep.running.push_back(w);
      rep.waiting.pop_front();
      --waiting_total_;
      ++running_total_;
    }
  }

  if (rep.running.empty()) {
    rep.skip_k = 0;
    set_replica_state(rep, State::idle, 0);
    return;
  }

  // 3. How many identical iterations follow: with no prefill, until a sequence finishes or the
  //    free blocks cannot hold the growth of the contexts.
  // After a preemption the queue was not offered admission: step once so it is at the next boundary.
  uint64_t k = 1;
  if (prefill == 0 && !preempted_now && !cfg_.step_every_iteration) {
    uint64_t r_min = kMaxSkip;
    for (const auto& s : rep.running) r_min = std::min<uint64_t>(r_min, output_of(s.req) - s.generated);
    const int64_t free_blocks = cap - rep.used_blocks;
    auto extra = [&](uint64_t kk) {
      int64_t e = 0;
      for (const auto& s : rep.running) {
        const int64_t need = blocks_for(uint64_t(s.req.prompt_tokens) + s.generated + kk);
        if (need > s.blocks) e += need - s.blocks;
      }
      return e;
    };
    uint64_t lo = 1, hi = r_min;  // extra(1) == 0: blocks for the first iteration are held
    while (lo < hi) {
      const uint64_t mid = lo + (hi - lo + 1) / 2;
      if (extra(mid) <= free_blocks) lo = mid; else hi = mid - 1;
    }
    k = lo;
  }

  // End times accumulated exactly as one event per iteration would (t += dt each iteration).
  IterationLoad load;
  load.prefill_tokens = static_cast<uint32_t>(prefill);
  load.decode_seqs = n_dec;
  if (rep.ends.size() < k) rep.ends.resize(k);
  double t = now;
  for (uint64_t j = 0; j < k; ++j) {
    load.context_tokens = ctx + j * n_dec;
    t += iteration_time_.seconds(load);
    rep.ends[j] = t;
  }
  rep.skip_k = static_cast<uint32_t>(k);
  rep.decoders = n_dec;
  rep.context0 = ctx;
  rep.iter_start_s = now;
  rep.ev = engine_.at(rep.ends[k - 1], this, i);
  set_replica_state(rep, State::iterating, double(rep.running.size()));
}

void LlmPool::finish_iterations(uint32_t i) {
  Replica& rep = replicas_[i];
  const double now = engine_.now();
  attribute_energy(rep, now);
  const uint32_t k = rep.skip_k;
  rep.skip_k = 0;  // no skip in progress while completions call observers
  rep.ev = {};
  iterations_total_ += k;
  ++boundaries_total_;
  uint64_t produced = 0;
  size_t w = 0;
  for (size_t j = 0; j < rep.running.size(); ++j) {
    Seq& s = rep.running[j];
    if (s.role == Role::decode) {
      s.generated += k;
      produced += k;
      const int64_t need = blocks_for(uint64_t(s.req.prompt_tokens) + s.generated);
      if (need > s.blocks) {  // growth inside a skip (planned to fit)
        alloc(rep, need - s.blocks);
        s.blocks = need;
      }
    } else if (s.role == Role::prefill && s.chunk > 0) {
      s.prefilled += s.chunk;
      s.chunk = 0;
      if (s.prefilled == s.target) {
        ++s.generated;
        ++produced;
        if (s.first_token_s < 0) {
          s.first_token_s = now;
          ttft_.observe(now - s.req.arrival_s);
        }
      }
    }
    if (s.generated >= output_of(s.req)) {
      complete(rep, i, s, now);
    } else if (on_prefilled_ && s.role == Role::prefill && s.prefilled == s.target) {
      hand_off(rep, i, s);
    } else {
      if (w != j) rep.running[w] = s;
      ++w;
    }
  }
  rep.running.resize(w);
  tokens_out_total_ += produced;
  tokens_out_.add(double(produced));
  plan(i);
}

void LlmPool::complete(Replica& rep, uint32_t i, const Seq& s, double now) {
  release(rep, s.blocks);
  --running_total_;
  rep.outstanding_tokens -= uint64_t(std::max<uint32_t>(1, s.req.prompt_tokens)) + output_of(s.req);
  ++totals_.completed;
  series_.completed.add();
  series_.latency.observe(now - s.req.arrival_s);
  const uint32_t out = output_of(s.req);
  if (out > 1) tpot_.observe((now - s.first_token_s) / double(out - 1));
  workload::Request done = s.req;
  done.first_token_s = s.first_token_s;
  done.energy_j = seq_energy(rep, s);
  observers_[s.req.workload]->on_completed(done, now);
  if (on_done_) on_done_(LlmRequestStats{s.req, i, s.first_token_s, now, s.preempted});
}

void LlmPool::hand_off(Replica& rep, uint32_t i, const Seq& s) {
  release(rep, s.blocks);
  --running_total_;
  rep.outstanding_tokens -= uint64_t(std::max<uint32_t>(1, s.req.prompt_tokens)) + output_of(s.req);
  workload::Request r = s.req;
  r.first_token_s = s.first_token_s;
  on_prefilled_(r, seq_energy(rep, s), i);
}

void LlmPool::attribute_energy(Replica& rep, double now) {
  const double dt = now - rep.energy_since_s;
  rep.energy_since_s = now;
  if (dt <= 0 || rep.running.empty()) return;
  rep.energy_per_seq += rep.power_w * dt / double(rep.running.size());
}

void LlmPool::set_replica_state(Replica& rep, State st, double batch) {
  const double now = engine_.now();
  attribute_energy(rep, now);
  if (st == State::iterating && rep.state != State::iterating) ++iterating_replicas_;
  if (st != State::iterating && rep.state == State::iterating) --iterating_replicas_;
  rep.state = st;
  const double p = power_fn_(st == State::iterating ? batch : 0.0);
  if (p == rep.power_w) {
    series_.utilization.set(now, replicas_.empty() ? 0.0 : double(iterating_replicas_) / double(replicas_.size()));
    return;
  }
  totals_.energy_j += power_total_w_ * (now - power_since_s_);
  power_since_s_ = now;
  power_total_w_ += p - rep.power_w;
  rep.power_w = p;
  series_.power.set(now, power_total_w_);
  series_.utilization.set(now, replicas_.empty() ? 0.0 : double(iterating_replicas_) / double(replicas_.size()));
}

double LlmPool::kv_utilization() const {
  double sum = 0;
  size_t n = 0;
  for (const auto& rep : replicas_) {
    if (rep.state == State::loading) continue;
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
