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
};

}  // namespace dcsim::serving
