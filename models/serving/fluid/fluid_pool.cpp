#include "models/serving/fluid/fluid_pool.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/serving/weight_loading.hpp"

namespace dcsim::serving::fluid {

namespace {
constexpr uint32_t kPermutation = 37;   // odd: j -> 37 j mod K permutes 0..K-1 for K a power of two
constexpr uint32_t kPermutation2 = 101;  // another, for a third independent coordinate
}

FluidPool::FluidPool(FluidPoolConfig cfg, PoolPlacement placement, Engine& engine, output::Recorder& recorder, Rng rng)
    : cfg_(std::move(cfg)), placement_(std::move(placement)), engine_(engine), rng_(rng) {
  if (!(cfg_.step_s > 0)) throw std::invalid_argument("fluid pool: step must be > 0");
  law_.idle_w = cfg_.idle_gpu_w;
  const size_t replicas = size_t(cfg_.servers) * cfg_.replicas_per_server;
  wanted_.assign(replicas, 1);
  ready_.assign(replicas, 0);
  failed_.assign(cfg_.servers, 0);
  point_of_.assign(cfg_.servers, 0);
  points_[0] = OperatingPoint{cfg_.initial_cap_w > 0 ? cfg_.initial_cap_w : 0.0, 1.0};
  regroup();
  const std::string& g = placement_.group;
  series_ = declare_pool_series(recorder, g,
                                {[this] { return q_; }, [this] { return x_; }, [this] { return double(up_); }});
  if (cfg_.count_series && std::string(cfg_.count_series) == "tokens_out")
    tokens_out_ = recorder.counter(g, "tokens_out", "1", "Output tokens of requests completed during the step");
  if (cfg_.count_series && std::string(cfg_.count_series) == "images_out")
    images_out_ = recorder.counter(g, "images_out", "1", "Images (videos count 1) delivered by completed requests");
  recorder.gauge(g, "capacity_rps", "1/s", "Requests/s the replicas up can serve at full concurrency (fluid capacity curve)",
                 [this] { return started_ ? double(up_) * rate_ * curve_.capacity() : 0.0; });
}

void FluidPool::submit(const workload::Request&) {
  throw std::logic_error("fluid pool " + placement_.site + "/" + placement_.name +
                         ": takes arrival flows (add_flow_source), not requests");
}

bool FluidPool::add_flow_source(workload::FlowSource* source, uint32_t workload) {
  Source s;
  s.src = source;
  s.workload = workload;
  sources_.push_back(s);
  return true;
}

void FluidPool::build_curve() {
  const double now = engine_.now();
  std::vector<workload::Request> mix;
  if (!sources_.empty()) {
    std::vector<double> w;
    double total = 0;
    for (const auto& s : sources_) {
      const double r = s.src->flow_rate(now);
      w.push_back(std::isfinite(r) && r > 0 ? r : 0.0);
      total += w.back();
    }
    mix.reserve(cfg_.mix_sample);
    for (size_t i = 0; i < sources_.size(); ++i) {
      const double share = total > 0 ? w[i] / total : 1.0 / double(sources_.size());
      const auto n = static_cast<size_t>(std::llround(share * double(cfg_.mix_sample)));
      for (size_t k = 0; k < std::max<size_t>(n, 1); ++k) {
        workload::Request r;
        r.workload = sources_[i].workload;
        sources_[i].src->flow_class().fill(r, rng_, nullptr);
        mix.push_back(r);
      }
    }
    ca2_ = 0;
    for (size_t i = 0; i < sources_.size(); ++i)
      ca2_ += (total > 0 ? w[i] / total : 1.0 / double(sources_.size())) * sources_[i].src->flow_interarrival_scv();
    curve_ = cfg_.make_curve(mix);
  } else {  // no workload: idle replicas only
    curve_.slots = 1;
    curve_.service_s = {1.0};
    curve_.gpu_power_w = {cfg_.idle_gpu_w * cfg_.gpus_per_replica, cfg_.idle_gpu_w * cfg_.gpus_per_replica};
    curve_.shape = {1.0};
  }
  curve_.check();
  nodes_.assign(curve_.shape.size(), 0.0);
}

void FluidPool::start() {
  build_curve();
  started_ = true;
  // Warm start (or nothing to load): every wanted replica is up now; otherwise each server loads
  // its replicas' weights (one transfer), and they are up when it completes.
  for (uint32_t s = 0; s < cfg_.servers; ++s) {
    if (warm_start_ || !(cfg_.weights_B > 0)) {
      for (uint32_t k = 0; k < cfg_.replicas_per_server; ++k) ready_[size_t(s) * cfg_.replicas_per_server + k] = 1;
    } else {
      load(s);
    }
  }
  regroup();
  const double now = engine_.now();
  for (auto& s : sources_) {
    s.rate_end = s.src->flow_rate(now);
    if (!std::isfinite(s.rate_end)) s.rate_end = 0;
  }
  power_since_s_ = now;
  engine_.at(now, this, 0);
}

void FluidPool::load(uint32_t server) {
  uint32_t n = 0;
  for (uint32_t k = 0; k < cfg_.replicas_per_server; ++k) {
    const size_t i = size_t(server) * cfg_.replicas_per_server + k;
    n += wanted_[i] && !ready_[i];
  }
  if (n == 0 || failed_[server]) return;
  if (!(cfg_.weights_B > 0)) {
    for (uint32_t k = 0; k < cfg_.replicas_per_server; ++k) ready_[size_t(server) * cfg_.replicas_per_server + k] = 1;
    return;
  }
  load_weights(engine_, placement_, server, cfg_.weights_B * double(n), this, kLoadBit | server);
}

void FluidPool::on_event(uint64_t tag) {
  if (tag & kLoadBit) {  // a server's weights are loaded: its wanted replicas take work from the next step
    const auto server = static_cast<uint32_t>(tag & ~kLoadBit);
    if (failed_[server]) return;
    for (uint32_t k = 0; k < cfg_.replicas_per_server; ++k) {
      const size_t i = size_t(server) * cfg_.replicas_per_server + k;
      if (wanted_[i]) ready_[i] = 1;
    }
    regroup();
    return;
  }
  const double now = engine_.now();
  step(now);
  engine_.at(now + cfg_.step_s, this, 0);
}

double poisson_count(Rng& rng, double mean) {
  if (!(mean > 0)) return 0.0;
  if (mean < 30) {  // inversion by multiplication (Knuth)
    const double limit = std::exp(-mean);
    double p = rng.uniform();
    double k = 0;
    while (p > limit) {
      p *= rng.uniform();
      k += 1;
    }
    return k;
  }
  return std::max(0.0, std::round(mean + std::sqrt(mean) * rng.normal()));
}

double FluidPool::flow_room(double) const {
  return std::max(0.0, double(up_) * double(curve_.slots) - x_) + last_completed_;
}

void FluidPool::step(double now) {
  const double dt = cfg_.step_s;
  // Energy of the step that ends now, at the power held over it.
  energy_j_ += power_w_ * (now - power_since_s_);
  power_since_s_ = now;

  // Arrivals over [now, now + dt): read from the rate curves, or what the service's flow front
  // end admitted and routed here.
  double a = 0;
  for (size_t i = 0; i < sources_.size(); ++i) {
    Source& s = sources_[i];
    double m;
    if (inlet_) {
      m = inlet_->flow_in(route_, static_cast<uint32_t>(i), now, dt);
    } else {
      double r1 = s.src->flow_rate(now + dt);
      if (!std::isfinite(r1)) r1 = 0;
      m = 0.5 * (s.rate_end + r1) * dt;
      s.rate_end = r1;
      if (cfg_.poisson_counts) m = poisson_count(rng_, m);
    }
    s.step_a = m;
    a += m;
  }

  // Batch size k of a busy replica and the replicas busy (fluid_pool.hpp).
  const double R = up_;
  const double slots = curve_.slots;
  const double lambda = a / dt;
  double k_min = 1;
  if (curve_.batch_window_s > 0 && slots > 1 && lambda > 0)
    k_min = std::min(slots, 1 + lambda * std::min(curve_.batch_window_s, (slots - 1) / lambda));
  const double k = R > 0 ? std::clamp(x_ / R, k_min, slots) : k_min;
  const double busy = R > 0 ? std::min(R, x_ / k) : 0.0;
  const double share = R > 0 ? busy / R : 0.0;
  const double g = cfg_.gpus_per_replica;
  const double pu = curve_.power_w(k) / g;  // per GPU of a busy replica, uncapped
  double rate_sum = 0, power = 0;
  for (size_t p = 0; p < points_.size(); ++p) {
    if (up_at_[p] == 0) continue;
    rate_sum += up_at_[p] * law_.rate(pu, points_[p]);
    power += up_at_[p] * g * (share * law_.power_w(pu, points_[p]) + (1.0 - share) * cfg_.idle_gpu_w);
  }
  power += double(loading_) * g * cfg_.idle_gpu_w;  // loading their weights: idle
  rate_ = R > 0 ? rate_sum / R : 1.0;
  double c = rate_ * busy * curve_.throughput(k) * dt;
  const double excess = x_ - busy * k;  // in service beyond the slots up: replicas removed or failed, draining
  if (excess > 1e-12) c += excess * dt / curve_.service_s.back();
  c = std::min(c, x_);

  // Admission into the free slots, then the queue cap.
  const double free = std::max(0.0, R * slots - (x_ - c));
  const double m = std::min(q_ + a, free);
  q_ += a - m;
  x_ += m - c;
  double rej = 0;
  if (q_ > double(cfg_.queue_capacity)) {
    rej = q_ - double(cfg_.queue_capacity);
    q_ = double(cfg_.queue_capacity);
  }
  if (x_ < 0) x_ = 0;
  arrived_ += a;
  rejected_ += rej;
  completed_ += c;
  last_completed_ = c;
  lambda_ = lambda;

  // Split among the workloads and report whole requests; every latency_every steps, new latency
  // points for the completions since the last ones.
  double fl_total = 0;
  for (const auto& s : sources_) fl_total += std::max(0.0, s.a - s.rej - s.done - s.drop);
  for (auto& s : sources_) {
    const double fl = std::max(0.0, s.a - s.rej - s.done - s.drop);
    const double done = fl_total > 0 ? std::min(fl, c * fl / fl_total) : 0.0;
    const double r = a > 0 ? rej * s.step_a / a : 0.0;
    s.a += s.step_a;
    s.rej += r;
    s.adm += s.step_a - r;
    s.done += done;
  }

  for (auto& s : sources_) report(s);
  if (--latency_countdown_ > 0) {
    pending_completed_ += c;
  } else {
    latency_countdown_ = cfg_.latency_every;
    const bool any = pending_completed_ + c > 0;
    pending_completed_ = 0;
    latency_points(k, k_min, lambda, R);
    if (any)
      for (double l : nodes_) series_.latency.observe(l);
    for (auto& s : sources_) report_latency(s, now);
  }

  // Series and power for the coming step.
  series_.arrivals.add(a);
  series_.admitted.add(a - rej);
  series_.rejected.add(rej);
  series_.completed.add(c);
  if (curve_.tokens_per_request > 0) tokens_out_.add(c * curve_.tokens_per_request);
  if (curve_.images_per_request > 0) images_out_.add(c * curve_.images_per_request);
  const double total_replicas = double(wanted_.size());
  series_.utilization.set(now, total_replicas > 0 ? busy / total_replicas : 0.0);
  power_w_ = power;
  series_.power.set(now, power_w_);
}

// The latency points of the pool's current state (fluid_latency.hpp). A batching pool queues
// batches of k for its R replicas; while it collects (nothing queued, batches of k_min), a
// request's batch has J = 1 + Poisson(lambda D) requests (truncated at slots; size-biased: a
// request is more often in a large batch) and it waits D if it opened the batch, U(0, D) if it
// joined.
void FluidPool::latency_points(double k, double k_min, double lambda, double R) {
  const double slots = curve_.slots;
  const double t_mean = curve_.service_time(k) / rate_;
  const bool collecting = curve_.batches && q_ <= 0 && k_min > 1 && k <= k_min;
  if (curve_.batches)
    wait_ = allen_cunneen(lambda_ / k, t_mean, std::max(1.0, R), ca2_, 0.0, q_ / k);
  else
    wait_ = allen_cunneen(lambda_, t_mean, std::max(1.0, R * slots), ca2_, curve_.service_scv, q_);
  const double d = collecting ? std::min(curve_.batch_window_s, (slots - 1) / lambda) : 0.0;
  if (collecting) batch_cdf(lambda * d);
  // The waiting-time points at (i + 1/2) / K, their stationary part scaled to the exact mean
  // (the midpoints of an exponential tail fall short of it: ~1 % at K = 64).
  const size_t K = nodes_.size();
  double w_sum = 0;
  for (size_t j = 0; j < K; ++j) {
    const double u = (double((j * kPermutation) % K) + 0.5) / double(K);
    nodes_[j] = wait_.quantile(u) - wait_.backlog_s;
    w_sum += nodes_[j];
  }
  const double w_scale = w_sum > 0 ? double(K) * (wait_.mean() - wait_.backlog_s) / w_sum : 0.0;
  double collect_sum = 0;
  for (size_t j = 0; j < K; ++j) {
    double service = t_mean * curve_.shape[j], collect = 0;
    if (collecting) {
      const double u = (double(j) + 0.5) / double(K);
      size_t size = 0;
      while (size + 1 < cdf_.size() && cdf_[size] < u) ++size;
      const double jsize = double(size + 1);
      service = curve_.service_time(jsize) / rate_;
      const double v = (double((j * kPermutation2) % K) + 0.5) / double(K);
      const double opener = 1.0 / jsize;
      collect = v > 1.0 - opener ? d : d * v / (1.0 - opener);
    }
    nodes_[j] = wait_.backlog_s + w_scale * nodes_[j] + service + collect;
    collect_sum += collect;
  }
  // What request level would count as waiting on average besides the fluid queue (Little): the
  // stationary queue lambda E[Wq] and the requests collecting into a batch lambda E[collection].
  stationary_waiting_ = lambda_ * (std::max(0.0, wait_.mean() - wait_.backlog_s) + collect_sum / double(K));
}

// cdf_[s - 1] = P(a request's batch has at most s requests): J = 1 + Poisson(mu) truncated at
// slots, size-biased (weight s P(J = s)).
void FluidPool::batch_cdf(double mu) {
  const size_t slots = curve_.slots;
  cdf_.assign(slots, 0.0);
  double p = std::exp(-mu), tail = 1.0, total = 0;
  for (size_t s = 1; s <= slots; ++s) {
    const double ps = s < slots ? p : std::max(0.0, tail);
    cdf_[s - 1] = double(s) * ps;
    total += cdf_[s - 1];
    tail -= p;
    p *= mu / double(s);
  }
  double run = 0;
  for (double& v : cdf_) {
    run += v / total;
    v = run;
  }
}

void FluidPool::report(Source& s) {
  workload::FlowCounts floors{uint64_t(std::floor(s.a)), uint64_t(std::floor(s.adm)), uint64_t(std::floor(s.rej)),
                              uint64_t(std::floor(s.done)), uint64_t(std::floor(s.drop))};
  // Never more finished than arrived (rounding of the splits).
  const uint64_t out = floors.rejected + floors.completed + floors.dropped;
  if (out > floors.arrived) floors.completed -= std::min(floors.completed, out - floors.arrived);
  workload::FlowCounts d{floors.arrived - s.told.arrived, floors.admitted - s.told.admitted,
                         floors.rejected - s.told.rejected, floors.completed - s.told.completed,
                         floors.dropped - s.told.dropped};
  s.told = floors;
  s.src->on_flow(d);
  s.pending += d.completed;
}

// The completions since the last latency points over the current ones, rotated so that small
// counts visit them all.
void FluidPool::report_latency(Source& s, double now) {
  const size_t K = nodes_.size();
  const uint64_t n = s.pending;
  s.pending = 0;
  if (n == 0) return;
  for (size_t j = 0; j < K; ++j) {
    const uint64_t k = (uint64_t(j) + 1) * n / K - uint64_t(j) * n / K;
    if (k == 0) continue;
    const double l = nodes_[(j + s.node_offset) % K];
    s.src->on_flow_latency(l, k, now - l);
  }
  s.node_offset = static_cast<uint32_t>((s.node_offset + n) % K);
}

uint64_t FluidPool::in_flight() const {
  uint64_t n = 0;
  for (const auto& s : sources_) n += s.told.arrived - s.told.completed - s.told.rejected - s.told.dropped;
  return n;
}

PoolLoad FluidPool::load() const {
  return {uint64_t(std::llround(q_ + stationary_waiting_)), uint64_t(std::llround(x_)), up_, uint32_t(wanted_.size())};
}

PoolTotals FluidPool::totals(double now) const {
  PoolTotals t;
  for (const auto& s : sources_) {
    t.arrived += s.told.arrived;
    t.admitted += s.told.admitted;
    t.rejected += s.told.rejected;
    t.completed += s.told.completed;
  }
  t.energy_j = energy_j_ + power_w_ * (now - power_since_s_);
  return t;
}

uint32_t FluidPool::replicas_up() const { return up_; }

void FluidPool::regroup() {
  up_at_.assign(points_.size(), 0);
  up_ = 0;
  loading_ = 0;
  const uint32_t per = cfg_.replicas_per_server;
  for (uint32_t s = 0; s < cfg_.servers; ++s) {
    if (failed_[s]) continue;
    for (uint32_t k = 0; k < per; ++k) {
      const size_t i = size_t(s) * per + k;
      if (!wanted_[i]) continue;
      if (!ready_[i] && started_) {
        ++loading_;
        continue;
      }
      ++up_at_[point_of_[s]];
      ++up_;
    }
  }
}

uint32_t FluidPool::add_replicas(uint32_t n) {
  uint32_t added = 0;
  for (size_t i = 0; i < wanted_.size() && added < n; ++i) {
    if (wanted_[i] || failed_[i / cfg_.replicas_per_server]) continue;
    wanted_[i] = 1;
    ready_[i] = 0;
    ++added;
    const auto s = static_cast<uint32_t>(i / cfg_.replicas_per_server);
    if (started_ && (load_pending_.empty() || load_pending_.back() != s)) load_pending_.push_back(s);
  }
  for (const uint32_t s : load_pending_) load(s);  // servers in increasing order, each once
  load_pending_.clear();
  regroup();
  return added;
}

uint32_t FluidPool::remove_replicas(uint32_t n) {
  uint32_t removed = 0;
  for (size_t i = wanted_.size(); i-- > 0 && removed < n;) {
    if (!wanted_[i]) continue;
    wanted_[i] = 0;
    ready_[i] = 0;
    ++removed;
  }
  regroup();
  return removed;
}

void FluidPool::set_power_cap(double watts_per_gpu, ServerSet servers) {
  const auto mask = server_mask(servers, cfg_.servers);
  const double cap = (watts_per_gpu > 0 && std::isfinite(watts_per_gpu)) ? watts_per_gpu : 0.0;
  for (uint32_t s = 0; s < cfg_.servers; ++s)
    if (mask[s]) point_of_[s] = point_index(points_, OperatingPoint{cap, points_[point_of_[s]].speed});
  regroup();
}

void FluidPool::set_speed_factor(double factor, ServerSet servers) {
  check_speed_factor(factor);
  const auto mask = server_mask(servers, cfg_.servers);
  for (uint32_t s = 0; s < cfg_.servers; ++s)
    if (mask[s]) point_of_[s] = point_index(points_, OperatingPoint{points_[point_of_[s]].cap_w, factor});
  regroup();
}

void FluidPool::fail_server(uint32_t server) {
  if (server >= cfg_.servers) throw std::invalid_argument("fluid pool: no server " + std::to_string(server));
  if (failed_[server]) return;
  uint32_t lost = 0;  // its replicas up
  for (uint32_t k = 0; k < cfg_.replicas_per_server; ++k) {
    const size_t i = size_t(server) * cfg_.replicas_per_server + k;
    lost += wanted_[i] && ready_[i];
    ready_[i] = 0;
  }
  if (up_ > 0 && lost > 0) {  // the failed replicas' share of what is in service: retried or lost
    const double d = x_ * double(lost) / double(up_);
    x_ -= d;
    if (orphans_retried_) {
      q_ += d;  // back to the queue, as the orphan handler resubmits them
    } else {
      dropped_ += d;
      double fl_total = 0;
      for (const auto& s : sources_) fl_total += std::max(0.0, s.a - s.rej - s.done - s.drop);
      for (auto& s : sources_) {
        const double fl = std::max(0.0, s.a - s.rej - s.done - s.drop);
        if (fl_total > 0) s.drop += std::min(fl, d * fl / fl_total);
      }
    }
  }
  failed_[server] = 1;
  regroup();
}

void FluidPool::repair_server(uint32_t server) {
  if (server >= cfg_.servers) throw std::invalid_argument("fluid pool: no server " + std::to_string(server));
  failed_[server] = 0;
  for (uint32_t k = 0; k < cfg_.replicas_per_server; ++k) ready_[size_t(server) * cfg_.replicas_per_server + k] = 0;
  if (started_) load(server);
  regroup();
}

}  // namespace dcsim::serving::fluid
