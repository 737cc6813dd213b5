// Fits of the roofline constants and the activity power levels; see roofline_fit.hpp.
#include "models/serving/roofline_fit.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "models/serving/llm_models.hpp"

namespace dcsim::serving {

const std::array<LlmSweepPoint, 10> kH100Llama8bSweep{{{8, 389, 1070, 7.3e-3, 486},
                                                        {16, 404, 1954, 7.9e-3, 513},
                                                        {32, 390, 3391, 8.9e-3, 560},
                                                        {64, 396, 5147, 11.5e-3, 610},
                                                        {96, 393, 6260, 14.1e-3, 644},
                                                        {128, 405, 7037, 16.5e-3, 669},
                                                        {192, 397, 8223, 20.9e-3, 688},
                                                        {256, 404, 9010, 26.1e-3, 691},
                                                        {384, 394, 9248, 37.7e-3, 687},
                                                        {512, 397, 9806, 47.4e-3, 688}}};

// openai__gpt-oss-120b__gpqa.json, H100, num_gpus 1: max_num_seqs, avg_output_len,
// output_throughput_tokens_per_sec, median_itl_ms, avg_power_watts (rounded).
const std::array<LlmSweepPoint, 4> kH100GptOss120bTp1Sweep{{{8, 1781, 804, 9.86e-3, 550},
                                                             {16, 1680, 1191, 13.23e-3, 610},
                                                             {32, 1758, 1745, 17.96e-3, 656},
                                                             {64, 1739, 2572, 24.15e-3, 688}}};

// GPQA prompt (kGpqaPrompt): not published. ML.ENERGY's prompt is "What is the correct answer to
// the following question: {question}\n\nChoices:\n(A) ...(D) ..." (ml-energy/benchmark c1d6557,
// datasets.py GPQADataset). GPQA Diamond's question + choices average 620 characters (evalscope
// lists a mean prompt of 841.15 characters, of which its fixed 221-character instruction), so
// ML.ENERGY's text is ~688 characters = 172-197 tokens at 4.0-3.5 characters per token, plus ~60
// tokens of gpt-oss's harmony chat template (system message with the reasoning effort, role
// markers): 232-257, taken as 245.

double repeated_prompt_share(double batch, double distinct) {
  if (!(distinct > 0) || !(batch > distinct)) return 0.0;
  return 1.0 - distinct / batch;
}

namespace {

// Lengths of one sweep point: its own output mean, the age scaled with it.
WorkloadLengths at_point(const WorkloadLengths& w, const LlmSweepPoint& s) {
  WorkloadLengths x = w;
  if (w.output > 0 && s.output_tokens > 0) {
    x.output_age = w.output_age * s.output_tokens / w.output;
    x.output = s.output_tokens;
  }
  return x;
}

template <std::size_t kN>
using Vec = std::array<double, kN>;

template <std::size_t kN>
Vec<kN> nelder_mead(const std::function<double(const Vec<kN>&)>& f, Vec<kN> x0, Vec<kN> step, int iters) {
  std::array<Vec<kN>, kN + 1> pts{};
  std::array<double, kN + 1> fv{};
  pts[0] = x0;
  for (std::size_t k = 0; k < kN; ++k) {
    pts[k + 1] = x0;
    pts[k + 1][k] += step[k];
  }
  for (std::size_t k = 0; k <= kN; ++k) fv[k] = f(pts[k]);
  for (int it = 0; it < iters; ++it) {
    std::array<std::size_t, kN + 1> o{};
    for (std::size_t k = 0; k <= kN; ++k) o[k] = k;
    std::stable_sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return fv[a] < fv[b]; });
    const auto P = pts;
    const auto F = fv;
    for (std::size_t k = 0; k <= kN; ++k) {
      pts[k] = P[o[k]];
      fv[k] = F[o[k]];
    }
    Vec<kN> c{};
    for (std::size_t k = 0; k < kN; ++k)
      for (std::size_t j = 0; j < kN; ++j) c[j] += pts[k][j] / double(kN);
    auto along = [&](double a) {
      Vec<kN> y{};
      for (std::size_t j = 0; j < kN; ++j) y[j] = c[j] + a * (pts[kN][j] - c[j]);
      return y;
    };
    const Vec<kN> xr = along(-1);
    const double fr = f(xr);
    if (fr < fv[0]) {
      const Vec<kN> xe = along(-2);
      const double fe = f(xe);
      if (fe < fr) {
        pts[kN] = xe;
        fv[kN] = fe;
      } else {
        pts[kN] = xr;
        fv[kN] = fr;
      }
    } else if (fr < fv[kN - 1]) {
      pts[kN] = xr;
      fv[kN] = fr;
    } else {
      const Vec<kN> xc = along(0.5);
      const double fc = f(xc);
      if (fc < fv[kN]) {
        pts[kN] = xc;
        fv[kN] = fc;
      } else {
        for (std::size_t k = 1; k <= kN; ++k) {
          for (std::size_t j = 0; j < kN; ++j) pts[k][j] = pts[0][j] + 0.5 * (pts[k][j] - pts[0][j]);
          fv[k] = f(pts[k]);
        }
      }
    }
  }
  const auto k = static_cast<std::size_t>(std::min_element(fv.begin(), fv.end()) - fv.begin());
  return pts[k];
}

