// LLM replica models (roofline time, activity power, cap); see llm_models.hpp.
#include "models/serving/llm_models.hpp"

#include <algorithm>
#include <cmath>

namespace dcsim::serving {

namespace {

// Roofline time divided by the rate the power cap and the speed factor leave at this iteration's
// power (throttle.hpp), and the replica's power during the iteration from the roofline's activity.
class CappedIterationTime final : public IterationTimeModel {
 public:
  CappedIterationTime(const Roofline& base, const power::GpuPowerModel& gpu, double speed)
      : base_(base), gpu_(gpu), speed_(speed), nominal_(std::isinf(gpu.cap_w()) && speed >= 1) {}
  double seconds(const IterationLoad& l) const override {
    const RooflineLoad rl = Roofline::load_of(l);
    return base_.iteration_time(rl) / factor(rl);
  }
  void iteration_ends(IterationLoad l, uint32_t k, double t0, double* ends) const override {
    const uint64_t c0 = l.context_tokens;
    double t = t0;
    for (uint32_t j = 0; j < k; ++j) {
      l.context_tokens = c0 + uint64_t(j) * l.decode_seqs;
      const RooflineLoad rl = Roofline::load_of(l);
      t += nominal_ ? base_.iteration_time(rl) : base_.iteration_time(rl) / factor(rl);
      ends[j] = t;
    }
  }
  double replica_power_w(const IterationLoad& l) const override {
    return serving::replica_power_w(base_, gpu_, Roofline::load_of(l), speed_);
  }

 private:
  double factor(const RooflineLoad& l) const {
    if (nominal_) return 1.0;
    return throttled_rate(gpu_, gpu_.activity_w(gpu_activity(base_.activity(l))), speed_);
  }
  const Roofline& base_;
  const power::GpuPowerModel& gpu_;
  double speed_;
  bool nominal_;  // no cap, full speed: the roofline's time as it is
};

}  // namespace

RooflineParams roofline_params_for(const LlmPoolConfig& cfg) {
  RooflineParams p = h100_llama31_8b_fit();
  p.gpu_mem_util = cfg.gpu_memory_utilization;
  p.reserve_per_gpu_B = cfg.reserve_B;
  return p;
}

power::GpuActivity gpu_activity(const GpuActivityTimes& t) {
  if (!(t.iteration_s > 0)) return {};
  return {t.compute_s / t.iteration_s, t.memory_s / t.iteration_s, t.allreduce_s / t.iteration_s,
          t.expert_s / t.iteration_s};
}

double replica_power_w(const Roofline& roofline, const power::GpuPowerModel& gpu, const RooflineLoad& load,
                       double speed) {
  if (!(load.decode_seqs > 0) && !(load.prefill_tokens > 0)) return roofline.tp() * gpu.idle_w();
  const double uncapped = gpu.activity_w(gpu_activity(roofline.activity(load)));
  return roofline.tp() * throttled_w(gpu, uncapped, speed, kClockPowerAlpha);
}

std::function<double(double)> make_llm_models(LlmPoolParts& parts, const LlmPoolConfig& cfg, double power_cap_w,
                                              double speed) {
  parts.roofline = std::make_unique<Roofline>(cfg.gpu, cfg.model, static_cast<int>(cfg.tp), roofline_params_for(cfg));
  parts.gpu_power = std::make_unique<power::GpuPowerModel>(cfg.gpu);
  if (power_cap_w > 0) parts.gpu_power->set_cap(power_cap_w);
  parts.iteration_time = std::make_unique<CappedIterationTime>(*parts.roofline, *parts.gpu_power, speed);
  const Roofline* roof = parts.roofline.get();
  const power::GpuPowerModel* gpu = parts.gpu_power.get();
  return [roof, gpu, speed](double batch) {
    const double ctx = kArenaPromptMean + kArenaOutputAge;
    return replica_power_w(*roof, *gpu, RooflineLoad{0.0, batch, batch * ctx}, speed);
  };
}

LlmPointMaker llm_point_maker(LlmPoolParts& parts, const LlmPoolConfig& cfg, double power_cap_w) {
  const OperatingPoint initial{power_cap_w > 0 ? power_cap_w : 0.0, 1.0};
  auto initial_power = make_llm_models(parts, cfg, initial.cap_w);
  LlmPoolParts* p = &parts;
  return [p, cfg, initial, initial_power](const OperatingPoint& op) {
    if (op == initial) return LlmPointModels{p->iteration_time.get(), initial_power};
    p->points.push_back(std::make_unique<LlmPoolParts>());
    auto power = make_llm_models(*p->points.back(), cfg, op.cap_w, op.speed);
    return LlmPointModels{p->points.back()->iteration_time.get(), std::move(power)};
  };
}

}  // namespace dcsim::serving
