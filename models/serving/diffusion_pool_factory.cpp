#include "models/serving/diffusion_pool_factory.hpp"

#include <string>

#include "sim/scenario/diagnostics.hpp"

namespace dcsim::serving {

namespace {

// mlenergy_v3.h100.video: CogVideoX1.5-5B, 81 frames 1360x768, 50 steps, batch 1, H100 SXM.
constexpr double kCogVideoLatencyS = 495.8;
constexpr int kCogVideoSteps = 50;
constexpr double kH100Bf16Flops = 989.4e12;   // hw.h100_sxm, the GPU of both calibrations
constexpr double kCogVideoFlopsDefault = 3.0e15;

bool has_model(const catalog::Catalog& c, const std::string& name) {
  for (const auto& n : c.model_names())
    if (n == name) return true;
  return false;
}

}  // namespace

std::vector<scenario::ParamSpec> diffusion_block_params() {
  using P = scenario::ParamSpec;
  using units::Quantity;
  return {P::string("gpu").def("h100-sxm").doc("GPU (catalog name); one GPU per replica."),
          P::string("ai_model").def("sdxl").doc("Served image or video model (catalog name, kind diffusion or video)."),
          P::integer("max_batch")
              .def("8")
              .at_least(1)
              .at_most(1024)
              .doc("Images per batch on one replica.")
              .src("MLPerf Inference v4.0 NVIDIA SDXL Server harness, H100_SXM_80GBx1: gpu_batch_size 8 "
                   "(closed/NVIDIA/configs/stable-diffusion-xl/Server/__init__.py)"),
          P::quantity_of("batch_window", Quantity::time)
              .def("3 s")
              .at_least(0)
              .doc("Longest wait of a free replica for its batch to fill (0 s: start at once).")
              .src("MLPerf Inference v4.0 NVIDIA SDXL Server harness, H100_SXM_80GBx1: sdxl_batcher_time_limit 3 "
                   "(same file; p99 latency bound 20 s, mlperf.slo)"),
          P::quantity_of("power_cap", Quantity::power)
              .def("0 W")
              .at_least(0)
              .doc("Per-GPU power limit (0 W: none); throughput falls as (cap / uncapped power)^(1/3).")};
}

DiffusionTimeParams diffusion_image_time_params(const catalog::Catalog& catalog, const catalog::ModelSpec& model) {
  (void)catalog;
  // MLPerf's SDXL point was run with TensorRT: that calibration belongs to the model named sdxl.
  if (model.name == "sdxl") return sdxl_mlperf_fit(model.flops_per_step, kH100Bf16Flops);
  return diffusers_fit(model.hidden);
}

DiffusionTimeParams diffusion_video_time_params(const catalog::Catalog& catalog) {
  DiffusionTimeParams p = diffusers_fit(0);
  double f = kCogVideoFlopsDefault;
  if (has_model(catalog, "cogvideox-1.5-5b") && catalog.model("cogvideox-1.5-5b").flops_per_step > 0)
    f = catalog.model("cogvideox-1.5-5b").flops_per_step;
  p.eff = f / (kH100Bf16Flops * (kCogVideoLatencyS / kCogVideoSteps - p.t0_s));
  return p;
}

DiffusionPoolConfig diffusion_pool_config(const catalog::Catalog& catalog, const catalog::GpuSpec& gpu,
                                          const catalog::ModelSpec& model) {
  DiffusionPoolConfig cfg;
  cfg.gpu = gpu;
  cfg.model = model;
  cfg.image_time = diffusion_image_time_params(catalog, model);
  cfg.video_time = diffusion_video_time_params(catalog);
  return cfg;
}

DiffusionPoolParts build_diffusion_pool(DiffusionPoolConfig cfg, double power_cap_w, PoolPlacement placement,
                                        Engine& engine, output::Recorder& recorder,
                                        std::vector<RequestObserver*> observers) {
  DiffusionPoolParts parts;
  power::GpuPowerParams image_params;
  if (cfg.model.flops_per_step >= kLargeImageModelFlops) image_params.diffusion = power::kDiffusionLargeH100;
  power::GpuPowerParams video_params;
  video_params.diffusion = power::kDiffusionLargeH100;
  parts.image_power = std::make_unique<power::GpuPowerModel>(cfg.gpu, image_params);
  parts.video_power = std::make_unique<power::GpuPowerModel>(cfg.gpu, video_params);
  if (power_cap_w > 0) {
    parts.image_power->set_cap(power_cap_w);
    parts.video_power->set_cap(power_cap_w);
  }
  parts.pool = std::make_unique<DiffusionPool>(std::move(cfg), std::move(placement), engine, recorder,
                                               *parts.image_power, *parts.video_power, std::move(observers));
  return parts;
}

DiffusionPoolParts make_diffusion_pool(const scenario::Config& pool_cfg, const catalog::Catalog& catalog,
                                       PoolPlacement placement, Engine& engine, output::Recorder& recorder,
                                       std::vector<RequestObserver*> observers) {
  const scenario::Config& c = pool_cfg.child("diffusion");
  const catalog::GpuSpec& gpu = catalog.gpu(c.str("gpu"), c.where("gpu"), c.path() + ".gpu");
  const catalog::ModelSpec& model = catalog.model(c.str("ai_model"), c.where("ai_model"), c.path() + ".ai_model");
  if (model.kind == catalog::ModelKind::llm) {
    throw scenario::InputError(c.where("ai_model"), c.path() + ".ai_model",
                               "got '" + c.str("ai_model") +
                                   "', expected an image or video model (kind diffusion or video) from the catalog");
  }
  if (model.weights_B() > gpu.memory_B) {
    throw scenario::InputError(c.where("ai_model"), c.path(),
                               "the model's weights (" + std::to_string(model.weights_B() / 1e9) +
                                   " GB) do not fit in the memory of one " + gpu.name + " (" +
                                   std::to_string(gpu.memory_B / 1e9) + " GB)");
  }
  DiffusionPoolConfig cfg = diffusion_pool_config(catalog, gpu, model);
  cfg.gpus_per_server = static_cast<uint32_t>(pool_cfg.integer("gpus_per_server"));
  cfg.max_batch = static_cast<uint32_t>(c.integer("max_batch"));
  cfg.batch_window_s = c.num("batch_window");
  cfg.queue_capacity = static_cast<uint64_t>(pool_cfg.integer("queue_capacity"));
  return build_diffusion_pool(std::move(cfg), c.num("power_cap"), std::move(placement), engine, recorder,
                              std::move(observers));
}

void register_diffusion_pool_kind(PoolKindRegistry& r) {
  KindInfo k;
  k.name = "diffusion";
  k.block = "diffusion";
  k.summary = "batched image/video generation";
  k.help =
      "Batched image and video generation (serving: diffusion): hardware and model from the catalog, batch times "
      "calibrated to MLPerf SDXL (docs/models/serving-diffusion.md).";
  k.params = diffusion_block_params();
  r.add(std::move(k), [](PoolBuild& b) {
    auto parts = std::make_shared<DiffusionPoolParts>(
        make_diffusion_pool(b.pool, b.catalog, std::move(b.placement), b.engine, b.recorder, b.observers));
    // Requests of image classes declared not batchable run alone.
    for (uint32_t i = 0; i < b.workload_classes.size(); ++i) {
      const scenario::Config& cls = *b.workload_classes[i];
      if (cls.model() == "image" && !cls.flag("batchable")) parts->pool->set_batchable(i, false);
    }
    BuiltPool out;
    out.it = pool_it_power(b.pool, b.catalog, "diffusion");
    out.pool = std::move(parts->pool);
    out.parts = std::move(parts);
    out.model = b.pool.child("diffusion").str("ai_model");
    out.model_key = "diffusion.ai_model";
    return out;
  });
}

}  // namespace dcsim::serving
