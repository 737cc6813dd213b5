// What a service's admission and routing policies get when they are built: the service they act
// for, the engine (time), the recorder (a policy declares its own series under service.group)
// the scenario seed (a policy that draws derives its stream: Rng(seed, group + "/...")) and the
// calendar time of t = 0 (the scenario's `start`, s since 1970 UTC: daily quotas, scheduled changes).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "models/scheduling/service.hpp"
#include "sim/engine/engine.hpp"
#include "sim/output/recorder.hpp"

namespace dcsim::scheduling {

// What became of an admitted request (told to policies that ask: wants_outcomes()).
enum class Outcome : uint8_t { completed, rejected, dropped, timed_out };

struct PolicyContext {
  const ServiceView& service;
  Engine& engine;
  output::Recorder& recorder;
  uint64_t seed = 0;
  double start_epoch_s = 0;
  // Adds the pool named `site_pool` ("SITE/POOL") to the service's fallback pools (once) and
  // returns its route index (ServiceView::pool_at); throws scenario::InputError at `key` of
  // `where` for an unknown pool, one of the service's own, or one serving another kind of
  // request. Set by the World; unset (tests): fallback pools are not available.
  std::function<uint32_t(const std::string& site_pool, const scenario::Config& where, const std::string& key)> fallback_pool;
};

}  // namespace dcsim::scheduling
