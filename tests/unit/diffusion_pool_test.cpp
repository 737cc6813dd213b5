// The diffusion/video batching pool: MLPerf SDXL offline throughput (1 and 8 H100), the batch
// window, full batches, non-batchable requests, the queue cap, energy as the integral of power,
// image accounting, the CogVideoX video latency and the power cap.
// ctest runs each TEST_CASE in its own process (one SimGrid engine per process).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <map>
#include <memory>

#include <simgrid/s4u.hpp>

#include "models/catalog/catalog.hpp"
#include "models/serving/diffusion_pool.hpp"
#include "models/serving/diffusion_pool_factory.hpp"
#include "sim/engine/engine.hpp"
#include "sim/output/recorder.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "tests/unit/test_support.hpp"

using dcsim::Engine;
using dcsim::serving::DiffusionPoolConfig;
using dcsim::serving::DiffusionPoolParts;
using dcsim::workload::Request;
using dcsim::workload::RequestKind;

namespace {

struct Obs : dcsim::serving::RequestObserver {
  std::map<uint64_t, Request> done_req;
  std::map<uint64_t, double> done;
  std::vector<uint64_t> rejected, dropped, timed_out;
  void on_completed(const Request& r, double now) override {
    done[r.id] = now;
    done_req[r.id] = r;
  }
  void on_rejected(const Request& r, double) override { rejected.push_back(r.id); }
  void on_dropped(const Request& r, double) override { dropped.push_back(r.id); }
  void on_timed_out(const Request& r, double) override { timed_out.push_back(r.id); }
};

constexpr double kPx = 1024.0 * 1024.0;

Request image(uint64_t id, double t, uint16_t images = 1, uint16_t steps = 20, uint32_t workload = 0) {
  Request r;
  r.id = id;
  r.workload = workload;
  r.arrival_s = t;
  r.kind = RequestKind::image;
  r.images = images;
  r.steps = steps;
  r.pixels = static_cast<uint32_t>(kPx);
  return r;
}

const dcsim::catalog::Catalog& cat() {
  static const dcsim::catalog::Catalog c = dcsim::catalog::Catalog::load_builtin();
  return c;
}

DiffusionPoolConfig sdxl_config(uint32_t replicas, uint32_t max_batch = 8) {
  DiffusionPoolConfig c = dcsim::serving::diffusion_pool_config(cat(), cat().gpu("h100-sxm"), cat().model("sdxl"));
  c.gpus_per_server = replicas;
  c.max_batch = max_batch;
  c.batch_window_s = 0.2;
  c.queue_capacity = 100000;
  return c;
}

// One pool (on the server host, weights from the storage host), its observer and the submissions.
struct Bench {
  Obs obs;
  DiffusionPoolParts parts;
  std::vector<Request> reqs;
  dcsim::test::Probe arrivals;

  Bench(Engine& e, dcsim::output::Recorder& rec, DiffusionPoolConfig cfg,
        std::pair<simgrid::s4u::Host*, simgrid::s4u::Host*> hosts, double cap_w = 0, size_t workloads = 1,
        const std::string& group = "img") {
    dcsim::serving::PoolPlacement pl{"dc1", group, "/sites/dc1/pools/" + group, {hosts.second}, hosts.first};
    std::vector<dcsim::serving::RequestObserver*> obs_list(workloads, &obs);
    parts = dcsim::serving::build_diffusion_pool(std::move(cfg), cap_w, pl, e, rec, obs_list);
    arrivals.engine = &e;
    arrivals.fn = [this](uint64_t tag) {
      if (tag == UINT64_MAX) parts.pool->start(); else parts.pool->submit(reqs[tag]);
    };
  }
  dcsim::serving::DiffusionPool& pool() { return *parts.pool; }
  void schedule(Engine& e) {
    e.at(0.0, &arrivals, UINT64_MAX);
    for (size_t k = 0; k < reqs.size(); ++k) e.at(reqs[k].arrival_s, &arrivals, k);
  }
  double last_done() const {
    double t = 0;
    for (const auto& [id, s] : obs.done) t = std::max(t, s);
    return t;
  }
  double t_image(double images, int steps = 20) { return pool().image_batch_time(images, kPx, steps); }
};

}  // namespace

