// DiffusionPool commands (pool.hpp): replicas added and removed (drain), power cap and speed
// factor per server (throttle.hpp), server failure and repair. The law is in diffusion_pool.hpp.
#include <algorithm>
#include <cmath>

#include "models/serving/diffusion_pool.hpp"
#include "models/serving/replica_commands.hpp"
#include "models/serving/weight_loading.hpp"

namespace dcsim::serving {

double DiffusionPool::rate(const Replica& rep) const {
  const Point& pt = points_[rep.point];
  return throttled_rate(rep.batch_video ? pt.video : pt.image, rep.batch_pu, pt.op.speed);
}

void DiffusionPool::stop(uint32_t i) {
  Replica& rep = replicas_[i];
  rep.state = State::stopped;
  rep.draining = false;
  rep.load = kNoLoad;
  set_power(rep, 0.0);
}

void DiffusionPool::release(uint32_t i) {
  Replica& rep = replicas_[i];
  if (rep.state == State::idle) {
    idle_.erase(std::find(idle_.begin(), idle_.end(), i));
  } else if (rep.state == State::collecting) {
    engine_.cancel(rep.window);
    collecting_ = kNone;
  }
}

void DiffusionPool::load(const std::vector<uint32_t>& replicas) {
  const double now = engine_.now();
  commands::by_server(replicas_, replicas, placement_.servers.size(), [&](uint32_t s, const std::vector<uint32_t>& on) {
    const auto id = static_cast<uint32_t>(load_server_.size());
    load_server_.push_back(s);
    for (uint32_t i : on) {
      Replica& rep = replicas_[i];
      rep.state = State::loading;
      rep.load = id;
      rep.load_started_s = now;
      set_power(rep, points_[0].image.idle_w());
    }
    load_weights(engine_, placement_, s, cfg_.model.weights_B() * double(on.size()), this, kLoadDoneBit | id);
  });
}

uint32_t DiffusionPool::add_replicas(uint32_t n) {
  const std::vector<uint32_t> picked = commands::want(replicas_, server_failed_, n);
  std::vector<uint32_t> to_load;
  for (uint32_t i : picked) {
    Replica& rep = replicas_[i];
    if (rep.draining) {  // still serving: back at once
      rep.draining = false;
      ++active_replicas_;
    } else if (rep.state == State::stopped) {
      to_load.push_back(i);
    }
  }
  if (!to_load.empty()) load(to_load);
  return static_cast<uint32_t>(picked.size());
}

uint32_t DiffusionPool::remove_replicas(uint32_t n) {
  const std::vector<uint32_t> picked = commands::unwant(replicas_, n);
  for (uint32_t i : picked) {
    Replica& rep = replicas_[i];
    if (up(rep)) --active_replicas_;
    if (rep.state == State::busy) {
      rep.draining = true;  // finishes its batch, then stops
    } else if (rep.state != State::stopped) {
      const bool was_collecting = rep.state == State::collecting;
      release(i);
      stop(i);
      if (was_collecting) dispatch_idle();  // the queue it was collecting is another replica's now
    }
  }
  return static_cast<uint32_t>(picked.size());
}

void DiffusionPool::move_to_point(uint32_t i, uint16_t point) {
  Replica& rep = replicas_[i];
  if (rep.point == point) return;
  if (rep.state != State::busy) {
    rep.point = point;
    return;
  }
  // The rest of the batch at the new rate and power.
  const double now = engine_.now();
  const double old_rate = rate(rep);
  rep.batch_energy_j += rep.power_w * (now - rep.batch_mark_s);
  rep.batch_mark_s = now;
  rep.point = point;
  const Point& pt = points_[point];
  const double remaining = (rep.batch_end_s - now) * old_rate / rate(rep);
  engine_.cancel(rep.done);
  rep.batch_end_s = now + remaining;
  rep.done = engine_.at(rep.batch_end_s, this, i);
  set_power(rep, throttled_w(rep.batch_video ? pt.video : pt.image, rep.batch_pu, pt.op.speed, kClockPowerAlpha));
}

void DiffusionPool::set_points(const std::vector<uint8_t>& servers, bool cap, double value) {
  for (uint32_t i = 0; i < replicas_.size(); ++i) {
    if (!servers[replicas_[i].server]) continue;
    OperatingPoint p = points_[replicas_[i].point].op;
    (cap ? p.cap_w : p.speed) = value;
    uint16_t g = 0;
    while (g < points_.size() && !(points_[g].op == p)) ++g;
    if (g == points_.size()) {
      Point np{p, points_[0].image, points_[0].video};
      np.image.set_cap(p.cap_w);
      np.video.set_cap(p.cap_w);
      points_.push_back(std::move(np));
    }
    move_to_point(i, g);
  }
}

void DiffusionPool::set_power_cap(double watts, ServerSet servers) {
  set_points(server_mask(servers, placement_.servers.size()), true, commands::cap_value(watts));
}

void DiffusionPool::set_speed_factor(double factor, ServerSet servers) {
  check_speed_factor(factor);
  set_points(server_mask(servers, placement_.servers.size()), false, factor);
}

void DiffusionPool::fail_server(uint32_t server) {
  if (server >= placement_.servers.size()) throw std::invalid_argument("diffusion pool: no server " + std::to_string(server));
  if (server_failed_[server]) return;
  server_failed_[server] = 1;
  const double now = engine_.now();
  std::vector<workload::Request> orphans;
  bool freed_queue = false;
  for (uint32_t i = 0; i < replicas_.size(); ++i) {
    Replica& rep = replicas_[i];
    if (rep.server != server || rep.state == State::stopped) continue;
    if (up(rep)) --active_replicas_;
    if (rep.state == State::busy) {
      engine_.cancel(rep.done);
      const double energy = rep.batch_energy_j + rep.power_w * (now - rep.batch_mark_s);
      for (workload::Request r : rep.batch) {
        r.energy_j = energy * (r.images > 0 ? r.images : 1u) / rep.batch_images;
        orphans.push_back(r);
      }
      running_ -= rep.batch.size();
      rep.batch.clear();
      --busy_replicas_;
    } else {
      freed_queue = freed_queue || rep.state == State::collecting;
      release(i);
    }
    stop(i);
  }
  if (freed_queue) dispatch_idle();
  for (const auto& r : orphans) orphan(r, now, observers_);
}

void DiffusionPool::repair_server(uint32_t server) {
  if (server >= placement_.servers.size()) throw std::invalid_argument("diffusion pool: no server " + std::to_string(server));
  if (!server_failed_[server]) return;
  server_failed_[server] = 0;
  const auto to_load = commands::to_restart(replicas_, server, [](const Replica& r) { return r.state == State::stopped; });
  if (!to_load.empty()) load(to_load);
}

}  // namespace dcsim::serving
