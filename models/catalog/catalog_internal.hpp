// Internal to the catalog loader (catalog*.cpp), not part of its interface: the Reader that reads
// one file's values (quantities with units, integers, strings) and reports problems into
// scenario::Diagnostics, the Field that describes how one key of an entry is read, the field tables
// of the three sections (catalog_fields.cpp) and the message helpers.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "models/catalog/catalog.hpp"
#include "sim/scenario/diagnostics.hpp"
#include "sim/scenario/units.hpp"

namespace dcsim::catalog::internal {

using scenario::Diagnostics;
using scenario::Location;
using units::Quantity;

// "'text'" for a scalar, else what the node is.
std::string show(const YAML::Node& n);

// "unknown GPU 'h100'; did you mean 'h100-sxm'? (known: 'a100-sxm-80gb', ... or 'h200')"
std::string unknown_name(const std::string& what, const std::string& word, const std::vector<std::string>& known);

// A whole decimal int ("12"); false if s is empty or anything else.
bool parse_int(const std::string& s, int& out);

// Reads the values of one file, reporting problems into the diagnostics.
class Reader {
 public:
  Reader(std::string file, Diagnostics& diags) : file_(std::move(file)), diags_(diags) {}

  // A node without a mark was made by a --set override (sim/scenario/overrides.cpp): it is located
  // at "--set", as in the scenario loader (loader_internal.hpp), not at line 0 of the file.
  Location at(const YAML::Node& n) const {
    if (!n.IsDefined()) return Location{file_, 0, 0};
    if (n.Mark().is_null()) return Location{"--set", 0, 0};
    return Location{file_, n.Mark().line + 1, n.Mark().column + 1};
  }
  void error(const YAML::Node& n, const std::string& path, const std::string& msg) { diags_.error(at(n), path, msg); }
  size_t errors() const { return diags_.count(); }

  bool quantity(const YAML::Node& n, const std::string& path, Quantity q, bool positive, bool allow_none, double& out);
  bool integer(const YAML::Node& n, const std::string& path, int min, int& out);
  bool text(const YAML::Node& n, const std::string& path, std::string& out);

 private:
  std::string file_;
  Diagnostics& diags_;
};

// "a positive power such as '700 W'", "a number >= 0", "... or 'none'": what a quantity field expects.
std::string expected_quantity(Quantity q, bool positive, bool allow_none);

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

// The fields of each section, in the order the messages list them.
const std::vector<Field<GpuSpec>>& gpu_fields();
const std::vector<Field<ServerSpec>>& server_fields();
const std::vector<Field<ModelSpec>>& model_fields();

}  // namespace dcsim::catalog::internal
