// The pool's capacity controller (capacity.hpp): initial replicas, autoscaler, schedule,
// reservoir, failures and repairs.
#include "models/scheduling/capacity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/scenario/datetime.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace dcsim::scheduling {

namespace {
constexpr uint64_t kIndexMask = (uint64_t(1) << 48) - 1;
}  // namespace

bool capacity_configured(const scenario::Config& pool) {
  const auto& c = pool.child("capacity");
  return c.integer("initial_replicas") >= 0 || c.flag("warm_start") || c.child("autoscaler").model() != "none" ||
         !c.list("schedule").empty() || c.child("reservoir").integer("servers") > 0 ||
         c.child("failures").model() != "none";
}

PoolCapacity::PoolCapacity(CapacityBuild b)
    : cfg_(b.pool.child("capacity")),
      engine_(b.engine),
      recorder_(b.recorder),
      resubmit_(std::move(b.resubmit)),
      start_epoch_s_(b.start_epoch_s),
      fail_rng_(b.seed, "capacity/" + b.pool.path() + "/failures"),
      repair_rng_(b.seed, "capacity/" + b.pool.path() + "/repairs") {
  provisioning_delay_ = cfg_.num("provisioning_delay");
  gpus_per_server_ = static_cast<uint32_t>(b.pool.integer("gpus_per_server"));
  const auto& a = cfg_.child("autoscaler");
  autoscaler_ = autoscaler_registry().create(a, AutoscalerContext{b.seed});
  if (autoscaler_) {
    interval_ = a.num("interval");
    cooldown_out_ = a.num("cooldown_out");
    cooldown_in_ = a.num("cooldown_in");
    min_ = static_cast<uint32_t>(a.integer("min_replicas"));
    max_ = a.integer("max_replicas");
    if (autoscaler_->wants_latencies()) latencies_.reserve(4096);
  }
  const auto& r = cfg_.child("reservoir");
  reservoir_servers_ = static_cast<uint32_t>(r.integer("servers"));
  reservoir_delay_ = r.num("delay");
  const auto& f = cfg_.child("failures");
  failures_ = failure_registry().create(f, FailureContext{b.seed});
  if (failures_) {
    failure_cfg_ = &f;
    gpu_rate_ = f.num("gpu_rate");
    server_rate_ = f.num("server_rate");
    retry_ = f.str("on_failure") == "retry";
  }
}

std::vector<workload::RequestObserver*> PoolCapacity::observers(std::vector<workload::RequestObserver*> inner) {
  inner_ = inner;
  if (!autoscaler_ || !autoscaler_->wants_latencies()) return inner;
  return std::vector<workload::RequestObserver*>(inner.size(), this);
}

void PoolCapacity::attach(serving::Pool& pool) {
  pool_ = &pool;
  const auto& pl = pool.placement();
  group_ = pl.group;
  servers_ = static_cast<uint32_t>(pl.servers.size());
  replicas_ = pool.load().replicas;
  reservoir_replicas_ =
      static_cast<uint32_t>(std::llround(double(reservoir_servers_) * double(replicas_) / double(std::max(servers_, 1u))));
  ceiling_ = replicas_ - std::min(reservoir_replicas_, replicas_);
  const int64_t initial = cfg_.integer("initial_replicas");
  if (initial > int64_t(ceiling_)) {
    throw scenario::InputError(cfg_.where("initial_replicas"), cfg_.path() + ".initial_replicas",
                               "got " + std::to_string(initial) + ", expected at most " + std::to_string(ceiling_) +
                                   " (the pool's " + std::to_string(replicas_) + " replicas" +
                                   (reservoir_replicas_ ? " less the reservoir's " + std::to_string(reservoir_replicas_) : "") +
                                   ")");
  }
  if (autoscaler_ && max_ >= 0 && int64_t(min_) > max_) {
    const auto& a = cfg_.child("autoscaler");
    throw scenario::InputError(a.where("min_replicas"), a.path() + ".min_replicas",
                               "got " + std::to_string(min_) + ", expected at most max_replicas (" +
                                   std::to_string(max_) + ")");
  }
  wanted_ = initial < 0 ? ceiling_ : static_cast<uint32_t>(initial);
  if (wanted_ < replicas_) pool.remove_replicas(replicas_ - wanted_);  // before start(): they stay stopped
  // The reservoir's servers are out of reach until they arrive (no command picks their replicas).
  for (uint32_t s = servers_ - std::min(reservoir_servers_, servers_); s < servers_; ++s) pool.fail_server(s);
  pool.set_warm_start(cfg_.flag("warm_start"));
  if (failures_) pool.set_orphan_handler([this](const workload::Request& r, double now) { orphan(r, now); });
  if (failures_) pool.set_orphans_retried(retry_);

  const std::string& g = group_;
  s_capacity_ = recorder_.level(g, "replicas_capacity", "1",
                                "Replicas in the pool's capacity (up, loading or provisioning), step average");
  s_provisioning_ = recorder_.level(g, "replicas_provisioning", "1",
                                    "Replicas provisioning (before their weight load), step average");
  s_failed_ = recorder_.level(g, "servers_failed", "1", "Servers down (failed, not yet repaired), step average");
  s_out_ = recorder_.counter(g, "scaled_out", "1", "Replicas added to the capacity during the step");
  s_in_ = recorder_.counter(g, "scaled_in", "1", "Replicas taken out of the capacity during the step");
  s_failures_ = recorder_.counter(g, "failures", "1", "GPU and server failures during the step");
  s_repairs_ = recorder_.counter(g, "repairs", "1", "Servers repaired during the step");
  s_retried_ = recorder_.counter(g, "orphans_retried", "1", "Requests of failed servers submitted again during the step");
  s_lost_ = recorder_.counter(g, "orphans_lost", "1", "Requests of failed servers lost (dropped) during the step");
}

