// The continuous-batching LLM replica pool (request fidelity). See docs/models/serving-batching.md.
//
// A replica is one model on `tp` GPUs of one server; the pool holds the replicas of one model at
// one site. Each replica runs vLLM-style iterations: a token budget per iteration, decode
// sequences take one token each, the rest goes to chunked prefill in FIFO order; a paged KV cache
// of `block_tokens`-token blocks with preemption (recompute) of the newest running request when
// decode needs a block and none is free. Iteration times come from an IterationTimeModel.
//
// Events: one per batch change, never one per token. When no prefill is pending the replica
// computes how many identical decode iterations k follow (until a request finishes or the KV
// cache cannot hold the growth) and schedules one event at the end of the k-th; an arrival in the
// middle shortens the skip to the iteration in progress (the same boundaries as stepping every
// iteration, bit for bit: the end times are accumulated exactly as per-iteration events would).
//
// Hot path (docs/benchmarks.md "Serving"): a boundary costs what changes, not the batch size.
// A decoding sequence's output count is implicit (replica iteration clock + an offset); the
// iteration at which each decoder finishes and the one at which it next needs a KV block are
// kept in two per-replica min-heaps; the running context and decoder count are running sums;
// sequences live in one slab and queues hold slot numbers; the router (a ReplicaRouter from the
// pool_routing registry; least_outstanding_tokens keeps a tournament tree over the replicas'
// outstanding tokens) is told of each change of a replica's load, not scanned per request;
// replica power per batch size is tabulated. No allocation per iteration once the buffers have
// grown.
//
// Commands (pool.hpp, llm_pool_commands.cpp): a replica's operating point (cap, speed factor)
// selects its iteration-time model and power table, both made by the factory from the same
// models (LlmPointMaker; throttle.hpp); a change rescales the remaining part of the iteration in
// progress and cuts a skip there. A removed replica takes no new work, serves what was routed
// to it (queue included), then stops; a failed server's replicas give their running and waiting
// requests to the orphan handler.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "models/catalog/specs.hpp"
#include "models/scheduling/replica_router.hpp"
#include "models/serving/iteration_time.hpp"
#include "models/serving/pool.hpp"
#include "models/serving/pool_series.hpp"
#include "models/serving/prefix_cache.hpp"
#include "models/serving/throttle.hpp"
#include "sim/output/recorder.hpp"

