// LlmPool iterations: planning the next iteration(s) of a replica (KV blocks for decoders,
// preemption, prefill chunks, admission, the skip length), their end (tokens, first tokens,
// completions, hand-offs) and the decode bookkeeping that keeps a boundary's cost to what
// changes. The rules are in llm_pool.hpp and docs/models/serving-batching.md.
#include "models/serving/llm_pool.hpp"

#include <algorithm>
#include <cassert>

namespace dcsim::serving {

namespace {
// Longest skip planned at once (bounds the buffer of iteration end times).
constexpr uint64_t kMaxSkip = 1u << 16;
}  // namespace

void LlmPool::clean_top(std::vector<Mark>& heap) const {
  while (!heap.empty()) {
    const Mark& m = heap.front();
    if (decoding_stint_[m.slot] == m.stint) return;
    std::pop_heap(heap.begin(), heap.end(), MarkAfter{});
    heap.pop_back();
  }
}

// The sequence starts decoding now (its prefill gave a token, or its KV arrived ready).
void LlmPool::start_decode(Replica& rep, uint32_t slot) {
  Seq& s = seqs_[slot];
  s.role = Role::decode;
  decoding_stint_[slot] = s.stint;
  s.gen_base = int64_t(s.generated) - rep.clock;
  const int64_t base = int64_t(s.req.prompt_tokens) + s.gen_base;
  ++rep.n_dec;
  rep.ctx_base += base;
  ++rep.residue[size_t(residue_of(base))];
  // From now on its blocks follow from the clock (equal to what it holds, but for a 0-token
  // prompt with 1-token blocks).
  const int64_t held = decoder_blocks(rep, s);
  if (s.blocks < held) alloc(rep, held - s.blocks);
  if (s.blocks > held) release(rep, s.blocks - held);
  s.blocks = 0;
  // Last token at clock + (output - generated).
  rep.finish.push_back(Mark{int64_t(output_of(s.req)) - s.gen_base, s.adm, slot, s.stint});
  std::push_heap(rep.finish.begin(), rep.finish.end(), MarkAfter{});
}

void LlmPool::stop_decode(Replica& rep, Seq& s) {
  const int64_t base = int64_t(s.req.prompt_tokens) + s.gen_base;
  s.generated = static_cast<uint32_t>(rep.clock + s.gen_base);
  s.blocks = decoder_blocks(rep, s);
  --rep.n_dec;
  rep.ctx_base -= base;
  --rep.residue[size_t(residue_of(base))];
  ++s.stint;
  decoding_stint_[size_t(&s - seqs_.data())] = kNotDecoding;
}

int64_t LlmPool::crossings(const Replica& rep, int64_t from, int64_t to) const {
  if (to < from) return 0;
  const int64_t b = cfg_.block_tokens;
  const int64_t n = to - from + 1;
  int64_t sum = (n / b) * int64_t(rep.n_dec);  // every decoder crosses once per B tokens
  for (int64_t x = from + (n / b) * b; x <= to; ++x) sum += rep.residue[size_t(residue_of(1 - x))];
  return sum;
}

// Off the running list with its blocks freed (a decoder's counted from the clock); a prefill
// that just finished (role waiting) is already off the prefill list.
void LlmPool::leave(Replica& rep, uint32_t slot) {
  Seq& s = seqs_[slot];
  if (s.role == Role::decode) stop_decode(rep, s);
  if (s.role == Role::prefill) rep.prefilling.erase(std::find(rep.prefilling.begin(), rep.prefilling.end(), slot));
  rep.running.erase(std::find(rep.running.begin(), rep.running.end(), slot));
  release(rep, s.blocks);
  s.blocks = 0;
  s.role = Role::waiting;
  --running_total_;
}

void LlmPool::preempt_newest(Replica& rep) {
  const uint32_t slot = rep.running.back();
  Seq& s = seqs_[slot];
  s.energy_j = seq_energy(rep, s);  // its share so far; a new stint starts when it is readmitted
  leave(rep, slot);
  s.prefilled = 0;
  s.chunk = 0;
  s.target = std::max<uint32_t>(1, s.req.prompt_tokens + s.generated);  // recompute prompt + output so far
  ++s.preempted;
  rep.waiting.push_front(slot);
  ++waiting_total_;
  ++preemptions_total_;
  preemptions_.add();
}

void LlmPool::plan(uint32_t i) {
  Replica& rep = replicas_[i];
  const double now = engine_.now();
  attribute_energy(rep, now);  // admissions below start their energy share from here
  const int64_t cap = static_cast<int64_t>(kv_capacity_);

  // 1. Decoding sequences take one token each and the block it may need. If the free blocks do
  //    not cover all crossings: oldest first, and when none is free the newest running request is
  //    preempted (possibly the sequence itself).
  bool preempted_now = false;
  const int64_t crossing = rep.n_dec ? int64_t(rep.residue[size_t(residue_of(-rep.clock))]) : 0;
  if (crossing <= cap - rep.used_blocks) {
    if (crossing > 0) alloc(rep, crossing);
  } else {
    for (size_t j = 0; j < rep.running.size(); ++j) {
      const Seq& s = seqs_[rep.running[j]];
      if (s.role != Role::decode || residue_of(int64_t(s.req.prompt_tokens) + s.gen_base + rep.clock) != 0) continue;
      bool self_preempted = false;
      for (;;) {
        if (rep.used_blocks < cap) {
          alloc(rep, 1);
          break;
        }
        self_preempted = (j + 1 == rep.running.size());
        preempt_newest(rep);  // pops the back: s stays valid unless it was the back
        preempted_now = true;
        if (self_preempted) break;
      }
      if (self_preempted) break;
    }
  }
  rep.reserved = true;
  if (rep.running.empty()) preempted_now = false;  // nothing runs: let the queue in

  // 2. The rest of the budget goes to prefill chunks, FIFO: partially prefilled requests first,
  //    then waiting requests admitted if their prompt (+ first token) fits in free blocks.
  uint64_t budget = cfg_.max_batch_tokens - rep.n_dec;
  uint64_t prefill = 0;
  for (uint32_t slot : rep.prefilling) {
    Seq& s = seqs_[slot];
    s.chunk = static_cast<uint32_t>(std::min<uint64_t>(budget, s.target - s.prefilled));
    budget -= s.chunk;
    prefill += s.chunk;
  }
  if (!preempted_now) {
    while (budget > 0 && !rep.waiting.empty() && rep.running.size() < cfg_.max_batch) {
      const uint32_t slot = rep.waiting.front();
      if (seqs_[slot].req.start_s < 0 && now > seqs_[slot].req.deadline_s) {
        time_out(rep, i, slot, now);  // waited past its deadline (queue_timeout): given up
        continue;
      }
      Seq& w = seqs_[slot];
      // A request whose KV arrived ready (disaggregated decode) decodes at once: it holds its
      // prompt and first token and needs room for the next one.
      const bool ready = w.prefilled == w.target;
      const int64_t need =
          blocks_for(ready ? uint64_t(w.req.prompt_tokens) + w.generated + 1 : uint64_t(w.target) + 1);
      if (rep.used_blocks + need > cap) break;
      alloc(rep, need);
      w.blocks = need;
      w.adm = rep.next_adm++;
      if (w.req.start_s < 0) w.req.start_s = now;
      w.energy_mark = rep.energy_per_seq;
      rep.running.push_back(slot);
      rep.waiting.pop_front();
      --waiting_total_;
      ++running_total_;
      if (ready) {
        w.chunk = 0;
        budget -= 1;
        start_decode(rep, slot);
      } else {
        w.role = Role::prefill;
        if (cfg_.prefix_cache_tokens > 0 && w.prefilled == 0 && !slot_prefix_[slot].empty()) {
          // Leading prefix blocks in this replica's cache are not recomputed (one token at least is).
          const auto& ids = slot_prefix_[slot];
          const uint64_t hit = rep.prefix.match(ids.data(), static_cast<uint32_t>(ids.size()));
          w.prefilled = static_cast<uint32_t>(std::min<uint64_t>(hit * cfg_.prefix_block_tokens, w.target - 1));
          prefix_hit_total_ += w.prefilled;
          prefix_hits_.add(double(w.prefilled));
        }
        w.chunk = static_cast<uint32_t>(std::min<uint64_t>(budget, w.target - w.prefilled));
        budget -= w.chunk;
        prefill += w.chunk;
        rep.prefilling.push_back(slot);
      }
    }
  }

  if (rep.running.empty()) {
    rep.skip_k = 0;
    set_replica_state(rep, State::idle, 0);
    if (rep.draining && rep.waiting.empty()) stop(i);  // removed, and done
    return;
  }

  // 3. How many identical iterations follow: with no prefill, until a sequence finishes or the
  //    free blocks cannot hold the growth of the contexts. After a preemption the queue was not
  //    offered admission: step once so it is at the next boundary.
  uint64_t k = 1;
  if (prefill == 0 && !preempted_now && !cfg_.step_every_iteration && rep.prefilling.empty()) k = skip_length(rep);

  // End times accumulated exactly as one event per iteration would (t += dt each iteration).
  IterationLoad load;
  load.prefill_tokens = static_cast<uint32_t>(prefill);
  load.decode_seqs = rep.n_dec;
  load.context_tokens = static_cast<uint64_t>(rep.ctx_base + int64_t(rep.n_dec) * rep.clock);
  if (rep.ends.size() < k) rep.ends.resize(k);
  rep.planned = load;
  points_[rep.point].time->iteration_ends(load, static_cast<uint32_t>(k), now, rep.ends.data());
  rep.skip_k = static_cast<uint32_t>(k);
  rep.ev = engine_.at(rep.ends[k - 1], this, i);
  set_replica_state(rep, State::iterating, rep.running.size(), points_[rep.point].time->replica_power_w(load));
}

// Decode-only iterations that can run back to back: up to the first finish, and as long as the
// free blocks hold the contexts' growth: extra(k) = crossings of tokens 2..k <= free blocks.
uint64_t LlmPool::skip_length(Replica& rep) {
  clean_top(rep.finish);
  assert(!rep.finish.empty());
  const int64_t r_min = std::min<int64_t>(int64_t(kMaxSkip), rep.finish.front().clock - rep.clock);
  if (r_min <= 1) return 1;
  const int64_t free_blocks = int64_t(kv_capacity_) - rep.used_blocks;
  const int64_t c = rep.clock;
  if (crossings(rep, c + 2, c + r_min) <= free_blocks) return uint64_t(r_min);
  int64_t lo = 1, hi = r_min;  // extra(1) == 0: blocks for the first iteration are held
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo + 1) / 2;
    if (crossings(rep, c + 2, c + mid) <= free_blocks) lo = mid; else hi = mid - 1;
  }
  return uint64_t(lo);
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
  uint64_t produced = uint64_t(k) * rep.n_dec;  // every decoder produced k tokens
  // The decoders' KV grew by k tokens: from blocks_for(a + clock + 1) to blocks_for(a + clock + k).
  if (k > 1) {
    const int64_t grown = crossings(rep, rep.clock + 2, rep.clock + k);
    if (grown > 0) alloc(rep, grown);  // planned to fit
  }
  rep.clock += k;
  rep.reserved = false;

  // Prefill chunks; a finished prefill gives the first (or, after a preemption, the next) token.
  size_t w = 0;
  for (size_t j = 0; j < rep.prefilling.size(); ++j) {
    const uint32_t slot = rep.prefilling[j];
    Seq& s = seqs_[slot];
    if (s.chunk > 0) {
      s.prefilled += s.chunk;
      s.chunk = 0;
      if (s.prefilled == s.target) {
        if (cfg_.prefix_cache_tokens > 0 && !slot_prefix_[slot].empty())
          rep.prefix.insert(slot_prefix_[slot].data(), static_cast<uint32_t>(slot_prefix_[slot].size()));
        ++s.generated;
        ++produced;
        if (s.first_token_s < 0) {
          s.first_token_s = now;
          ttft_.observe(now - s.req.arrival_s);
        }
        s.role = Role::waiting;  // off the prefill list (compacted below)
        if (s.generated >= output_of(s.req)) {
          complete(rep, i, slot, now);
        } else if (on_prefilled_) {
          hand_off(rep, i, slot);
        } else {
          start_decode(rep, slot);
        }
        continue;
      }
    }
    rep.prefilling[w++] = slot;
  }
  rep.prefilling.resize(w);

  // Decoders that produced their last token.
  for (;;) {
    clean_top(rep.finish);
    if (rep.finish.empty() || rep.finish.front().clock > rep.clock) break;
    const uint32_t slot = rep.finish.front().slot;
    std::pop_heap(rep.finish.begin(), rep.finish.end(), MarkAfter{});
    rep.finish.pop_back();
    complete(rep, i, slot, now);
  }
  tokens_out_total_ += produced;
  tokens_out_.add(double(produced));
  plan(i);
}

