// Loading and lookup of the hardware and AI-model catalogs (see catalog.hpp). Each section (gpus,
// servers, models) is described by a table of fields; one generic reader walks a section with its
// table, converts values with units::parse and reports every problem into scenario::Diagnostics.
#include "models/catalog/catalog.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <set>
#include <utility>

#include "sim/scenario/units.hpp"
#include "sim/util/text.hpp"

namespace dcsim::catalog {

namespace {

using scenario::Diagnostics;
using scenario::Location;
using units::Quantity;

// "'text'" for a scalar, else what the node is.
std::string show(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing";
  if (n.IsScalar()) return "'" + n.Scalar() + "'";
  if (n.IsSequence()) return "a list";
  return "a mapping";
}

// A suggestion for a misspelt name: the only candidate that starts with it, else the nearest one.
std::string suggest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string prefixed;
  int count = 0;
  for (const auto& c : candidates) {
    if (c.rfind(word, 0) == 0) {
      prefixed = c;
      ++count;
    }
  }
  return count == 1 ? prefixed : nearest(word, candidates);
}

// "unknown GPU 'h100'; did you mean 'h100-sxm'? (known: 'a100-sxm-80gb', ... or 'h200')"
std::string unknown_name(const std::string& what, const std::string& word, const std::vector<std::string>& known) {
  std::string msg = "unknown " + what + " '" + word + "'";
  const std::string guess = suggest(word, known);
  if (!guess.empty()) msg += "; did you mean '" + guess + "'?";
  return msg + " (known: " + quoted_list(known) + ")";
}

bool parse_int(const std::string& s, int& out) {
  const char* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && ptr == end && !s.empty();
}

// Reads the values of one file, reporting problems into the diagnostics.
class Reader {
 public:
  Reader(std::string file, Diagnostics& diags) : file_(std::move(file)), diags_(diags) {}

  Location at(const YAML::Node& n) const {
    if (!n.IsDefined() || n.Mark().is_null()) return Location{file_, 0, 0};
    return Location{file_, n.Mark().line + 1, n.Mark().column + 1};
  }
  void error(const YAML::Node& n, const std::string& path, const std::string& msg) { diags_.error(at(n), path, msg); }
  size_t errors() const { return diags_.issues().size(); }

  bool quantity(const YAML::Node& n, const std::string& path, Quantity q, bool positive, bool allow_none, double& out);
  bool integer(const YAML::Node& n, const std::string& path, int min, int& out);
  bool text(const YAML::Node& n, const std::string& path, std::string& out);