namespace dcsim::serving {

struct LlmPoolConfig {
  uint32_t tp = 1;                      // GPUs per replica (one server)
  uint32_t gpus_per_server = 8;         // replicas per server = gpus_per_server / tp
  uint32_t max_batch = 256;             // running sequences per replica
  uint32_t max_batch_tokens = 8192;     // token budget per iteration (>= max_batch)
  uint32_t block_tokens = 16;           // KV block size in tokens
  double gpu_memory_utilization = 0.9;  // share of HBM the server may use
  double reserve_B = 0;                 // activations, CUDA graphs, NCCL buffers... per GPU
  uint64_t queue_capacity = 1000;       // waiting requests in the whole pool
  uint64_t prefix_cache_tokens = 0;     // per replica, taken from the KV cache (0: no prefix caching)
  uint32_t prefix_block_tokens = 512;   // tokens per prefix block (Mooncake hash_ids)
  bool step_every_iteration = false;    // debug/reference: one event per iteration, no skipping
  catalog::GpuSpec gpu;
  catalog::ModelSpec model;
};

// KV blocks of one replica (the rule of kv_capacity.hpp, shared with the roofline; reserve_B is per GPU):
//   floor((tp*(mem*util - reserve) - weights - prefix_cache_tokens*kv_per_token) / (block_tokens*kv_per_token)).
// Throws std::invalid_argument if not positive or if the config is inconsistent.
uint64_t llm_kv_capacity_blocks(const LlmPoolConfig& cfg);

// A replica's iteration time and GPU power at one operating point (throttle.hpp), made by the
// pool's factory from the same models; the pool asks once per distinct point.
struct LlmPointModels {
  const IterationTimeModel* iteration_time = nullptr;  // outlives the pool (factory-owned)
  std::function<double(double batch)> power_w;          // one replica's GPUs; batch 0: idle
};
using LlmPointMaker = std::function<LlmPointModels(const OperatingPoint&)>;

// What became of one completed request (tests, analysis).
struct LlmRequestStats {
  workload::Request request;
  uint32_t replica = 0;
  double first_token_s = 0;
  double completion_s = 0;
  uint32_t preemptions = 0;
};

class LlmPool final : public Pool, public EventHandler, public scheduling::ReplicaView {
 public:
  // `power_w(batch)`: power of one replica's GPUs with `batch` running sequences (0 = idle).
  // observers are indexed by Request::workload. `router` picks the replica of each submit();
  // null: the pool takes only submit_prefilled() with an explicit replica (disaggregated decode).
  // `iteration_time` and `power_w` serve every replica; the pool then takes no power cap or speed
  // factor command (std::logic_error).
  LlmPool(LlmPoolConfig cfg, PoolPlacement placement, Engine& engine, output::Recorder& recorder,
          const IterationTimeModel& iteration_time, std::function<double(double batch)> power_w,
          std::vector<RequestObserver*> observers,
          std::unique_ptr<scheduling::ReplicaRouter> router = scheduling::least_outstanding_tokens_router());
  // `points` makes the models of each operating point; replicas start at `initial`.
  LlmPool(LlmPoolConfig cfg, PoolPlacement placement, Engine& engine, output::Recorder& recorder, LlmPointMaker points,
          OperatingPoint initial, std::vector<RequestObserver*> observers,
          std::unique_ptr<scheduling::ReplicaRouter> router = scheduling::least_outstanding_tokens_router());

  void start() override;
  void submit(const workload::Request& r) override;
  uint64_t in_flight() const override { return waiting_total_ + running_total_; }
  PoolLoad load() const override {
    return {waiting_total_, running_total_, uint32_t(active_replicas_), uint32_t(replicas_.size())};
  }
  PoolTotals totals(double now) const override;
  const PoolPlacement& placement() const override { return placement_; }

  uint32_t add_replicas(uint32_t n) override;
  uint32_t remove_replicas(uint32_t n) override;
  void set_power_cap(double watts_per_gpu, ServerSet servers) override;
  void set_speed_factor(double factor, ServerSet servers) override;
  void fail_server(uint32_t server) override;
  void repair_server(uint32_t server) override;

  void on_event(uint64_t tag) override;
  scheduling::ReplicaState replica_state(uint32_t replica) const override;
  scheduling::Availability availability(uint32_t replica) const { return availability(replicas_[replica]); }
  // Bumped whenever a replica's availability changes (a router keeping its own keys refreshes).
  uint64_t availability_epoch() const { return availability_epoch_; }
  const OperatingPoint& operating_point(uint32_t replica) const { return points_[replicas_[replica].point].op; }
  bool replica_stopped(uint32_t replica) const { return replicas_[replica].state == State::stopped; }
  uint32_t replicas_wanted() const;  // part of the pool's capacity (not removed)
  double power_w() const { return power_total_w_; }

  // Introspection (tests, summaries).
  size_t replica_count() const { return replicas_.size(); }
  size_t replicas_active() const { return active_replicas_; }
  uint64_t queue_length() const { return waiting_total_; }
  uint64_t running() const { return running_total_; }
  uint64_t kv_capacity_blocks() const { return kv_capacity_; }
  int64_t kv_used_blocks(size_t replica) const { return replicas_[replica].used_blocks; }
  int64_t kv_used_min_seen() const { return kv_min_seen_; }  // over all replicas and times
  int64_t kv_used_max_seen() const { return kv_max_seen_; }
  uint64_t preemptions() const { return preemptions_total_; }
  uint64_t tokens_out() const { return tokens_out_total_; }
  uint64_t iterations() const { return iterations_total_; }  // simulated iterations (incl. skipped)
  uint64_t boundaries() const { return boundaries_total_; }  // iteration events handled
  uint64_t skips_cut() const { return skips_cut_total_; }    // skips shortened by an arrival
  uint64_t prefix_hit_tokens() const { return prefix_hit_total_; }  // prompt tokens not recomputed
  double replica_ready_s(size_t replica) const { return replicas_[replica].ready_s; }
  // Called on each completion, after the observer (optional).
  void set_on_done(std::function<void(const LlmRequestStats&)> cb) { on_done_ = std::move(cb); }

