// Admission `defer`: deferral of deferrable work to cleaner hours. A workload declares its requests
// deferrable with a deadline D (workloads[].deferrable.deadline); this policy holds them while the
// grid is dirty and releases them into the normal front-end path (the policies after it in the
// chain, then the site router and the pool) when it is clean again, or before their deadline:
//
//   s(t)   = min over the sites S of the service of the signal x_s(t)
//            (S: the site named by `site`, or every site of the service's pools: with a router
//             such as lowest_signal the released work goes to the cleanest one that has room)
//   x_s(t) = carbon_intensity: the site's carbon intensity now (Site::signal: its grid's hourly
//            average intensity, or a declared sites[].signals series);
//            marginal_intensity: its grid's marginal intensity now (marginal_intensity_g_per_kwh)
//   a deferrable request arriving at t_a:
//     s(t_a) <= theta   admitted at once (and whatever is held is released first, in arrival order)
//     s(t_a) >  theta   held, then released at the first of
//                         t_c = the first check instant j * check > t_a (j integer, from t = 0) with
//                               s(t_c) <= theta: every held request, in arrival order
//                               (defer_released_signal), or an arrival at or below theta before it
//                         t_a + D - lead: this request alone (defer_released_deadline)
//   a request that is not deferrable (or out of the policy's scope) is admitted untouched.
// A released request keeps its arrival time (its latency counts the wait) and goes on to the
// policies listed after this one (a token bucket after `defer` limits the release burst) with
// Verdict::admit. theta: `threshold` (g/kWh); lead: `lead` (release this long before the deadline,
// so the request can still be served in time: its expected service time); check: `check`.
// The signal is read at the check instants and arrivals only: a dip between two checks that ends
// before the next one is missed (the grid's signals are hourly steps; with check dividing the hour
// every crossing is seen at its hour boundary exactly).
//
// Held requests count in the request invariant (held(); the summary's requests_held at the
// horizon, requests_deferred: held at least once). A held LLM request loses its prefix ids (they
// are valid only during a submit: prefix caches see it as a request without reusable blocks).
// A retry of a released request that was rejected later is a new arrival with a new deadline.
//
// Series (group /services/<s>): defer_held (gauge: held at the sample), defer_released_signal,
// defer_released_deadline (counters per step); /events row `defer_release` (subject
// /services/<s>/admission/<name>, value: requests released, detail: the signal and threshold) at
// each release on the signal. Storage: a slab of held requests with a free list and a min-heap of
// release times (vectors: no allocation once grown); one engine event per check while something is
// held, plus one pending event for the earliest deadline. Cost per request: a table lookup, and for
// a deferrable one a signal read per site of S.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "models/scheduling/admission.hpp"
#include "models/scheduling/admission_chain.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/util/text.hpp"

namespace dcsim::scheduling {

namespace {

constexpr double kJPerKwh = 3.6e6;
constexpr uint64_t kCheckTag = 0, kDeadlineTag = 1;

class Defer final : public AdmissionPolicy, public EventHandler {
 public:
  Defer(const scenario::Config& c, const PolicyContext& ctx)
      : signal_at_(c.where("signal")), signal_path_(c.path() + ".signal"), service_(ctx.service), engine_(ctx.engine), recorder_(ctx.recorder),
        marginal_(c.str("signal") == "marginal_intensity"), theta_g_per_j_(c.num("threshold")),
        lead_s_(c.num("lead")), check_s_(c.num("check")), subject_(ctx.service.group + "/admission/" + policy_name(c)) {
    // The release window D - lead of each deferrable workload of the service (-1: not deferrable).
    for (const auto& w : service_.workloads) {
      if (window_s_.size() <= w.index) window_s_.resize(size_t(w.index) + 1, -1.0);
      if (!w.config || !w.config->child("deferrable").has("deadline")) continue;
      if (c.has("workload") && c.str("workload") != w.name) continue;
      const auto& d = w.config->child("deferrable");
      const double deadline = d.num("deadline");
      if (!(lead_s_ < deadline))
        throw scenario::InputError(c.where("lead"), c.path() + ".lead",
                                   "got '" + c.str("lead") + "', expected less than the deadline of workload '" +
                                       w.name + "' (" + d.str("deadline") + ", " + d.where("deadline").str() +
                                       "): a request would be released as soon as it is held");
      window_s_[w.index] = deadline - lead_s_;
    }
    // The sites whose signal it reads.
    std::vector<std::string> names;
    for (const auto& p : service_.pools) {
      if (!p.site) throw std::logic_error("defer: a pool without a site");
      if (std::find(sites_.begin(), sites_.end(), p.site) != sites_.end()) continue;
      names.push_back(p.site->name);
      if (!c.has("site") || c.str("site") == p.site->name) sites_.push_back(p.site);
    }
    if (sites_.empty()) {
      const std::string near = nearest(c.str("site"), names);
      throw scenario::InputError(c.where("site"), c.path() + ".site",
                                 "got '" + c.str("site") + "', expected a site of service '" + service_.name + "' (" +
                                     (near.empty() ? quoted_list(names) : "did you mean '" + near + "'?") + ")");
    }
    const std::string& g = service_.group;
    if (recorder_.has_series(g, "defer_held"))  // the chain would refuse it too, after the series clash
      throw scenario::InputError(c.where(), c.path(),
                                 "a second policy that holds requests ('" + policy_name(c) + "') in service '" +
                                     service_.name + "', expected at most one");
    s_signal_ = recorder_.counter(g, "defer_released_signal", "1",
                                  "Held (deferred) requests released because the signal fell to the threshold, during the step");
    s_deadline_ = recorder_.counter(g, "defer_released_deadline", "1",
                                    "Held (deferred) requests released at their deadline minus lead, during the step");
    recorder_.gauge(g, "defer_held", "1", "Deferrable requests held by admission (defer) at the sample",
                    [this] { return double(heap_.size()); });
  }

