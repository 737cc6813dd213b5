// The WAN between a request's origin and the site of the pool that serves it: the request's
// payload goes there, the response comes back (frontend.hpp). A transport is a registry entry
// (category `wan_transport`, block `services[].wan`):
//
//   latency (default)  t = L + bytes / B       L: one-way latency of the minimum-latency path
//                                              between the two sites' switches, B: the narrowest
//                                              link on it (ServiceView); no contention
//   comm               a SimGrid comm of `bytes` between the two sites' storage hosts: shares
//                      the WAN links max-min with every other comm in flight (weight loads,
//                      other payloads): contention, at the price of the slow lane
//
// Payload sizes (both transports, PayloadSizes): overhead o (HTTP headers, JSON envelope) plus
//   request:  o + prompt_tokens * b_tok          (llm; an image or video prompt: o + 100 * b_tok)
//   response: o + output_tokens * b_tok          (llm)
//             o + images * pixels * b_px         (image: an encoded image of `pixels` pixels)
//             o + video_seconds * r_video        (video: an encoded stream)
// A rejection or a drop comes back as o bytes. Requests whose origin is the pool's site (or
// unknown) do not cross the WAN: no event, no delay (the hot path of a one-site scenario).
#pragma once

#include <cstdint>
#include <vector>

#include "models/site/site.hpp"
#include "models/workload/request.hpp"
#include "sim/engine/engine.hpp"
#include "sim/registry/registry.hpp"

namespace simgrid::s4u {
class Host;
}

namespace dcsim::scheduling {

struct PayloadSizes {
  double overhead_B = 2000;         // headers + envelope (assumption)
  double bytes_per_token = 4;       // ~4 characters of UTF-8 text per token (assumption)
  double image_bytes_per_pixel = 1.5;  // PNG of a photographic 24-bit image, ~2:1 (assumption)
  double video_bytes_per_s = 1e6;   // 8 Mbit/s H.264 1080p (assumption)

  double request_bytes(const workload::Request& r) const;
  double response_bytes(const workload::Request& r) const;
};

class WanTransport {
 public:
  explicit WanTransport(PayloadSizes sizes) : sizes_(sizes) {}
  virtual ~WanTransport() = default;
  const PayloadSizes& sizes() const { return sizes_; }
  // Carry `bytes` from site `from` to site `to` (different sites), leaving now; L and B of the
  // path as the World computed them. handler->on_event(tag) runs at arrival.
  virtual void carry(const site::Site& from, const site::Site& to, double latency_s, double bandwidth_Bps,
                     double bytes, EventHandler* handler, uint64_t tag) = 0;

 private:
  PayloadSizes sizes_;
};

// What a transport is built with: the engine and each site's WAN endpoint host (by site index).
struct WanContext {
  Engine& engine;
  std::vector<simgrid::s4u::Host*> endpoints;
};

using WanTransportRegistry = Registry<WanTransport, const WanContext&>;
WanTransportRegistry& wan_transport_registry();

// The payload size parameters (both transports declare them) and the sizes they give.
std::vector<scenario::ParamSpec> payload_params();
PayloadSizes payload_sizes(const scenario::Config& c);

void register_wan_latency();
void register_wan_comm();

}  // namespace dcsim::scheduling
