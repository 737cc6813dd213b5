// WAN transport `latency` (the default): a payload of `bytes` arrives after
//
//   t = L + bytes / B        L one-way latency of the path, B its narrowest link (ServiceView)
//
// one fast-lane event per crossing, no contention between payloads (the WAN is assumed
// provisioned for the traffic). Exact for a path that is not saturated; use `comm` when the
// payloads (images, video) may fill the WAN links.
#include <cmath>

#include "models/scheduling/wan_transport.hpp"

namespace dcsim::scheduling {

namespace {

class WanLatency final : public WanTransport {
 public:
  WanLatency(PayloadSizes sizes, Engine& engine) : WanTransport(sizes), engine_(engine) {}
  void carry(const site::Site&, const site::Site&, double latency_s, double bandwidth_Bps, double bytes,
             EventHandler* handler, uint64_t tag) override {
    const double t = latency_s + (std::isfinite(bandwidth_Bps) && bandwidth_Bps > 0 ? bytes / bandwidth_Bps : 0.0);
    engine_.after(t, handler, tag);
  }

 private:
  Engine& engine_;
};

}  // namespace

void register_wan_latency() {
  wan_transport_registry().add(
      "latency", "Payloads arrive after latency + size / bandwidth of the path; no contention (one event each).",
      payload_params(), [](const scenario::Config& c, const WanContext& ctx) -> std::unique_ptr<WanTransport> {
        return std::make_unique<WanLatency>(payload_sizes(c), ctx.engine);
      });
}

}  // namespace dcsim::scheduling
