// The failure-model registry, the keys every failure model has, the repair-time draw and the
// `none` model (failure_model.hpp).
#include "models/scheduling/failure_model.hpp"

#include <cmath>

namespace dcsim::scheduling {

FailureRegistry& failure_registry() {
  static FailureRegistry r("failures", "Failures of a pool's GPUs and servers and their repair "
                                       "(sites[].pools[].capacity.failures).");
  return r;
}

std::vector<scenario::ParamSpec> failure_params(std::vector<scenario::ParamSpec> own) {
  using P = scenario::ParamSpec;
  using units::Quantity;
  std::vector<P> p{
      P::quantity_of("gpu_rate", Quantity::rate)
          .def("1.16e-5 /h")
          .at_least(0)
          .doc("Failures per GPU-hour (a failed GPU takes its server out of service until repaired).")
          .src("fail.llama3_405b (58.7 % of 419 interruptions in 54 days on 16,384 H100)"),
      P::quantity_of("server_rate", Quantity::rate)
          .def("3.05e-5 /h")
          .at_least(0)
          .doc("Failures per server-hour of the host itself (CPU, memory, NIC, PSU, chassis, SSD).")
          .src("fail.llama3_405b (19.3 % of 419 interruptions on 2,048 servers in 54 days)"),
      P::quantity_of("repair_time", Quantity::time)
          .def("3 h")
          .above(0)
          .doc("Mean time from a server's failure to its return (its replicas then load their weights).")
          .src("assumption (the Llama 3 report gives no repair times)"),
      P::choice("repair_distribution", {"lognormal", "exponential", "fixed"})
          .def("lognormal")
          .doc("Distribution of repair times (all with mean repair_time)."),
      P::quantity_of("repair_sigma", Quantity::dimensionless)
          .def("1")
          .above(0)
          .at_most(5)
          .doc("Shape of the lognormal repair time (sigma of its logarithm).")
          .src("assumption"),
      P::choice("on_failure", {"retry", "drop"})
          .def("retry")
          .doc("What becomes of the requests on a failed server: retry (submitted again to their service's front "
               "end: another replica, another pool) or drop (lost, counted dropped).")};
  for (auto& o : own) p.push_back(std::move(o));
  return p;
}

double draw_repair_time(const scenario::Config& f, Rng& rng) {
  const double mean = f.num("repair_time");
  const std::string& d = f.str("repair_distribution");
  if (d == "fixed") return mean;
  if (d == "exponential") return rng.exponential(1.0 / mean);
  const double s = f.num("repair_sigma");
  return rng.lognormal(std::log(mean) - 0.5 * s * s, s);
}

void register_failures_none() {
  failure_registry().add("none", "No failures.", {},
                         [](const scenario::Config&, const FailureContext&) { return std::unique_ptr<FailureModel>(); });
}

}  // namespace dcsim::scheduling