  // Disaggregated serving (docs/models/serving-disaggregated.md).
  // Prefill role: when set, a request leaves the pool as soon as its prefill produces the first
  // token (unless that token was its last: then it completes here); its KV blocks are freed and
  // `cb(request, energy_j, replica)` is called with request.start_s and first_token_s set, its
  // energy share so far and the replica that holds its KV. TTFT is observed by this pool.
  using PrefilledFn = std::function<void(const workload::Request&, double energy_j, uint32_t replica)>;
  void set_on_prefilled(PrefilledFn cb) { on_prefilled_ = std::move(cb); }
  // The replica the router gives `r` now (kNoReplica: none is available), and the server
  // (index in placement().servers) of a replica.
  uint32_t choose_replica(const workload::Request& r = {}) { return route(r); }
  uint32_t server_of(uint32_t replica) const { return replicas_[replica].server; }
  // Decode role: admit a request whose prompt KV cache arrives ready (r.first_token_s >= 0, the
  // first output token produced) on `replica` (choose_replica()): it waits for blocks for
  // prompt + 2 tokens, takes no prefill and decodes the remaining output tokens; `energy_j` (its
  // prefill share) is added to the energy it gets here. Rejected like submit() when the queue is
  // full.
  void submit_prefilled(const workload::Request& r, double energy_j, uint32_t replica);

 private:
  enum class Role : uint8_t { waiting, prefill, decode };
  struct Seq {
    workload::Request req;
    double first_token_s = -1;
    double energy_j = 0;      // attributed while running in earlier stints (before a preemption)
    double energy_mark = 0;   // the replica's energy_per_seq when this stint began
    uint64_t adm = 0;         // admission ordinal in its replica (larger = admitted later)
    int64_t gen_base = 0;     // decoding: generated = replica clock + gen_base
    int64_t blocks = 0;       // KV blocks held while not decoding (a decoder's follow from the clock)
    uint32_t target = 0;      // tokens to prefill: prompt (+ generated, after a preemption)
    uint32_t prefilled = 0;   // of target
    uint32_t generated = 0;   // output tokens produced so far (while not decoding)
    uint32_t chunk = 0;       // prefill tokens in the planned iteration
    uint32_t preempted = 0;
    uint32_t stint = 0;       // bumped when it stops decoding: its heap entries become stale
    Role role = Role::waiting;
  };
  // A decoder's next finish or block need, at replica clock `clock`; stale if the slot's stint moved on.
  struct Mark {
    int64_t clock;
    uint64_t adm;
    uint32_t slot;
    uint32_t stint;
  };
  struct MarkAfter {  // std heap comparator: a min-heap on (clock, adm)
    bool operator()(const Mark& a, const Mark& b) const { return a.clock != b.clock ? a.clock > b.clock : a.adm > b.adm; }
  };
  enum class State : uint8_t { loading, idle, iterating, stopped };
  static constexpr uint32_t kNoLoad = UINT32_MAX;
  struct Replica {
    uint32_t server = 0;
    State state = State::loading;
    double load_started_s = 0;
    double ready_s = -1;
    double energy_since_s = 0;  // energy attributed to running sequences up to here
    double energy_per_seq = 0;  // cumulative energy one sequence running all along would have got
    int64_t clock = 0;          // iterations run
    uint64_t next_adm = 0;
    std::vector<uint32_t> running;     // slots in admission order: back = newest
    std::vector<uint32_t> prefilling;  // running slots still in prefill, admission order
    std::deque<uint32_t> waiting;      // front = next to admit (preempted requests go back to the front)
    std::vector<Mark> finish;          // decoders by the clock at which they produce their last token
    uint32_t n_dec = 0;                // decoding sequences
    int64_t ctx_base = 0;              // sum over decoders of (prompt + gen_base)
    // Decoders by (prompt + gen_base) mod block_tokens: those with residue (-clock) mod B cross a
    // block boundary with the next token. A decoder holds blocks_for(prompt + generated), + 1 token
    // once the plan at this clock has reserved the next one (`reserved`).
    std::vector<uint32_t> residue;
    bool reserved = false;
    int64_t used_blocks = 0;
    uint64_t outstanding_tokens = 0;  // prompt + output of unfinished requests routed here
    uint32_t outstanding_requests = 0;  // unfinished requests routed here
    // The planned iteration(s): `skip_k` identical iterations whose end times are ends[0..skip_k).
    uint32_t skip_k = 0;
    std::vector<double> ends;
    EventId ev;
    bool kick_pending = false;
    double power_w = 0;
    PrefixCache prefix;
    IterationLoad planned;     // the load of the first planned iteration (rescaling on a command)
    bool wanted = true;        // part of the pool's capacity (remove_replicas clears it)
    bool draining = false;     // removed: serves what it holds, then stops
    uint32_t load = kNoLoad;   // the weight transfer it waits for
    uint16_t point = 0;        // operating point (points_)
  };
  struct Point {
    OperatingPoint op;
    const IterationTimeModel* time = nullptr;
    std::vector<double> power_by_batch;  // replica power at batch b (0 = idle), b <= max_batch
  };
  static constexpr uint64_t kLoadDoneBit = 1ULL << 63;
  static constexpr uint64_t kKickBit = 1ULL << 62;