  bool may_hold() const override { return true; }
  void set_hold_sink(HoldSink* sink) override { sink_ = sink; }
  uint64_t held() const override { return heap_.size(); }
  uint64_t deferred() const override { return deferred_; }

  void on_world_built() override {
    for (const site::Site* s : sites_) {
      const bool ok = marginal_ ? s->has_signal("marginal_intensity_g_per_kwh")
                                : s->signals.sources[size_t(site::SignalKind::carbon_intensity)] != nullptr ||
                                      s->has_signal("carbon_intensity_g_per_kwh");
      if (ok) continue;
      throw scenario::InputError(
          signal_at_, signal_path_,
          std::string("site '") + s->name + "' has no " + (marginal_ ? "marginal" : "carbon") +
              " intensity signal, expected " +
              (marginal_ ? "a grid: block with a supply at the site"
                         : "a grid: block with a supply or a declared sites[].signals.carbon_intensity series") +
              " (or name another site with `site`)");
    }
  }

  Verdict decide(workload::Request& r, double now) override {
    const double window = r.workload < window_s_.size() ? window_s_[r.workload] : -1.0;
    if (window < 0) return Verdict::admit;  // not deferrable
    const double x = signal(now);
    if (x <= theta_g_per_j_) {
      if (!heap_.empty()) release_all(now, x);
      return Verdict::admit;
    }
    hold(r, r.arrival_s + window);
    return Verdict::hold;
  }

  void on_event(uint64_t tag) override {
    const double now = engine_.now();
    if (tag == kDeadlineTag) {
      deadline_event_ = EventId{};
      while (!heap_.empty() && heap_.front().release_s <= now) {
        std::pop_heap(heap_.begin(), heap_.end(), later);
        const Entry e = heap_.back();
        heap_.pop_back();
        s_deadline_.add();
        release(e.slot, now);
      }
      arm_deadline();
      return;
    }
    check_event_ = EventId{};
    if (heap_.empty()) return;
    const double x = signal(now);
    if (x <= theta_g_per_j_) {
      release_all(now, x);
      return;
    }
    arm_check(now);
  }

 private:
  struct Entry {
    double release_s;
    uint64_t seq;
    uint32_t slot;
  };
  // Min-heap order: the earliest release first, then the earliest held.
  static bool later(const Entry& a, const Entry& b) {
    return a.release_s > b.release_s || (a.release_s == b.release_s && a.seq > b.seq);
  }

  double signal(double now) const {
    double best = std::numeric_limits<double>::infinity();
    for (const site::Site* s : sites_) {
      const double x = marginal_ ? s->signal("marginal_intensity_g_per_kwh", now) / kJPerKwh
                                 : s->signal(site::SignalKind::carbon_intensity, now);
      if (x < best) best = x;  // NaN (not known) never counts as clean
    }
    return best;
  }

  void hold(const workload::Request& r, double release_s) {
    uint32_t slot;
    if (free_.empty()) {
      slot = static_cast<uint32_t>(slots_.size());
      slots_.push_back(r);
    } else {
      slot = free_.back();
      free_.pop_back();
      slots_[slot] = r;
    }
    slots_[slot].prefix_ids = nullptr;  // valid only during a submit
    heap_.push_back(Entry{release_s, seq_++, slot});
    std::push_heap(heap_.begin(), heap_.end(), later);
    ++deferred_;
    if (!check_event_.valid()) arm_check(engine_.now());
    if (!deadline_event_.valid() || release_s < deadline_at_) arm_deadline();
  }

