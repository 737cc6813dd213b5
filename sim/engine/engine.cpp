#include "sim/engine/engine.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>
#include <utility>

#include <simgrid/Exception.hpp>

#include <simgrid/s4u/Actor.hpp>
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
  // Bring SimGrid's clock up to ours. With activities in flight it already is (we only run an
  // event after wait_any_for has advanced SimGrid to that event's time).
  if (sg4::Engine::get_clock() < now_) sg4::this_actor::sleep_until(now_);
  pending_.push_back(make());
  pending_targets_.push_back(PendingTarget{handler, tag});
}

void Engine::complete_activity(size_t index) {
  const PendingTarget target = pending_targets_[index];
  // Swap-erase: order of the pending vector only decides which of several simultaneous
  // completions SimGrid reports first, and that stays deterministic.
  pending_[index] = std::move(pending_.back());
  pending_.pop_back();
  pending_targets_[index] = pending_targets_.back();
  pending_targets_.pop_back();
  ++stats_.activity_completions;
  target.handler->on_event(target.tag);
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
    if (!pending_.empty()) {
      const double target = std::min(t_next, until);
      const double timeout = target - sg4::Engine::get_clock();
      if (timeout > 0) {
        const ssize_t done = sg4::Activity::wait_any_for(pending_, timeout);
        if (done >= 0) {
          now_ = std::max(now_, sg4::Engine::get_clock());
          complete_activity(static_cast<size_t>(done));
          continue;
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
    const EventQueue::Fired ev = queue_.pop();
    now_ = ev.time;
    ++stats_.events;
    ev.handler->on_event(ev.tag);
  }
  for (auto& a : pending_) a->cancel();
  pending_.clear();
  pending_targets_.clear();
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
