// The capacity curves of fluid pools, one builder per request-level kind, from that kind's own
// models and scenario keys (docs/models/fluid.md "Capacity curves"); no new constants:
//
//   llm        LlmPoolConfig and Roofline as `serving: llm` builds them (llm_pool_factory.hpp).
//              From the mix: P = E[prompt], O = E[output], A = E[O^2] / (2 E[O]); slots =
//              min(max_batch, floor(KV capacity / (P + A))); for n = 1..slots the roofline's steady
//              state at max batch n gives the inter-token latency t(n) and
//                T(n) = O t(n)   (tokens/s = n / t(n); a request's O tokens, prefill amortised)
//                P(n) = replica_power_w(prefill n P / O, decode n, context n (P + A))
//              shape: output tokens over their mean (latency ~ tokens x t(n)).
//   diffusion  DiffusionPoolConfig as `serving: diffusion` builds it (diffusion_pool_factory.hpp).
//              m = mean images per request, slots = max(1, floor(max_batch / m)); for n requests
//              in service the batch holds b = min(max_batch, n m) images (steps and pixels: the
//              mix's largest, as the request-level batch takes):
//                T(n) = t_batch(b) / node_eff,   P(n) = diffusion_w(b)   (one GPU per replica)
//              video models: slots 1, T = the video time, the flat large-model power.
//              shape: 1 (a batch's requests finish together); batch_window adds the collection
//              wait (fluid_pool.cpp).
//   fifo       the pool's service_time model: T = mean of its draws over the mix, slots 1,
//              P(0) = gpu.idle_power, P(1) = gpu.busy_power (x gpus_per_replica); shape: the draws.
#pragma once

#include <cstdint>
#include <string>

#include "models/catalog/catalog.hpp"
#include "models/serving/fluid/fluid_curve.hpp"
#include "sim/scenario/config.hpp"

namespace dcsim::serving::fluid {

struct KindCurve {
  CurveMaker make;
  double idle_gpu_w = 0;         // per GPU, up and idle
  double cap_w = 0;              // the block's power_cap (per GPU), 0: none
  uint32_t gpus_per_replica = 1;
  double weights_B = 0;          // what a replica loads from the site storage at start-up
  const char* count_series = nullptr;
  std::string gpu_block;         // for pool_it_power: "llm", "diffusion", "" (fifo)
  std::string model, model_key;  // as the request-level kind reports them
};

// Throws scenario::InputError (located) for the same bad input as the request-level kind.
KindCurve llm_curve(const scenario::Config& pool, const catalog::Catalog& catalog);
KindCurve diffusion_curve(const scenario::Config& pool, const catalog::Catalog& catalog);
KindCurve fifo_curve(const scenario::Config& pool);

}  // namespace dcsim::serving::fluid
