// The tree mutations and the seeds of the batch fuzzer's mutator (mutator.hpp); the text and
// command-line mutations are in mutator_text.cpp.
#include "tests/fuzz/mutator.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/fuzz/mutator_tables.hpp"

namespace dcsim::fuzz {

namespace {

const char* kBase = R"(name: x
horizon: 1 h
sites:
  - name: a
    pools: [{name: p, servers: 1, service: {model: fixed, time: 1 s}}]
workloads:
  - {name: w, pool: a/p, arrivals: {model: poisson, rate: 1 /s}}
)";

// One place in the tree: a mapping and a key, or a sequence and an index; `parent` is the place
// that holds the container (-1: the root), so that a sequence can be replaced without a search.
struct Place {
  mutable YAML::Node container;  // a handle: edits through it change the tree
  YAML::Node key;                // a mapping's key (null for a sequence)
  std::size_t index = 0;
  std::ptrdiff_t parent = -1;
  bool is_map() const { return container.IsMap(); }
  YAML::Node get() const { return is_map() ? container[key] : container[index]; }
  void set(const YAML::Node& v) const {
    if (is_map())
      container[key] = v;
    else
      container[index] = v;
  }
};

void places(const YAML::Node& n, std::ptrdiff_t parent, std::vector<Place>& out) {
  if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      out.push_back(Place{n, YAML::Node(it->first), 0, parent});
      places(it->second, static_cast<std::ptrdiff_t>(out.size()) - 1, out);
    }
  } else if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i) {
      out.push_back(Place{n, YAML::Node(), i, parent});
      places(n[i], static_cast<std::ptrdiff_t>(out.size()) - 1, out);
    }
  }
}

// A sequence without element i, or with a copy of element i inserted before it.
YAML::Node rebuilt(const YAML::Node& seq, std::size_t i, bool duplicate) {
  YAML::Node out(YAML::NodeType::Sequence);
  for (std::size_t j = 0; j < seq.size(); ++j) {
    if (j == i && duplicate) out.push_back(YAML::Clone(seq[j]));
    if (j != i || duplicate) out.push_back(seq[j]);
  }
  return out;
}

// Deletes or duplicates the element at `p`. A sequence is rebuilt wholesale (yaml-cpp cannot erase
// or insert in one) and put in its parent's place; the root sequence stays as it is.
void erase_or_duplicate(const Place& p, const std::vector<Place>& all, bool duplicate) {
  if (p.is_map()) {
    if (!duplicate) p.container.remove(p.key);
    return;
  }
  if (p.parent >= 0) all[static_cast<std::size_t>(p.parent)].set(rebuilt(p.container, p.index, duplicate));
}

std::string misspelt(const std::string& key, Rng& rng) {
  switch (rng() % 5) {
    case 0: return key + "s";
    case 1: return key.empty() ? "x" : key.substr(0, key.size() - 1);
    case 2: {
      std::string u = key;
      std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      return u;
    }
    case 3: return std::string(1 + rng() % 300, 'x');
    default: return "\xc3\xbc" + key;  // ü
  }
}

// Many keys or a long list, parsed from text: inserting 20,000 keys one by one is quadratic in yaml-cpp.
YAML::Node many(Rng& rng) {
  const int n = pick(rng, std::vector<int>{10, 1000, 20000});
  const bool map = rng() % 2;
  std::string text = map ? "{" : "[";
  for (int i = 0; i < n; ++i) text += (i ? ", " : "") + (map ? "k" + std::to_string(i) + ": " : "") + std::to_string(i);
  return YAML::Load(text + (map ? "}" : "]"));
}