  // Output tokens a request produces (at least one: the prefill iteration gives the first).
  static uint32_t output_of(const workload::Request& r) { return r.output_tokens > 1 ? r.output_tokens : 1; }
  // Tokens a request adds to its replica's routing key until it leaves: prompt + output.
  static uint64_t outstanding_of(const workload::Request& r) {
    return uint64_t(r.prompt_tokens > 1 ? r.prompt_tokens : 1) + output_of(r);
  }
  int64_t residue_of(int64_t x) const {
    const int64_t b = cfg_.block_tokens;
    return ((x % b) + b) % b;
  }
  // Blocks the decoders gain as their KV grows through tokens x = from..to (the x-th token of a
  // decoder with base a crosses a boundary iff (a + x - 1) mod B == 0), in O(B).
  int64_t crossings(const Replica& rep, int64_t from, int64_t to) const;
  int64_t decoder_blocks(const Replica& rep, const Seq& s) const {
    return blocks_for(uint64_t(int64_t(s.req.prompt_tokens) + s.gen_base + rep.clock + (rep.reserved ? 1 : 0)));
  }

  uint32_t route(const workload::Request& r) { return router_ ? router_->choose(r) : scheduling::kNoReplica; }
  void route_update(uint32_t i);     // replica i's load (what the router is told) changed
  bool enqueue(const workload::Request& r, uint32_t slot, uint32_t replica);  // false: rejected
  uint32_t new_slot();
  void load_done(uint32_t load);  // a weight transfer arrived: its replicas are up
  static scheduling::Availability availability(const Replica& r) {
    if (r.state == State::stopped || r.draining) return scheduling::Availability::unavailable;
    return r.state == State::loading ? scheduling::Availability::loading : scheduling::Availability::up;
  }
  bool up(const Replica& r) const { return availability(r) == scheduling::Availability::up; }
  uint16_t point_for(const OperatingPoint& op);
  void move_to_point(uint32_t i, uint16_t point);
  void set_points(const std::vector<uint8_t>& servers, bool cap, double value);
  void stop(uint32_t i);
  void evict(uint32_t i, std::vector<workload::Request>& orphans);  // its requests, now
  void load(const std::vector<uint32_t>& replicas);
  void plan(uint32_t i);                 // at an iteration boundary: choose the next iteration(s)
  void finish_iterations(uint32_t i);    // the planned iteration(s) ended now
  uint64_t skip_length(Replica& rep);
  void preempt_newest(Replica& rep);
  void start_decode(Replica& rep, uint32_t slot);
  void stop_decode(Replica& rep, Seq& s);
  void leave(Replica& rep, uint32_t slot);  // off the running list, blocks freed (the slot stays)
  void complete(Replica& rep, uint32_t i, uint32_t slot, double now);
  void hand_off(Replica& rep, uint32_t i, uint32_t slot);  // prefill role: the request leaves
  // The waiting head `slot` passed its deadline before it started: given up (pool.hpp expire_head).
  void time_out(Replica& rep, uint32_t i, uint32_t slot, double now);
  void clean_top(std::vector<Mark>& heap) const;
  void alloc(Replica& rep, int64_t n);
  void release(Replica& rep, int64_t n);
  int64_t blocks_for(uint64_t tokens) const {
    return static_cast<int64_t>((tokens + cfg_.block_tokens - 1) / cfg_.block_tokens);
  }
  // power_w >= 0 replaces the power-by-batch table (the iteration model's activity power).
  void set_replica_state(Replica& rep, State st, size_t batch, double power_w = -1.0);
  // Split the replica's energy since the last call equally among its running sequences (idle
  // energy, with nothing running, stays with the pool). O(1): a sequence's share is the growth of
  // energy_per_seq while it runs (seq_energy()).
  void attribute_energy(Replica& rep, double now);
  static double seq_energy(const Replica& rep, const Seq& s) { return s.energy_j + rep.energy_per_seq - s.energy_mark; }
  double kv_utilization() const;

