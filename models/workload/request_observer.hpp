// What became of a request: told to whoever sent it. Pools tell the front end of the request's
// service, which tells the workload (models/scheduling/frontend.hpp). Exactly one of the four
// calls is made for every request a pool or a front end accepted to handle.
#pragma once

#include "models/workload/request.hpp"

namespace dcsim::workload {

class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  virtual void on_completed(const Request& r, double now) = 0;
  // Turned away at arrival (admission, or a full queue): the user may retry.
  virtual void on_rejected(const Request& r, double now) = 0;
  // Lost after it was accepted (its replica failed and the failure policy gives it up, a
  // timeout): counted as dropped.
  virtual void on_dropped(const Request& r, double now) = 0;
  // Given up by its pool because it was still waiting for service at its deadline
  // (Request::deadline_s, set by a queue_timeout admission policy): counted as timed_out.
  virtual void on_timed_out(const Request& r, double now) = 0;
};

}  // namespace dcsim::workload
