// WAN transport `comm`: each payload is a SimGrid comm between the two sites' storage hosts (the
// site's endpoint on the platform, beside its switch), so payloads share the WAN uplinks max-min
// with each other and with weight loads: contention. The time is the route's latency (the links
// crossed, storage links included: paid by Engine::start_transfer) plus the bytes at their
// bandwidth share (SimGrid). Costs the slow lane while comms are in flight (sim/engine/engine.hpp): use it where
// the scenario studies the WAN itself (image or video responses filling a link).
#include <simgrid/s4u/Host.hpp>

#include "models/scheduling/wan_transport.hpp"

namespace dcsim::scheduling {

namespace {

class WanComm final : public WanTransport {
 public:
  WanComm(PayloadSizes sizes, const WanContext& ctx) : WanTransport(sizes), engine_(ctx.engine), hosts_(ctx.endpoints) {}
  void carry(const site::Site& from, const site::Site& to, double, double, double bytes, EventHandler* handler,
             uint64_t tag) override {
    simgrid::s4u::Host* src = hosts_.at(from.index);
    simgrid::s4u::Host* dst = hosts_.at(to.index);
    const auto size = static_cast<uint64_t>(bytes);
    engine_.start_transfer(src, dst, size, handler, tag);
  }

 private:
  Engine& engine_;
  std::vector<simgrid::s4u::Host*> hosts_;
};

}  // namespace

void register_wan_comm() {
  wan_transport_registry().add(
      "comm", "Each payload is a SimGrid comm between the sites' storage hosts: payloads share the WAN links (contention).",
      payload_params(), [](const scenario::Config& c, const WanContext& ctx) -> std::unique_ptr<WanTransport> {
        return std::make_unique<WanComm>(payload_sizes(c), ctx);
      });
}

}  // namespace dcsim::scheduling
