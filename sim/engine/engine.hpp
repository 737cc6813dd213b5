// The one clock: SimGrid's s4u::Engine, with a fast event lane run by a single dispatcher actor.
//
// - Models schedule plain events (handler + tag) on the dispatcher's heap (event_queue.hpp).
// - While no platform activity is in flight, the dispatcher pops and runs events back to back
//   without yielding to SimGrid (the fast lane); SimGrid's clock lags behind.
// - Before a model starts a platform activity (a SimGrid comm or exec), the dispatcher brings
//   SimGrid's clock up to now() so the activity starts at the right time.
// - While activities are in flight (the slow lane), a lower bound on their earliest completion
//   (activity_bounds.hpp: remaining bytes over the slowest link of the route, remaining flops over
//   the host's speed) tells how far the fast lane may go on: heap events strictly before it run
//   back to back; the first one at or after it is reached by waiting on SimGrid with
//   Activity::wait_any_for(pending, t_next - clock): either an activity completes first (its
//   handler runs at the completion time) or the wait times out at the next event time, the bounds
//   are refreshed and that event runs. This is conservative synchronisation: time never goes
//   backwards and nothing is run out of order. set_lookahead(false) waits before every heap event
//   instead (the reference lane: the same results, bit for bit, more slowly).
// - Exact clock: SimGrid advances its clock by differences (clock + (date - clock)), which round
//   unless the step is at most the clock itself. The dispatcher therefore never asks SimGrid for a
//   step that crosses a power of two: SimGrid's clock lands exactly on every target and every
//   completion date, whatever the lane and however far it lagged.
// Tie rule: a completion that SimGrid reports at the same instant as a heap event is handled
// first (it is returned by the wait); heap events among themselves follow (time, sequence).
//
// Models read time only from now(). Requests are data on the heap, never SimGrid actors.
#pragma once

#include <atomic>
#include <csignal>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

#include <simgrid/s4u/Activity.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "sim/engine/activity_bounds.hpp"
#include "sim/engine/event_queue.hpp"

