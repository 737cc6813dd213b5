// The field tables of the catalog sections (catalog_internal.hpp): for gpus, servers and models,
// each key with its quantity or integer range, whether a new entry must give it, and how it is read;
// the model `kind` and `resolution` readers; `source:` accepted as documentation everywhere.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "models/catalog/catalog_internal.hpp"
#include "sim/util/text.hpp"

namespace dcsim::catalog::internal {

namespace {

template <class Spec>
Field<Spec> quantity_field(const char* key, Quantity q, double Spec::*member, std::function<bool(const Spec&)> required,
                           bool positive, bool allow_none = false) {
  return {key, std::move(required), expected_quantity(q, positive, allow_none),
          [=](Reader& r, const YAML::Node& n, const std::string& path, Spec& s) {
            return r.quantity(n, path, q, positive, allow_none, s.*member);
          }};
}

template <class Spec>
Field<Spec> int_field(const char* key, int Spec::*member, int min, std::function<bool(const Spec&)> required) {
  return {key, std::move(required), "an integer >= " + std::to_string(min),
          [=](Reader& r, const YAML::Node& n, const std::string& path, Spec& s) {
            return r.integer(n, path, min, s.*member);
          }};
}

// `source:` is documentation: any non-empty string, not kept in the spec.
template <class Spec>
Field<Spec> source_field() {
  return {"source", {}, "a string", [](Reader& r, const YAML::Node& n, const std::string& path, Spec&) {
            std::string ignored;
            return r.text(n, path, ignored);
          }};
}

}  // namespace

const std::vector<Field<GpuSpec>>& gpu_fields() {
  using G = GpuSpec;
  static const std::vector<Field<G>> fields = {
      quantity_field<G>("memory", Quantity::data, &G::memory_B, always<G>, true),
      quantity_field<G>("memory_bandwidth", Quantity::bandwidth, &G::memory_bw_Bps, always<G>, true),
      quantity_field<G>("bf16", Quantity::compute_rate, &G::bf16_flops, always<G>, true),
      quantity_field<G>("fp8", Quantity::compute_rate, &G::fp8_flops, {}, false, true),
      quantity_field<G>("fp4", Quantity::compute_rate, &G::fp4_flops, {}, false, true),
      quantity_field<G>("tdp", Quantity::power, &G::tdp_W, always<G>, true),
      quantity_field<G>("idle_power", Quantity::power, &G::idle_W, always<G>, false),
      quantity_field<G>("idle_loaded_power", Quantity::power, &G::idle_loaded_W, always<G>, false),
      quantity_field<G>("nvlink", Quantity::bandwidth, &G::nvlink_Bps, {}, false, true),
      source_field<G>(),
  };
  return fields;
}

const std::vector<Field<ServerSpec>>& server_fields() {
  using S = ServerSpec;
  static const std::vector<Field<S>> fields = {
      {"gpu", always<S>, "a GPU name",
       [](Reader& r, const YAML::Node& n, const std::string& path, S& s) { return r.text(n, path, s.gpu); }},
      int_field<S>("gpus", &S::gpus, 1, always<S>),
      quantity_field<S>("max_power", Quantity::power, &S::max_W, always<S>, true),
      quantity_field<S>("other_idle_power", Quantity::power, &S::other_idle_W, always<S>, false),
      quantity_field<S>("other_max_power", Quantity::power, &S::other_max_W, always<S>, false),
      source_field<S>(),
  };
  return fields;
}

namespace {

const std::vector<std::pair<std::string, ModelKind>> kKinds = {
    {"llm", ModelKind::llm}, {"diffusion", ModelKind::diffusion}, {"video", ModelKind::video}};

bool read_kind(Reader& r, const YAML::Node& n, const std::string& path, ModelSpec& s) {
  std::vector<std::string> names;
  for (const auto& [name, kind] : kKinds) {
    if (n.IsScalar() && n.Scalar() == name) {
      s.kind = kind;
      return true;
    }
    names.push_back(name);
  }
  std::string msg = "got " + show(n) + ", expected " + quoted_list(names);
  const std::string guess = n.IsScalar() ? nearest(n.Scalar(), names) : "";
  r.error(n, path, guess.empty() ? msg : msg + "; did you mean '" + guess + "'?");
  return false;
}

// "1024x1024" -> width x height pixels.
bool read_resolution(Reader& r, const YAML::Node& n, const std::string& path, ModelSpec& s) {
  const std::string text = n.IsScalar() ? n.Scalar() : "";
  const size_t x = text.find('x');
  int w = 0;
  int h = 0;
  if (x == std::string::npos || !parse_int(text.substr(0, x), w) || !parse_int(text.substr(x + 1), h) || w < 1 ||
      h < 1) {
    r.error(n, path, "got " + show(n) + ", expected a resolution WIDTHxHEIGHT such as '1024x1024'");
    return false;
  }
  s.ref_pixels = static_cast<double>(w) * h;
  return true;
}

const std::vector<std::pair<std::string, Precision>> kPrecisions = {
    {"bf16", Precision::bf16}, {"fp8", Precision::fp8}, {"fp4", Precision::fp4}};

bool read_precision(Reader& r, const YAML::Node& n, const std::string& path, ModelSpec& s) {
  std::vector<std::string> names;
  for (const auto& [name, p] : kPrecisions) {
    if (n.IsScalar() && n.Scalar() == name) {
      s.compute = p;
      return true;
    }
    names.push_back(name);
  }
  std::string msg = "got " + show(n) + ", expected " + quoted_list(names);
  const std::string guess = n.IsScalar() ? nearest(n.Scalar(), names) : "";
  r.error(n, path, guess.empty() ? msg : msg + "; did you mean '" + guess + "'?");
  return false;
}

bool is_llm(const ModelSpec& m) { return m.kind == ModelKind::llm; }
bool is_denoiser(const ModelSpec& m) { return m.kind != ModelKind::llm; }

}  // namespace

const std::vector<Field<ModelSpec>>& model_fields() {
  using M = ModelSpec;
  static const std::vector<Field<M>> fields = {
      {"kind", always<M>, "'llm', 'diffusion' or 'video'", read_kind},
      quantity_field<M>("params", Quantity::dimensionless, &M::params, always<M>, true),
      quantity_field<M>("bytes_per_param", Quantity::dimensionless, &M::bytes_per_param, {}, true),
      {"compute", {}, "'bf16', 'fp8' or 'fp4'", read_precision},
      quantity_field<M>("active_params", Quantity::dimensionless, &M::active_params, {}, true),
      quantity_field<M>("expert_params", Quantity::dimensionless, &M::expert_params, {}, true),
      quantity_field<M>("expert_bytes_per_param", Quantity::dimensionless, &M::expert_bytes_per_param, {}, true),
      int_field<M>("experts", &M::experts, 1, {}),
      int_field<M>("experts_per_token", &M::experts_per_token, 1, {}),
      int_field<M>("layers", &M::layers, 1, is_llm),
      int_field<M>("hidden", &M::hidden, 1, is_llm),
      quantity_field<M>("kv_bytes_per_token", Quantity::data, &M::kv_bytes_per_token, is_llm, true),
      quantity_field<M>("flops_per_step", Quantity::compute, &M::flops_per_step, is_denoiser, true),
      {"resolution", is_denoiser, "a resolution such as '1024x1024'", read_resolution},
      int_field<M>("default_steps", &M::default_steps, 1, is_denoiser),
      source_field<M>(),
  };
  return fields;
}

}  // namespace dcsim::catalog::internal
