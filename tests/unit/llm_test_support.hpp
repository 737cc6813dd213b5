// Shared scaffolding of the LLM-serving tests (llm_pool, disagg_pool, prefix_cache): iteration
// time models, a recording observer, a small pool configuration and a request builder.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "models/serving/iteration_time.hpp"
#include "models/serving/llm_pool.hpp"
#include "models/serving/pool.hpp"
#include "models/workload/request.hpp"

namespace dcsim::test {

// Every iteration takes dt.
struct ConstTime : serving::IterationTimeModel {
  double dt = 0.01;
  double seconds(const serving::IterationLoad&) const override { return dt; }
};

// Affine in the load, so skipped iterations differ in length as the contexts grow.
struct AffineTime : serving::IterationTimeModel {
  double seconds(const serving::IterationLoad& l) const override {
    return 0.005 + 2e-6 * l.prefill_tokens + 1e-4 * l.decode_seqs + 3e-8 * double(l.context_tokens);
  }
};

// Completion times and energies by request id, and the rejected ids.
struct RecordingObserver : serving::RequestObserver {
  std::map<uint64_t, double> done;
  std::map<uint64_t, double> energy;
  std::vector<uint64_t> rejected;
  std::vector<uint64_t> dropped;
  std::vector<uint64_t> timed_out;
  void on_completed(const workload::Request& r, double now) override {
    done[r.id] = now;
    energy[r.id] = r.energy_j;
  }
  void on_rejected(const workload::Request& r, double) override { rejected.push_back(r.id); }
  void on_dropped(const workload::Request& r, double) override { dropped.push_back(r.id); }
  void on_timed_out(const workload::Request& r, double) override { timed_out.push_back(r.id); }
};

// tp 1, `replicas_per_server` replicas per server, max batch 64, budget 8192 tokens, 16-token
// blocks; a model of 1e9 B of weights (a lone replica over a 1e9 B/s link is ready at t = 1) and
// 131072 B of KV cache per token on an 80 GB GPU.
inline serving::LlmPoolConfig small_llm_config(uint32_t replicas_per_server = 1) {
  serving::LlmPoolConfig c;
  c.tp = 1;
  c.gpus_per_server = replicas_per_server;
  c.max_batch = 64;
  c.max_batch_tokens = 8192;
  c.block_tokens = 16;
  c.gpu_memory_utilization = 0.9;
  c.reserve_B = 0;
  c.queue_capacity = 1000;
  c.gpu.name = "test-gpu";
  c.gpu.memory_B = 80e9;
  c.model.name = "test-model";
  c.model.params = 0.5e9;
  c.model.bytes_per_param = 2;
  c.model.kv_bytes_per_token = 131072;
  return c;
}

inline workload::Request llm_request(uint64_t id, double t, uint32_t prompt, uint32_t out) {
  workload::Request r;
  r.id = id;
  r.arrival_s = t;
  r.prompt_tokens = prompt;
  r.output_tokens = out;
  return r;
}

}  // namespace dcsim::test