void LlmPool::complete(Replica& rep, uint32_t i, uint32_t slot, double now) {
  Seq& s = seqs_[slot];
  const double energy = seq_energy(rep, s);
  leave(rep, slot);
  rep.outstanding_tokens -= outstanding_of(s.req);
  --rep.outstanding_requests;
  route_update(i);
  ++totals_.completed;
  series_.completed.add();
  series_.latency.observe(now - s.req.arrival_s);
  const uint32_t out = output_of(s.req);
  if (out > 1) tpot_.observe((now - s.first_token_s) / double(out - 1));
  workload::Request done = s.req;
  done.first_token_s = s.first_token_s;
  done.energy_j = energy;
  const uint32_t preempted = s.preempted;
  free_slots_.push_back(slot);
  observers_[done.workload]->on_completed(done, now);
  if (on_done_) on_done_(LlmRequestStats{done, i, done.first_token_s, now, preempted});
}

void LlmPool::time_out(Replica& rep, uint32_t i, uint32_t slot, double now) {
  Seq& s = seqs_[slot];
  rep.waiting.pop_front();
  --waiting_total_;
  rep.outstanding_tokens -= outstanding_of(s.req);
  --rep.outstanding_requests;
  route_update(i);
  workload::Request r = s.req;
  r.energy_j = s.energy_j;
  free_slots_.push_back(slot);
  observers_[r.workload]->on_timed_out(r, now);
}

void LlmPool::hand_off(Replica& rep, uint32_t i, uint32_t slot) {
  Seq& s = seqs_[slot];
  const double energy = seq_energy(rep, s);
  leave(rep, slot);
  rep.outstanding_tokens -= outstanding_of(s.req);
  --rep.outstanding_requests;
  route_update(i);
  workload::Request r = s.req;
  r.first_token_s = s.first_token_s;
  free_slots_.push_back(slot);
  on_prefilled_(r, energy, i);
}

}  // namespace dcsim::serving
