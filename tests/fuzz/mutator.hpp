// The scenario mutator of the in-process batch fuzzer (tests/fuzz/fuzz_batch.cpp,
// docs/reliability.md): case `i` of seed `s` is one mutated scenario text and its --set
// overrides, a function of (s, i) alone, so that any finding is reproduced from its number.
//
// The mutations are those of the Python fuzzer (tests/fuzz/scenario_fuzz.py), in C++ so that a
// million of them take minutes: on the YAML tree (delete, replace by a random value, duplicate a
// list element, unknown or misspelt key, a number or a unit changed, wrapped in a list or a
// mapping, many keys or a long list), on the text (truncation, byte flips, a duplicated line,
// indentation, aliases also cyclic, deep nesting, unicode and control characters, long values,
// YAML directives and documents) and on the command line (--set on the tree's own paths and on
// odd ones, --until and --seed, which the CLI turns into horizon= and seed= overrides).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace dcsim::fuzz {

struct Seed {
  std::string name;  // "base" or the scenario file's stem
  std::string path;  // the file (its directory resolves trace paths), or "base.yaml"
  std::string text;
  YAML::Node tree;   // parsed once; mutations work on a clone
};

struct Case {
  std::string text;
  std::vector<std::string> sets;  // --set overrides ("seed=..." and "horizon=..." for --seed/--until)
  std::string kind;               // "tree", "text" or "args"
  const Seed* seed = nullptr;
};

// The built-in smallest scenario and every scenarios/*.yaml under `repo`.
std::vector<Seed> load_seeds(const std::string& repo);

class Mutator {
 public:
  Mutator(const std::vector<Seed>& seeds, uint64_t seed) : seeds_(seeds), seed_(seed) {}
  Case make(uint64_t index) const;

 private:
  const std::vector<Seed>& seeds_;
  uint64_t seed_;
};

// Helpers of the mutations (mutator.cpp, mutator_text.cpp).
using Rng = std::mt19937_64;
std::string random_scalar(Rng& rng);              // a number with or without a unit, or a string
YAML::Node random_value(Rng& rng);                // a scalar, a list, a mapping, null, a bool
std::string mutate_text(const std::string& text, Rng& rng);
std::vector<std::string> mutate_args(const YAML::Node& tree, Rng& rng);

}  // namespace dcsim::fuzz
