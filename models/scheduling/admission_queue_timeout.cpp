// Admission `queue_timeout`: a queue-time cap. Every request in scope is admitted with a deadline
//
//   deadline = min(deadline, t_arrival + timeout)
//
// and its pool gives it up (timed_out: RequestObserver::on_timed_out, counted in
// /workloads/<w>/timed_out and the summary's requests_timed_out) if it is still waiting for
// service after it: when a replica would take it and now > deadline (models/serving/pool.hpp,
// expire_head; the llm pools at their replicas' queue heads). A request in service is never
// timed out (an LLM request preempted after it started keeps its place). Users who give up:
// a timed-out request is not retried. Cost: one store per request in scope, one comparison per
// request taken from a queue.
#include <algorithm>

#include "models/scheduling/admission.hpp"

namespace dcsim::scheduling {

namespace {

class QueueTimeout final : public AdmissionPolicy {
 public:
  explicit QueueTimeout(const scenario::Config& c) : timeout_s_(c.num("timeout")) {}
  Verdict decide(workload::Request& r, double now) override {
    r.deadline_s = std::min(r.deadline_s, now + timeout_s_);
    return Verdict::admit;
  }

 private:
  double timeout_s_;
};

}  // namespace

void register_admission_queue_timeout() {
  using scenario::ParamSpec;
  using units::Quantity;
  admission_registry().add(
      "queue_timeout", "A request still waiting for service `timeout` after it arrived is given up (timed_out).",
      scope_params({ParamSpec::quantity_of("timeout", Quantity::time)
                        .req()
                        .above(0)
                        .doc("Longest wait in a pool's queue before the request is given up.")}),
      [](const scenario::Config& c, const PolicyContext&) { return std::make_unique<QueueTimeout>(c); });
}

}  // namespace dcsim::scheduling
