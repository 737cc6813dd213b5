#include "models/serving/fifo_pool.hpp"

#include <algorithm>

#include "models/serving/weight_loading.hpp"

namespace dcsim::serving {

FifoPool::FifoPool(const scenario::Config& cfg, PoolPlacement placement, Engine& engine,
                   output::Recorder& recorder, Rng rng, std::vector<RequestObserver*> observers)
    : placement_(std::move(placement)),
      engine_(engine),
      recorder_(recorder),
      rng_(std::move(rng)),
      observers_(std::move(observers)),
      service_(service_time_registry().create(cfg.child("service"))),
      gpu_power_{cfg.child("gpu").num("idle_power"), cfg.child("gpu").num("busy_power")},
      weights_bytes_(cfg.num("weights")),
      gpus_per_replica_(static_cast<uint32_t>(cfg.integer("gpus_per_replica"))),
      queue_capacity_(static_cast<size_t>(cfg.integer("queue_capacity"))) {
  replicas_per_server_ = static_cast<uint32_t>(cfg.integer("gpus_per_server") / cfg.integer("gpus_per_replica"));
  for (uint32_t s = 0; s < placement_.servers.size(); ++s) {
    for (uint32_t k = 0; k < replicas_per_server_; ++k) replicas_.push_back(Replica{s, State::loading, 0, {}});
  }
  idle_.reserve(replicas_.size());
  server_failed_.assign(placement_.servers.size(), 0);
  law_.idle_w = gpu_power_.idle_w;
  point_busy_w_ = {law_.power_w(gpu_power_.busy_w, points_[0])};
  point_rate_ = {law_.rate(gpu_power_.busy_w, points_[0])};
  busy_gpus_ = {0.0};

  series_ = declare_pool_series(recorder_, placement_.group,
                                {[this] { return double(queue_.size()); }, [this] { return double(busy_replicas_); },
                                 [this] { return double(active_replicas_); }});
}

void FifoPool::start() {
  update_power();
  for (auto& rep : replicas_) rep.load_started_s = engine_.now();
  // One transfer per server carries the weights of all its replicas (as LlmPool): the same ready
  // times as one per replica within the pool (equal flows on the same links end together under
  // max-min sharing), fewer flows. Replicas removed before the start stay stopped.
  for (uint32_t s = 0; s < placement_.servers.size(); ++s) {
    const auto id = static_cast<uint32_t>(load_server_.size());
    uint32_t n = 0;
    for (uint32_t k = 0; k < replicas_per_server_; ++k) {
      Replica& rep = replicas_[s * replicas_per_server_ + k];
      if (rep.state == State::stopped) continue;
      rep.load = id;
      ++n;
    }
    if (n == 0) continue;
    load_server_.push_back(s);
    if (warm_start_) {
      engine_.at(engine_.now(), this, kLoadDoneBit | id);
    } else {
      load_weights(engine_, placement_, s, weights_bytes_ * n, this, kLoadDoneBit | id);
    }
  }
}

void FifoPool::load_done(uint32_t load) {
  const uint32_t server = load_server_[load];
  const uint32_t first = server * replicas_per_server_;
  for (uint32_t i = first; i < first + replicas_per_server_ && i < replicas_.size(); ++i) {
    if (replicas_[i].load != load) continue;  // stopped or reloading meanwhile
    replicas_[i].load = kNoLoad;
    replica_ready(i);
  }
}

void FifoPool::submit(const workload::Request& r) {
  ++totals_.arrived;
  series_.arrivals.add();
  if (!idle_.empty()) {
    const uint32_t rep = idle_.back();
    idle_.pop_back();
    ++totals_.admitted;
    series_.admitted.add();
    begin_service(rep, r);
    return;
  }
  if (queue_.size() >= queue_capacity_) {
    ++totals_.rejected;
    series_.rejected.add();
    observers_[r.workload]->on_rejected(r, engine_.now());
    return;
  }
  ++totals_.admitted;
  series_.admitted.add();
  queue_.push_back(r);
}

void FifoPool::begin_service(uint32_t replica, const workload::Request& r) {
  Replica& rep = replicas_[replica];
  rep.state = State::busy;
  rep.current = r;
  rep.current.start_s = engine_.now();
  ++busy_replicas_;
  busy_gpus_[rep.point] += gpus_per_replica_;
  update_power();
  const double t = service_->draw(r, rng_) / point_rate_[rep.point];
  rep.end_s = engine_.now() + t;
  rep.done = engine_.after(t, this, replica);
}

void FifoPool::on_event(uint64_t tag) {
  if (tag & kLoadDoneBit) {
    load_done(static_cast<uint32_t>(tag & ~kLoadDoneBit));
  } else {
    complete(static_cast<uint32_t>(tag));
  }
}

void FifoPool::replica_ready(uint32_t replica) {
  Replica& rep = replicas_[replica];
  ++active_replicas_;
  recorder_.event("replica_ready", placement_.group + "/replicas/" + std::to_string(replica),
                  engine_.now() - rep.load_started_s, "weights loaded from site storage; value = load time in s");
  expire_head(queue_, engine_.now(), observers_);
  if (!queue_.empty()) {
    const workload::Request r = queue_.front();
    queue_.pop_front();
    begin_service(replica, r);
  } else {
    rep.state = State::idle;
    idle_.push_back(replica);
  }
}

void FifoPool::complete(uint32_t replica) {
  Replica& rep = replicas_[replica];
  const double now = engine_.now();
  ++totals_.completed;
  series_.completed.add();
  series_.latency.observe(now - rep.current.arrival_s);
  observers_[rep.current.workload]->on_completed(rep.current, now);
  --busy_replicas_;
  busy_gpus_[rep.point] -= gpus_per_replica_;
  if (rep.draining) {
    stop(replica);  // updates power
    return;
  }
  expire_head(queue_, now, observers_);
  if (!queue_.empty()) {
    const workload::Request r = queue_.front();
    queue_.pop_front();
    begin_service(replica, r);  // updates power
  } else {
    rep.state = State::idle;
    idle_.push_back(replica);
    update_power();
  }
}

void FifoPool::update_power() {
  const double now = engine_.now();
  totals_.energy_j += power_w_ * (now - power_since_s_);
  power_since_s_ = now;
  const double gpus_total = double(replicas_.size()) * gpus_per_replica_;
  const double gpus_busy = double(busy_replicas_) * gpus_per_replica_;
  const double gpus_stopped = double(stopped_replicas_) * gpus_per_replica_;
  double dynamic = 0;
  for (size_t g = 0; g < points_.size(); ++g) dynamic += busy_gpus_[g] * (point_busy_w_[g] - gpu_power_.idle_w);
  power_w_ = (gpus_total - gpus_stopped) * gpu_power_.idle_w + dynamic;
  series_.power.set(now, power_w_);
  series_.utilization.set(now, gpus_total > 0 ? gpus_busy / gpus_total : 0.0);
}

PoolTotals FifoPool::totals(double now) const {
  PoolTotals t = totals_;
  t.energy_j += power_w_ * (now - power_since_s_);
  return t;
}

}  // namespace dcsim::serving