  void release(uint32_t slot, double now) {
    workload::Request r = slots_[slot];
    free_.push_back(slot);
    sink_->release(r, now, Verdict::admit);
  }

  // Every held request, in arrival order (the signal is at or below the threshold).
  void release_all(double now, double x) {
    scratch_.swap(heap_);  // heap_ is empty now: a request held during the releases goes there
    std::sort(scratch_.begin(), scratch_.end(), [](const Entry& a, const Entry& b) { return a.seq < b.seq; });
    const size_t n = scratch_.size();
    if (check_event_.valid()) engine_.cancel(check_event_);
    check_event_ = EventId{};
    if (deadline_event_.valid()) engine_.cancel(deadline_event_);
    deadline_event_ = EventId{};
    recorder_.event("defer_release", subject_, double(n),
                    "released " + std::to_string(n) + " held requests: signal " + fmt(x * kJPerKwh) +
                        " g/kWh <= threshold " + fmt(theta_g_per_j_ * kJPerKwh) + " g/kWh");
    s_signal_.add(double(n));
    for (const Entry& e : scratch_) release(e.slot, now);
    scratch_.clear();
    arm_deadline();  // for requests held during the releases, if any
    if (!heap_.empty() && !check_event_.valid()) arm_check(now);
  }

  // The next check instant j * check strictly after now.
  void arm_check(double now) {
    double t = (std::floor(now / check_s_) + 1.0) * check_s_;
    if (!(t > now)) t += check_s_;
    check_event_ = engine_.at(t, this, kCheckTag);
  }

  void arm_deadline() {
    if (deadline_event_.valid()) engine_.cancel(deadline_event_);
    deadline_event_ = EventId{};
    if (heap_.empty()) return;
    deadline_at_ = std::max(heap_.front().release_s, engine_.now());
    deadline_event_ = engine_.at(deadline_at_, this, kDeadlineTag);
  }

  static std::string fmt(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.4g", v);
    return b;
  }

  scenario::Location signal_at_;  // where `signal` is (or the block, when defaulted)
  std::string signal_path_;
  const ServiceView& service_;
  Engine& engine_;
  output::Recorder& recorder_;
  bool marginal_;
  double theta_g_per_j_, lead_s_, check_s_;
  std::string subject_;
  std::vector<double> window_s_;  // by Request::workload: D - lead, or -1
  std::vector<const site::Site*> sites_;
  HoldSink* sink_ = nullptr;
  std::vector<workload::Request> slots_;
  std::vector<uint32_t> free_;
  std::vector<Entry> heap_, scratch_;
  uint64_t seq_ = 0, deferred_ = 0;
  EventId check_event_, deadline_event_;
  double deadline_at_ = 0;
  output::Counter s_signal_, s_deadline_;
};

}  // namespace

void register_admission_defer() {
  using scenario::ParamSpec;
  using units::Quantity;
  admission_registry().add(
      "defer",
      "Holds the requests of deferrable workloads (workloads[].deferrable) while the grid's carbon intensity is above "
      "`threshold`; releases them when it falls to it, or at arrival + deadline - lead at the latest.",
      scope_params(
          {ParamSpec::quantity_of("threshold", Quantity::carbon_intensity)
               .req()
               .at_least(0)
               .doc("Carbon intensity at or below which deferrable requests are admitted and held ones released "
                    "(e.g. '250 g/kWh')."),
           ParamSpec::choice("signal", {"carbon_intensity", "marginal_intensity"})
               .def("carbon_intensity")
               .doc("Signal compared with the threshold: the grid's average intensity now (or a declared "
                    "sites[].signals.carbon_intensity series), or its marginal intensity now (needs a grid: block)."),
           ParamSpec::string("site").doc(
               "Site whose signal is read; default: the lowest over the sites of the service's pools."),
           ParamSpec::quantity_of("lead", Quantity::time)
               .def("0 s")
               .at_least(0)
               .doc("Release a held request this long before its deadline (its expected service time); less than "
                    "every deadline."),
           ParamSpec::quantity_of("check", Quantity::time)
               .def("5 min")
               .above(0)
               .doc("Period of the signal checks while requests are held (at multiples of it from t = 0).")}),
      [](const scenario::Config& c, const PolicyContext& ctx) -> std::unique_ptr<AdmissionPolicy> {
        return std::make_unique<Defer>(c, ctx);
      });
}

}  // namespace dcsim::scheduling