void PoolCapacity::update_levels() {
  const double now = engine_.now();
  s_capacity_.set(now, capacity());
  s_provisioning_.set(now, provisioning_);
  s_failed_.set(now, servers_down_);
}

void PoolCapacity::start() {
  const double now = engine_.now();
  update_levels();
  if (autoscaler_) engine_.at(now + interval_, this, tag(kEval, 0));
  const auto& sched = cfg_.list("schedule");
  for (size_t i = 0; i < sched.size(); ++i) {
    const double t = sched[i].has("at") ? sched[i].num("at") - start_epoch_s_ : sched[i].num("after");
    engine_.at(now + std::max(t, 0.0), this, tag(kSchedule, i));
  }
  const auto& r = cfg_.child("reservoir");
  if (reservoir_servers_ > 0 && (r.has("at") || r.has("after"))) {
    const double t = r.has("at") ? r.num("at") - start_epoch_s_ : r.num("after");
    engine_.at(now + std::max(t, 0.0), this, tag(kReservoirAsk, 0));
  }
  if (failures_) {
    down_.assign(servers_, 0);
    failed_part_.assign(servers_, 0);
    clock_.assign(size_t(servers_) * (gpus_per_server_ + 1), 0.0);
    down_since_.assign(servers_, 0.0);
    next_failure_.assign(servers_, EventId{});
    // Reservoir servers start their clocks when they arrive.
    for (uint32_t s = 0; s + reservoir_servers_ < servers_; ++s) arm_server(s);
  }
}

void PoolCapacity::on_event(uint64_t t) {
  const auto i = static_cast<size_t>(t & kIndexMask);
  switch (static_cast<Kind>(t >> 48)) {
    case kEval:
      evaluate();
      engine_.at(engine_.now() + interval_, this, tag(kEval, 0));
      break;
    case kSchedule:
      apply_schedule(i);
      break;
    case kReservoirAsk:
      ask_reservoir("scheduled");
      break;
    case kReservoirArrive:
      reservoir_arrived();
      break;
    case kProvisioned:
      provisioned(i);
      break;
    case kFailure:
      fail(static_cast<uint32_t>(i));
      break;
    case kRepair:
      repair(static_cast<uint32_t>(i));
      break;
    case kRetry: {
      std::vector<workload::Request> batch;
      batch.swap(retries_);
      for (const auto& r : batch) resubmit_(r);
      break;
    }
  }
}

uint32_t PoolCapacity::max_now() const {
  const uint32_t m = max_ < 0 ? replicas_ : static_cast<uint32_t>(std::min<int64_t>(max_, replicas_));
  return std::min({m, ceiling_, ext_});
}

// The external ceiling (models/site/replica_ceiling.hpp): the grid's, set and lifted on its steps.
uint32_t PoolCapacity::set_external_ceiling(uint32_t m) {
  if (m == ext_) return ext_out_;
  ext_ = m;
  if (wanted_ > m) {
    const uint32_t out = pool_->remove_replicas(wanted_ - m);  // they drain, then stop
    wanted_ -= out;
    ext_out_ += out;
  } else if (ext_out_ > 0 && m > wanted_) {
    const uint32_t k = std::min(ext_out_, m - wanted_);
    wanted_ += pool_->add_replicas(k);  // fewer when servers are down: those are not owed back
    ext_out_ -= k;
  }
  update_levels();
  return ext_out_;
}

