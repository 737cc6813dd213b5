// Diffusion/video batching pool; equations and rules in diffusion_pool.hpp.
#include "models/serving/diffusion_pool.hpp"
#include "models/serving/weight_loading.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Host.hpp>

namespace dcsim::serving {

double video_frames(double video_seconds) { return kVideoFps * video_seconds + 1.0; }

DiffusionPool::DiffusionPool(DiffusionPoolConfig cfg, PoolPlacement placement, Engine& engine,
                             output::Recorder& recorder, const power::GpuPowerModel& image_power,
                             const power::GpuPowerModel& video_power, std::vector<RequestObserver*> observers)
    : cfg_(std::move(cfg)),
      placement_(std::move(placement)),
      engine_(engine),
      recorder_(recorder),
      observers_(std::move(observers)) {
  const double cap = image_power.cap_w();
  points_.push_back(Point{OperatingPoint{std::isfinite(cap) ? cap : 0.0, 1.0}, image_power, video_power});
  server_failed_.assign(placement_.servers.size(), 0);
  if (cfg_.max_batch == 0) cfg_.max_batch = 1;
  node_eff_ = cfg_.gpus_per_server > 1 ? cfg_.image_time.node_eff : 1.0;
  for (uint32_t s = 0; s < placement_.servers.size(); ++s) {
    for (uint32_t k = 0; k < cfg_.gpus_per_server; ++k) {
      Replica rep;
      rep.server = s;
      rep.batch.reserve(cfg_.max_batch);
      replicas_.push_back(std::move(rep));
    }
  }
  idle_.reserve(replicas_.size());

  const std::string& g = placement_.group;
  series_ = declare_pool_series(recorder_, g,
                                {[this] { return double(queue_.size()); }, [this] { return double(running_); },
                                 [this] { return double(active_replicas_); }});
  images_out_ = recorder_.counter(g, "images_out", "1", "Images (videos count 1) delivered by completed requests");
  // capacity_rps = replicas up x max_batch / t_batch(max_batch, ref_pixels, default_steps) at the
  // nominal operating point: what the demand figures draw against arrivals (a video model: one
  // video of the video class's default 5 s per t_video).
  const bool video = cfg_.model.kind == catalog::ModelKind::video;
  const double per_replica = video ? 1.0 / video_time(cfg_.model.ref_pixels, 5.0, cfg_.model.default_steps)
                                   : cfg_.max_batch / image_batch_time(cfg_.max_batch, cfg_.model.ref_pixels,
                                                                       cfg_.model.default_steps);
  recorder_.gauge(g, "capacity_rps", "1/s",
                  "Requests/s the replicas up can serve in full batches of the model's default image (catalog "
                  "resolution and steps), nominal operating point",
                  [this, per_replica] { return double(active_replicas_) * per_replica; });
}

void DiffusionPool::set_batchable(uint32_t workload, bool batchable) {
  if (non_batchable_.size() <= workload) non_batchable_.resize(size_t(workload) + 1, 0);
  non_batchable_[workload] = batchable ? 0 : 1;
}

bool DiffusionPool::batchable(const workload::Request& r) const {
  if (r.kind == workload::RequestKind::video) return false;
  return !(r.workload < non_batchable_.size() && non_batchable_[r.workload]);
}

double DiffusionPool::image_batch_time(double images, double pixels, int steps, uint16_t point) const {
  const Point& pt = points_[point];
  const auto& m = cfg_.model;
  const double mb = cfg_.max_batch;
  auto one = [&](double b) {
    return diffusion_batch_time(steps, b, pixels, m.ref_pixels, m.flops_per_step, cfg_.gpu.bf16_flops, cfg_.image_time);
  };
  double t = 0;
  if (images <= mb) {
    t = one(images);
  } else {
    const double full = std::floor(images / mb);
    const double rem = images - full * mb;
    t = full * one(mb) + (rem > 0 ? one(rem) : 0.0);
  }
  const double pu = pt.image.diffusion_w(std::min(images, mb));
  return t / node_eff_ / throttled_rate(pt.image, pu, pt.op.speed);
}

double DiffusionPool::video_time(double pixels, double video_seconds, int steps, uint16_t point) const {
  const Point& pt = points_[point];
  const auto& m = cfg_.model;
  const double px = pixels * video_frames(video_seconds) / kVideoRefFrames;
  const double t = diffusion_batch_time(steps, 1.0, px, m.ref_pixels, m.flops_per_step, cfg_.gpu.bf16_flops,
                                        cfg_.video_time);
  return t / throttled_rate(pt.video, pt.video.diffusion_w(1.0), pt.op.speed);
}

void DiffusionPool::start() {
  for (auto& rep : replicas_) {
    if (rep.state == State::stopped) continue;  // removed before the start
    set_power(rep, points_[0].image.idle_w());
    rep.load_started_s = engine_.now();
  }
  // One transfer per server carries the weights of all its replicas (as LlmPool): the same ready
  // times as one per replica within the pool (equal flows on the same links end together under
  // max-min sharing), gpus_per_server times fewer flows.
  for (uint32_t s = 0; s < placement_.servers.size(); ++s) {
    const auto id = static_cast<uint32_t>(load_server_.size());
    uint32_t n = 0;
    for (uint32_t k = 0; k < cfg_.gpus_per_server; ++k) {
      Replica& rep = replicas_[s * cfg_.gpus_per_server + k];
      if (rep.state == State::stopped) continue;
      rep.load = id;
      ++n;
    }
    if (n == 0) continue;
    load_server_.push_back(s);
    if (warm_start_) {
      engine_.at(engine_.now(), this, kLoadDoneBit | id);
    } else {
      load_weights(engine_, placement_, s, cfg_.model.weights_B() * n, this, kLoadDoneBit | id);
    }
  }
}

void DiffusionPool::load_done(uint32_t load) {
  const double now = engine_.now();
  const uint32_t server = load_server_[load];
  const uint32_t first = server * cfg_.gpus_per_server;
  for (uint32_t i = first; i < first + cfg_.gpus_per_server && i < replicas_.size(); ++i) {
    Replica& rep = replicas_[i];
    if (rep.load != load) continue;  // stopped or reloading meanwhile
    rep.load = kNoLoad;
    rep.ready_s = now;
    ++active_replicas_;
    recorder_.event("replica_ready", placement_.group + "/replicas/" + std::to_string(i), now - rep.load_started_s,
                    "weights loaded from site storage; value = load time in s");
    replica_free(i);
  }
}

void DiffusionPool::submit(const workload::Request& r) {
  ++totals_.arrived;
  series_.arrivals.add();
  // While a replica collects, the queue is its batch: an arrival that joins it is taken by that
  // replica; anything else counts against the cap of requests waiting for no replica.
  const bool joins = collecting_ != kNone && batchable(r) && collect_images_ + images_of(r) <= cfg_.max_batch;
  const size_t waiting = collecting_ != kNone ? 0 : queue_.size();
  if (!joins && idle_.empty() && waiting >= cfg_.queue_capacity) {
    ++totals_.rejected;
    series_.rejected.add();
    observers_[r.workload]->on_rejected(r, engine_.now());
    return;
  }
  ++totals_.admitted;
  series_.admitted.add();
  queue_.push_back(r);
  if (collecting_ != kNone) {
    // The queue held exactly the batch being collected.
    const uint32_t c = collecting_;
    const uint32_t u = images_of(r);
    if (batchable(r) && collect_images_ + u <= cfg_.max_batch) {
      collect_images_ += u;
      if (collect_images_ >= cfg_.max_batch) {
        engine_.cancel(replicas_[c].window);
        collecting_ = kNone;
        start_batch(c, queue_.size());
      }
    } else {
      engine_.cancel(replicas_[c].window);
      collecting_ = kNone;
      start_batch(c, queue_.size() - 1);  // the newcomer stays for another replica
    }
  }
  dispatch_idle();
}

void DiffusionPool::dispatch_idle() {
  if (collecting_ == kNone && !idle_.empty()) expire_head(queue_, engine_.now(), observers_);
  while (collecting_ == kNone && !idle_.empty() && !queue_.empty()) {
    const uint32_t i = idle_.back();
    idle_.pop_back();
    try_start(i);
  }
}

void DiffusionPool::replica_free(uint32_t i) {
  Replica& rep = replicas_[i];
  if (collecting_ == kNone) expire_head(queue_, engine_.now(), observers_);
  if (collecting_ != kNone || queue_.empty()) {
    rep.state = State::idle;
    idle_.push_back(i);
    set_power(rep, points_[0].image.idle_w());
    return;
  }
  try_start(i);
}

void DiffusionPool::try_start(uint32_t i) {
  Replica& rep = replicas_[i];
  const workload::Request& front = queue_.front();
  if (!batchable(front)) {
    start_batch(i, 1);
    return;
  }
  uint64_t imgs = images_of(front);
  size_t n = 1;
  for (; n < queue_.size() && imgs < cfg_.max_batch; ++n) {
    const workload::Request& r = queue_[n];
    if (!batchable(r) || imgs + images_of(r) > cfg_.max_batch) break;
    imgs += images_of(r);
  }
  const bool full = n < queue_.size() || imgs >= cfg_.max_batch || cfg_.batch_window_s <= 0;
  if (full) {
    start_batch(i, n);
    return;
  }
  rep.state = State::collecting;
  set_power(rep, points_[0].image.idle_w());
  collecting_ = i;
  collect_images_ = imgs;
  rep.window = engine_.after(cfg_.batch_window_s, this, kWindowBit | i);
}

void DiffusionPool::start_batch(uint32_t i, size_t n) {
  Replica& rep = replicas_[i];
  const double now = engine_.now();
  rep.batch.clear();
  double images = 0, pixels = 0;
  int steps = 0;
  for (size_t k = 0; k < n; ++k) {
    workload::Request r = queue_.front();
    queue_.pop_front();
    r.start_s = now;
    images += images_of(r);
    pixels = std::max(pixels, r.pixels > 0 ? double(r.pixels) : cfg_.model.ref_pixels);
    steps = std::max(steps, r.steps > 0 ? int(r.steps) : cfg_.model.default_steps);
    rep.batch.push_back(r);
  }
  double t = 0, w = 0;
  const Point& pt = points_[rep.point];
  rep.batch_video = rep.batch.front().kind == workload::RequestKind::video;
  if (rep.batch_video) {
    const workload::Request& v = rep.batch.front();
    t = video_time(pixels, v.video_seconds, steps, rep.point);
    rep.batch_pu = pt.video.diffusion_w(1.0);
    w = throttled_w(pt.video, rep.batch_pu, pt.op.speed, kClockPowerAlpha);
  } else {
    t = image_batch_time(images, pixels, steps, rep.point);
    rep.batch_pu = pt.image.diffusion_w(std::min(images, double(cfg_.max_batch)));
    w = throttled_w(pt.image, rep.batch_pu, pt.op.speed, kClockPowerAlpha);
  }
  rep.state = State::busy;
  rep.batch_start_s = now;
  rep.batch_mark_s = now;
  rep.batch_energy_j = 0;
  rep.batch_images = images;
  running_ += n;
  ++busy_replicas_;
  ++batches_total_;
  set_power(rep, w);
  rep.batch_end_s = now + t;
  rep.done = engine_.after(t, this, i);
}

void DiffusionPool::on_event(uint64_t tag) {
  if (tag & kLoadDoneBit) {
    load_done(static_cast<uint32_t>(tag & ~kLoadDoneBit));
  } else if (tag & kWindowBit) {
    const auto i = static_cast<uint32_t>(tag & ~kWindowBit);
    if (collecting_ != i) return;  // stale (cancelled events never fire; defensive)
    collecting_ = kNone;
    start_batch(i, queue_.size());
    dispatch_idle();
  } else {
    finish_batch(static_cast<uint32_t>(tag));
  }
}

void DiffusionPool::finish_batch(uint32_t i) {
  Replica& rep = replicas_[i];
  const double now = engine_.now();
  const double batch_energy = rep.batch_energy_j + rep.power_w * (now - rep.batch_mark_s);
  for (workload::Request& r : rep.batch) {
    const uint32_t u = images_of(r);
    r.energy_j = batch_energy * u / rep.batch_images;
    ++totals_.completed;
    series_.completed.add();
    images_out_total_ += u;
    images_out_.add(u);
    series_.latency.observe(now - r.arrival_s);
    observers_[r.workload]->on_completed(r, now);
  }
  running_ -= rep.batch.size();
  rep.batch.clear();
  --busy_replicas_;
  if (rep.draining) {
    stop(i);
  } else {
    replica_free(i);  // sets the replica's new power
  }
}

void DiffusionPool::account_energy() {
  const double now = engine_.now();
  totals_.energy_j += power_total_w_ * (now - power_since_s_);
  power_since_s_ = now;
}

void DiffusionPool::set_power(Replica& rep, double w) {
  account_energy();
  power_total_w_ += w - rep.power_w;
  rep.power_w = w;
  const double now = engine_.now();
  series_.power.set(now, power_total_w_);
  series_.utilization.set(now, replicas_.empty() ? 0.0 : double(busy_replicas_) / double(replicas_.size()));
}

PoolTotals DiffusionPool::totals(double now) const {
  PoolTotals t = totals_;
  t.energy_j += power_total_w_ * (now - power_since_s_);
  return t;
}

}  // namespace dcsim::serving
