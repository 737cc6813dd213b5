#include "models/serving/fluid/fluid_curves.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "models/power/gpu_power_model.hpp"
#include "models/serving/diffusion_pool_factory.hpp"
#include "models/serving/llm_models.hpp"
#include "models/serving/llm_pool_factory.hpp"
#include "models/serving/service_time.hpp"

namespace dcsim::serving::fluid {

KindCurve llm_curve(const scenario::Config& pool, const catalog::Catalog& catalog) {
  const scenario::Config& c = pool.child("llm");
  const LlmPoolConfig cfg = read_llm_config(c, pool, catalog, "tp");
  auto roof = std::make_shared<Roofline>(cfg.gpu, cfg.model, static_cast<int>(cfg.tp), roofline_params_for(cfg));
  auto gpu = std::make_shared<power::GpuPowerModel>(cfg.gpu);  // uncapped: the pool applies the law
  KindCurve k;
  k.weights_B = cfg.model.weights_B();
  k.idle_gpu_w = gpu->idle_w();
  k.cap_w = c.num("power_cap");
  k.gpus_per_replica = cfg.tp;
  k.count_series = "tokens_out";
  k.gpu_block = "llm";
  k.model = c.str("ai_model");
  k.model_key = "llm.ai_model";
  const uint32_t max_batch = cfg.max_batch;
  k.make = [roof, gpu, max_batch](const std::vector<workload::Request>& mix) {
    double p = 0, o = 0, o2 = 0;
    std::vector<double> out;
    out.reserve(mix.size());
    for (const auto& r : mix) {
      p += r.prompt_tokens;
      o += r.output_tokens;
      o2 += double(r.output_tokens) * r.output_tokens;
      out.push_back(std::max(1.0, double(r.output_tokens)));
    }
    const double n_mix = double(mix.size());
    WorkloadLengths w;
    w.prompt = p / n_mix;
    w.output = std::max(1.0, o / n_mix);
    w.output_age = o > 0 ? o2 / (2.0 * o) : 0.5;
    FluidCurve curve;
    const double context = std::max(1.0, w.prompt + w.output_age);
    curve.slots = static_cast<uint32_t>(
        std::clamp(std::floor(roof->kv_capacity_tokens() / context), 1.0, double(max_batch)));
    curve.service_s.resize(curve.slots);
    curve.gpu_power_w.resize(size_t(curve.slots) + 1);
    curve.gpu_power_w[0] = roof->tp() * gpu->idle_w();
    for (uint32_t n = 1; n <= curve.slots; ++n) {
      const SteadyState ss = roof->steady_state(double(n), w);
      const double b = ss.batch;
      const RooflineLoad mixed{b * w.prompt / w.output, b, b * (w.prompt + w.output_age)};
      // A share f = b / O of the iterations carries one prompt's prefill (one arrival per O / b
      // iterations), the others decode only; time and power are averaged over the two (the power
      // law is not linear in the activity, so the mean iteration's power would overstate it).
      // From b > O on, every iteration carries b / O prompts: the steady state's mixed iteration.
      const double f = b / w.output;
      if (f < 1) {
        const RooflineLoad pre{w.prompt, b, b * (w.prompt + w.output_age)};
        const RooflineLoad dec{0.0, b, b * (w.prompt + w.output_age)};
        const double tp = roof->iteration_time(pre), td = roof->iteration_time(dec);
        const double t = f * tp + (1 - f) * td;
        curve.service_s[n - 1] = w.output * t;
        curve.gpu_power_w[n] =
            (f * tp * replica_power_w(*roof, *gpu, pre) + (1 - f) * td * replica_power_w(*roof, *gpu, dec)) / t;
      } else {
        curve.service_s[n - 1] = w.output * ss.itl_s;
        curve.gpu_power_w[n] = replica_power_w(*roof, *gpu, mixed);
      }
    }
    curve.tokens_per_request = w.output;
    fill_shape(curve, std::move(out));
    return curve;
  };
  return k;
}

KindCurve diffusion_curve(const scenario::Config& pool, const catalog::Catalog& catalog) {
  const scenario::Config& c = pool.child("diffusion");
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
  cfg.gpus_per_server = static_cast<uint32_t>(pool.integer("gpus_per_server"));
  cfg.max_batch = static_cast<uint32_t>(c.integer("max_batch"));
  power::GpuPowerParams image_params, video_params;
  if (model.flops_per_step >= kLargeImageModelFlops) image_params.diffusion = power::kDiffusionLargeH100;
  video_params.diffusion = power::kDiffusionLargeH100;
  auto image_power = std::make_shared<power::GpuPowerModel>(gpu, image_params);
  auto video_power = std::make_shared<power::GpuPowerModel>(gpu, video_params);
  KindCurve k;
  k.weights_B = cfg.model.weights_B();
  k.idle_gpu_w = image_power->idle_w();
  k.cap_w = c.num("power_cap");
  k.gpus_per_replica = 1;
  k.count_series = "images_out";
  k.gpu_block = "diffusion";
  k.model = c.str("ai_model");
  k.model_key = "diffusion.ai_model";
  const double window = c.num("batch_window");
  k.make = [cfg, image_power, video_power, window](const std::vector<workload::Request>& mix) {
    const auto& m = cfg.model;
    const double node_eff = cfg.gpus_per_server > 1 ? cfg.image_time.node_eff : 1.0;
    FluidCurve curve;
    bool video = false;
    double images = 0, steps = 0, pixels = 0, vsec = 0;
    for (const auto& r : mix) {
      video = video || r.kind == workload::RequestKind::video;
      images += std::max<double>(1, r.images);
      steps = std::max<double>(steps, r.steps > 0 ? r.steps : m.default_steps);
      pixels = std::max(pixels, r.pixels > 0 ? double(r.pixels) : m.ref_pixels);
      vsec = std::max(vsec, double(r.video_seconds));
    }
    const double per = images / double(mix.size());
    if (video) {
      const double px = pixels * video_frames(vsec) / kVideoRefFrames;
      curve.slots = 1;
      curve.service_s = {diffusion_batch_time(int(steps), 1.0, px, m.ref_pixels, m.flops_per_step, cfg.gpu.bf16_flops,
                                              cfg.video_time)};
      curve.gpu_power_w = {video_power->idle_w(), video_power->diffusion_w(1.0)};
      curve.images_per_request = 1;
    } else {
      const double mb = cfg.max_batch;
      curve.slots = static_cast<uint32_t>(std::max(1.0, std::floor(mb / per)));
      curve.service_s.resize(curve.slots);
      curve.gpu_power_w.assign(size_t(curve.slots) + 1, image_power->idle_w());
      for (uint32_t n = 1; n <= curve.slots; ++n) {
        const double b = std::min(mb, double(n) * per);
        curve.service_s[n - 1] =
            diffusion_batch_time(int(steps), b, pixels, m.ref_pixels, m.flops_per_step, cfg.gpu.bf16_flops,
                                 cfg.image_time) / node_eff;
        curve.gpu_power_w[n] = image_power->diffusion_w(b);
      }
      curve.images_per_request = per;
      curve.batch_window_s = window;
      curve.batches = true;
    }
    fill_shape(curve, std::vector<double>(mix.size(), 1.0));
    return curve;
  };
  return k;
}

KindCurve fifo_curve(const scenario::Config& pool) {
  std::shared_ptr<ServiceTime> service(service_time_registry().create(pool.child("service")));
  KindCurve k;
  k.weights_B = pool.num("weights");
  k.idle_gpu_w = pool.child("gpu").num("idle_power");
  const double busy = pool.child("gpu").num("busy_power");
  k.gpus_per_replica = static_cast<uint32_t>(pool.integer("gpus_per_replica"));
  const double g = k.gpus_per_replica;
  const double idle = k.idle_gpu_w;
  k.make = [service, idle, busy, g](const std::vector<workload::Request>& mix) {
    Rng rng(0, "fluid/fifo_service");
    std::vector<double> draws;
    draws.reserve(16 * mix.size());
    for (int rep = 0; rep < 16; ++rep)
      for (const auto& r : mix) draws.push_back(service->draw(r, rng));
    FluidCurve curve;
    curve.slots = 1;
    curve.service_s = {service->mean()};
    curve.gpu_power_w = {idle * g, busy * g};
    fill_shape(curve, std::move(draws));  // the quantiles' shape
    curve.service_scv = service->scv();   // exact, not the sample's
    return curve;
  };
  return k;
}

}  // namespace dcsim::serving::fluid
