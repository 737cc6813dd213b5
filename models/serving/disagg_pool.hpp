// Prefill/decode disaggregation (serving: disaggregated). See docs/models/serving-disaggregated.md.
//
// The pool's servers are split: the first `prefill_servers` run prefill replicas, the others
// decode replicas; each side is an LlmPool (llm_pool.hpp) in its prefill or decode role. A request
// is submitted to the prefill pool; when its prefill produces the first token the prefill pool
// hands it over (its KV blocks are freed there), this pool picks a decode replica and sends the
// request's KV cache from the prefill replica's server to the decode replica's server as a SimGrid
// comm over the site fabric, so concurrent transfers share the servers' links (max-min):
//
//   bytes  = (max(1, prompt_tokens) + 1) · kv_bytes_per_token          (recorded as kv_bytes)
//   sent   = bytes / kv_transfer_efficiency
//   t_xfer = path latency + sent / (bandwidth share of the path)        (alone: sent / server_link)
//
// When the comm completes the request joins the decode replica (LlmPool::submit_prefilled).
// Requests that need one output token complete in the prefill pool.
//
// Counting: arrived/admitted at submit (admitted = not rejected by the prefill pool); completed
// by either pool; rejected by the prefill pool (queue full at arrival) or by the decode pool (its
// queue full when the KV cache arrives) — each exactly once, reported once to the workload.
// in_flight = prefill pool + transfers in flight + decode pool.
//
// Commands (pool.hpp) act on the sides: a server's cap, speed factor, failure and repair on the
// side it belongs to (servers [0, prefill_servers) prefill, the rest decode); add and remove
// one replica at a time on the side whose share of its replicas in the pool's capacity is the
// lower (add; ties: prefill) or the higher (remove; ties: decode), so the split stays as built.
// A KV cache that arrives at a decode replica stopped meanwhile (drained, failed) joins another
// decode replica (no second transfer: an approximation) or, if none takes work, is an orphan;
// the orphans of a failed server go to this pool's orphan handler.
//
// Hot path: per-transfer context in a pooled vector indexed by the comm's event tag (free list);
// no allocation per request beyond SimGrid's comm.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "models/scheduling/replica_router.hpp"
#include "models/serving/llm_pool.hpp"
#include "models/serving/pool.hpp"
#include "models/serving/pool_series.hpp"
#include "sim/output/recorder.hpp"

namespace dcsim::serving {

struct DisaggPoolConfig {
  LlmPoolConfig prefill;                // tp, gpus_per_server, batching and model of a prefill replica
  LlmPoolConfig decode;                 // the same for a decode replica (model: the same)
  uint32_t prefill_servers = 1;         // the first servers of the placement; the rest decode (>= 1)
  double kv_transfer_efficiency = 1.0;  // (0, 1]: share of the path bandwidth a transfer achieves
};

// The iteration time and power of one side's replicas (see LlmPool).
// With `points` set the side takes power-cap and speed-factor commands (LlmPool's second
// constructor, starting at `initial`); otherwise one model for every replica.
struct LlmSide {
  const IterationTimeModel* iteration_time = nullptr;
  std::function<double(double batch)> power_w;
  LlmPointMaker points;
  OperatingPoint initial;
};

class DisaggPool final : public Pool, public EventHandler {
 public:
  // Throws std::invalid_argument if the servers cannot be split (prefill_servers >= servers).
  // The sub-pools record under placement.group + "/prefill" and "/decode". `prefill_router`
  // picks the prefill replica of a request, `decode_router` its decode replica when its prefill
  // is done (it counts the requests whose KV cache is on its way).
  DisaggPool(DisaggPoolConfig cfg, PoolPlacement placement, Engine& engine, output::Recorder& recorder,
             LlmSide prefill, LlmSide decode, std::vector<RequestObserver*> observers,
             std::unique_ptr<scheduling::ReplicaRouter> prefill_router = scheduling::least_outstanding_tokens_router(),
             std::unique_ptr<scheduling::ReplicaRouter> decode_router = scheduling::least_outstanding_tokens_router());

  void start() override;
  void submit(const workload::Request& r) override;
  uint64_t in_flight() const override {
    return prefill_->in_flight() + transfers_in_flight_ + decode_->in_flight();
  }
  PoolLoad load() const override;
  PoolTotals totals(double now) const override;
  const PoolPlacement& placement() const override { return placement_; }

