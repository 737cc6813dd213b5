// What one continuous-batching iteration does, and how long it takes on a replica. The roofline
// model (roofline.hpp) implements IterationTimeModel; tests may use simpler ones.
#pragma once

#include <cstdint>

namespace dcsim::serving {

struct IterationLoad {
  uint32_t prefill_tokens = 0;   // prompt tokens processed in this iteration (chunked prefill)
  uint32_t decode_seqs = 0;      // sequences producing one output token each
  uint64_t context_tokens = 0;   // tokens held in KV by the decoding sequences (KV bytes read)
};

class IterationTimeModel {
 public:
  virtual ~IterationTimeModel() = default;
  virtual double seconds(const IterationLoad& load) const = 0;
  // Power of the replica's GPUs [W] while it runs this iteration, from what the iteration does
  // (models/power/gpu_power_model.hpp, activity law); negative: the model has no activity power and
  // the pool uses its power-by-batch table. Called once per planned iteration (or skip).
  virtual double replica_power_w(const IterationLoad& /*load*/) const { return -1.0; }
  // End times of k iterations that start at t0, the decode context growing by decode_seqs tokens
  // per iteration: ends[j] = ends[j-1] + seconds(load_j) (ends[-1] = t0), accumulated one
  // iteration at a time so a skip ends exactly when per-iteration events would. A model may
  // override it to hoist work that does not change within the k iterations; the values must stay
  // those of seconds().
  virtual void iteration_ends(IterationLoad load, uint32_t k, double t0, double* ends) const {
    const uint64_t c0 = load.context_tokens;
    double t = t0;
    for (uint32_t j = 0; j < k; ++j) {
      load.context_tokens = c0 + uint64_t(j) * load.decode_seqs;
      t += seconds(load);
      ends[j] = t;
    }
  }
};

}  // namespace dcsim::serving
