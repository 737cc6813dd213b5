// Admission `none`: every request is admitted unchanged. The front end sees admits_all() and
// never calls decide(), so a service without admission control costs nothing per request.
#include "models/scheduling/admission.hpp"

namespace dcsim::scheduling {

namespace {

class AdmitAll final : public AdmissionPolicy {
 public:
  Verdict decide(workload::Request&, double) override { return Verdict::admit; }
  bool admits_all() const override { return true; }
};

}  // namespace

void register_admission_none() {
  admission_registry().add("none", "Admit every request (no admission control).", {},
                           [](const scenario::Config&, const PolicyContext&) { return std::make_unique<AdmitAll>(); });
}

}  // namespace dcsim::scheduling
