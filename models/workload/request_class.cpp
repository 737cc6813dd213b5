#include "models/workload/request_class.hpp"

namespace dcsim::workload {

namespace {

class LlmClass final : public RequestClass {
 public:
  LlmClass(const scenario::Config& c, const arrivals::ArrivalContext& ctx)
      : model_(c.str("ai_model")),
        prompt_(token_count_registry().create(c.child("prompt_tokens"), ctx)),
        output_(token_count_registry().create(c.child("output_tokens"), ctx)) {}
  RequestKind kind() const override { return RequestKind::llm; }
  const std::string& model_name() const override { return model_; }
  void fill(Request& r, Rng& rng, const arrivals::ArrivalAttributes* trace) override {
    r.kind = RequestKind::llm;
    r.prompt_tokens = (trace && trace->prompt_tokens) ? trace->prompt_tokens : prompt_->draw(rng);
    r.output_tokens = (trace && trace->output_tokens) ? trace->output_tokens : output_->draw(rng);
    r.prefix_blocks = trace ? trace->prefix_blocks : 0;
    r.prefix_ids = trace ? trace->prefix_ids : nullptr;
  }

 private:
  std::string model_;
  std::unique_ptr<TokenCount> prompt_, output_;
};

class ImageClass final : public RequestClass {
 public:
  explicit ImageClass(const scenario::Config& c)
      : model_(c.str("ai_model")),
        pixels_(static_cast<uint32_t>(c.integer("resolution") * c.integer("resolution"))),
        steps_(static_cast<uint16_t>(c.integer("steps"))),
        images_(static_cast<uint16_t>(c.integer("images"))) {}
  RequestKind kind() const override { return RequestKind::image; }
  const std::string& model_name() const override { return model_; }
  void fill(Request& r, Rng&, const arrivals::ArrivalAttributes*) override {
    r.kind = RequestKind::image;
    r.pixels = pixels_;
    r.steps = steps_;
    r.images = images_;
  }

 private:
  std::string model_;
  uint32_t pixels_;
  uint16_t steps_, images_;
};

class VideoClass final : public RequestClass {
 public:
  explicit VideoClass(const scenario::Config& c)
      : model_(c.str("ai_model")),
        pixels_(static_cast<uint32_t>(c.integer("width") * c.integer("height"))),
        steps_(static_cast<uint16_t>(c.integer("steps"))),
        seconds_(static_cast<float>(c.num("seconds"))) {}
  RequestKind kind() const override { return RequestKind::video; }
  const std::string& model_name() const override { return model_; }
  void fill(Request& r, Rng&, const arrivals::ArrivalAttributes*) override {
    r.kind = RequestKind::video;
    r.pixels = pixels_;
    r.steps = steps_;
    r.video_seconds = seconds_;
    r.images = 1;
  }

 private:
  std::string model_;
  uint32_t pixels_;
  uint16_t steps_;
  float seconds_;
};

}  // namespace

RequestClassRegistry& request_class_registry() {
  static RequestClassRegistry r("request_class", "What a workload's requests ask for (LLM tokens, images, video).");
  return r;
}

void register_request_class_models() {
  using scenario::ChildKind;
  using scenario::ChildSpec;
  using scenario::ParamSpec;
  using units::Quantity;
  auto& r = request_class_registry();
  ChildSpec prompt{"prompt_tokens", ChildKind::model, nullptr, "token_count", "", false,
                   "Prompt (context) length distribution."};
  prompt.default_yaml = "{model: lognormal, median: 1020, sigma: 0.498}";
  ChildSpec output{"output_tokens", ChildKind::model, nullptr, "token_count", "", false,
                   "Output (generated) length distribution."};
  output.default_yaml = "{model: lognormal, median: 129, sigma: 0.992}";
  r.add("llm", "Chat or code requests to a language model: prompt and output tokens, TTFT/TPOT targets.",
        {ParamSpec::string("ai_model").def("llama-3.1-8b").doc("Served model (catalog name)."),
         ParamSpec::quantity_of("slo_ttft", Quantity::time)
             .def("2 s")
             .above(0)
             .doc("Time-to-first-token objective (p99).")
             .src("mlperf.slo llama3_1_8b ttft 2000 ms"),
         ParamSpec::quantity_of("slo_tpot", Quantity::time)
             .def("100 ms")
             .above(0)
             .doc("Time-per-output-token objective (p99).")
             .src("mlperf.slo llama3_1_8b tpot 100 ms")},
        [](const scenario::Config& c, const arrivals::ArrivalContext& ctx) { return std::make_unique<LlmClass>(c, ctx); }, {prompt, output});
  r.add("image", "Image generation by a diffusion model.",
        {ParamSpec::string("ai_model").def("sdxl").doc("Served model (catalog name)."),
         ParamSpec::integer("resolution").def("1024").at_least(64).at_most(8192).doc("Square image side in pixels."),
         ParamSpec::integer("steps").def("0").at_least(0).at_most(1000).doc("Denoising steps (0: the served model's catalog default_steps, e.g. SDXL 20).").src("models/catalog/models.yaml default_steps"),
         ParamSpec::integer("images").def("1").at_least(1).at_most(64).doc("Images per request."),
         ParamSpec::boolean("batchable").def("true").doc("Whether requests may share a batch.")},
        [](const scenario::Config& c, const arrivals::ArrivalContext&) { return std::make_unique<ImageClass>(c); });
  r.add("video", "Video generation by a diffusion model.",
        {ParamSpec::string("ai_model").def("cogvideox-1.5-5b").doc("Served model (catalog name)."),
         ParamSpec::quantity_of("seconds", Quantity::time).def("5 s").above(0).doc("Length of the video.").src("mittr2025.cogvideox_new (5 s)"),
         ParamSpec::integer("width").def("1360").at_least(64).doc("Frame width in pixels.").src("mlenergy_v3.h100.video"),
         ParamSpec::integer("height").def("768").at_least(64).doc("Frame height in pixels.").src("mlenergy_v3.h100.video"),
         ParamSpec::integer("steps").def("50").at_least(1).doc("Denoising steps.").src("mlenergy_v3.h100.video")},
        [](const scenario::Config& c, const arrivals::ArrivalContext&) { return std::make_unique<VideoClass>(c); });
}

}  // namespace dcsim::workload