namespace dcsim {

struct Progress {
  double now_s;
  double horizon_s;
  double wall_s;
  uint64_t events;
};

enum class StopReason { horizon, no_more_events, interrupted };
const char* to_string(StopReason r);

struct RunStats {
  StopReason reason = StopReason::horizon;
  uint64_t events = 0;                // heap events handled
  uint64_t activity_completions = 0;  // platform activities completed
  uint64_t platform_waits = 0;        // times control went to SimGrid (Activity::wait_any_for)
  double end_time_s = 0;
  double wall_s = 0;
};

class Engine {
 public:
  // `simgrid_args` are passed to SimGrid (e.g. "--cfg=network/model:CM02"); its logs are kept at
  // warning level unless an argument says otherwise. One Engine per process (a SimGrid rule).
  explicit Engine(std::vector<std::string> simgrid_args = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  simgrid::s4u::Engine& simgrid() { return *sg_; }

  double now() const { return now_; }

  // Schedule handler->on_event(tag) at absolute time t (t >= now(); an earlier t is a bug and
  // throws std::logic_error).
  EventId at(double t, EventHandler* handler, uint64_t tag = 0);
  EventId after(double dt, EventHandler* handler, uint64_t tag = 0) { return at(now_ + dt, handler, tag); }
  bool cancel(EventId id) { return queue_.cancel(id); }
  size_t pending_events() const { return queue_.size(); }

  // Start a platform activity: `make` creates and starts it (e.g. Comm::sendto_async); when it
  // completes, handler->on_event(tag) runs at the completion time. Only from inside run(), i.e.
  // from an event handler (SimGrid activities need the dispatcher actor).
  void start_activity(const std::function<simgrid::s4u::ActivityPtr()>& make, EventHandler* handler,
                      uint64_t tag = 0);
  // Start a transfer of `bytes` from `src` to `dst` over the platform (CM02: latency, then the bytes
  // at their max-min share of the route's links): handler->on_event(tag) runs when the last byte
  // arrives. The platform has SimGrid ignore latencies (network/latency-factor 0, see
  // sim/platform/simgrid_platform.hpp): the route's latency (Host::route_to) is paid here, by a heap
  // event that starts the comm at now() + latency. With any other latency factor SimGrid pays it
  // and the comm starts at once. Only from an event handler, like start_activity.
  void start_transfer(simgrid::s4u::Host* src, simgrid::s4u::Host* dst, uint64_t bytes, EventHandler* handler,
                      uint64_t tag = 0);
  size_t activities_in_flight() const { return pending_.size(); }

  // Lookahead in the slow lane (default on); off: every heap event waits on SimGrid while activities
  // are in flight (the reference lane of the tests). Before run(). Off anyway for platform models
  // whose rates the bounds do not cap (ActivityBounds::read_config).
  void set_lookahead(bool on) { lookahead_ = on; }

  // Run until simulated time `until` (events at exactly `until` run), until nothing is left, or
  // until request_stop(). Activities still in flight at the end are cancelled. Call once. An
  // exception thrown by a handler (std::bad_alloc, an output write error) ends the run and is
  // rethrown from here, after SimGrid has returned (it must not leave SimGrid's actor).
  RunStats run(double until);

  // Async-signal-safe: the dispatcher stops before its next event.
  void request_stop() { stop_requested_.store(true, std::memory_order_relaxed); }

  // Make SIGINT (Ctrl-C), SIGTERM and SIGHUP (what `kill` and batch systems send) call
  // request_stop() on this engine; stop_signal() then says which arrived. SimGrid installs its
  // own SIGINT handler, which ends the process, when its engine is created: this replaces it.
  // Each handler fires once (a second Ctrl-C ends the process the default way). The previous
  // handlers are restored when the Engine is destroyed.
  void catch_stop_signals();
  int stop_signal() const;  // 0 if none arrived

  // Called about every `period` of wall time during run() (not at all if unset).
  void set_progress_callback(std::function<void(const Progress&)> cb, double period_s = 0.5) {
    progress_cb_ = std::move(cb);
    progress_period_s_ = period_s;
  }

 private:
  void dispatch(double until);
  void run_next_event();
  void complete_activity(size_t index);
  ssize_t wait_until(double target);
  void sync_clock();
  void update_fast_until();
  void maybe_report_progress(double until);

  std::unique_ptr<simgrid::s4u::Engine> sg_;
  EventQueue queue_;
  double now_ = 0;
  bool in_dispatcher_ = false;
  std::atomic<bool> stop_requested_{false};

  struct PendingTarget {
    EventHandler* handler;
    uint64_t tag;
  };
  // Transfers waiting for their route's latency (start_transfer): a slab with a free list, the
  // starter's heap events carry the slot.
  struct DelayedTransfer {
    simgrid::s4u::Host* src;
    simgrid::s4u::Host* dst;
    uint64_t bytes;
    EventHandler* handler;
    uint64_t tag;
  };
  struct TransferStarter final : EventHandler {
    Engine* engine;
    explicit TransferStarter(Engine* e) : engine(e) {}
    void on_event(uint64_t slot) override;
  };
  void start_comm(const DelayedTransfer& t);
  std::vector<DelayedTransfer> delayed_;
  std::vector<uint32_t> delayed_free_;
  TransferStarter starter_{this};
  std::vector<simgrid::s4u::ActivityPtr> pending_;
  std::vector<PendingTarget> pending_targets_;
  ActivityBounds bounds_;  // one entry per pending_ element, same order
  bool lookahead_ = true;
  // Heap events strictly before this run without SimGrid: +inf with nothing in flight, the bounds'
  // safe horizon with lookahead, -inf without.
  double fast_until_ = std::numeric_limits<double>::infinity();

  RunStats stats_;
  std::function<void(const Progress&)> progress_cb_;
  double progress_period_s_ = 0.5;
  bool signals_installed_ = false;
  struct sigaction previous_handlers_[3] {};
  std::exception_ptr actor_error_;  // thrown inside the dispatcher actor; rethrown by run()
  std::chrono::steady_clock::time_point wall_start_;
  std::chrono::steady_clock::time_point last_progress_;
};

}  // namespace dcsim
