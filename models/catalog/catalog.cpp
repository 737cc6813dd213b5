// Loading and lookup of the hardware and AI-model catalogs (see catalog.hpp). Each section (gpus,
// servers, models) is described by a table of fields; one generic reader walks a section with its
// table, converts values with units::parse and reports every problem into scenario::Diagnostics.
// The Reader and message helpers are in catalog_reader.cpp, the field tables in catalog_fields.cpp;
// this file holds the generic entry and section readers, the GPU and server checks and Catalog.
#include "models/catalog/catalog.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <utility>

#include "models/catalog/catalog_internal.hpp"
#include "sim/util/text.hpp"

namespace dcsim::catalog {

using namespace internal;

namespace {

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

// A mixture-of-experts entry must be consistent: top-k within the experts, experts and active
// parameters within the total.
void check_model(Reader& r, const YAML::Node& entry, const std::string& path, const ModelSpec& m) {
  const bool any_moe = m.experts > 0 || m.experts_per_token > 0 || m.expert_params > 0;
  if (any_moe && !(m.experts > 0 && m.experts_per_token > 0 && m.expert_params > 0))
    r.error(entry, path, "a mixture-of-experts model needs experts, experts_per_token and expert_params together");
  if (m.experts_per_token > m.experts && m.experts > 0)
    r.error(entry["experts_per_token"] ? entry["experts_per_token"] : entry, path + ".experts_per_token",
            "got " + std::to_string(m.experts_per_token) + ", expected at most experts (" + std::to_string(m.experts) + ")");
  if (m.expert_params >= m.params && m.expert_params > 0)
    r.error(entry["expert_params"] ? entry["expert_params"] : entry, path + ".expert_params",
            "got " + units::format(m.expert_params, Quantity::dimensionless) + ", expected fewer than params (" +
                units::format(m.params, Quantity::dimensionless) + ")");
  if (m.active_params > m.params)
    r.error(entry["active_params"] ? entry["active_params"] : entry, path + ".active_params",
            "got " + units::format(m.active_params, Quantity::dimensionless) + ", expected at most params (" +
                units::format(m.params, Quantity::dimensionless) + ")");
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

const Catalog& Catalog::builtin() {
  static const Catalog cat = load_builtin(builtin_dir());
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
  merge_section<ModelSpec>(r, node["models"], "models", model_fields(), check_model, models_);
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
