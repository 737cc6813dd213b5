// What a service's admission and routing policies get when they are built: the service they act
// for, the engine (time), the recorder (a policy declares its own series under service.group)
// and the scenario seed (a policy that draws derives its stream: Rng(seed, group + "/...")).
#pragma once

#include <cstdint>

#include "models/scheduling/service.hpp"
#include "sim/engine/engine.hpp"
#include "sim/output/recorder.hpp"

namespace dcsim::scheduling {

// What became of an admitted request (told to policies that ask: wants_outcomes()).
enum class Outcome : uint8_t { completed, rejected, dropped };

struct PolicyContext {
  const ServiceView& service;
  Engine& engine;
  output::Recorder& recorder;
  uint64_t seed = 0;
};

}  // namespace dcsim::scheduling
