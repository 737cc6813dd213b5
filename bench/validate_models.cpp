// bench_validate_models: the serving models against every measured serving point of
// shared/reference/calibration.yaml, each marked as used for fitting or held out; the MAPE of the
// held-out points per quantity. Model values are the analytic steady states of the models the
// pools run (roofline.hpp, diffusion_time.hpp, gpu_power_model.hpp) with the catalog's entries.
// Usage: bench_validate_models [--markdown] [--refit] [--pools]   (bench/validate wraps it; --pools adds
// short event-driven runs of the actual pools at a few of the points)
// docs/validation.md holds its table.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "models/catalog/catalog.hpp"
#include "models/power/gpu_power_model.hpp"
#include "models/serving/diffusion_pool_factory.hpp"
#include "models/serving/diffusion_time.hpp"
#include "models/serving/llm_models.hpp"
#include "models/serving/roofline.hpp"
#include "models/serving/roofline_fit.hpp"
#include "models/register_models.hpp"
#include "sim/output/memory_sink.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/scenario_schema.hpp"

using namespace dcsim;
using namespace dcsim::serving;

namespace {

struct Row {
  std::string id, point, quantity, unit;
  double model = 0, published = 0;
  bool fitted = false;
};

std::vector<Row> rows;

void add(const std::string& id, const std::string& point, const std::string& q, const std::string& unit, double model,
         double published, bool fitted) {
  rows.push_back({id, point, q, unit, model, published, fitted});
}

// One LLM steady state against a published point: throughput, ITL (when given), replica power, J/token.
void llm_point(const std::string& id, const std::string& point, const Roofline& r, const power::GpuPowerModel& gpu,
               double max_batch, const WorkloadLengths& w, double tok_s, double itl_s, double power_w, double j_tok,
               bool fitted) {
  const SteadyState st = r.steady_state(max_batch, w);
  const double p = r.tp() * gpu.activity_w(gpu_activity(st.activity));
  add(id, point, "throughput", "tok/s", st.output_tokens_per_s, tok_s, fitted);
  if (itl_s > 0) add(id, point, "latency (median ITL)", "ms", st.itl_s * 1e3, itl_s * 1e3, fitted);
  add(id, point, "power (replica)", "W", p, power_w, fitted);
  add(id, point, "energy", "J/token", p / st.output_tokens_per_s, j_tok, fitted);
}

struct DiffPoint {
  double batch, power_w, latency_s, j_img, img_s;
};

void diffusion_sweep(const std::string& id, const catalog::Catalog& cat, const std::string& model,
                     const std::vector<DiffPoint>& pts, bool time_fitted, bool power_fitted) {
  const catalog::GpuSpec& g = cat.gpu("h100-sxm");
  const catalog::ModelSpec& m = cat.model(model);
  const DiffusionTimeParams tp = diffusion_image_time_params(cat, m);
  const DiffusionPoolConfig cfg = diffusion_pool_config(cat, g, m);
  (void)cfg;
  power::GpuPowerParams pp;
  if (m.flops_per_step >= kLargeImageModelFlops) pp.diffusion = power::kDiffusionLargeH100;
  const power::GpuPowerModel gpu(g, pp);
  for (const auto& p : pts) {
    const std::string pt = "batch " + std::to_string(int(p.batch));
    const double t = diffusion_batch_time(m.default_steps, p.batch, m.ref_pixels, m.ref_pixels, m.flops_per_step,
                                          g.bf16_flops, tp);
    const double w = gpu.diffusion_w(p.batch);
    add(id, pt, "throughput", "img/s", p.batch / t, p.img_s, time_fitted);
    add(id, pt, "latency (batch)", "s", t, p.latency_s, time_fitted);
    add(id, pt, "power", "W", w, p.power_w, power_fitted);
    add(id, pt, "energy", "J/image", w * t / p.batch, p.j_img, time_fitted && power_fitted);
  }
}

// Event-driven check: the actual LLM pool (one replica of `tp` GPUs) fed above its capacity, so its
// running batch sits at max_batch (or the KV bound); output tokens/s and GPU power averaged over
// the steps after a warm-up. Outputs are lognormal with the workload's E[O] and
// E[O^2] / (2 E[O]) (sigma^2 = ln(2 A / O), median = O exp(-sigma^2 / 2)), prompts fixed.
struct PoolRun {
  double tokens_per_s = 0, gpu_power_w = 0, running = 0;
};

PoolRun run_pool(const std::string& gpu, const std::string& model, int tp, int max_batch, const WorkloadLengths& w,
                 double rate_per_s, double max_output) {
  const double sigma2 = std::log(2.0 * w.output_age / w.output);
  const double median = w.output * std::exp(-sigma2 / 2.0);
  char text[2048];
  std::snprintf(text, sizeof text, R"(
name: v
seed: 11
horizon: 900 s
record: {step: 30 s}
sites:
  - name: dc1
    storage: {bandwidth: 1000 GB/s}
    pools:
      - name: p
        servers: 1
        gpus_per_server: %d
        gpus_per_replica: %d
        serving: llm
        queue_capacity: 1000000
        llm: {gpu: %s, ai_model: %s, tp: %d, max_batch: %d}
workloads:
  - name: w
    pool: dc1/p
    arrivals: {model: poisson, rate: %.6g /s}
    class: {model: llm, ai_model: %s, prompt_tokens: {model: fixed, tokens: %d},
            output_tokens: {model: lognormal, median: %.6g, sigma: %.6g, min: 1, max: %d}}
)",
                tp, tp, gpu.c_str(), model.c_str(), tp, max_batch, rate_per_s, model.c_str(), int(std::lround(w.prompt)),
                median, std::sqrt(sigma2), int(max_output));
  const auto sc = scenario::load_text(text, "validate_pool.yaml", scenario::scenario_schema(), {}, scenario::check_scenario);
  output::MemorySink sink;
  run_scenario(sc, &sink);
  const auto tok = sink.column("/sites/dc1/pools/p", "tokens_out");
  const auto pw = sink.column("/sites/dc1/pools/p", "gpu_power_w");
  const auto run = sink.column("/sites/dc1/pools/p", "running");
  PoolRun r;
  int n = 0;
  for (std::size_t k = 10; k < tok.size(); ++k, ++n) {  // after 300 s
    r.tokens_per_s += tok[k] / 30.0;
    r.gpu_power_w += pw[k];
    r.running += run[k];
  }
  if (n > 0) {
    r.tokens_per_s /= n;
    r.gpu_power_w /= n;
    r.running /= n;
  }
  return r;
}

