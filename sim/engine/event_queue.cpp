#include "sim/engine/event_queue.hpp"

#include <cassert>

namespace dcsim {

EventId EventQueue::push(double time, EventHandler* handler, uint64_t tag) {
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  const uint64_t seq = next_seq_++;
  slots_[slot] = Slot{handler, tag, seq};
  heap_.push_back(Entry{time, seq, slot});
  sift_up(heap_.size() - 1);
  ++live_;
  return EventId{slot, seq};
}

bool EventQueue::cancel(EventId id) {
  if (!id.valid() || id.slot >= slots_.size()) return false;
  Slot& s = slots_[id.slot];
  if (s.seq != id.seq) return false;  // fired, cancelled, or slot reused
  s.seq = 0;
  s.handler = nullptr;
  --live_;
  return true;
}

EventQueue::Fired EventQueue::pop() {
  skip_cancelled();
  assert(!heap_.empty());
  const Entry top = heap_.front();
  Slot& s = slots_[top.slot];
  Fired f{top.time, s.handler, s.tag};
  s.seq = 0;
  s.handler = nullptr;
  free_slots_.push_back(top.slot);
  remove_top();
  --live_;
  return f;
}

void EventQueue::skip_cancelled() {
  while (!heap_.empty()) {
    const Entry& top = heap_.front();
    if (slots_[top.slot].seq == top.seq) return;
    free_slots_.push_back(top.slot);
    remove_top();
  }
}

// Remove the root: move the hole down to a leaf along the smaller children, then put the last
// element into the hole and sift it up (fewer comparisons than a classic sift-down).
void EventQueue::remove_top() {
  const size_t n = heap_.size() - 1;
  const Entry last = heap_[n];
  heap_.pop_back();
  if (n == 0) return;
  size_t hole = 0;
  for (;;) {
    size_t child = 2 * hole + 1;
    if (child >= n) break;
    if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
    heap_[hole] = heap_[child];
    hole = child;
  }
  heap_[hole] = last;
  sift_up(hole);
}

void EventQueue::sift_up(size_t i) {
  const Entry e = heap_[i];
  while (i > 0) {
    const size_t parent = (i - 1) / 2;
    if (!before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

}  // namespace dcsim
