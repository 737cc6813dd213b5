#include "sim/engine/activity_bounds.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Exec.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <xbt/config.hpp>

namespace sg4 = simgrid::s4u;

namespace dcsim {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

ActivityBounds::Config ActivityBounds::read_config() {
  namespace cfg = simgrid::config;
  Config c;
  const std::string& network = cfg::get_value<std::string>("network/model");
  const std::string& host = cfg::get_value<std::string>("host/model");
  const std::string& cpu = cfg::get_value<std::string>("cpu/model");
  c.precision_s = cfg::get_value<double>("surf/precision");
  c.latency_factor = cfg::get_value<double>("network/latency-factor");
  c.bandwidth_factor = cfg::get_value<double>("network/bandwidth-factor");
  c.latency_phase_uncapped = c.latency_factor > 0 && !(cfg::get_value<double>("network/TCP-gamma") > 0);
  // CM02 and LV08 share one implementation (max-min over the route's links, latency then bytes);
  // the other models (SMPI's size-dependent factors, ns-3, IB, ptask L07) are not capped here.
  c.enabled = (network == "CM02" || network == "LV08") && (host == "default" || host == "compound") && cpu == "Cas01" &&
              c.precision_s >= 0 && c.latency_factor >= 0 && c.bandwidth_factor > 0;
  return c;
}

const ActivityBounds::Route& ActivityBounds::route(const sg4::Host* src, const sg4::Host* dst) {
  const auto key = std::make_pair(static_cast<const void*>(src), static_cast<const void*>(dst));
  auto it = routes_.find(key);
  if (it != routes_.end()) return it->second;
  std::vector<sg4::Link*> links;
  double latency = 0;
  src->route_to(dst, links, &latency);
  Route r;
  r.latency = latency;
  r.bandwidth = kInf;
  for (const sg4::Link* l : links) {
    if (l->get_sharing_policy() == sg4::Link::SharingPolicy::WIFI) {
      r.bandwidth = 0;  // rates set per host by SNR: not capped here
      break;
    }
    r.bandwidth = std::min(r.bandwidth, l->get_bandwidth());
  }
  return routes_.emplace(key, r).first->second;
}

ActivityBounds::Entry ActivityBounds::make_comm_entry(sg4::Activity& activity, double clock) {
  Entry e;
  auto* comm = dynamic_cast<sg4::Comm*>(&activity);
  if (comm == nullptr) return e;
  const sg4::Host* src = comm->get_source();
  const sg4::Host* dst = comm->get_destination();
  if (src == nullptr || dst == nullptr || activity.get_state() != sg4::Activity::State::STARTED) return e;
  const Route& r = route(src, dst);
  const double latency = r.latency * config_.latency_factor;
  if (!(r.bandwidth > 0) || (latency > 0 && config_.latency_phase_uncapped)) return e;
  e.kind = Kind::comm;
  e.rate_cap = r.bandwidth * std::max(1.0, config_.bandwidth_factor);
  // At its start time the remaining amount is the size: SimGrid has not advanced the action yet
  // (reading it now changes nothing: no time has passed since the action's last update).
  const double size = activity.get_remaining();
  const double bytes_from = clock + latency;
  if (latency > 0) {
    e.latency_end = bytes_from;
  } else {
    e.read_t = clock;  // bytes move from now on: the first reading of the rate
    e.read_left = size;
  }
  e.cap_bound = e.bound = bytes_from + size / e.rate_cap;
  return e;
}

ActivityBounds::Entry ActivityBounds::make_exec_entry(sg4::Activity& activity, double clock) const {
  Entry e;
  auto* exec = dynamic_cast<sg4::Exec*>(&activity);
  if (exec == nullptr || exec->get_host_number() != 1 || activity.get_state() != sg4::Activity::State::STARTED) return e;
  const sg4::Host* host = exec->get_host();
  // SimGrid bounds an exec at (threads x speed), and the host at (cores x speed).
  const double cap = host->get_speed() * std::min(exec->get_thread_count(), host->get_core_count());
  if (!(cap > 0)) return e;
  e.kind = Kind::exec;
  e.rate_cap = cap;
  e.read_t = clock;
  e.read_left = exec->get_remaining();
  e.cap_bound = e.bound = clock + e.read_left / cap;
  return e;
}

double ActivityBounds::safe_of(const Entry& e) const {
  if (e.kind == Kind::other) return kNone;
  double s = e.bound - margin(e.bound);
  if (e.latency_end != kNone) s = std::min(s, e.latency_end - margin(e.latency_end));
  return s;
}

void ActivityBounds::add(const sg4::ActivityPtr& activity, double clock) {
  on_change();
  Entry e;
  if (config_.enabled && activity) {
    e = make_comm_entry(*activity, clock);
    if (e.kind == Kind::other) e = make_exec_entry(*activity, clock);
  }
  e.safe = safe_of(e);
  safe_ = std::min(safe_, e.safe);
  entries_.push_back(e);
}

void ActivityBounds::remove(size_t index) {
  entries_[index] = entries_.back();
  entries_.pop_back();
  on_change();
}

void ActivityBounds::clear() {
  entries_.clear();
  safe_ = kInf;
}

void ActivityBounds::on_change() {
  for (Entry& e : entries_) {
    e.bound = e.cap_bound;
    e.read_t = kNone;
    e.rated = false;
    e.safe = safe_of(e);
  }
  recompute();
}

void ActivityBounds::read(Entry& e, const sg4::ActivityPtr& activity, double clock) {
  const double left = activity->get_remaining();
  e.cap_bound = std::max(e.cap_bound, clock + left / e.rate_cap);
  e.bound = e.cap_bound;
  e.rated = false;
  if (e.read_t != kNone) {
    const double moved = e.read_left - left;
    const double dt = clock - e.read_t;
    if (moved > 0 && dt > 0) {
      constexpr double u = 0x1p-53;
      const double rate = moved / dt;
      const double eps = 8 * u * (1 + left / moved + clock / dt) + 1e-12;
      e.bound = std::max(e.bound, clock + left / (rate * (1 + eps)));
      e.rated = true;
    }
  }
  e.read_t = clock;
  e.read_left = left;
}

void ActivityBounds::tighten(const std::vector<sg4::ActivityPtr>& pending, double clock, double t) {
  bool latency_paid = false;  // the end of a latency phase changes the sharing
  for (Entry& e : entries_) {
    if (e.latency_end != kNone && clock >= e.latency_end) {
      e.latency_end = kNone;
      latency_paid = true;
    }
  }
  if (latency_paid) on_change();
  for (size_t i = 0; i < entries_.size(); ++i) {
    Entry& e = entries_[i];
    // Read the entries that limit the horizon, and those without a rate since the last change: a
    // change costs two stops (two readings of every activity), not one per activity.
    if (e.kind == Kind::other || (e.safe > t && e.rated)) continue;
    if (e.latency_end == kNone) read(e, pending[i], clock);
    e.safe = safe_of(e);
  }
  recompute();
}

void ActivityBounds::recompute() {
  safe_ = kInf;
  for (const Entry& e : entries_) safe_ = std::min(safe_, e.safe);
}

}  // namespace dcsim