// x = (eff_compute, t_layer, t_host, t_host_seq); eff_memory stays at base's (see roofline_fit.hpp).
RooflineParams with(RooflineParams p, const Vec<4>& x) {
  p.eff_compute = x[0];
  p.t_layer_s = x[1];
  p.t_host_s = x[2];
  p.t_host_seq_s = x[3];
  return p;
}

bool admissible(const Vec<4>& x) { return x[0] > 0 && x[0] <= 1 && x[1] >= 0 && x[2] >= 0 && x[3] >= 0; }

// Fixed starts of (eff_compute, t_layer, t_host) and their steps.
constexpr std::array<Vec<3>, 3> kStarts{{{0.4, 30e-6, 4e-3}, {0.6, 45e-6, 2e-3}, {0.3, 30e-6, 6e-3}}};
constexpr Vec<3> kStep{0.1, 15e-6, 1e-3};

}  // namespace

RooflineFit roofline_errors(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model, int tp,
                            const RooflineParams& p, std::span<const LlmSweepPoint> sweep, const WorkloadLengths& w) {
  const Roofline r(gpu, model, tp, p);
  RooflineFit out;
  out.params = p;
  for (const auto& s : sweep) {
    const SteadyState st = r.steady_state(s.max_batch, at_point(w, s));
    const double et = st.output_tokens_per_s / s.tokens_per_s - 1;
    const double ei = st.itl_s / s.median_itl_s - 1;
    out.objective += et * et + 0.25 * ei * ei;
    out.max_thr_err = std::max(out.max_thr_err, std::abs(et));
    out.max_itl_err = std::max(out.max_itl_err, std::abs(ei));
  }
  return out;
}

std::vector<HostSeqProfilePoint> profile_host_seq(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model,
                                                  std::span<const LlmSweepPoint> sweep, const WorkloadLengths& w,
                                                  RooflineParams base, int iterations) {
  std::vector<HostSeqProfilePoint> out;
  for (int i = 0; i <= 26; ++i) {
    const double h1 = 0.005e-3 * i;
    auto objective = [&](const Vec<3>& y) {
      const Vec<4> x{y[0], y[1], y[2], h1};
      if (!admissible(x)) return 1e9;
      return roofline_errors(gpu, model, 1, with(base, x), sweep, w).objective;
    };
    HostSeqProfilePoint best;
    best.t_host_seq_s = h1;
    best.fit.objective = 1e18;
    for (const Vec<3>& s0 : kStarts) {
      const Vec<3> y = nelder_mead<3>(objective, s0, kStep, iterations);
      const RooflineFit e = roofline_errors(gpu, model, 1, with(base, {y[0], y[1], y[2], h1}), sweep, w);
      if (e.objective < best.fit.objective) best.fit = e;
    }
    out.push_back(best);
  }
  return out;
}

RooflineFit fit_roofline(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model,
                         std::span<const LlmSweepPoint> sweep, const WorkloadLengths& w, RooflineParams base,
                         int iterations) {
  const std::vector<HostSeqProfilePoint> scan = profile_host_seq(gpu, model, sweep, w, base, iterations / 3);
  const auto best = std::min_element(scan.begin(), scan.end(), [](const auto& a, const auto& b) {
    return a.fit.objective < b.fit.objective;
  });
  const RooflineParams& p = best->fit.params;
  auto objective = [&](const Vec<4>& x) {
    if (!admissible(x)) return 1e9;
    return roofline_errors(gpu, model, 1, with(base, x), sweep, w).objective;
  };
  const Vec<4> x0{p.eff_compute, p.t_layer_s, p.t_host_s, p.t_host_seq_s};
  const Vec<4> x = nelder_mead<4>(objective, x0, {0.02, 3e-6, 0.2e-3, 0.002e-3}, iterations);
  RooflineFit polished = roofline_errors(gpu, model, 1, with(base, x), sweep, w);
  return polished.objective < best->fit.objective ? polished : best->fit;
}

