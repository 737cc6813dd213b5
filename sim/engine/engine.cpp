#include "sim/engine/engine.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>
#include <utility>

#include <simgrid/Exception.hpp>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Host.hpp>

namespace sg4 = simgrid::s4u;

namespace dcsim {

const char* to_string(StopReason r) {
  switch (r) {
    case StopReason::horizon: return "horizon";
    case StopReason::no_more_events: return "no more events";
    case StopReason::interrupted: return "interrupted";
  }
  return "?";
}

namespace {
// How many loop iterations between two looks at the wall clock (progress line).
constexpr uint64_t kProgressCheckMask = (1u << 16) - 1;
}  // namespace

Engine::Engine(std::vector<std::string> simgrid_args) {
  std::vector<std::string> args{"dcsim", "--log=root.thres:warning", "--log=xbt_cfg.thres:warning"};
  args.insert(args.end(), simgrid_args.begin(), simgrid_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  sg_ = std::make_unique<sg4::Engine>(&argc, argv.data());
}

namespace {
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};
std::atomic<Engine*> g_signal_target{nullptr};
std::atomic<int> g_stop_signal{0};
extern "C" void on_stop_signal(int sig) {
  g_stop_signal.store(sig);
  if (Engine* e = g_signal_target.load()) e->request_stop();
}
}  // namespace

void Engine::catch_stop_signals() {
  if (signals_installed_) return;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sa.sa_flags = SA_RESETHAND;  // once: a second signal ends the process
  sigemptyset(&sa.sa_mask);
  g_stop_signal.store(0);
  g_signal_target.store(this);
  for (size_t i = 0; i < std::size(kStopSignals); ++i) sigaction(kStopSignals[i], &sa, &previous_handlers_[i]);
  signals_installed_ = true;
  // A caller may have blocked these signals until now (the CLI does, from its start): one that
  // arrived meanwhile is delivered here, to the handler, and stops the run as soon as it starts.
  sigset_t set;
  sigemptyset(&set);
  for (int sig : kStopSignals) sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

int Engine::stop_signal() const { return signals_installed_ ? g_stop_signal.load() : 0; }

Engine::~Engine() {
  if (signals_installed_) {
    g_signal_target.store(nullptr);
    for (size_t i = 0; i < std::size(kStopSignals); ++i) sigaction(kStopSignals[i], &previous_handlers_[i], nullptr);
  }
}

EventId Engine::at(double t, EventHandler* handler, uint64_t tag) {
  if (!(t >= now_)) {  // also catches NaN
    throw std::logic_error("event scheduled in the past: t=" + std::to_string(t) + " now=" + std::to_string(now_));
  }
  return queue_.push(t, handler, tag);
}

void Engine::start_activity(const std::function<sg4::ActivityPtr()>& make, EventHandler* handler, uint64_t tag) {
  if (!in_dispatcher_) throw std::logic_error("platform activities can only be started from an event handler");
  sync_clock();
  pending_.push_back(make());
  pending_targets_.push_back(PendingTarget{handler, tag});
  bounds_.add(pending_.back(), sg4::Engine::get_clock());
  update_fast_until();
}

void Engine::start_transfer(sg4::Host* src, sg4::Host* dst, uint64_t bytes, EventHandler* handler, uint64_t tag) {
  if (!in_dispatcher_) throw std::logic_error("platform activities can only be started from an event handler");
  const DelayedTransfer t{src, dst, bytes, handler, tag};
  const double latency = bounds_.config().latency_factor == 0 ? bounds_.route_latency(src, dst) : 0.0;
  if (!(latency > 0)) {
    start_comm(t);
    return;
  }
  uint32_t slot;
  if (delayed_free_.empty()) {
    slot = static_cast<uint32_t>(delayed_.size());
    delayed_.push_back(t);
  } else {
    slot = delayed_free_.back();
    delayed_free_.pop_back();
    delayed_[slot] = t;
  }
  at(now_ + latency, &starter_, slot);
}

void Engine::TransferStarter::on_event(uint64_t slot) {
  const DelayedTransfer t = engine->delayed_[slot];
  engine->delayed_free_.push_back(static_cast<uint32_t>(slot));
  engine->start_comm(t);
}

void Engine::start_comm(const DelayedTransfer& t) {
  // make() runs inside start_activity, while `t` lives: capturing its address keeps the
  // std::function inline (no allocation).
  const DelayedTransfer* p = &t;
  start_activity([p] { return sg4::Comm::sendto_async(p->src, p->dst, p->bytes); }, t.handler, t.tag);
}

// Bring SimGrid's clock up to ours (it lags after a stretch of the fast lane). With activities in
// flight nothing can complete on the way: now() is below the bounds' safe horizon.
void Engine::sync_clock() {
  if (sg4::Engine::get_clock() >= now_) return;
  if (wait_until(now_) >= 0) {
    throw std::logic_error("lookahead: a platform activity completed at t=" + std::to_string(sg4::Engine::get_clock()) +
                           " before now=" + std::to_string(now_));
  }
}

// Wait on SimGrid up to `target` or the first completion (its index in pending_; -1 at target).
// Steps never cross a power of two (nor, from clock 0, the safe horizon): a step of at most the
// clock is exact in floating point, so SimGrid's clock lands exactly on `target` and on every
// completion date, and both lanes stop at the same instants wherever a completion is possible.
ssize_t Engine::wait_until(double target) {
  for (;;) {
    const double clock = sg4::Engine::get_clock();
    if (!(clock < target)) return -1;
    double step_to = target;
    if (clock > 0) {
      const double pow2 = std::ldexp(1.0, std::ilogb(clock) + 1);  // the smallest power of two above clock
      if (pow2 < target) step_to = pow2;
    } else if (const double safe = bounds_.safe(); safe > 0 && safe < target) {
      step_to = safe;
    }
    ++stats_.platform_waits;
    const ssize_t done = sg4::Activity::wait_any_for(pending_, step_to - clock);
    if (done >= 0) return done;
  }
}

void Engine::update_fast_until() {
  constexpr double inf = std::numeric_limits<double>::infinity();
  fast_until_ = pending_.empty() ? inf : (lookahead_ ? bounds_.safe() : -inf);
}

void Engine::complete_activity(size_t index) {
  const double clock = sg4::Engine::get_clock();
  if (clock < now_) {
    throw std::logic_error("lookahead: a platform activity completed at t=" + std::to_string(clock) +
                           ", after an event at t=" + std::to_string(now_) + " had run");
  }
  now_ = clock;
  const PendingTarget target = pending_targets_[index];
  // Swap-erase: order of the pending vector only decides which of several simultaneous
  // completions SimGrid reports first, and that stays deterministic.
  pending_[index] = std::move(pending_.back());
  pending_.pop_back();
  pending_targets_[index] = pending_targets_.back();
  pending_targets_.pop_back();
  bounds_.remove(index);
  update_fast_until();
  ++stats_.activity_completions;
  target.handler->on_event(target.tag);
}

void Engine::run_next_event() {
  const EventQueue::Fired ev = queue_.pop();
  now_ = ev.time;
  ++stats_.events;
  ev.handler->on_event(ev.tag);
}

void Engine::dispatch(double until) {
  uint64_t iterations = 0;
  for (;;) {
    if ((++iterations & kProgressCheckMask) == 0) maybe_report_progress(until);
    if (stop_requested_.load(std::memory_order_relaxed)) {
      stats_.reason = StopReason::interrupted;
      break;
    }
    const double t_next = queue_.next_time();
    if (t_next < fast_until_ && t_next <= until) {  // nothing can complete before t_next
      run_next_event();
      continue;
    }
    if (!pending_.empty()) {
      const double target = std::min(t_next, until);
      const bool may_complete = target >= bounds_.safe();
      if (may_complete || !lookahead_) {
        const ssize_t done = wait_until(target);
        if (done >= 0) {
          complete_activity(static_cast<size_t>(done));
          continue;
        }
        // Timed out at target. Both lanes refresh the bounds at exactly these stops.
        if (may_complete) {
          bounds_.tighten(pending_, sg4::Engine::get_clock(), target);
          update_fast_until();
        }
      }
    }
    if (queue_.empty()) {
      stats_.reason = StopReason::no_more_events;
      if (pending_.empty()) break;
      now_ = until;  // waited up to the horizon with activities still in flight
      stats_.reason = StopReason::horizon;
      break;
    }
    if (t_next > until) {
      stats_.reason = StopReason::horizon;
      now_ = until;
      break;
    }
    run_next_event();
  }
  for (auto& a : pending_) a->cancel();
  pending_.clear();
  pending_targets_.clear();
  bounds_.clear();
  update_fast_until();
}

void Engine::maybe_report_progress(double until) {
  if (!progress_cb_) return;
  const auto wall_now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(wall_now - last_progress_).count() < progress_period_s_) return;
  last_progress_ = wall_now;
  progress_cb_(Progress{now_, until, std::chrono::duration<double>(wall_now - wall_start_).count(), stats_.events});
}

RunStats Engine::run(double until) {
  if (!(until >= now_)) throw std::logic_error("run(): horizon before now");
  stats_ = RunStats{};
  wall_start_ = last_progress_ = std::chrono::steady_clock::now();
  auto hosts = sg_->get_all_hosts();
  if (hosts.empty()) throw std::logic_error("run(): the platform has no host for the dispatcher actor");
  bounds_.configure(ActivityBounds::read_config());
  if (!bounds_.config().enabled) lookahead_ = false;
  sg4::Actor::create("dispatcher", hosts.front(), [this, until] {
    in_dispatcher_ = true;
    try {
      dispatch(until);
    } catch (const simgrid::ForcefulKillException&) {
      throw;  // SimGrid unwinding its actor
    } catch (...) {
      // An exception leaving a SimGrid actor aborts the process: keep it for run() instead.
      actor_error_ = std::current_exception();
      try {
        for (auto& a : pending_) a->cancel();
      } catch (...) {
      }
      pending_.clear();
      pending_targets_.clear();
    }
    in_dispatcher_ = false;
  });
  sg_->run();
  if (actor_error_) std::rethrow_exception(std::exchange(actor_error_, nullptr));
  stats_.end_time_s = now_;
  stats_.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
  return stats_;
}

}  // namespace dcsim
