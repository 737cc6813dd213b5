// The placeholder serving pool of the foundation issue.
//
// servers x gpus_per_server GPUs form R = servers * gpus_per_server / gpus_per_replica replicas.
// At start every server loads the weights of all its replicas from the site storage as one SimGrid
// transfer (storage host -> server host, replicas_per_server x `weights` bytes); its replicas are
// all ready when it completes. Start-up time depends on the storage link's bandwidth and on how
// many servers load at once:  T_load ~ latency + R_loading * W / B when the storage link is the
// bottleneck (N servers of k replicas: N flows of k W, the same as N k flows of W). Storage
// bandwidth is shared max-min between servers' flows, not replicas'. A replica serves one request at a time; requests wait
// in one FIFO queue of `queue_capacity`; an arrival that finds it full is rejected. Service time
// comes from a service_time model; power from power::IdleBusyGpuPower.
//
// Hot path: submit/complete touch a ring of replica indices, a deque of requests and a few
// recorder handles; no allocation beyond the deque's blocks, no virtual call but the service
// time draw.
//
// Commands (pool.hpp): a power cap and a speed factor act through the two-state form of the
// GPU power model's law (throttle.hpp: TwoStateLaw, busy power P_u = gpu.busy_power): a service
// takes its drawn time / rate, a busy GPU draws min(C, max(idle, P_u s^3)); a change rescales
// the remaining time of the services in progress. Pool power with some replicas stopped (0 W)
// and operating points g:
//   P = (N_gpus - N_stopped) P_idle + sum_g N_busy(g) (P_busy(g) - P_idle)
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "models/power/gpu_power.hpp"
#include "models/serving/pool.hpp"
#include "models/serving/pool_series.hpp"
#include "models/serving/service_time.hpp"
#include "models/serving/throttle.hpp"
#include "sim/output/recorder.hpp"
#include "sim/scenario/config.hpp"
#include "sim/util/rng.hpp"

namespace dcsim::serving {

class FifoPool final : public Pool, public EventHandler {
 public:
  // `cfg` is a validated pool block; observers are indexed by Request::workload.
  FifoPool(const scenario::Config& cfg, PoolPlacement placement, Engine& engine, output::Recorder& recorder,
           Rng rng, std::vector<RequestObserver*> observers);

  void start() override;
  void submit(const workload::Request& r) override;
  uint64_t in_flight() const override { return queue_.size() + busy_replicas_; }
  PoolLoad load() const override {
    return {queue_.size(), busy_replicas_, uint32_t(active_replicas_), uint32_t(replicas_.size())};
  }
  PoolTotals totals(double now) const override;
  const PoolPlacement& placement() const override { return placement_; }

  uint32_t add_replicas(uint32_t n) override;
  uint32_t remove_replicas(uint32_t n) override;
  void set_power_cap(double watts_per_gpu, ServerSet servers) override;
  void set_speed_factor(double factor, ServerSet servers) override;
  void fail_server(uint32_t server) override;
  void repair_server(uint32_t server) override;

  size_t replica_count() const { return replicas_.size(); }
  double power_w() const { return power_w_; }
  size_t replicas_active() const { return active_replicas_; }
  size_t queue_length() const { return queue_.size(); }

  void on_event(uint64_t tag) override;

 private:
  enum class State : uint8_t { loading, idle, busy, stopped };
  static constexpr uint32_t kNoLoad = UINT32_MAX;
  struct Replica {
    uint32_t server;
    State state = State::loading;
    double load_started_s = 0;
    workload::Request current;
    bool wanted = true;      // part of the pool's capacity (remove_replicas clears it)
    bool draining = false;   // removed while serving: stops when its request completes
    uint32_t load = kNoLoad; // the weight transfer it waits for
    uint16_t point = 0;      // operating point (points_)
    EventId done;            // its service's completion
    double end_s = 0;
  };
  static constexpr uint64_t kLoadDoneBit = 1ULL << 63;

  void begin_service(uint32_t replica, const workload::Request& r);
  void load_done(uint32_t load);        // a weight transfer arrived: its replicas are up
  void replica_ready(uint32_t replica);
  void complete(uint32_t replica);
  void update_power();
  bool up(const Replica& rep) const { return (rep.state == State::idle || rep.state == State::busy) && !rep.draining; }
  void stop(uint32_t replica);          // no power, not loaded
  void unidle(uint32_t replica);        // off the idle stack
  void load(const std::vector<uint32_t>& replicas);  // stopped replicas load their weights
  void move_to_point(uint32_t replica, uint16_t point);
  void set_points(const std::vector<uint8_t>& servers, bool cap, double value);

  TwoStateLaw law_;
  std::vector<OperatingPoint> points_{OperatingPoint{}};
  std::vector<double> point_busy_w_, point_rate_;  // per point: busy GPU power, service rate
  std::vector<double> busy_gpus_;                  // per point: GPUs of busy replicas
  std::vector<uint32_t> load_server_;              // per weight transfer: its server
  std::vector<uint8_t> server_failed_;
  size_t stopped_replicas_ = 0;

  PoolPlacement placement_;
  Engine& engine_;
  output::Recorder& recorder_;
  Rng rng_;
  std::vector<RequestObserver*> observers_;
  std::unique_ptr<ServiceTime> service_;
  power::IdleBusyGpuPower gpu_power_;
  double weights_bytes_;
  uint32_t gpus_per_replica_;
  uint32_t replicas_per_server_ = 1;
  size_t queue_capacity_;

  std::vector<Replica> replicas_;
  std::vector<uint32_t> idle_;  // stack of idle replica indices
  std::deque<workload::Request> queue_;
  size_t busy_replicas_ = 0;
  size_t active_replicas_ = 0;

  PoolTotals totals_;
  double power_w_ = 0;
  double power_since_s_ = 0;

  PoolSeries series_;
};

}  // namespace dcsim::serving