TEST_CASE("diffusion pool: offline throughput of one H100 matches MLPerf SDXL") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(5.2e9, 0);
  dcsim::output::Recorder rec(e, 60);
  Bench b(e, rec, sdxl_config(1), hosts);
  for (uint64_t k = 0; k < 400; ++k) b.reqs.push_back(image(k, 0.0));
  b.schedule(e);
  e.run(10000);
  REQUIRE(b.obs.done.size() == 400);
  const double ready = b.pool().replica_ready_s(0);
  CHECK(ready == Approx(1.0).epsilon(1e-6));  // 5.2 GB of SDXL weights over 5.2 GB/s
  const double throughput = 400.0 / (b.last_done() - ready);
  INFO("images/s " << throughput << " vs 1.64178 (mlperf_v40.sdxl.h100x1)");
  CHECK(throughput == Approx(1.64178).epsilon(0.05));
  CHECK(throughput == Approx(1.64178).epsilon(0.001));  // calibrated: the measured error is < 0.1 %
  CHECK(b.pool().batches() == 50);                       // every batch full at max_batch 8
  CHECK(b.pool().images_out() == 400);
}

TEST_CASE("diffusion pool: offline throughput of eight H100 matches MLPerf SDXL") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(1e12, 0);
  dcsim::output::Recorder rec(e, 60);
  Bench b(e, rec, sdxl_config(8), hosts);
  for (uint64_t k = 0; k < 3200; ++k) b.reqs.push_back(image(k, 0.0));
  b.schedule(e);
  e.run(10000);
  REQUIRE(b.obs.done.size() == 3200);
  REQUIRE(b.pool().replica_count() == 8);
  double ready = 0;
  for (size_t i = 0; i < 8; ++i) ready = std::max(ready, b.pool().replica_ready_s(i));
  const double throughput = 3200.0 / (b.last_done() - ready);
  INFO("images/s " << throughput << " vs 13.1263 (mlperf_v40.sdxl.h100x8)");
  CHECK(throughput == Approx(13.1263).epsilon(0.05));
  CHECK(throughput == Approx(13.1263).epsilon(0.001));
  CHECK(b.pool().batches() == 400);
}

TEST_CASE("diffusion pool: a server loads the weights of all its replicas in one transfer") {
  // One server of 4 replicas, 5.2 GB of SDXL weights each, over a 5.2 GB/s link (no latency): one
  // 20.8 GB transfer, so all 4 replicas are ready together at 4 s (4 flows of 5.2 GB at 1.3 GB/s
  // each would end at the same instant). The 8 images submitted at 0 wait for it and leave as one
  // full batch taken by the first replica: done at 4 s + t(8 images).
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(5.2e9, 0);
  dcsim::output::Recorder rec(e, 60);
  Bench b(e, rec, sdxl_config(4), hosts);
  for (uint64_t k = 0; k < 8; ++k) b.reqs.push_back(image(k, 0.0));
  b.schedule(e);
  e.run(100);
  REQUIRE(b.pool().replica_count() == 4);
  for (size_t i = 0; i < 4; ++i) CHECK(b.pool().replica_ready_s(i) == Approx(4.0).epsilon(1e-6));
  CHECK(b.pool().replicas_active() == 4);
  REQUIRE(b.obs.done.size() == 8);
  CHECK(b.pool().batches() == 1);
  CHECK(b.last_done() == Approx(4.0 + b.t_image(8)).epsilon(1e-9));
}

