#include "models/serving/service_time.hpp"

#include <cmath>

namespace dcsim::serving {

namespace {

class FixedServiceTime final : public ServiceTime {
 public:
  explicit FixedServiceTime(double t) : t_(t) {}
  double draw(const workload::Request&, Rng&) override { return t_; }
  double mean() const override { return t_; }
  double scv() const override { return 0.0; }

 private:
  double t_;
};

class ExponentialServiceTime final : public ServiceTime {
 public:
  explicit ExponentialServiceTime(double mean) : rate_(1.0 / mean) {}
  double draw(const workload::Request&, Rng& rng) override { return rng.exponential(rate_); }
  double mean() const override { return 1.0 / rate_; }
  double scv() const override { return 1.0; }

 private:
  double rate_;
};

class LognormalServiceTime final : public ServiceTime {
 public:
  LognormalServiceTime(double median, double sigma) : mu_(std::log(median)), sigma_(sigma) {}
  double draw(const workload::Request&, Rng& rng) override { return rng.lognormal(mu_, sigma_); }
  double mean() const override { return std::exp(mu_ + 0.5 * sigma_ * sigma_); }
  double scv() const override { return std::expm1(sigma_ * sigma_); }

 private:
  double mu_;
  double sigma_;
};

}  // namespace

ServiceTimeRegistry& service_time_registry() {
  static ServiceTimeRegistry r("service_time", "Service time of one request on one replica (placeholder pool).");
  return r;
}

void register_service_time_models() {
  using scenario::ParamSpec;
  using units::Quantity;
  auto& r = service_time_registry();
  r.add("fixed", "Every request takes the same time.",
        {ParamSpec::quantity_of("time", Quantity::time).req().above(0).doc("Service time.")},
        [](const scenario::Config& c) { return std::make_unique<FixedServiceTime>(c.num("time")); });
  r.add("exponential", "Exponentially distributed service time (M/M/c queues).",
        {ParamSpec::quantity_of("mean", Quantity::time).req().above(0).doc("Mean service time.")},
        [](const scenario::Config& c) { return std::make_unique<ExponentialServiceTime>(c.num("mean")); });
  r.add("lognormal", "Lognormally distributed service time (long-tailed).",
        {ParamSpec::quantity_of("median", Quantity::time).req().above(0).doc("Median service time."),
         ParamSpec::quantity_of("sigma", Quantity::dimensionless)
             .def("0.5")
             .at_least(0)
             .at_most(5)
             .doc("Standard deviation of log(service time).")},
        [](const scenario::Config& c) {
          return std::make_unique<LognormalServiceTime>(c.num("median"), c.num("sigma"));
        });
}

}  // namespace dcsim::serving
