// The diffusion (image) and video batching pool. See docs/models/serving-diffusion.md.
//
// A replica is one model on one GPU (tp = 1); a server of `gpus_per_server` GPUs holds that many
// replicas. At start every server loads the model's weights for all its replicas from the site
// storage as one SimGrid transfer (gpus_per_server x weights; as FifoPool and LlmPool); its
// replicas are all ready when it completes. Requests wait in one pool-wide FIFO queue; an arrival is rejected when
// no replica is idle, it cannot join the batch being collected, and `queue_capacity` requests
// already wait for no replica (the batch being collected does not count). A replica that becomes free
// takes the waiting requests from the front of the queue, up to `max_batch` images:
//   * the batch starts at once when it is full (max_batch images, or the next request does not
//     fit), when the front request is not batchable (video, or its workload was marked
//     non-batchable: it runs alone), or when batch_window = 0;
//   * otherwise the replica waits up to `batch_window` for more (one timer event, cancelled when
//     the batch fills or an arrival cannot join it). Only one replica collects at a time.
// One event per batch (never per step):
//   image batch of B images:  t = steps_max * t_step(B, pixels_max) / node_eff / f_cap
//                             (B > max_batch, a single large request: ceil(B / max_batch) batches
//                             back to back, the last one partial)
//   video (always alone):     frames = 16 fps * video_seconds + 1, pixels_eff = pixels * frames / 81
//                             t = steps * t_step(1, pixels_eff) with the video efficiency / f_cap
// t_step from diffusion_time.hpp; node_eff applies when the server holds more than one replica;
// f_cap = throughput_factor(P_u) under a power cap. Power per GPU: busy P = capped(diffusion_w(B))
// (video: the flat large-model curve), idle (loading, idle, collecting) P = idle_w.
//
// Commands (pool.hpp): a replica's operating point (cap C, speed s) has its own copies of the
// image and video power models with C set; a batch takes t / rate with
// rate = min(s, f_cap(P_u)) and draws min(C, max(idle, P_u s^3)) (throttle.hpp); a change
// rescales the remaining time of a batch in progress. Removed replicas finish their batch, then
// stop (0 W); a failed server's batches are orphans.
//
// Hot path: arrivals and completions touch a deque, a per-replica batch vector reused across
// batches and a few recorder handles; no allocation once the buffers have grown.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "models/catalog/specs.hpp"
#include "models/power/gpu_power_model.hpp"
#include "models/serving/diffusion_time.hpp"
#include "models/serving/pool.hpp"
#include "models/serving/pool_series.hpp"
#include "models/serving/throttle.hpp"
#include "sim/output/recorder.hpp"

namespace dcsim::serving {

// Video frames: CogVideoX-1.5 generates 16 frames/s plus one (81 frames for 5 s), the catalog's
// flops_per_step of a video model is for kVideoRefFrames frames at its ref_pixels.
inline constexpr double kVideoFps = 16.0;
inline constexpr double kVideoRefFrames = 81.0;
double video_frames(double video_seconds);  // 16 * s + 1

struct DiffusionPoolConfig {
  uint32_t gpus_per_server = 8;     // replicas per server (one GPU each)
  uint32_t max_batch = 8;           // images per batch (MLPerf SDXL offline: 8)
  double batch_window_s = 0.2;      // longest wait for a batch to fill
  uint64_t queue_capacity = 100000; // waiting requests in the whole pool
  catalog::GpuSpec gpu;
  catalog::ModelSpec model;
  DiffusionTimeParams image_time;   // efficiency for images (calibrated to MLPerf SDXL)
  DiffusionTimeParams video_time;   // efficiency for video (calibrated to ML.ENERGY CogVideoX)
};

class DiffusionPool final : public Pool, public EventHandler {
 public:
  // image_power / video_power: per-GPU power models (with the cap set), kept by reference.
  // observers are indexed by Request::workload.
  DiffusionPool(DiffusionPoolConfig cfg, PoolPlacement placement, Engine& engine, output::Recorder& recorder,
                const power::GpuPowerModel& image_power, const power::GpuPowerModel& video_power,
                std::vector<RequestObserver*> observers);

