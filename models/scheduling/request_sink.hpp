// Where a workload hands its requests: the front end of its service (frontend.hpp). Demand knows
// nothing of the fleet behind it; tests plug in their own sink.
#pragma once

#include "models/workload/request.hpp"

namespace dcsim::scheduling {

class RequestSink {
 public:
  virtual ~RequestSink() = default;
  // Take one request at the current time. Its outcome comes back through the workload's
  // RequestObserver (possibly before submit returns: a rejection is synchronous).
  virtual void submit(const workload::Request& r) = 0;
};

}  // namespace dcsim::scheduling