void mutate_tree(YAML::Node& root, Rng& rng) {
  std::vector<Place> all;
  places(root, -1, all);
  if (all.empty()) {
    root = random_value(rng);
    return;
  }
  const Place p = all[rng() % all.size()];
  const YAML::Node v = p.get();
  switch (rng() % 8) {
    case 0: erase_or_duplicate(p, all, false); break;
    case 1: p.set(random_value(rng)); break;
    case 2:
      if (!p.is_map()) erase_or_duplicate(p, all, true);
      break;
    case 3:
      if (p.is_map() && p.key.IsScalar()) p.container[misspelt(p.key.Scalar(), rng)] = random_value(rng);
      break;
    case 4:  // a number in the value changed
      if (v.IsScalar()) {
        static const std::regex number("[0-9][0-9._e+-]*");
        std::smatch m;
        const std::string s = v.Scalar();
        if (std::regex_search(s, m, number))
          p.set(YAML::Node(s.substr(0, m.position(0)) + pick(rng, kNumbers) + s.substr(m.position(0) + m.length(0))));
        else
          p.set(random_value(rng));
      } else {
        p.set(random_value(rng));
      }
      break;
    case 5:  // the unit changed
      if (v.IsScalar() && v.Scalar().find(' ') != std::string::npos)
        p.set(YAML::Node(v.Scalar().substr(0, v.Scalar().find(' ')) + " " + pick(rng, kUnits)));
      else
        p.set(random_value(rng));
      break;
    case 6: {  // wrapped in a list or a mapping
      YAML::Node w(rng() % 2 ? YAML::NodeType::Sequence : YAML::NodeType::Map);
      if (w.IsSequence())
        w.push_back(YAML::Clone(v));
      else
        w["model"] = YAML::Clone(v);
      p.set(w);
      break;
    }
    default: p.set(many(rng)); break;
  }
}

// The tree as YAML text (block or flow style); empty if yaml-cpp cannot emit it.
std::string emit(const YAML::Node& tree, bool flow) {
  YAML::Emitter out;
  if (flow) out << YAML::Flow;
  out << tree;
  return out.good() ? std::string(out.c_str()) + "\n" : std::string();
}

}  // namespace

std::string random_scalar(Rng& rng) {
  if (rng() % 100 < 64) return pick(rng, kNumbers) + (rng() % 10 < 3 ? "" : " " + pick(rng, kUnits));
  return pick(rng, kStrings);
}

YAML::Node random_value(Rng& rng) {
  const int r = static_cast<int>(rng() % 100);
  if (r < 35) return YAML::Node(pick(rng, kNumbers) + (rng() % 10 < 3 ? "" : " " + pick(rng, kUnits)));
  if (r < 55) return YAML::Node(pick(rng, kStrings));
  if (r < 65) {
    YAML::Node s(YAML::NodeType::Sequence);
    const std::string n = pick(rng, kNumbers);
    for (int i = 0, k = static_cast<int>(rng() % 4); i < k; ++i) s.push_back(n);
    return s;
  }
  if (r < 75) {
    YAML::Node m(YAML::NodeType::Map);
    m[pick(rng, std::vector<std::string>{"model", "x", "rate", "name"})] = pick(rng, kNumbers);
    return m;
  }
  if (r < 80) return YAML::Node(YAML::NodeType::Null);
  if (r < 85) return YAML::Node(rng() % 2 == 0);
  // The difference taken unsigned (wrapping), then made signed (C++20: modulo 2^64): the signed
  // difference of two such values overflows (UBSan, seed 1 case 8).
  if (rng() % 2) return YAML::Node(static_cast<long long>(rng() - rng()));
  return YAML::Node(std::uniform_real_distribution<double>(-1e300, 1e300)(rng));
}

std::vector<Seed> load_seeds(const std::string& repo) {
  std::vector<Seed> seeds;
  seeds.push_back(Seed{"base", "base.yaml", kBase, YAML::Load(kBase)});
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(repo) / "scenarios"))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    seeds.push_back(Seed{f.stem().string(), f.string(), ss.str(), YAML::Load(ss.str())});
  }
  return seeds;
}

Case Mutator::make(uint64_t index) const {
  // One generator per case: (seed, index) alone decide the case.
  std::seed_seq seq{static_cast<uint32_t>(seed_), static_cast<uint32_t>(seed_ >> 32), static_cast<uint32_t>(index),
                    static_cast<uint32_t>(index >> 32)};
  Rng rng(seq);
  Case c;
  c.seed = &seeds_[rng() % seeds_.size()];
  c.text = c.seed->text;
  const int kind = static_cast<int>(rng() % 100);
  if (kind < 45) {
    c.kind = "tree";
    YAML::Node tree = YAML::Clone(c.seed->tree);
    for (int i = 0, n = 1 + static_cast<int>(rng() % 3); i < n; ++i) mutate_tree(tree, rng);
    c.text = emit(tree, rng() % 5 == 0);
    if (c.text.empty()) c.text = mutate_text(c.seed->text, rng);
  } else if (kind < 80) {
    c.kind = "text";
    for (int i = 0, n = 1 + static_cast<int>(rng() % 3); i < n; ++i) c.text = mutate_text(c.text, rng);
  } else {
    c.kind = "args";
    c.sets = mutate_args(c.seed->tree, rng);
  }
  return c;
}

}  // namespace dcsim::fuzz
