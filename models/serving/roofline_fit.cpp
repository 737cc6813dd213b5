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

namespace {

constexpr int kN = 5;
using Vec = std::array<double, kN>;

// Lengths of one sweep point: its own output mean, the age scaled with it.
WorkloadLengths at_point(const WorkloadLengths& w, const LlmSweepPoint& s) {
  WorkloadLengths x = w;
  if (w.output > 0 && s.output_tokens > 0) {
    x.output_age = w.output_age * s.output_tokens / w.output;
    x.output = s.output_tokens;
  }
  return x;
}

RooflineParams with(RooflineParams p, const Vec& x) {
  p.eff_compute = x[0];
  p.eff_memory = x[1];
  p.t_launch_s = x[2];
  p.t_host_s = x[3];
  p.t_host_seq_s = x[4];
  return p;
}

Vec nelder_mead(const std::function<double(const Vec&)>& f, Vec x0, Vec step, int iters) {
  std::array<Vec, kN + 1> pts{};
  std::array<double, kN + 1> fv{};
  pts[0] = x0;
  for (int k = 0; k < kN; ++k) {
    pts[k + 1] = x0;
    pts[k + 1][k] += step[k];
  }
  for (int k = 0; k <= kN; ++k) fv[k] = f(pts[k]);
  for (int it = 0; it < iters; ++it) {
    std::array<int, kN + 1> o{};
    for (int k = 0; k <= kN; ++k) o[k] = k;
    std::stable_sort(o.begin(), o.end(), [&](int a, int b) { return fv[a] < fv[b]; });
    const auto P = pts;
    const auto F = fv;
    for (int k = 0; k <= kN; ++k) {
      pts[k] = P[o[k]];
      fv[k] = F[o[k]];
    }
    Vec c{};
    for (int k = 0; k < kN; ++k)
      for (int j = 0; j < kN; ++j) c[j] += pts[k][j] / kN;
    auto along = [&](double a) {
      Vec y{};
      for (int j = 0; j < kN; ++j) y[j] = c[j] + a * (pts[kN][j] - c[j]);
      return y;
    };
    const Vec xr = along(-1);
    const double fr = f(xr);
    if (fr < fv[0]) {
      const Vec xe = along(-2);
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
      const Vec xc = along(0.5);
      const double fc = f(xc);
      if (fc < fv[kN]) {
        pts[kN] = xc;
        fv[kN] = fc;
      } else {
        for (int k = 1; k <= kN; ++k) {
          for (int j = 0; j < kN; ++j) pts[k][j] = pts[0][j] + 0.5 * (pts[k][j] - pts[0][j]);
          fv[k] = f(pts[k]);
        }
      }
    }
  }
  const int k = static_cast<int>(std::min_element(fv.begin(), fv.end()) - fv.begin());
  return pts[k];
}

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

RooflineFit fit_roofline(const catalog::GpuSpec& gpu, const catalog::ModelSpec& model,
                         std::span<const LlmSweepPoint> sweep, const WorkloadLengths& w, RooflineParams base,
                         int iterations) {
  auto objective = [&](const Vec& x) {
    if (!(x[0] > 0 && x[0] <= 1 && x[1] > 0 && x[1] <= 0.9 && x[2] >= 0 && x[3] >= 0 && x[4] >= 0)) return 1e9;
    return roofline_errors(gpu, model, 1, with(base, x), sweep, w).objective;
  };
  // Fixed starts (deterministic): the best end point wins.
  const std::array<Vec, 4> starts{{{0.4, 0.85, 1.0e-3, 4e-3, 0.08e-3},
                                   {0.7, 0.80, 0.5e-3, 2e-3, 0.05e-3},
                                   {0.5, 0.90, 1.5e-3, 5e-3, 0.09e-3},
                                   {0.3, 0.70, 2.0e-3, 1e-3, 0.10e-3}}};
  RooflineFit best;
  best.objective = 1e18;
  for (const Vec& s0 : starts) {
    const Vec step{0.1, 0.05, 0.5e-3, 1e-3, 0.02e-3};
    Vec x = nelder_mead(objective, s0, step, iterations);
    x = nelder_mead(objective, x, {0.02, 0.01, 0.1e-3, 0.2e-3, 0.005e-3}, iterations);  // restart
    const RooflineFit e = roofline_errors(gpu, model, 1, with(base, x), sweep, w);
    if (e.objective < best.objective) best = e;
  }
  return best;
}

power::ActivityPowerLevels fit_activity_levels(const Roofline& roofline, const catalog::GpuSpec& gpu,
                                               std::span<const LlmSweepPoint> sweep, const WorkloadLengths& w) {
  // y - P_w = (P_c - P_w) f_c + (P_m - P_w) f_m: two unknowns, normal equations.
  const double pw = gpu.idle_loaded_W;
  double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
  for (const auto& s : sweep) {
    const SteadyState st = roofline.steady_state(s.max_batch, at_point(w, s));
    const power::GpuActivity f = gpu_activity(st.activity);
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
  v.idle_ref_w = pw;
  v.compute_w = pw + (b1 * a22 - b2 * a12) / det;
  v.memory_w = pw + (a11 * b2 - a12 * b1) / det;
  return v;
}

}  // namespace dcsim::serving