  LlmPoolConfig cfg_;
  PoolPlacement placement_;
  Engine& engine_;
  output::Recorder& recorder_;
  LlmPointMaker make_point_;
  std::vector<Point> points_;
  std::vector<RequestObserver*> observers_;
  std::function<void(const LlmRequestStats&)> on_done_;
  PrefilledFn on_prefilled_;
  uint64_t kv_capacity_ = 0;

  std::vector<Replica> replicas_;
  std::vector<Seq> seqs_;              // slab of waiting and running sequences
  // Per slot: its stint while it decodes, kNotDecoding otherwise. A heap mark is valid iff it
  // names that stint; kept apart from the Seq so the check reads a small, cache-resident array.
  std::vector<uint32_t> decoding_stint_;
  static constexpr uint32_t kNotDecoding = UINT32_MAX;
  std::vector<uint32_t> free_slots_;
  std::vector<std::vector<uint64_t>> slot_prefix_;  // per slot: its prefix ids (prefix caching on)
  std::unique_ptr<scheduling::ReplicaRouter> router_;  // null: no routing (decode role)
  std::vector<uint32_t> load_server_;  // per weight transfer: its server
  std::vector<uint8_t> server_failed_;
  uint64_t availability_epoch_ = 0;
  uint64_t waiting_total_ = 0;
  uint64_t running_total_ = 0;
  size_t active_replicas_ = 0;
  size_t iterating_replicas_ = 0;
  uint64_t preemptions_total_ = 0;
  uint64_t tokens_out_total_ = 0;
  uint64_t iterations_total_ = 0;
  uint64_t boundaries_total_ = 0;
  uint64_t skips_cut_total_ = 0;
  uint64_t prefix_hit_total_ = 0;
  int64_t kv_min_seen_ = 0;
  int64_t kv_max_seen_ = 0;

  PoolTotals totals_;
  double power_total_w_ = 0;
  double power_since_s_ = 0;

  PoolSeries series_;
  output::Counter tokens_out_, preemptions_, prefix_hits_;
  output::Quantiles ttft_, tpot_;
};

}  // namespace dcsim::serving
