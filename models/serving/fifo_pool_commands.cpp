// FifoPool commands (pool.hpp): replicas added and removed (drain), power cap and speed factor
// per server (throttle.hpp), server failure and repair. The law is in fifo_pool.hpp.
#include <algorithm>
#include <cmath>

#include "models/serving/fifo_pool.hpp"
#include "models/serving/replica_commands.hpp"
#include "models/serving/weight_loading.hpp"

namespace dcsim::serving {

void FifoPool::stop(uint32_t i) {
  Replica& rep = replicas_[i];
  rep.state = State::stopped;
  rep.draining = false;
  rep.load = kNoLoad;
  ++stopped_replicas_;
  update_power();
}

void FifoPool::unidle(uint32_t i) { idle_.erase(std::find(idle_.begin(), idle_.end(), i)); }

// One transfer per server for the replicas it restarts (as at start()).
void FifoPool::load(const std::vector<uint32_t>& replicas) {
  const double now = engine_.now();
  commands::by_server(replicas_, replicas, placement_.servers.size(), [&](uint32_t s, const std::vector<uint32_t>& on) {
    const auto id = static_cast<uint32_t>(load_server_.size());
    load_server_.push_back(s);
    for (uint32_t i : on) {
      Replica& rep = replicas_[i];
      rep.state = State::loading;
      rep.load = id;
      rep.load_started_s = now;
      --stopped_replicas_;
    }
    load_weights(engine_, placement_, s, weights_bytes_ * double(on.size()), this, kLoadDoneBit | id);
  });
  update_power();  // loading GPUs draw idle power
}

uint32_t FifoPool::add_replicas(uint32_t n) {
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

uint32_t FifoPool::remove_replicas(uint32_t n) {
  const std::vector<uint32_t> picked = commands::unwant(replicas_, n);
  for (uint32_t i : picked) {
    Replica& rep = replicas_[i];
    if (up(rep)) --active_replicas_;
    switch (rep.state) {
      case State::loading:
        stop(i);
        break;
      case State::idle:
        unidle(i);
        stop(i);
        break;
      case State::busy:
        rep.draining = true;  // finishes its request, then stops
        break;
      case State::stopped:  // its server failed: it stays down when repaired
        break;
    }
  }
  return static_cast<uint32_t>(picked.size());
}

void FifoPool::move_to_point(uint32_t i, uint16_t point) {
  Replica& rep = replicas_[i];
  if (rep.point == point) return;
  if (rep.state == State::busy) {
    // The rest of the service at the new rate.
    const double now = engine_.now();
    const double remaining = (rep.end_s - now) * point_rate_[rep.point] / point_rate_[point];
    engine_.cancel(rep.done);
    rep.end_s = now + remaining;
    rep.done = engine_.at(rep.end_s, this, i);
    busy_gpus_[rep.point] -= gpus_per_replica_;
    busy_gpus_[point] += gpus_per_replica_;
  }
  rep.point = point;
}

void FifoPool::set_points(const std::vector<uint8_t>& servers, bool cap, double value) {
  for (uint32_t i = 0; i < replicas_.size(); ++i) {
    if (!servers[replicas_[i].server]) continue;
    OperatingPoint p = points_[replicas_[i].point];
    (cap ? p.cap_w : p.speed) = value;
    const size_t before = points_.size();
    const uint16_t g = point_index(points_, p);
    if (points_.size() != before) {
      point_busy_w_.push_back(law_.power_w(gpu_power_.busy_w, p));
      point_rate_.push_back(law_.rate(gpu_power_.busy_w, p));
      busy_gpus_.push_back(0.0);
    }
    move_to_point(i, g);
  }
  update_power();
}

void FifoPool::set_power_cap(double watts, ServerSet servers) {
  set_points(server_mask(servers, placement_.servers.size()), true, commands::cap_value(watts));
}

void FifoPool::set_speed_factor(double factor, ServerSet servers) {
  check_speed_factor(factor);
  set_points(server_mask(servers, placement_.servers.size()), false, factor);
}

void FifoPool::fail_server(uint32_t server) {
  if (server >= placement_.servers.size()) throw std::invalid_argument("fifo pool: no server " + std::to_string(server));
  if (server_failed_[server]) return;
  server_failed_[server] = 1;
  const double now = engine_.now();
  std::vector<workload::Request> orphans;
  for (uint32_t i = 0; i < replicas_.size(); ++i) {
    Replica& rep = replicas_[i];
    if (rep.server != server || rep.state == State::stopped) continue;
    if (up(rep)) --active_replicas_;
    if (rep.state == State::busy) {
      engine_.cancel(rep.done);
      --busy_replicas_;
      busy_gpus_[rep.point] -= gpus_per_replica_;
      orphans.push_back(rep.current);
    } else if (rep.state == State::idle) {
      unidle(i);
    }
    stop(i);
  }
  for (const auto& r : orphans) orphan(r, now, observers_);
}

void FifoPool::repair_server(uint32_t server) {
  if (server >= placement_.servers.size()) throw std::invalid_argument("fifo pool: no server " + std::to_string(server));
  if (!server_failed_[server]) return;
  server_failed_[server] = 0;
  const auto to_load = commands::to_restart(replicas_, server, [](const Replica& r) { return r.state == State::stopped; });
  if (!to_load.empty()) load(to_load);
}

}  // namespace dcsim::serving
