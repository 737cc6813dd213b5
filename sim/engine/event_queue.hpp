// The event heap of the fast lane: the one place where the order of simulated events is defined.
//
// Order: by time, then by sequence number (the order in which events were scheduled). Two events
// at the same time therefore fire in scheduling order, whatever their handlers are (ns-3's rule;
// see docs/architecture.md). Times are double seconds.
//
// Storage: a binary min-heap of small entries {time, seq, slot}; the slot array holds the handler
// and tag and lets an event be cancelled in O(1) (lazy deletion: a cancelled slot is skipped when
// it reaches the top). Slots are recycled through a free list, so steady-state scheduling does
// not allocate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace dcsim {

// Something that reacts to its own events. `tag` is whatever the owner passed when scheduling
// (a replica index, a request slot, an event kind...). Time is read from the Engine.
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void on_event(uint64_t tag) = 0;
};

// Identifies a scheduled event, to cancel it. Default-constructed: refers to nothing.
struct EventId {
  uint32_t slot = 0;
  uint64_t seq = 0;
  bool valid() const { return seq != 0; }
};

class EventQueue {
 public:
  struct Fired {
    double time;
    EventHandler* handler;
    uint64_t tag;
  };

  EventId push(double time, EventHandler* handler, uint64_t tag);

  // Cancel a pending event. Returns false if it already fired or was cancelled.
  bool cancel(EventId id);

  // Number of live (not cancelled) events.
  size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }

  // Time of the earliest live event, +inf if none. Drops cancelled entries from the top.
  double next_time() {
    skip_cancelled();
    return heap_.empty() ? std::numeric_limits<double>::infinity() : heap_.front().time;
  }

  // Remove and return the earliest live event. Precondition: !empty().
  Fired pop();

  // The ordering rule, in one place.
  struct Entry {
    double time;
    uint64_t seq;
    uint32_t slot;
  };
  static bool before(const Entry& a, const Entry& b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }

 private:
  struct Slot {
    EventHandler* handler = nullptr;
    uint64_t tag = 0;
    uint64_t seq = 0;  // 0: free or cancelled
  };

  void skip_cancelled();
  void remove_top();
  void sift_up(size_t i);

  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  uint64_t next_seq_ = 1;
  size_t live_ = 0;
};

}  // namespace dcsim