  void start() override;
  void submit(const workload::Request& r) override;
  uint64_t in_flight() const override { return queue_.size() + running_; }
  PoolLoad load() const override {
    return {queue_.size(), running_, uint32_t(active_replicas_), uint32_t(replicas_.size())};
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

  // Requests of workload `w` may not share a batch (request class `batchable: false`).
  void set_batchable(uint32_t workload, bool batchable);

  // Seconds one batch takes at an operating point (0: the initial one, its cap included).
  double image_batch_time(double images, double pixels, int steps, uint16_t point = 0) const;
  double video_time(double pixels, double video_seconds, int steps, uint16_t point = 0) const;

  // Introspection (tests, summaries).
  const DiffusionPoolConfig& config() const { return cfg_; }
  size_t replica_count() const { return replicas_.size(); }
  size_t replicas_active() const { return active_replicas_; }
  size_t queue_length() const { return queue_.size(); }
  uint64_t running() const { return running_; }
  uint64_t images_out() const { return images_out_total_; }
  uint64_t batches() const { return batches_total_; }
  double replica_ready_s(size_t i) const { return replicas_[i].ready_s; }
  double power_w() const { return power_total_w_; }

 private:
  enum class State : uint8_t { loading, idle, collecting, busy, stopped };
  static constexpr uint32_t kNoLoad = UINT32_MAX;
  struct Replica {
    uint32_t server = 0;
    State state = State::loading;
    double load_started_s = 0;
    double ready_s = -1;
    double power_w = 0;
    double batch_start_s = 0;
    double batch_images = 0;
    double batch_energy_j = 0;  // of the batch in progress, up to batch_mark_s
    double batch_mark_s = 0;
    double batch_end_s = 0;
    double batch_pu = 0;         // uncapped power per GPU of the batch in progress
    bool batch_video = false;
    std::vector<workload::Request> batch;
    EventId window, done;
    bool wanted = true;         // part of the pool's capacity
    bool draining = false;      // removed while busy: stops after its batch
    uint32_t load = kNoLoad;    // the weight transfer it waits for
    uint16_t point = 0;         // operating point
  };
  // An operating point: the power models with its cap, and its speed factor.
  struct Point {
    OperatingPoint op;
    power::GpuPowerModel image, video;
  };
  static constexpr uint64_t kLoadDoneBit = 1ULL << 63;
  static constexpr uint64_t kWindowBit = 1ULL << 62;
  static constexpr uint32_t kNone = UINT32_MAX;

  bool batchable(const workload::Request& r) const;
  uint32_t images_of(const workload::Request& r) const { return r.images > 0 ? r.images : 1u; }
  void load_done(uint32_t load);       // a weight transfer arrived: its replicas are up
  void replica_free(uint32_t i);       // ready or done: collect, start, or go idle
  void try_start(uint32_t i);          // i is free and nobody collects
  void start_batch(uint32_t i, size_t n);
  void finish_batch(uint32_t i);
  void dispatch_idle();
  void set_power(Replica& rep, double w);
  void account_energy();
  bool up(const Replica& rep) const {
    return rep.state != State::loading && rep.state != State::stopped && !rep.draining;
  }
  double rate(const Replica& rep) const;
  void stop(uint32_t i);
  void release(uint32_t i);  // off the idle stack or out of collecting
  void load(const std::vector<uint32_t>& replicas);
  void move_to_point(uint32_t i, uint16_t point);
  void set_points(const std::vector<uint8_t>& servers, bool cap, double value);

  DiffusionPoolConfig cfg_;
  PoolPlacement placement_;
  Engine& engine_;
  output::Recorder& recorder_;
  std::vector<Point> points_;          // [0]: the models the pool was built with
  std::vector<uint32_t> load_server_;  // per weight transfer: its server
  std::vector<uint8_t> server_failed_;
  std::vector<RequestObserver*> observers_;
  std::vector<uint8_t> non_batchable_;  // by workload index
  double node_eff_ = 1.0;

  std::vector<Replica> replicas_;
  std::vector<uint32_t> idle_;  // stack of idle replica indices
  std::deque<workload::Request> queue_;
  uint32_t collecting_ = kNone;     // the replica waiting for its batch to fill (the whole queue)
  uint64_t collect_images_ = 0;     // images in the queue while collecting
  uint64_t running_ = 0;            // requests in service
  size_t busy_replicas_ = 0;
  size_t active_replicas_ = 0;
  uint64_t images_out_total_ = 0;
  uint64_t batches_total_ = 0;

  PoolTotals totals_;
  double power_total_w_ = 0;
  double power_since_s_ = 0;

  PoolSeries series_;
  output::Counter images_out_;
};

}  // namespace dcsim::serving
