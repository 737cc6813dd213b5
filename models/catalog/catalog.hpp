// The hardware and AI-model catalogs: named GPUs, servers (nodes) and models with their
// specifications in internal units (GpuSpec, ServerSpec, ModelSpec of specs.hpp).
//
// The built-in entries live in models/catalog/{gpus,servers,models}.yaml, written with units
// ("80 GB", "3.35 TB/s", "700 W") and a `source:` per entry citing the calibration ids of
// shared/reference/calibration.yaml, or saying "estimate" (docs/models/catalog.md has the tables).
// A scenario may add or override entries with a `catalog:` block of the same shape
// ({gpus: {name: {field: value}}, servers: ..., models: ...}); overriding one field of an existing
// entry keeps its other fields.
//
// Every problem (bad value, unknown field, missing field, unknown GPU of a server) is reported with
// file:line:col, the key path (gpus.h100-sxm.memory_bandwidth), the bad value and what was expected;
// all problems of a load are collected before one InputError is thrown.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "models/catalog/specs.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace dcsim::catalog {

class Catalog {
 public:
  // DCSIM_SOURCE_DIR "/models/catalog": where the built-in YAML files are.
  static std::string builtin_dir();
  // Load gpus.yaml, servers.yaml and models.yaml from dir. Throws scenario::InputError.
  static Catalog load_builtin(const std::string& dir = builtin_dir());
  // The built-in catalog, read from builtin_dir() once per process (yaml-cpp takes ~10 ms for
  // the three files: a World copies this instead; a sweep reads it before forking its runs).
  static const Catalog& builtin();

  // Add or override entries from a node shaped like the catalog files; `file` names its origin in
  // error messages. Throws scenario::InputError (with every problem) and then leaves *this unchanged.
  void merge(const YAML::Node& node, const std::string& file);
  // Same, reporting into diags instead of throwing (the catalog keeps the entries that were valid).
  void merge(const YAML::Node& node, const std::string& file, scenario::Diagnostics& diags);
  // Read a YAML file of that shape and merge it (syntax errors are reported with their position).
  void merge_file(const std::string& path);
  void merge_file(const std::string& path, scenario::Diagnostics& diags);

  // Lookups. An unknown name throws InputError at `where`/`key_path` with "did you mean" and the
  // list of known names.
  const GpuSpec& gpu(const std::string& name, scenario::Location where = {}, const std::string& key_path = "") const;
  const ServerSpec& server(const std::string& name, scenario::Location where = {},
                           const std::string& key_path = "") const;
  const ModelSpec& model(const std::string& name, scenario::Location where = {},
                         const std::string& key_path = "") const;

  std::vector<std::string> gpu_names() const;
  std::vector<std::string> server_names() const;
  std::vector<std::string> model_names() const;

 private:
  std::map<std::string, GpuSpec> gpus_;
  std::map<std::string, ServerSpec> servers_;
  std::map<std::string, ModelSpec> models_;
};

}  // namespace dcsim::catalog
