// Admission `degrade`: quality degradation under overload. While the service is past a declared
// threshold, the requests in scope are admitted degraded:
//
//   overloaded(t) = Q(t) >= queue_above                      (Q: requests waiting in the pools)
//                or p99(previous window) >= p99_above        (end-to-end latency of the requests
//                                                             it admitted that completed in the
//                                                             last whole window [kW, (k+1)W))
//   degraded request: steps <- min(steps, `steps`), pixels <- min(pixels, resolution^2),
//                     output_tokens <- min(output_tokens, max_output_tokens)   (0: unchanged)
//                     and, with `pool: SITE/POOL`, served by that pool (a smaller model: its own
//                     iteration times and energy), past the service's site router
//
// The pool then serves the degraded class: its time and energy are those of a request declared
// at the degraded steps and resolution (diffusion_time.hpp scales with steps and pixels; the LLM
// pools with tokens). A request already at or below the degraded class is admitted unchanged and
// not counted (with `pool`, every request in scope is degraded: it changes model). Counted in
// /services/<s>/degraded and the summary's requests_degraded. The fallback pool is outside the
// service (a service is one model); it must serve the same kind of request (LLM or image); its
// outcomes go back through this service's front end to the workload, over the WAN when it is not
// at the workload's origin.
// When to use: keep latency within the SLO in a surge at the cost of quality (fewer denoising
// steps: SDXL-Turbo-style 20 -> 4 steps). Cost: one Pool::load() per pool per request in scope
// (queue_above); one histogram add per completion (p99_above).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/scheduling/admission.hpp"
#include "sim/metrics/log_histogram.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace dcsim::scheduling {

namespace {

class Degrade final : public AdmissionPolicy {
 public:
  Degrade(const scenario::Config& c, const PolicyContext& ctx)
      : service_(ctx.service),
        by_queue_(c.has("queue_above")),
        by_p99_(c.has("p99_above")),
        queue_above_(by_queue_ ? static_cast<uint64_t>(c.integer("queue_above")) : 0),
        p99_above_s_(by_p99_ ? c.num("p99_above") : 0),
        window_s_(c.num("window")),
        steps_(static_cast<uint16_t>(c.integer("steps"))),
        pixels_(static_cast<uint32_t>(c.integer("resolution") * c.integer("resolution"))),
        max_output_(static_cast<uint32_t>(c.integer("max_output_tokens"))) {
    if (c.has("pool")) {
      if (!ctx.fallback_pool) throw std::logic_error("degrade: no fallback pools in this context");
      route_ = static_cast<int32_t>(ctx.fallback_pool(c.str("pool"), c, "pool"));
    }
    if (!by_queue_ && !by_p99_)
      throw scenario::InputError(c.where(), c.path(), "missing 'queue_above' or 'p99_above': when to degrade");
    if (steps_ == 0 && pixels_ == 0 && max_output_ == 0 && route_ < 0)
      throw scenario::InputError(c.where(), c.path(),
                                 "missing 'steps', 'resolution', 'max_output_tokens' or 'pool': what a degraded request is");
  }
  Verdict decide(workload::Request& r, double now) override {
    if (!overloaded(now)) return Verdict::admit;
    bool changed = false;
    if (steps_ > 0 && r.steps > steps_) r.steps = steps_, changed = true;
    if (pixels_ > 0 && r.pixels > pixels_) r.pixels = pixels_, changed = true;
    if (max_output_ > 0 && r.output_tokens > max_output_) r.output_tokens = max_output_, changed = true;
    if (route_ >= 0) r.route = static_cast<uint8_t>(route_), changed = true;
    return changed ? Verdict::degrade : Verdict::admit;
  }
  bool wants_outcomes() const override { return by_p99_; }
  void on_outcome(const workload::Request& r, double now, Outcome o) override {
    roll(now);
    if (o == Outcome::completed) window_.add(std::max(now - r.arrival_s, 1e-6));
  }

 private:
  bool overloaded(double now) {
    if (by_queue_ && service_queued(service_) >= queue_above_) return true;
    if (!by_p99_) return false;
    roll(now);
    return last_p99_s_ >= p99_above_s_;
  }
  // Close the windows that ended before `now`: the last one with completions gives the signal.
  void roll(double now) {
    if (now < window_end_s_) return;
    if (window_.count() > 0) last_p99_s_ = window_.quantile(0.99);
    window_.clear();
    window_end_s_ = (std::floor(now / window_s_) + 1) * window_s_;
  }

  const ServiceView& service_;
  bool by_queue_, by_p99_;
  uint64_t queue_above_;
  double p99_above_s_, window_s_;
  uint16_t steps_;
  uint32_t pixels_, max_output_;
  int32_t route_ = -1;  // the fallback pool's route index (ServiceView::pool_at), or -1
  LogHistogram window_;
  double window_end_s_ = 0;
  double last_p99_s_ = 0;
};

}  // namespace

void register_admission_degrade() {
  using scenario::ParamSpec;
  using units::Quantity;
  admission_registry().add(
      "degrade", "Past a queue length or a windowed p99 latency, admit requests degraded (fewer steps, lower resolution, "
                 "fewer output tokens).",
      scope_params({ParamSpec::integer("queue_above").at_least(0).doc(
                        "Degrade while the requests waiting in the service's pools are at least this many."),
                    ParamSpec::quantity_of("p99_above", Quantity::time)
                        .above(0)
                        .doc("Degrade while the p99 end-to-end latency of the previous window is at least this."),
                    ParamSpec::quantity_of("window", Quantity::time)
                        .def("60 s")
                        .above(0)
                        .doc("Window of the p99 (tumbling windows [kW, (k+1)W))."),
                    ParamSpec::integer("steps").def("0").at_least(0).at_most(65535).doc(
                        "Denoising steps of a degraded image/video request (0: unchanged)."),
                    ParamSpec::integer("resolution").def("0").at_least(0).at_most(16384).doc(
                        "Side in pixels of a degraded image/video request (pixels = resolution^2; 0: unchanged)."),
                    ParamSpec::integer("max_output_tokens")
                        .def("0")
                        .at_least(0)
                        .doc("Output tokens of a degraded LLM request at most (0: unchanged)."),
                    ParamSpec::string("pool").doc(
                        "SITE/POOL outside the service that serves degraded requests (a smaller model); default: "
                        "the service's own pools.")}),
      [](const scenario::Config& c, const PolicyContext& ctx) { return std::make_unique<Degrade>(c, ctx); });
}

}  // namespace dcsim::scheduling