TEST_CASE("diffusion pool: a lone request waits the batch window then runs at batch 1") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(5.2e9, 0);
  dcsim::output::Recorder rec(e, 60);
  Bench b(e, rec, sdxl_config(1), hosts);
  b.reqs = {image(0, 10.0)};
  b.schedule(e);
  e.run(100);
  REQUIRE(b.obs.done.size() == 1);
  const double t1 = b.t_image(1);
  // Hand-derived: eff from MLPerf (8 images in 8 / 1.64178 s, 20 steps): 8 x 1.4e13 / (989.4e12 x
  // (0.243638 - 0.01668)) = 0.49877; one image: 20 x (16.68 ms + 1.4e13 / (989.4e12 x 0.49877)) = 0.9010 s
  const double eff = 8 * 1.4e13 / (989.4e12 * (8 / 1.64178 / 20 - 0.01668));
  CHECK(t1 == Approx(20 * (0.01668 + 1.4e13 / (989.4e12 * eff))).epsilon(1e-9));
  CHECK(b.obs.done_req.at(0).start_s == Approx(10.2).epsilon(1e-12));
  CHECK(b.obs.done.at(0) == Approx(10.2 + t1).epsilon(1e-12));
  CHECK(b.pool().batches() == 1);
  CHECK(b.pool().in_flight() == 0);
  for (const char* name : {"arrivals", "admitted", "rejected", "completed", "queue_length", "running", "replicas_active",
                           "gpu_utilization", "images_out", "latency_p50_s", "latency_p99_s", "gpu_power_w", "gpu_energy_j"})
    CHECK(rec.has_series("/sites/dc1/pools/img", name));
}

TEST_CASE("diffusion pool: a request without steps uses the model's catalog default") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(5.2e9, 0);
  dcsim::output::Recorder rec(e, 60);
  Bench b(e, rec, sdxl_config(1), hosts);
  b.reqs = {image(0, 10.0, 1, 0)};  // steps 0: the image class default when a scenario leaves it out
  b.schedule(e);
  e.run(100);
  REQUIRE(b.obs.done.size() == 1);
  REQUIRE(cat().model("sdxl").default_steps == 20);
  CHECK(b.obs.done.at(0) == Approx(10.2 + b.t_image(1, 20)).epsilon(1e-12));
}

TEST_CASE("diffusion pool: a full batch starts without waiting") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(5.2e9, 0);
  dcsim::output::Recorder rec(e, 60);
  Bench b(e, rec, sdxl_config(1), hosts);
  // 8 together at t = 10: full at once. Then 1 at t = 30 and 7 at t = 30.05: the window is cut
  // when the 8th image arrives. The 9th..: a lone one at t = 60 behind nothing waits the window.
  for (uint64_t k = 0; k < 8; ++k) b.reqs.push_back(image(k, 10.0));
  b.reqs.push_back(image(8, 30.0));
  for (uint64_t k = 9; k < 16; ++k) b.reqs.push_back(image(k, 30.05));
  b.schedule(e);
  e.run(100);
  REQUIRE(b.obs.done.size() == 16);
  const double t8 = b.t_image(8);
  for (uint64_t k = 0; k < 8; ++k) {
    CHECK(b.obs.done_req.at(k).start_s == Approx(10.0).epsilon(1e-12));
    CHECK(b.obs.done.at(k) == Approx(10.0 + t8).epsilon(1e-12));
  }
  for (uint64_t k = 8; k < 16; ++k) {
    CHECK(b.obs.done_req.at(k).start_s == Approx(30.05).epsilon(1e-12));
    CHECK(b.obs.done.at(k) == Approx(30.05 + t8).epsilon(1e-12));
  }
  CHECK(b.pool().batches() == 2);
  // Batch 8 costs 20 x (16.68 ms + 8 x a), a = 1.4e13 / (989.4e12 x 0.49877) = 28.37 ms: one batch of
  // 8 shares the 7 fixed per-step costs that 8 batches of 1 pay again.
  const double a = 1.4e13 / (989.4e12 * (8 * 1.4e13 / (989.4e12 * (8 / 1.64178 / 20 - 0.01668))));
  CHECK(8 * b.t_image(1) / t8 == Approx(8 * (0.01668 + a) / (0.01668 + 8 * a)).epsilon(1e-6));
}

