// Builds a diffusion/video batching pool from a scenario pool block (`serving: diffusion` and its
// `diffusion:` block): GPU and model from the catalog, batch times from diffusion_time.hpp,
// per-GPU power from gpu_power_model.hpp with an optional cap. See docs/models/serving-diffusion.md.
//
// Efficiencies (diffusion_time.hpp):
//   sdxl:   eff solved from MLPerf v4.0 SDXL (mlperf_v40.sdxl.h100x1, TensorRT) for the catalog's
//           FLOPs, t0 = 16.68 ms (the diffusers fit), node_eff = 0.9994 (mlperf_v40.sdxl.h100x8).
//   other image models: eff(w) of the catalog width `hidden` (fitted on SD3.5-Medium and FLUX.1-dev).
//   video:  eff = F_cogvideox(catalog) / (989.4e12 * (495.8 s / 50 - t0)): reproduces the
//           CogVideoX-1.5 latency of mlenergy_v3.h100.video (81 frames 1360x768, 50 steps).
// Power curves: image models with flops_per_step < 5e13 use the SD3.5-Medium saturating curve;
// larger ones (SD3.5-Large, FLUX.1-dev) and video models the flat large-model level (0.97 TDP).
#pragma once

#include <memory>
#include <vector>

#include "models/catalog/catalog.hpp"
#include "models/power/gpu_power_model.hpp"
#include "models/serving/diffusion_pool.hpp"
#include "models/serving/pool_kind.hpp"
#include "sim/scenario/config.hpp"
#include "sim/scenario/param.hpp"

namespace dcsim::serving {

// Image models at or above this many FLOPs per step (SD3.5-Large 8.6e13, FLUX.1-dev 1.0e14) are
// compute-bound at batch 1 and draw the flat large-model power (ML.ENERGY: 661-690 W at every batch).
inline constexpr double kLargeImageModelFlops = 5e13;

// Everything a diffusion pool keeps a reference to; kept alive with the pool (BuiltPool::parts).
struct DiffusionPoolParts {
  std::unique_ptr<power::GpuPowerModel> image_power;
  std::unique_ptr<power::GpuPowerModel> video_power;
  std::unique_ptr<DiffusionPool> pool;
};

// The `diffusion` block of a pool: gpu, ai_model, max_batch, batch_window, power_cap.
std::vector<scenario::ParamSpec> diffusion_block_params();

// Time parameters for a GPU and model, calibrated as in the header comment.
DiffusionTimeParams diffusion_image_time_params(const catalog::Catalog& catalog, const catalog::ModelSpec& model);
DiffusionTimeParams diffusion_video_time_params(const catalog::Catalog& catalog);

// A config with gpu, model and both time parameter sets filled; the rest at the defaults.
DiffusionPoolConfig diffusion_pool_config(const catalog::Catalog& catalog, const catalog::GpuSpec& gpu,
                                          const catalog::ModelSpec& model);

// Build from a filled config; power_cap_w <= 0: no cap.
DiffusionPoolParts build_diffusion_pool(DiffusionPoolConfig cfg, double power_cap_w, PoolPlacement placement,
                                        Engine& engine, output::Recorder& recorder,
                                        std::vector<RequestObserver*> observers);

// Build from a validated pool block with its `diffusion` child. Throws scenario::InputError when
// the model is not a diffusion/video model or its weights do not fit in the GPU's memory.
DiffusionPoolParts make_diffusion_pool(const scenario::Config& pool_cfg, const catalog::Catalog& catalog,
                                       PoolPlacement placement, Engine& engine, output::Recorder& recorder,
                                       std::vector<RequestObserver*> observers);

}  // namespace dcsim::serving