void PoolCapacity::evaluate() {
  const double now = engine_.now();
  AutoscalerInput in{now, pool_->load(), capacity(), std::span<const double>(latencies_)};
  const uint32_t asked = autoscaler_->desired(in);
  latencies_.clear();
  // More than the pool's own replicas: ask for the reservoir (once), if it waits for the autoscaler.
  const auto& r = cfg_.child("reservoir");
  if (std::max(asked, min_) > ceiling_ && reservoir_servers_ > 0 && !reservoir_asked_ && !r.has("at") && !r.has("after"))
    ask_reservoir("autoscaler");
  const uint32_t lo = std::min({min_, ceiling_, ext_});  // the grid's ceiling wins over min_replicas
  const uint32_t d = std::clamp(asked, lo, std::max(max_now(), lo));
  // Scale-in stabilisation (Kubernetes' HPA): never below the highest answer of the last cooldown_in.
  recent_.emplace_back(now, d);
  while (!recent_.empty() && recent_.front().first < now - cooldown_in_) recent_.pop_front();
  uint32_t keep = 0;
  for (const auto& [t, v] : recent_) keep = std::max(keep, v);
  const uint32_t c = capacity();
  const std::string why = "autoscaler: wants " + std::to_string(asked) + ", capacity " + std::to_string(c);
  if (d > c && now - t_out_ >= cooldown_out_) {
    scale_out(d - c, why);
  } else if (keep < c && now - std::max(t_out_, t_in_) >= cooldown_in_) {
    scale_in(c - keep, why + ", highest of the last cooldown_in " + std::to_string(keep));
  }
}

void PoolCapacity::scale_out(uint32_t n, const std::string& why) {
  const uint32_t top = std::min(ceiling_, ext_);
  const uint32_t room = top > capacity() ? top - capacity() : 0;
  n = std::min(n, room);
  if (n == 0) return;
  const double now = engine_.now();
  t_out_ = now;
  totals_.scaled_out += n;
  s_out_.add(n);
  recorder_.event("scale_out", group_, n, why);
  if (provisioning_delay_ <= 0) {
    wanted_ += pool_->add_replicas(n);
  } else {
    provisioning_ += n;
    batches_.push_back(n);
    engine_.at(now + provisioning_delay_, this, tag(kProvisioned, batches_.size() - 1));
  }
  update_levels();
}

void PoolCapacity::scale_in(uint32_t n, const std::string& why) {
  n = std::min(n, capacity());
  if (n == 0) return;
  t_in_ = engine_.now();
  totals_.scaled_in += n;
  s_in_.add(n);
  recorder_.event("scale_in", group_, n, why);
  uint32_t left = n;
  for (size_t b = batches_.size(); b-- > 0 && left > 0;) {  // provisioning ones first, newest first
    const uint32_t k = std::min(batches_[b], left);
    batches_[b] -= k;
    provisioning_ -= k;
    left -= k;
  }
  if (left > 0) wanted_ -= pool_->remove_replicas(left);
  update_levels();
}

void PoolCapacity::provisioned(size_t batch) {
  const uint32_t n = batches_[batch];
  batches_[batch] = 0;
  provisioning_ -= n;
  // Under the external ceiling only what fits joins the pool; the rest waits for its lifting.
  const uint32_t fits = std::min(n, ext_ > wanted_ ? ext_ - wanted_ : 0u);
  ext_out_ += n - fits;
  if (fits > 0) wanted_ += pool_->add_replicas(fits);  // fewer when servers are down
  update_levels();
}

void PoolCapacity::scale_to(uint32_t target, const char* why) {
  target = std::min({target, ceiling_, ext_});
  const uint32_t c = capacity();
  if (target > c) scale_out(target - c, why);
  if (target < c) scale_in(c - target, why);
}

void PoolCapacity::apply_schedule(size_t i) {
  const auto& e = cfg_.list("schedule")[i];
  if (e.integer("min_replicas") >= 0) min_ = static_cast<uint32_t>(e.integer("min_replicas"));
  if (e.integer("max_replicas") >= 0) max_ = e.integer("max_replicas");
  recorder_.event("capacity_schedule", group_, double(e.integer("replicas")),
                  "min_replicas " + std::to_string(min_) + ", max_replicas " + std::to_string(max_));
  if (e.integer("replicas") >= 0) scale_to(static_cast<uint32_t>(e.integer("replicas")), "schedule");
}

void PoolCapacity::ask_reservoir(const char* why) {
  if (reservoir_asked_ || reservoir_servers_ == 0) return;
  reservoir_asked_ = true;
  recorder_.event("reservoir_requested", group_, reservoir_replicas_,
                  std::string(why) + ": " + std::to_string(reservoir_servers_) + " servers arrive after " +
                      std::to_string(reservoir_delay_) + " s");
  engine_.at(engine_.now() + reservoir_delay_, this, tag(kReservoirArrive, 0));
}