double fit_expert_power(const Roofline& roofline, const catalog::GpuSpec& gpu, std::span<const LlmSweepPoint> sweep,
                        const WorkloadLengths& w, const power::ActivityPowerLevels& levels) {
  // y = rest + P_e f_e, with rest the other states' share: P_e = sum f_e (y - rest) / sum f_e^2.
  double num = 0, den = 0;
  for (const auto& s : sweep) {
    const SteadyState st = roofline.steady_state(s.max_batch, at_point(w, s));
    const power::GpuActivity f = gpu_activity(st.activity);
    const double wait = std::max(0.0, 1.0 - f.compute - f.memory - f.comm);
    const double rest = levels.wait_w * wait + levels.compute_w * f.compute + levels.memory_w * (f.memory - f.expert) +
                        levels.comm_w * f.comm;
    const double y = s.gpu_power_w / roofline.tp() - (gpu.idle_loaded_W - levels.idle_ref_w);
    num += f.expert * (y - rest);
    den += f.expert * f.expert;
  }
  return den > 0 ? num / den : levels.memory_w;
}

double fit_moe_efficiency(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model, int tp,
                          std::span<const LlmSweepPoint> sweep, const WorkloadLengths& w, RooflineParams base) {
  double best_e = base.eff_moe;
  double best = 1e18;
  for (int i = 0; i <= 100; ++i) {
    RooflineParams p = base;
    p.eff_moe = 0.4 + 0.005 * i;
    const Roofline r(gpu, model, tp, p);
    double sse = 0;
    for (const auto& s : sweep) {
      const SteadyState st = r.steady_state(s.max_batch, at_point(w, s));
      const double e = st.output_tokens_per_s / s.tokens_per_s - 1;
      sse += e * e;
    }
    if (sse < best) {
      best = sse;
      best_e = p.eff_moe;
    }
  }
  return best_e;
}

power::ActivityPowerLevels fit_activity_levels(const Roofline& roofline, const catalog::GpuSpec& gpu,
                                               std::span<const LlmSweepPoint> sweep, const WorkloadLengths& w,
                                               double wait_w, double* rms_rel) {
  // y - P_w = (P_c - P_w) f_c + (P_m - P_w) f_m: two unknowns, normal equations.
  const double pw = wait_w >= 0 ? wait_w : gpu.idle_loaded_W;
  double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
  std::vector<power::GpuActivity> fs;
  for (const auto& s : sweep) {
    const SteadyState st = roofline.steady_state(s.max_batch, at_point(w, s));
    const power::GpuActivity f = gpu_activity(st.activity);
    fs.push_back(f);
    const double y = s.gpu_power_w / roofline.tp() - pw;
    a11 += f.compute * f.compute;
    a12 += f.compute * f.memory;
    a22 += f.memory * f.memory;
    b1 += f.compute * y;
    b2 += f.memory * y;
  }
  const double det = a11 * a22 - a12 * a12;
  power::ActivityPowerLevels v;
  v.wait_w = pw;
  v.comm_w = pw;
  v.idle_ref_w = gpu.idle_loaded_W;
  v.compute_w = pw + (b1 * a22 - b2 * a12) / det;
  v.memory_w = pw + (a11 * b2 - a12 * b1) / det;
  if (rms_rel) {
    double sse = 0;
    for (std::size_t i = 0; i < sweep.size(); ++i) {
      const auto& f = fs[i];
      const double wait = std::max(0.0, 1.0 - f.compute - f.memory - f.comm);
      const double p = pw * (wait + f.comm) + v.compute_w * f.compute + v.memory_w * f.memory;
      const double e = p / (sweep[i].gpu_power_w / roofline.tp()) - 1;
      sse += e * e;
    }
    *rms_rel = std::sqrt(sse / double(sweep.size()));
  }
  return v;
}

}  // namespace dcsim::serving
