// Service time of one request on one replica, for the placeholder FIFO pool of the foundation
// issue. The real serving models (continuous batching, roofline iteration times) replace this in
// models/serving/ later; the pool's interface (pool.hpp) stays.
//
//   fixed:        S = t
//   exponential:  S ~ Exponential(1/mean),              E[S] = mean, CV = 1
//   lognormal:    S = median * exp(sigma Z), Z ~ N(0,1), E[S] = median exp(sigma^2 / 2)
#pragma once

#include <memory>

#include "models/workload/request.hpp"
#include "sim/registry/registry.hpp"
#include "sim/util/rng.hpp"

namespace dcsim::serving {

class ServiceTime {
 public:
  virtual ~ServiceTime() = default;
  virtual double draw(const workload::Request& r, Rng& rng) = 0;
  virtual double mean() const = 0;
  virtual double scv() const = 0;  // squared coefficient of variation (fluid pools' queueing approximation)
};

using ServiceTimeRegistry = Registry<ServiceTime>;
ServiceTimeRegistry& service_time_registry();
void register_service_time_models();

}  // namespace dcsim::serving