  uint32_t add_replicas(uint32_t n) override;
  uint32_t remove_replicas(uint32_t n) override;
  void set_power_cap(double watts_per_gpu, ServerSet servers) override;
  void set_speed_factor(double factor, ServerSet servers) override;
  void fail_server(uint32_t server) override;
  void repair_server(uint32_t server) override;

  void on_event(uint64_t tag) override;  // a KV transfer completed

  // Introspection (tests).
  LlmPool& prefill_pool() { return *prefill_; }
  LlmPool& decode_pool() { return *decode_; }
  uint64_t transfers_in_flight() const { return transfers_in_flight_; }
  uint64_t transfers_done() const { return transfers_done_; }
  double kv_bytes_sent() const { return kv_bytes_total_; }
  // Called when a KV transfer completes, with its request and duration (optional; tests).
  void set_on_transfer(std::function<void(const workload::Request&, double seconds)> cb) {
    on_transfer_ = std::move(cb);
  }

 private:
  // Receives the sub-pools' completions and rejections and passes them on, counted once.
  struct Side final : RequestObserver {
    DisaggPool* pool = nullptr;
    bool decode = false;
    void on_completed(const workload::Request& r, double now) override { pool->completed(r, now, decode); }
    void on_rejected(const workload::Request& r, double now) override { pool->rejected(r, now, decode); }
    void on_dropped(const workload::Request& r, double now) override { pool->dropped(r, now); }
    void on_timed_out(const workload::Request& r, double now) override { pool->timed_out(r, now); }
  };
  struct Transfer {
    workload::Request req;
    double energy_j = 0;
    double start_s = 0;
    uint32_t replica = 0;  // decode replica
    simgrid::s4u::Host* src = nullptr;
    simgrid::s4u::Host* dst = nullptr;
    uint64_t size = 0;  // bytes sent
    bool in_flight = false;
  };

  void completed(const workload::Request& r, double now, bool decode);
  void rejected(const workload::Request& r, double now, bool decode);
  void dropped(const workload::Request& r, double now);
  void timed_out(const workload::Request& r, double now);
  void prefilled(const workload::Request& r, double energy_j, uint32_t prefill_replica);
  uint32_t route_decode(const workload::Request& r);  // the decode router's choice (transfers counted)
  scheduling::ReplicaLoad decode_load(uint32_t i) const;
  void add_decode_load(uint32_t i, int64_t tokens, int32_t requests);
  void refresh_decode_router();
  // Splits a server set of the pool into the sides' (each's own indices); `all`: the set was empty.
  void split(ServerSet servers, std::vector<uint32_t>& prefill, std::vector<uint32_t>& decode) const;
  template <class Fn>
  void on_sides(ServerSet servers, Fn fn);
  static uint64_t tokens_of(const workload::Request& r) {
    return uint64_t(r.prompt_tokens > 0 ? r.prompt_tokens : 1) + (r.output_tokens > 0 ? r.output_tokens : 1);
  }

  DisaggPoolConfig cfg_;
  PoolPlacement placement_;
  Engine& engine_;
  std::vector<RequestObserver*> observers_;
  Side prefill_side_, decode_side_;
  std::unique_ptr<LlmPool> prefill_, decode_;

  std::vector<Transfer> transfers_;  // pooled; index = event tag
  std::vector<uint32_t> free_slots_;
  uint64_t transfers_in_flight_ = 0;
  uint64_t transfers_done_ = 0;
  double kv_bytes_total_ = 0;
  std::vector<uint64_t> decode_load_;  // outstanding tokens routed to each decode replica
  std::vector<uint32_t> decode_requests_;  // and requests
  std::unique_ptr<scheduling::ReplicaRouter> decode_router_;
  uint64_t decode_epoch_seen_ = 0;     // decode replicas' availability epoch when the keys were last set
  bool prefill_rejected_ = false;      // set by the prefill side during submit()
  bool decode_rejected_ = false;       // set by the decode side during submit_prefilled()
  std::function<void(const workload::Request&, double)> on_transfer_;

  PoolTotals totals_;
  PoolSeries series_;
  output::Counter kv_bytes_;
  output::Quantiles kv_transfer_s_, ttft_, tpot_;
};

}  // namespace dcsim::serving
