// Request classes: what a workload's requests ask for.
//
//   llm:   prompt and output token counts from token_count distributions (defaults fitted to the
//          Azure 2023 conversation trace, calibration.yaml trace.azure2023.stats); SLO targets
//          TTFT and TPOT default to MLPerf's Llama-3.1-8B server constraints (mlperf.slo:
//          2000 ms, 100 ms).
//   image: model, square resolution (pixels = resolution^2), denoising steps, images per request,
//          batchable.
//   video: model, seconds of video, width x height, denoising steps.
// Token counts given by a trace (ArrivalAttributes) take precedence over the distributions.
#pragma once

#include <memory>
#include <string>

#include "models/arrivals/arrival_process.hpp"
#include "models/workload/request.hpp"
#include "models/workload/token_count.hpp"
#include "sim/registry/registry.hpp"

namespace dcsim::workload {

class RequestClass {
 public:
  virtual ~RequestClass() = default;
  virtual RequestKind kind() const = 0;
  virtual const std::string& model_name() const = 0;
  // Fill the class-specific fields of a new request.
  virtual void fill(Request& r, Rng& rng, const arrivals::ArrivalAttributes* trace) = 0;
};

using RequestClassRegistry = Registry<RequestClass, const arrivals::ArrivalContext&>;
RequestClassRegistry& request_class_registry();
void register_request_class_models();

}  // namespace dcsim::workload
