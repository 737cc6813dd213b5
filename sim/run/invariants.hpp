// Invariants checked at the end of every run. A violation is an error (InvariantError), never a
// warning: the run's output would lie.
//   requests: arrived = completed + rejected + dropped + timed_out + in flight + held
//   (held: kept by an admission policy that defers them, models/scheduling/admission_defer.cpp)
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace dcsim {

struct RequestCounts {
  uint64_t arrived = 0;
  uint64_t completed = 0;
  uint64_t rejected = 0;
  uint64_t dropped = 0;
  uint64_t timed_out = 0;
  uint64_t in_flight = 0;
  uint64_t held = 0;  // held by admission (defer), not yet released
};

class InvariantError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws InvariantError naming every count when the identity does not hold.
void check_request_invariant(const RequestCounts& c);

}  // namespace dcsim
