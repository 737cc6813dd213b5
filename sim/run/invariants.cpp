#include "sim/run/invariants.hpp"

namespace dcsim {

void check_request_invariant(const RequestCounts& c) {
  const uint64_t accounted = c.completed + c.rejected + c.dropped + c.timed_out + c.in_flight + c.held;
  if (accounted != c.arrived) {
    throw InvariantError("request invariant violated: arrived (" + std::to_string(c.arrived) +
                         ") != completed (" + std::to_string(c.completed) + ") + rejected (" +
                         std::to_string(c.rejected) + ") + dropped (" + std::to_string(c.dropped) +
                         ") + timed_out (" + std::to_string(c.timed_out) + ") + in flight (" + std::to_string(c.in_flight) + ") + held (" +
                         std::to_string(c.held) + ") = " + std::to_string(accounted));
  }
}

}  // namespace dcsim