void PoolCapacity::reservoir_arrived() {
  reservoir_here_ = true;
  ceiling_ = replicas_;
  for (uint32_t s = servers_ - reservoir_servers_; s < servers_; ++s) pool_->repair_server(s);
  recorder_.event("reservoir_arrived", group_, reservoir_replicas_,
                  std::to_string(reservoir_servers_) + " borrowed servers join the pool and load their weights");
  // They join the capacity at once (no provisioning: the delay was the move), within max_replicas.
  const uint32_t target = std::min(capacity() + reservoir_replicas_, autoscaler_ ? max_now() : ceiling_);
  if (target > capacity()) {
    const double keep = provisioning_delay_;
    provisioning_delay_ = 0;
    scale_out(target - capacity(), "reservoir arrived");
    provisioning_delay_ = keep;
  }
  if (failures_)
    for (uint32_t s = servers_ - reservoir_servers_; s < servers_; ++s) arm_server(s);
}

// ---- failures ----

// Component c of server s (GPUs 0..g-1, the host g) fails at clock_[s * (g + 1) + c].
double PoolCapacity::draw_component(uint32_t c) {
  const double rate = c < gpus_per_server_ ? gpu_rate_ : server_rate_;
  if (rate <= 0) return std::numeric_limits<double>::infinity();
  return engine_.now() + failures_->time_to_failure(rate, fail_rng_);
}

void PoolCapacity::arm_server(uint32_t s) {
  const uint32_t n = gpus_per_server_ + 1;
  for (uint32_t c = 0; c < n; ++c) clock_[size_t(s) * n + c] = draw_component(c);
  schedule_failure(s);
}

// The server's next failure: the first of its components' clocks.
void PoolCapacity::schedule_failure(uint32_t s) {
  const uint32_t n = gpus_per_server_ + 1;
  const double* c = &clock_[size_t(s) * n];
  const uint32_t first = static_cast<uint32_t>(std::min_element(c, c + n) - c);
  failed_part_[s] = first;
  if (std::isfinite(c[first])) next_failure_[s] = engine_.at(std::max(c[first], engine_.now()), this, tag(kFailure, s));
}

void PoolCapacity::fail(uint32_t s) {
  const double now = engine_.now();
  down_[s] = 1;
  down_since_[s] = now;
  ++servers_down_;
  const bool gpu = failed_part_[s] < gpus_per_server_;
  ++(gpu ? totals_.gpu_failures : totals_.server_failures);
  s_failures_.add();
  const double repair_s = draw_repair_time(*failure_cfg_, repair_rng_);
  recorder_.event(gpu ? "gpu_failure" : "server_failure", group_ + "/servers/" + std::to_string(s), repair_s,
                  "value = repair time drawn, s");
  update_levels();
  engine_.at(now + repair_s, this, tag(kRepair, s));
  pool_->fail_server(s);  // its requests come to orphan()
}

void PoolCapacity::repair(uint32_t s) {
  const double now = engine_.now();
  down_[s] = 0;
  --servers_down_;
  ++totals_.repairs;
  s_repairs_.add();
  recorder_.event("server_repair", group_ + "/servers/" + std::to_string(s), now - down_since_[s],
                  "value = time down, s");
  update_levels();
  pool_->repair_server(s);
  // The failed part is new; the others did not age while the server was down.
  const uint32_t n = gpus_per_server_ + 1;
  const double down = now - down_since_[s];
  for (uint32_t c = 0; c < n; ++c) {
    double& t = clock_[size_t(s) * n + c];
    t = c == failed_part_[s] ? draw_component(c) : t + down;
  }
  schedule_failure(s);
}

void PoolCapacity::orphan(const workload::Request& r, double now) {
  if (!retry_ || !resubmit_) {
    ++totals_.orphans_lost;
    s_lost_.add();
    inner_[r.workload]->on_dropped(r, now);
    return;
  }
  ++totals_.orphans_retried;
  s_retried_.add();
  workload::Request again = r;
  again.start_s = -1;
  again.first_token_s = -1;
  again.energy_j = -1;
  if (retries_.empty()) engine_.at(now, this, tag(kRetry, 0));  // after the pool's command returns
  retries_.push_back(again);
}

// ---- outcomes (latency autoscaler) ----

void PoolCapacity::on_completed(const workload::Request& r, double now) {
  latencies_.push_back(now - r.arrival_s);
  inner_[r.workload]->on_completed(r, now);
}
void PoolCapacity::on_rejected(const workload::Request& r, double now) { inner_[r.workload]->on_rejected(r, now); }
void PoolCapacity::on_dropped(const workload::Request& r, double now) { inner_[r.workload]->on_dropped(r, now); }
void PoolCapacity::on_timed_out(const workload::Request& r, double now) { inner_[r.workload]->on_timed_out(r, now); }

}  // namespace dcsim::scheduling
