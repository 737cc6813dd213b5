// A request is plain data that moves through queues and replicas; never an actor.
#pragma once

#include <cstdint>
#include <limits>

namespace dcsim::workload {

enum class RequestKind : uint8_t { llm, image, video };

struct Request {
  uint64_t id = 0;          // unique within its workload, in arrival order
  uint32_t workload = 0;    // index of its workload in the world
  double arrival_s = 0;     // when this attempt arrived
  double start_s = -1;      // when service started (-1: not yet)
  RequestKind kind = RequestKind::llm;
  uint8_t tier = 0;         // index into the workload's tiers (free, paid, api, ...)
  uint8_t attempt = 0;      // 0: first attempt; k: k-th retry
  uint8_t route = 0;        // set by the front end: index of the pool of its service that took it
  uint8_t admission_marks = 0;  // admission policies that want its outcome (admission_chain.hpp)
  uint32_t prompt_tokens = 0;   // llm
  uint32_t output_tokens = 0;   // llm
  uint32_t prefix_blocks = 0;   // llm: reusable 512-token prefix blocks (Mooncake hash_ids)
  // llm: the hash ids of those blocks (chained: id j names the prefix up to block j). Valid only
  // during the pool's submit() of the first attempt; nullptr otherwise (retries, synthetic load).
  const uint64_t* prefix_ids = nullptr;
  uint16_t images = 0;          // image: images in the request
  uint16_t steps = 0;           // image/video: denoising steps
  uint32_t pixels = 0;          // image/video: width x height
  float video_seconds = 0;      // video: seconds of video
  // Filled by serving models that know them (-1: not known).
  double first_token_s = -1;    // llm: when the first output token was produced
  double energy_j = -1;         // energy attributed to the request by its pool
  // Set by admission (queue_timeout): a request still waiting for service at this time is given
  // up by its pool (RequestObserver::on_timed_out). +inf: it waits as long as it takes.
  double deadline_s = std::numeric_limits<double>::infinity();
};

}  // namespace dcsim::workload