TEST_CASE("diffusion pool: requests queued behind a busy replica form the next batch") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(5.2e9, 0);
  dcsim::output::Recorder rec(e, 60);
  Bench b(e, rec, sdxl_config(1), hosts);
  for (uint64_t k = 0; k < 11; ++k) b.reqs.push_back(image(k, 10.0));  // 8 + 3
  b.schedule(e);
  e.run(100);
  REQUIRE(b.obs.done.size() == 11);
  const double t8 = b.t_image(8), t3 = b.t_image(3);
  // The 3 left over wait for the replica, then the window (fewer than max_batch waiting).
  for (uint64_t k = 8; k < 11; ++k) CHECK(b.obs.done.at(k) == Approx(10.0 + t8 + 0.2 + t3).epsilon(1e-12));
}

TEST_CASE("diffusion pool: non-batchable requests run alone") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(5.2e9, 0);
  dcsim::output::Recorder rec(e, 60);
  Bench b(e, rec, sdxl_config(1), hosts, 0, 2);
  b.pool().set_batchable(1, false);
  for (uint64_t k = 0; k < 3; ++k) b.reqs.push_back(image(k, 10.0, 1, 20, 1));
  b.reqs.push_back(image(3, 10.0, 2, 20, 1));  // a non-batchable request of 2 images: its own batch of 2
  b.schedule(e);
  e.run(100);
  REQUIRE(b.obs.done.size() == 4);
  const double t1 = b.t_image(1), t2 = b.t_image(2);
  CHECK(b.obs.done.at(0) == Approx(10.0 + t1).epsilon(1e-12));  // no window wait
  CHECK(b.obs.done.at(1) == Approx(10.0 + 2 * t1).epsilon(1e-12));
  CHECK(b.obs.done.at(2) == Approx(10.0 + 3 * t1).epsilon(1e-12));
  CHECK(b.obs.done.at(3) == Approx(10.0 + 3 * t1 + t2).epsilon(1e-12));
  CHECK(b.pool().batches() == 4);
  CHECK(b.pool().images_out() == 5);
}

TEST_CASE("diffusion pool: the queue cap rejects") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(5.2e9, 0);
  dcsim::output::Recorder rec(e, 60);
  DiffusionPoolConfig cfg = sdxl_config(1);
  cfg.queue_capacity = 2;
  Bench b(e, rec, cfg, hosts);
  for (uint64_t k = 0; k < 8; ++k) b.reqs.push_back(image(k, 10.0));  // start at once (full batch)
  for (uint64_t k = 8; k < 12; ++k) b.reqs.push_back(image(k, 11.0));  // 2 queued, 2 rejected
  b.schedule(e);
  e.run(100);
  CHECK(b.obs.rejected == std::vector<uint64_t>{10, 11});
  CHECK(b.obs.done.size() == 10);
  const auto t = b.pool().totals(100);
  CHECK(t.arrived == 12);
  CHECK(t.admitted == 10);
  CHECK(t.rejected == 2);
  CHECK(t.completed == 10);
}

TEST_CASE("diffusion pool: energy is the integral of power") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(5.2e9, 0);
  dcsim::output::Recorder rec(e, 60);
  Bench b(e, rec, sdxl_config(1), hosts);
  b.reqs = {image(0, 10.0), image(1, 50.0, 4)};
  b.schedule(e);
  e.run(100);
  REQUIRE(b.obs.done.size() == 2);
  const double t1 = b.t_image(1), t4 = b.t_image(4);
  // H100: idle (model loaded) 113 W; busy: the SD3.5-Medium saturating law at batch b.
  const double idle = 113.0;
  auto p = [](double x) { return 399.885978 + (529.061244 - 399.885978) * (1 - std::exp(-x / 2.090396)); };
  CHECK(b.parts.image_power->diffusion_w(1) == Approx(p(1)).epsilon(1e-9));
  const double expect = idle * (100 - t1 - t4) + p(1) * t1 + p(4) * t4;
  CHECK(b.pool().totals(100).energy_j == Approx(expect).epsilon(1e-9));
  CHECK(b.obs.done_req.at(0).energy_j == Approx(p(1) * t1).epsilon(1e-9));
  CHECK(b.obs.done_req.at(1).energy_j == Approx(p(4) * t4).epsilon(1e-9));
}