 private:
  std::string file_;
  Diagnostics& diags_;
};

std::string expected_quantity(Quantity q, bool positive, bool allow_none) {
  const auto& qi = units::info(q);
  std::string s = q == Quantity::dimensionless ? std::string(positive ? "a positive number" : "a number >= 0")
                                               : std::string(positive ? "a positive " : "a non-negative ") + qi.name +
                                                     " such as '" + qi.example + "'";
  return allow_none ? s + " or 'none'" : s;
}

bool Reader::quantity(const YAML::Node& n, const std::string& path, Quantity q, bool positive, bool allow_none,
                      double& out) {
  const std::string expected = expected_quantity(q, positive, allow_none);
  if (!n.IsScalar()) {
    error(n, path, "got " + show(n) + ", expected " + expected);
    return false;
  }
  const std::string& s = n.Scalar();
  if (allow_none && s == "none") {
    out = 0;
    return true;
  }
  double v = 0;
  try {
    v = units::parse(s, q);
  } catch (const units::UnitError& e) {
    // UnitError's text may repeat the value ("'3.35 TB': unit 'TB' is a data, ..."): keep the reason only.
    std::string reason = e.what();
    const std::string echo = "'" + s + "': ";
    if (reason.rfind(echo, 0) == 0) reason.erase(0, echo.size());
    error(n, path, "got '" + s + "', expected " + expected + " (" + reason + ")");
    return false;
  }
  if (v < 0 || (positive && v == 0)) {
    error(n, path, "got '" + s + "', expected " + expected);
    return false;
  }
  out = v;
  return true;
}

bool Reader::integer(const YAML::Node& n, const std::string& path, int min, int& out) {
  int v = 0;
  if (!n.IsScalar() || !parse_int(n.Scalar(), v) || v < min) {
    error(n, path, "got " + show(n) + ", expected an integer >= " + std::to_string(min));
    return false;
  }
  out = v;
  return true;
}

bool Reader::text(const YAML::Node& n, const std::string& path, std::string& out) {
  if (!n.IsScalar() || n.Scalar().empty()) {
    error(n, path, "got " + show(n) + ", expected a non-empty string");
    return false;
  }
  out = n.Scalar();
  return true;
}

// One field of an entry: its key, when it is required in a new entry, and how it is read.
template <class Spec>
struct Field {
  std::string key;
  std::function<bool(const Spec&)> required;  // empty: optional
  std::string expected;                       // shown when a required field is missing
  std::function<bool(Reader&, const YAML::Node&, const std::string&, Spec&)> read;
};

template <class Spec>
bool always(const Spec&) {
  return true;
}

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

const std::vector<Field<GpuSpec>>& gpu_fields() {
  using G = GpuSpec;
  static const std::vector<Field<G>> fields = {
      quantity_field<G>("memory", Quantity::data, &G::memory_B, always<G>, true),
      quantity_field<G>("memory_bandwidth", Quantity::bandwidth, &G::memory_bw_Bps, always<G>, true),
      quantity_field<G>("bf16", Quantity::compute_rate, &G::bf16_flops, always<G>, true),
      quantity_field<G>("fp8", Quantity::compute_rate, &G::fp8_flops, {}, false, true),
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

bool is_llm(const ModelSpec& m) { return m.kind == ModelKind::llm; }
bool is_denoiser(const ModelSpec& m) { return m.kind != ModelKind::llm; }

const std::vector<Field<ModelSpec>>& model_fields() {
  using M = ModelSpec;
  static const std::vector<Field<M>> fields = {
      {"kind", always<M>, "'llm', 'diffusion' or 'video'", read_kind},
      quantity_field<M>("params", Quantity::dimensionless, &M::params, always<M>, true),
      quantity_field<M>("bytes_per_param", Quantity::dimensionless, &M::bytes_per_param, {}, true),
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

template <class Spec>
std::vector<std::string> keys_of(const std::vector<Field<Spec>>& fields) {
  std::vector<std::string> keys;
  for (const auto& f : fields) keys.push_back(f.key);
  return keys;
}

template <class Spec>
const Field<Spec>* find_field(const std::vector<Field<Spec>>& fields, const std::string& key) {
  for (const auto& f : fields)
    if (f.key == key) return &f;
  return nullptr;
}

// Read the fields given in `entry` into spec; a new entry must give every required field.
template <class Spec>
void read_entry(Reader& r, const YAML::Node& entry, const std::string& path, const std::vector<Field<Spec>>& fields,
                bool fresh, Spec& spec) {
  if (!entry.IsMap()) {
    r.error(entry, path, "got " + show(entry) + ", expected a mapping of fields (" + quoted_list(keys_of(fields), ", ") + ")");
    return;
  }
  std::set<std::string> given;
  for (const auto& kv : entry) {
    const std::string key = kv.first.Scalar();
    const Field<Spec>* field = find_field(fields, key);
    if (field == nullptr) {
      r.error(kv.first, path + "." + key, unknown_name("field", key, keys_of(fields)));
      continue;
    }
    given.insert(key);
    field->read(r, kv.second, path + "." + key, spec);
  }
  if (!fresh) return;
  for (const auto& f : fields) {
    if (f.required && f.required(spec) && given.count(f.key) == 0)
      r.error(entry, path, "missing required field '" + f.key + "' (" + f.expected + ")");
  }
}

template <class Spec>
using Check = std::function<void(Reader&, const YAML::Node&, const std::string&, const Spec&)>;

// Merge one section ({name: {field: value}}) into entries; an entry with problems is not stored.
template <class Spec>
void merge_section(Reader& r, const YAML::Node& node, const std::string& section,
                   const std::vector<Field<Spec>>& fields, const Check<Spec>& check,
                   std::map<std::string, Spec>& entries) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    r.error(node, section, "got " + show(node) + ", expected a mapping of names to entries");
    return;
  }
  for (const auto& kv : node) {
    const std::string name = kv.first.Scalar();
    const std::string path = section + "." + name;
    const size_t before = r.errors();
    const auto it = entries.find(name);
    const bool fresh = it == entries.end();
    Spec spec = fresh ? Spec{} : it->second;
    spec.name = name;
    read_entry(r, kv.second, path, fields, fresh, spec);
    if (r.errors() == before && check) check(r, kv.second, path, spec);
    if (r.errors() == before) entries[name] = spec;
  }
}

void check_gpu(Reader& r, const YAML::Node& entry, const std::string& path, const GpuSpec& g) {
  if (g.idle_W > g.idle_loaded_W)
    r.error(entry, path,
            "idle_loaded_power (" + units::format(g.idle_loaded_W, Quantity::power) + ") is below idle_power (" +
                units::format(g.idle_W, Quantity::power) + "), expected idle_power <= idle_loaded_power");
  if (g.idle_loaded_W > g.tdp_W)
    r.error(entry, path,
            "idle_loaded_power (" + units::format(g.idle_loaded_W, Quantity::power) + ") exceeds tdp (" +
                units::format(g.tdp_W, Quantity::power) + ")");
}

const std::vector<std::string> kSections = {"gpus", "servers", "models"};

template <class Spec>
std::vector<std::string> names_of(const std::map<std::string, Spec>& m) {
  std::vector<std::string> names;
  for (const auto& [name, spec] : m) names.push_back(name);
  return names;
}

template <class Spec>
const Spec& lookup(const std::map<std::string, Spec>& m, const std::string& what, const std::string& name,
                   const Location& where, const std::string& key_path) {
  const auto it = m.find(name);
  if (it == m.end()) throw scenario::InputError(where, key_path, unknown_name(what, name, names_of(m)));
  return it->second;
}

}  // namespace

std::string Catalog::builtin_dir() { return DCSIM_SOURCE_DIR "/models/catalog"; }

Catalog Catalog::load_builtin(const std::string& dir) {
  Catalog cat;
  Diagnostics diags;
  for (const char* file : {"gpus.yaml", "servers.yaml", "models.yaml"}) cat.merge_file(dir + "/" + file, diags);
  diags.throw_if_errors();
  return cat;
}

void Catalog::merge_file(const std::string& path) {
  Diagnostics diags;
  Catalog copy = *this;
  copy.merge_file(path, diags);
  diags.throw_if_errors();
  *this = std::move(copy);
}

void Catalog::merge_file(const std::string& path, Diagnostics& diags) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    diags.error(Location{path, 0, 0}, "", "cannot read the catalog file");
    return;
  } catch (const YAML::ParserException& e) {
    diags.error(Location{path, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax error: " + e.msg);
    return;
  }
  merge(root, path, diags);
}

void Catalog::merge(const YAML::Node& node, const std::string& file) {
  Diagnostics diags;
  Catalog copy = *this;
  copy.merge(node, file, diags);
  diags.throw_if_errors();
  *this = std::move(copy);
}

void Catalog::merge(const YAML::Node& node, const std::string& file, Diagnostics& diags) {
  Reader r(file, diags);
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    r.error(node, "", "got " + show(node) + ", expected a catalog: a mapping with " + quoted_list(kSections, ", "));
    return;
  }
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    if (std::find(kSections.begin(), kSections.end(), key) == kSections.end())
      r.error(kv.first, key, unknown_name("catalog section", key, kSections));
  }
  // GPUs first, so that servers may name a GPU defined in the same node.
  merge_section<GpuSpec>(r, node["gpus"], "gpus", gpu_fields(), check_gpu, gpus_);
  const Check<ServerSpec> check_server = [this](Reader& rd, const YAML::Node& entry, const std::string& path,
                                                const ServerSpec& s) {
    if (gpus_.count(s.gpu) == 0) rd.error(entry["gpu"], path + ".gpu", unknown_name("GPU", s.gpu, gpu_names()));
    if (s.other_idle_W > s.other_max_W)
      rd.error(entry, path, "other_idle_power exceeds other_max_power, expected other_idle_power <= other_max_power");
    // The IT power series are affine in GPU power only while the node stays under its rating
    // (models/power/server_power.hpp): reject a node whose GPUs at TDP plus its non-GPU maximum exceed it.
    const auto g = gpus_.find(s.gpu);
    if (g != gpus_.end() && s.gpus * g->second.tdp_W + s.other_max_W > s.max_W)
      rd.error(entry["max_power"] ? entry["max_power"] : entry, path + ".max_power",
               "got " + units::format(s.max_W, Quantity::power) + ", below gpus x tdp + other_max_power = " +
                   units::format(s.gpus * g->second.tdp_W + s.other_max_W, Quantity::power) +
                   ", expected a rating the node cannot exceed");
  };
  merge_section<ServerSpec>(r, node["servers"], "servers", server_fields(), check_server, servers_);
  merge_section<ModelSpec>(r, node["models"], "models", model_fields(), {}, models_);
}

const GpuSpec& Catalog::gpu(const std::string& name, Location where, const std::string& key_path) const {
  return lookup(gpus_, "GPU", name, where, key_path);
}

const ServerSpec& Catalog::server(const std::string& name, Location where, const std::string& key_path) const {
  return lookup(servers_, "server", name, where, key_path);
}

const ModelSpec& Catalog::model(const std::string& name, Location where, const std::string& key_path) const {
  return lookup(models_, "model", name, where, key_path);
}

std::vector<std::string> Catalog::gpu_names() const { return names_of(gpus_); }
std::vector<std::string> Catalog::server_names() const { return names_of(servers_); }
std::vector<std::string> Catalog::model_names() const { return names_of(models_); }

}  // namespace dcsim::catalog
