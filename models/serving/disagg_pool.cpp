#include "models/serving/disagg_pool.hpp"

#include <stdexcept>

#include <simgrid/s4u/Host.hpp>

namespace dcsim::serving {

namespace {

PoolPlacement sub_placement(const PoolPlacement& p, const char* role, size_t first, size_t last) {
  PoolPlacement s{p.site, p.name + "/" + role, p.group + "/" + role,
                  std::vector<simgrid::s4u::Host*>(p.servers.begin() + long(first), p.servers.begin() + long(last)),
                  p.storage};
  return s;
}

}  // namespace

DisaggPool::DisaggPool(DisaggPoolConfig cfg, PoolPlacement placement, Engine& engine, output::Recorder& recorder,
                       LlmSide prefill, LlmSide decode, std::vector<RequestObserver*> observers,
                       std::unique_ptr<scheduling::ReplicaRouter> prefill_router,
                       std::unique_ptr<scheduling::ReplicaRouter> decode_router)
    : cfg_(std::move(cfg)),
      placement_(std::move(placement)),
      engine_(engine),
      observers_(std::move(observers)),
      decode_router_(std::move(decode_router)) {
  const size_t n = placement_.servers.size();
  if (cfg_.prefill_servers < 1 || cfg_.prefill_servers >= n) {
    throw std::invalid_argument("disaggregated pool " + placement_.group + ": prefill_servers (" +
                                std::to_string(cfg_.prefill_servers) + ") must be in [1, servers - 1] (servers: " +
                                std::to_string(n) + ")");
  }
  if (!(cfg_.kv_transfer_efficiency > 0 && cfg_.kv_transfer_efficiency <= 1)) {
    throw std::invalid_argument("disaggregated pool " + placement_.group + ": kv_transfer_efficiency not in (0, 1]");
  }
  prefill_side_.pool = this;
  decode_side_.pool = this;
  decode_side_.decode = true;
  const std::vector<RequestObserver*> pre_obs(observers_.size(), &prefill_side_);
  const std::vector<RequestObserver*> dec_obs(observers_.size(), &decode_side_);
  const auto side = [&](const LlmPoolConfig& c, PoolPlacement pl, LlmSide& s, const std::vector<RequestObserver*>& obs,
                        std::unique_ptr<scheduling::ReplicaRouter> router) {
    if (s.points)
      return std::make_unique<LlmPool>(c, std::move(pl), engine, recorder, std::move(s.points), s.initial, obs,
                                       std::move(router));
    return std::make_unique<LlmPool>(c, std::move(pl), engine, recorder, *s.iteration_time, std::move(s.power_w), obs,
                                     std::move(router));
  };
  prefill_ = side(cfg_.prefill, sub_placement(placement_, "prefill", 0, cfg_.prefill_servers), prefill, pre_obs,
                  std::move(prefill_router));
  // The decode side routes nothing itself: this pool picks its replicas (transfers counted).
  decode_ = side(cfg_.decode, sub_placement(placement_, "decode", cfg_.prefill_servers, n), decode, dec_obs, nullptr);
  prefill_->set_orphan_handler([this](const workload::Request& r, double now) { orphan(r, now, observers_); });
  decode_->set_orphan_handler([this](const workload::Request& r, double now) { orphan(r, now, observers_); });
  prefill_->set_on_prefilled(
      [this](const workload::Request& r, double energy_j, uint32_t replica) { prefilled(r, energy_j, replica); });
  decode_->set_on_done(
      [this](const LlmRequestStats& s) { add_decode_load(s.replica, -int64_t(tokens_of(s.request)), -1); });
  const auto nd = static_cast<uint32_t>(decode_->replica_count());
  decode_load_.assign(nd, 0);
  decode_requests_.assign(nd, 0);
  if (!decode_router_) throw std::invalid_argument("disaggregated pool " + placement_.group + ": no decode router");
  decode_router_->reset(nd, decode_.get());
  for (uint32_t i = 0; i < nd; ++i) decode_router_->update(i, decode_load(i));

  // Series: the common pool series (power, energy and GPU utilization derived from the sub-pools),
  // then the LLM ones and the transfers'.
  const std::string& g = placement_.group;
  const std::string gp = g + "/prefill", gd = g + "/decode";
  const double gpus_p = double(prefill_->replica_count()) * cfg_.prefill.tp;
  const double gpus_d = double(decode_->replica_count()) * cfg_.decode.tp;
  const double gpus = gpus_p + gpus_d > 0 ? gpus_p + gpus_d : 1;
  PoolDerived derived{{recorder.ref(gp, "gpu_power_w"), recorder.ref(gd, "gpu_power_w")},
                      {recorder.ref(gp, "gpu_energy_j"), recorder.ref(gd, "gpu_energy_j")},
                      {recorder.ref(gp, "gpu_utilization"), recorder.ref(gd, "gpu_utilization")},
                      {gpus_p / gpus, gpus_d / gpus}};
  series_ = declare_pool_series(
      recorder, g,
      {[this] { return double(prefill_->queue_length() + decode_->queue_length()); },
       [this] { return double(prefill_->running() + decode_->running()); },
       [this] { return double(prefill_->replicas_active() + decode_->replicas_active()); }},
      &derived);
  using output::QuantileSpec;
  recorder.sum_of(g, "tokens_out", "1", "Output tokens produced during the step (prefill and decode replicas)",
                  {recorder.ref(gp, "tokens_out"), recorder.ref(gd, "tokens_out")});
  recorder.sum_of(g, "preemptions", "1", "Running requests preempted (KV cache full) during the step",
                  {recorder.ref(gp, "preemptions"), recorder.ref(gd, "preemptions")});
  ttft_ = recorder.quantiles(g, {QuantileSpec{"ttft_p99_s", 0.99, "99th-percentile time to first token"}}, "s");
  tpot_ = recorder.quantiles(
      g, {QuantileSpec{"tpot_p99_s", 0.99, "99th-percentile time per output token after the first"}}, "s");
  recorder.gauge(g, "kv_transfers", "1", "KV-cache transfers from prefill to decode replicas in flight",
                 [this] { return double(transfers_in_flight_); });
  kv_transfer_s_ = recorder.quantiles(
      g,
      {QuantileSpec{"kv_transfer_p50_s", 0.50, "Median duration of the KV-cache transfers completed in the step"},
       QuantileSpec{"kv_transfer_p99_s", 0.99, "99th-percentile duration of the KV-cache transfers completed in the step"}},
      "s");
  kv_bytes_ = recorder.counter(g, "kv_bytes", "B", "KV-cache bytes sent from prefill to decode replicas during the step");
}

void DisaggPool::start() {
  prefill_->set_warm_start(warm_start_);
  decode_->set_warm_start(warm_start_);
  prefill_->start();
  decode_->start();
}

void DisaggPool::submit(const workload::Request& r) {
  ++totals_.arrived;
  series_.arrivals.add();
  prefill_rejected_ = false;
  prefill_->submit(r);
  if (!prefill_rejected_) {
    ++totals_.admitted;
    series_.admitted.add();
  }
}

// What the decode router is told of decode replica i: what LlmPool's router would be told, with
// the requests whose KV cache is on its way counted.
scheduling::ReplicaLoad DisaggPool::decode_load(uint32_t i) const {
  return {decode_load_[i], decode_requests_[i], decode_->availability(i)};
}

void DisaggPool::add_decode_load(uint32_t i, int64_t tokens, int32_t requests) {
  decode_load_[i] = uint64_t(int64_t(decode_load_[i]) + tokens);
  decode_requests_[i] = uint32_t(int64_t(decode_requests_[i]) + requests);
  decode_router_->update(i, decode_load(i));
}

void DisaggPool::refresh_decode_router() {
  decode_epoch_seen_ = decode_->availability_epoch();
  for (uint32_t i = 0; i < decode_load_.size(); ++i) decode_router_->update(i, decode_load(i));
}

uint32_t DisaggPool::route_decode(const workload::Request& r) {
  // Replicas that changed availability since the last call (loaded, drained, failed: rare).
  if (decode_->availability_epoch() != decode_epoch_seen_) refresh_decode_router();
  return decode_router_->choose(r);
}

void DisaggPool::prefilled(const workload::Request& r, double energy_j, uint32_t prefill_replica) {
  const double now = engine_.now();
  ttft_.observe(r.first_token_s - r.arrival_s);
  const uint32_t d = route_decode(r);
  if (d == scheduling::kNoReplica) {  // no decode replica takes work: the prefilled request is an orphan
    workload::Request o = r;
    o.energy_j = energy_j;
    orphan(o, now, observers_);
    return;
  }
  add_decode_load(d, int64_t(tokens_of(r)), 1);
  uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<uint32_t>(transfers_.size());
    transfers_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Transfer& t = transfers_[slot];
  t.in_flight = true;
  t.req = r;
  t.energy_j = energy_j;
  t.start_s = now;
  t.replica = d;
  ++transfers_in_flight_;
  const double bytes = double(uint64_t(r.prompt_tokens > 0 ? r.prompt_tokens : 1) + 1) * cfg_.decode.model.kv_bytes_per_token;
  kv_bytes_total_ += bytes;
  kv_bytes_.add(bytes);
  t.src = prefill_->placement().servers[prefill_->server_of(prefill_replica)];
  t.dst = decode_->placement().servers[decode_->server_of(d)];
  t.size = static_cast<uint64_t>(bytes / cfg_.kv_transfer_efficiency);
  engine_.start_transfer(t.src, t.dst, t.size, this, slot);
}

void DisaggPool::on_event(uint64_t tag) {
  const auto slot = static_cast<uint32_t>(tag);
  transfers_[slot].in_flight = false;
  Transfer t = transfers_[slot];
  free_slots_.push_back(slot);
  --transfers_in_flight_;
  ++transfers_done_;
  const double dt = engine_.now() - t.start_s;
  kv_transfer_s_.observe(dt);
  if (on_transfer_) on_transfer_(t.req, dt);
  if (decode_->replica_stopped(t.replica)) {
    // Its replica stopped while the KV cache was on its way: another one takes it, or none can.
    add_decode_load(t.replica, -int64_t(tokens_of(t.req)), -1);
    t.replica = route_decode(t.req);
    if (t.replica == scheduling::kNoReplica) {
      workload::Request r = t.req;
      r.energy_j = t.energy_j;
      orphan(r, engine_.now(), observers_);
      return;
    }
    add_decode_load(t.replica, int64_t(tokens_of(t.req)), 1);
  }
  decode_rejected_ = false;
  decode_->submit_prefilled(t.req, t.energy_j, t.replica);
  if (decode_rejected_) add_decode_load(t.replica, -int64_t(tokens_of(t.req)), -1);
}

void DisaggPool::completed(const workload::Request& r, double now, bool decode) {
  ++totals_.completed;
  series_.completed.add();
  series_.latency.observe(now - r.arrival_s);
  if (!decode) ttft_.observe(r.first_token_s - r.arrival_s);  // done in its prefill iteration
  const uint32_t out = r.output_tokens > 0 ? r.output_tokens : 1;
  if (decode && out > 1) tpot_.observe((now - r.first_token_s) / double(out - 1));
  observers_[r.workload]->on_completed(r, now);
}

void DisaggPool::rejected(const workload::Request& r, double now, bool decode) {
  (decode ? decode_rejected_ : prefill_rejected_) = true;
  ++totals_.rejected;
  series_.rejected.add();
  observers_[r.workload]->on_rejected(r, now);
}

void DisaggPool::dropped(const workload::Request& r, double now) { observers_[r.workload]->on_dropped(r, now); }
void DisaggPool::timed_out(const workload::Request& r, double now) { observers_[r.workload]->on_timed_out(r, now); }

PoolLoad DisaggPool::load() const {
  const PoolLoad p = prefill_->load(), d = decode_->load();
  return {p.queued + d.queued, p.running + transfers_in_flight_ + d.running, p.replicas_active + d.replicas_active,
          p.replicas + d.replicas};
}

PoolTotals DisaggPool::totals(double now) const {
  PoolTotals t = totals_;
  t.energy_j = prefill_->totals(now).energy_j + decode_->totals(now).energy_j;
  return t;
}

}  // namespace dcsim::serving
