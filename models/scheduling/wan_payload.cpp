// Payload sizes of requests and responses over the WAN (wan_transport.hpp) and their parameters.
#include "models/scheduling/wan_transport.hpp"

namespace dcsim::scheduling {

double PayloadSizes::request_bytes(const workload::Request& r) const {
  if (r.kind == workload::RequestKind::llm) return overhead_B + double(r.prompt_tokens) * bytes_per_token;
  return overhead_B + 100.0 * bytes_per_token;  // a text prompt of ~100 tokens
}

double PayloadSizes::response_bytes(const workload::Request& r) const {
  switch (r.kind) {
    case workload::RequestKind::llm: return overhead_B + double(r.output_tokens) * bytes_per_token;
    case workload::RequestKind::image:
      return overhead_B + double(r.images ? r.images : 1) * double(r.pixels) * image_bytes_per_pixel;
    case workload::RequestKind::video: return overhead_B + double(r.video_seconds) * video_bytes_per_s;
  }
  return overhead_B;
}

std::vector<scenario::ParamSpec> payload_params() {
  using scenario::ParamSpec;
  using units::Quantity;
  return {ParamSpec::quantity_of("overhead", Quantity::data)
              .def("2 kB")
              .at_least(0)
              .doc("Bytes of every request and response besides their content (HTTP headers, JSON envelope); also a "
                   "rejection's reply (assumption)."),
          ParamSpec::quantity_of("bytes_per_token", Quantity::data)
              .def("4 B")
              .at_least(0)
              .doc("Text bytes per token of prompts and LLM outputs (~4 characters of UTF-8 per token; assumption)."),
          ParamSpec::quantity_of("image_bytes_per_pixel", Quantity::data)
              .def("1.5 B")
              .at_least(0)
              .doc("Encoded bytes per pixel of a generated image (PNG of a 24-bit photographic image, ~2:1: a "
                   "1024 x 1024 image is ~1.6 MB; assumption)."),
          ParamSpec::quantity_of("video_rate", Quantity::bandwidth)
              .def("1 MB/s")
              .at_least(0)
              .doc("Encoded bytes per second of generated video (8 Mbit/s H.264 1080p; assumption).")};
}

PayloadSizes payload_sizes(const scenario::Config& c) {
  PayloadSizes s;
  s.overhead_B = c.num("overhead");
  s.bytes_per_token = c.num("bytes_per_token");
  s.image_bytes_per_pixel = c.num("image_bytes_per_pixel");
  s.video_bytes_per_s = c.num("video_rate");
  return s;
}

}  // namespace dcsim::scheduling