double mape(const std::string& quantity_prefix, bool fitted, int& n) {
  double s = 0;
  n = 0;
  for (const auto& r : rows) {
    if (r.fitted != fitted || r.quantity.rfind(quantity_prefix, 0) != 0) continue;
    s += std::abs(r.model / r.published - 1);
    ++n;
  }
  return n ? 100 * s / n : 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool markdown = false;
  bool refit = false;
  bool pools = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--markdown")) markdown = true;
    else if (!std::strcmp(argv[i], "--refit")) refit = true;
    else if (!std::strcmp(argv[i], "--pools")) pools = true;
    else {
      std::fprintf(stderr, "usage: %s [--markdown] [--refit] [--pools]\n", argv[0]);
      return 2;
    }
  }
  const catalog::Catalog cat = catalog::Catalog::load_builtin();
  const catalog::GpuSpec& h100 = cat.gpu("h100-sxm");
  const catalog::GpuSpec& b200 = cat.gpu("b200");
  const catalog::ModelSpec& l8 = cat.model("llama-3.1-8b");
  const catalog::ModelSpec& oss = cat.model("gpt-oss-120b");
  const WorkloadLengths arena{kArenaPromptMean, kArenaOutputMean, kArenaOutputAge};

  const WorkloadLengths gpqa{kGpqaPrompt, kGpqaOutputMean, kGpqaOutputAge};
  if (refit) {
    for (const auto& pp : profile_host_seq(h100, l8, kH100Llama8bSweep, arena, h100_llama31_8b_fit()))
      std::printf("profile: t_host_seq %.3f ms objective %.5f (eff_compute %.3f eff_memory %.3f t_layer %.1f us"
                  " t_host %.3f ms)\n",
                  pp.t_host_seq_s * 1e3, pp.fit.objective, pp.fit.params.eff_compute, pp.fit.params.eff_memory,
                  pp.fit.params.t_layer_s * 1e6, pp.fit.params.t_host_s * 1e3);
    const RooflineFit f = fit_roofline(h100, l8, kH100Llama8bSweep, arena, h100_llama31_8b_fit());
    std::printf("refit roofline: eff_compute %.4f eff_memory %.4f t_layer %.2f us t_host %.4f ms t_host_seq %.5f ms"
                " objective %.5f max thr %.2f%% max itl %.2f%%\n",
                f.params.eff_compute, f.params.eff_memory, f.params.t_layer_s * 1e6, f.params.t_host_s * 1e3,
                f.params.t_host_seq_s * 1e3, f.objective, 100 * f.max_thr_err, 100 * f.max_itl_err);
    std::printf("refit eff_moe (gpt-oss-120b, 1 H100): %.3f\n",
                fit_moe_efficiency(h100, oss, 1, kH100GptOss120bTp1Sweep, gpqa, h100_llama31_8b_fit()));
    std::printf("refit P_expert (gpt-oss-120b, 1 H100): %.1f W\n",
                fit_expert_power(Roofline(h100, oss, 1, h100_llama31_8b_fit()), h100, kH100GptOss120bTp1Sweep, gpqa,
                                 power::kActivityH100Llama));
    const Roofline r(h100, l8, 1, h100_llama31_8b_fit());
    const power::ActivityPowerLevels v = fit_activity_levels(r, h100, kH100Llama8bSweep, arena);
    std::printf("refit activity power: P_compute %.1f W P_memory %.1f W (P_wait = P_comm = %.0f W)\n", v.compute_w,
                v.memory_w, v.wait_w);
    std::printf("LM-Arena prompt from the KV-bound batch: %.1f tokens (kv capacity %.0f tokens)\n",
                arena_prompt_from_kv_bound(r.kv_capacity_tokens()), r.kv_capacity_tokens());
  }

  // LLM: mlenergy_v3.h100.llama31_8b.sweep (fitted: roofline constants and activity power levels).
  {
    const Roofline r(h100, l8, 1, h100_llama31_8b_fit());
    const power::GpuPowerModel gpu(h100);
    for (const auto& s : kH100Llama8bSweep) {
      WorkloadLengths w = arena;
      w.output_age = arena.output_age * s.output_tokens / arena.output;
      w.output = s.output_tokens;
      llm_point("mlenergy_v3.h100.llama31_8b.sweep", "max_batch " + std::to_string(int(s.max_batch)), r, gpu,
                s.max_batch, w, s.tokens_per_s, s.median_itl_s, s.gpu_power_w, s.gpu_power_w / s.tokens_per_s, true);
    }
  }
  // mlenergy_v3.b200.llama31_8b: held out (same model and task, another GPU). ML.ENERGY sends its
  // 1,024 LM-Arena requests num_request_repeats times in order: at max_batch 2048 two copies of each
  // prompt run together and share it through the prefix cache (repeated_prompt_share).
  {
    const Roofline r(b200, l8, 1, h100_llama31_8b_fit());
    const power::GpuPowerModel gpu(b200);
    const struct { double b, w, jt, ts; } pts[] = {{8, 639, 0.391, 1637}, {64, 617, 0.11, 5589}, {2048, 691, 0.047, 14799}};
    for (const auto& p : pts) {
      WorkloadLengths w = arena;
      w.prompt_shared = repeated_prompt_share(p.b, 1024);
      llm_point("mlenergy_v3.b200.llama31_8b", "max_batch " + std::to_string(int(p.b)), r, gpu, p.b, w, p.ts, 0,
                p.w, p.jt, false);
    }
  }
  // gpt-oss-120b on one H100 (leaderboard data file, not in calibration.yaml): fitted (eff_moe only).
  {
    const Roofline r(h100, oss, 1, h100_llama31_8b_fit());
    const power::GpuPowerModel gpu(h100);
    for (const auto& s : kH100GptOss120bTp1Sweep) {
      WorkloadLengths w = gpqa;
      w.output_age = gpqa.output_age * s.output_tokens / gpqa.output;
      w.output = s.output_tokens;
      llm_point("leaderboard gpt-oss-120b gpqa (1 H100)", "max_batch " + std::to_string(int(s.max_batch)), r, gpu,
                s.max_batch, w, s.tokens_per_s, s.median_itl_s, s.gpu_power_w, s.gpu_power_w / s.tokens_per_s, true);
    }
  }
  // mlenergy_v3.h100.gptoss120b: held out (MoE, MXFP4 experts, TP 2, GPQA reasoning lengths; the
  // 198 GPQA questions repeated 6 times at max_batch 1024 share their prompts).
  {
    const Roofline r(h100, oss, 2, h100_llama31_8b_fit());
    const power::GpuPowerModel gpu(h100);
    const struct { double b, w, jt, ts; } pts[] = {{64, 1164, 0.298, 3906}, {1024, 1139, 0.095, 11939}};
    for (const auto& p : pts) {
      WorkloadLengths w = gpqa;
      w.prompt_shared = repeated_prompt_share(p.b, kGpqaQuestions);
      llm_point("mlenergy_v3.h100.gptoss120b", "2 GPUs max_batch " + std::to_string(int(p.b)), r, gpu, p.b, w, p.ts,
                0, p.w, p.jt, false);
    }
  }
  // Diffusion sweeps (ML.ENERGY v3, one H100, 1024x1024).
  diffusion_sweep("mlenergy_v3.h100.sd35_medium", cat, "sd3.5-medium",
                  {{1, 449, 3.5, 1581, 0.2836}, {4, 510, 12.5, 1593, 0.3201}, {16, 529, 48.4, 1600, 0.3304}}, true, true);
  diffusion_sweep("mlenergy_v3.h100.flux1_dev", cat, "flux.1-dev",
                  {{1, 683, 11.6, 7949, 0.0859}, {4, 690, 44.8, 7728, 0.0893}, {16, 684, 176.6, 7551, 0.0906}}, true, true);
  diffusion_sweep("mlenergy_v3.h100.sd35_large", cat, "sd3.5-large",
                  {{1, 674, 6.6, 4420, 0.1525}, {4, 685, 24.5, 4199, 0.1632}, {16, 661, 99.7, 4116, 0.1605}}, false, true);
  // MLPerf v4.0 SDXL offline (fitted: eff from x1, node_eff from x8).
  {
    const catalog::ModelSpec& m = cat.model("sdxl");
    const DiffusionTimeParams p = diffusion_image_time_params(cat, m);
    add("mlperf_v40.sdxl.h100x1", "offline, batch 8", "throughput", "img/s",
        diffusion_node_throughput(1, kSdxlSteps, kSdxlMlperfBatch, m.ref_pixels, m.ref_pixels, m.flops_per_step,
                                  h100.bf16_flops, p),
        1.64178, true);
    add("mlperf_v40.sdxl.h100x8", "offline, batch 8", "throughput", "img/s",
        diffusion_node_throughput(8, kSdxlSteps, kSdxlMlperfBatch, m.ref_pixels, m.ref_pixels, m.flops_per_step,
                                  h100.bf16_flops, p),
        13.1263, true);
  }
  // mlenergy_v3.h100.video: CogVideoX1.5-5B latency (fitted: video eff) and energy (held out).
  {
    const catalog::ModelSpec& m = cat.model("cogvideox-1.5-5b");
    const DiffusionTimeParams p = diffusion_video_time_params(cat);
    const double t = diffusion_batch_time(m.default_steps, 1, m.ref_pixels, m.ref_pixels, m.flops_per_step,
                                          h100.bf16_flops, p);
    power::GpuPowerParams pp;
    pp.diffusion = power::kDiffusionLargeH100;
    const power::GpuPowerModel gpu(h100, pp);
    add("mlenergy_v3.h100.video", "CogVideoX1.5-5B, 81 frames", "latency (video)", "s", t, 495.8, true);
    add("mlenergy_v3.h100.video", "CogVideoX1.5-5B, 81 frames", "energy", "J/video", gpu.diffusion_w(1) * t, 335359, false);
  }

  const char* sep = markdown ? " | " : "  ";
  if (markdown) std::printf("| id | point | quantity | unit | model | published | error %% | use |\n|---|---|---|---|---:|---:|---:|---|\n");
  for (const auto& r : rows) {
    const double e = 100 * (r.model / r.published - 1);
    if (markdown)
      std::printf("| %s | %s | %s | %s | %.4g | %.4g | %+.1f | %s |\n", r.id.c_str(), r.point.c_str(), r.quantity.c_str(),
                  r.unit.c_str(), r.model, r.published, e, r.fitted ? "fitted" : "**held out**");
    else
      std::printf("%-36s%s%-22s%s%-21s%s%10.4g%s%10.4g%s%+7.1f%%%s%s\n", r.id.c_str(), sep, r.point.c_str(), sep,
                  r.quantity.c_str(), sep, r.model, sep, r.published, sep, e, sep, r.fitted ? "fitted" : "HELD OUT");
  }
  std::printf("\n%sMAPE of held-out points (fitted points in brackets):\n", markdown ? "\n" : "");
  for (const char* q : {"throughput", "latency", "power", "energy"}) {
    int nh = 0, nf = 0;
    const double h = mape(q, false, nh);
    const double f = mape(q, true, nf);
    std::printf("%s%-11s held out %5.1f %% (%d points)   [fitted %5.1f %% (%d)]\n", markdown ? "- " : "  ", q, h, nh, f, nf);
  }
  if (pools) {
    // The pools run what the table claims: steady states against short event-driven runs.
    register_builtin_models();
    struct Case {
      const char* label;
      const catalog::GpuSpec& g;
      const catalog::ModelSpec& m;
      const char* gpu;
      const char* model;
      int tp, batch;
      WorkloadLengths w;
      double max_out;
    };
    const Case cases[] = {{"H100 llama-3.1-8b", h100, l8, "h100-sxm", "llama-3.1-8b", 1, 64, arena, 4096},
                          {"H100 llama-3.1-8b", h100, l8, "h100-sxm", "llama-3.1-8b", 1, 512, arena, 4096},
                          {"B200 llama-3.1-8b", b200, l8, "b200", "llama-3.1-8b", 1, 8, arena, 4096},
                          {"B200 llama-3.1-8b", b200, l8, "b200", "llama-3.1-8b", 1, 64, arena, 4096},
                          {"2 H100 gpt-oss-120b", h100, oss, "h100-sxm", "gpt-oss-120b", 2, 64, gpqa, 32768},
                          {"2 H100 gpt-oss-120b", h100, oss, "h100-sxm", "gpt-oss-120b", 2, 1024, gpqa, 32768}};
    std::printf("\n%s", markdown ? "| pool | max_batch | running (steady / run) | tok/s (steady / run) | GPU W (steady / run) |\n|---|---:|---:|---:|---:|\n"
                                   : "event-driven runs (steady state / pool run):\n");
    for (const auto& c : cases) {
      const Roofline r(c.g, c.m, c.tp, h100_llama31_8b_fit());
      const power::GpuPowerModel gpu(c.g);
      const SteadyState st = r.steady_state(c.batch, c.w);
      const double p = c.tp * gpu.activity_w(gpu_activity(st.activity));
      const PoolRun run = run_pool(c.gpu, c.model, c.tp, c.batch, c.w, 1.5 * st.output_tokens_per_s / c.w.output, c.max_out);
      if (markdown)
        std::printf("| %s | %d | %.0f / %.0f | %.4g / %.4g | %.0f / %.0f |\n", c.label, c.batch, st.batch, run.running,
                    st.output_tokens_per_s, run.tokens_per_s, p, run.gpu_power_w);
      else
        std::printf("  %-22s batch %5d  running %6.0f / %6.0f  tok/s %8.4g / %8.4g  W %6.0f / %6.0f\n", c.label,
                    c.batch, st.batch, run.running, st.output_tokens_per_s, run.tokens_per_s, p, run.gpu_power_w);
    }
  }
  return 0;
}