TEST_CASE("diffusion pool: images out equals the images of completed requests") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(1e12, 0);
  dcsim::output::Recorder rec(e, 60);
  DiffusionPoolConfig cfg = sdxl_config(2);
  cfg.queue_capacity = 20;
  Bench b(e, rec, cfg, hosts);
  uint64_t s = 12345;
  for (uint64_t k = 0; k < 300; ++k) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto images = static_cast<uint16_t>(1 + (s >> 33) % 12);  // some above max_batch
    const auto steps = static_cast<uint16_t>(10 + (s >> 40) % 30);
    b.reqs.push_back(image(k, 0.5 * double(k) * double((s >> 50) % 3), images, steps));
  }
  std::sort(b.reqs.begin(), b.reqs.end(), [](const Request& x, const Request& y) { return x.arrival_s < y.arrival_s; });
  b.schedule(e);
  e.run(100000);
  uint64_t images = 0;
  for (const auto& r : b.reqs)
    if (b.obs.done.count(r.id)) images += r.images;
  CHECK(b.obs.done.size() + b.obs.rejected.size() == 300);
  CHECK(!b.obs.rejected.empty());
  CHECK(b.pool().images_out() == images);
  CHECK(b.pool().totals(100000).completed == b.obs.done.size());
  CHECK(b.pool().in_flight() == 0);
}

TEST_CASE("diffusion pool: a five second video takes the measured CogVideoX latency") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(1e10, 0);
  dcsim::output::Recorder rec(e, 60);
  DiffusionPoolConfig cfg =
      dcsim::serving::diffusion_pool_config(cat(), cat().gpu("h100-sxm"), cat().model("cogvideox-1.5-5b"));
  cfg.gpus_per_server = 1;
  Bench b(e, rec, cfg, hosts);
  for (uint64_t k = 0; k < 2; ++k) {
    Request r;
    r.id = k;
    r.arrival_s = 10.0;
    r.kind = RequestKind::video;
    r.pixels = 1360 * 768;
    r.steps = 50;
    r.video_seconds = 5.0f;
    r.images = 1;
    b.reqs.push_back(r);
  }
  b.schedule(e);
  e.run(2000);
  REQUIRE(b.obs.done.size() == 2);
  CHECK(dcsim::serving::video_frames(5.0) == 81.0);
  // mlenergy_v3.h100.video: 495.8 s; both videos run alone, one after the other, without a window.
  CHECK(b.obs.done.at(0) - 10.0 == Approx(495.8).epsilon(1e-9));
  CHECK(b.obs.done.at(1) - 10.0 == Approx(2 * 495.8).epsilon(1e-9));
  // 335359 J per video measured: the flat 679 W level gives 336.6 kJ (+0.4 %).
  CHECK(b.obs.done_req.at(0).energy_j == Approx(335359).epsilon(0.01));
}

TEST_CASE("diffusion pool: a power cap slows batches by the throughput factor") {
  Engine e(dcsim::platform::simgrid_config());
  auto hosts = dcsim::test::two_hosts(5.2e9, 0);
  dcsim::output::Recorder rec(e, 60);
  Bench free_run(e, rec, sdxl_config(1), hosts);
  const double t8 = free_run.t_image(8);
  Bench capped(e, rec, sdxl_config(1), hosts, 300.0, 1, "capped");
  const double pu = capped.parts.image_power->diffusion_w(8);
  const double f = std::cbrt(300.0 / pu);
  CHECK(capped.t_image(8) == Approx(t8 / f).epsilon(1e-9));
  CHECK(capped.parts.image_power->capped_w(pu) == Approx(300.0));
}
