// The text and command-line mutations of the batch fuzzer's mutator (mutator.hpp).
#include <string>
#include <vector>

#include "tests/fuzz/mutator.hpp"
#include "tests/fuzz/mutator_tables.hpp"

namespace dcsim::fuzz {

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    lines.push_back(text.substr(at, end == std::string::npos ? std::string::npos : end - at));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return lines;
}

// Dotted --set paths of the tree's leaves (list elements by index).
void scalar_paths(const YAML::Node& n, const std::string& prefix, std::vector<std::string>& out) {
  if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string k = it->first.IsScalar() ? it->first.Scalar() : "?";
      scalar_paths(it->second, prefix.empty() ? k : prefix + "." + k, out);
    }
  } else if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i) scalar_paths(n[i], prefix + "[" + std::to_string(i) + "]", out);
  } else {
    out.push_back(prefix);
  }
}

std::string flow(const YAML::Node& v) {
  if (v.IsScalar()) return v.Scalar();
  YAML::Emitter out;
  out << YAML::Flow << v;
  return out.good() ? out.c_str() : "~";
}

}  // namespace

std::string mutate_text(const std::string& text, Rng& rng) {
  const int op = static_cast<int>(rng() % 9);
  if (op == 0 && !text.empty()) return text.substr(0, rng() % text.size());  // truncation
  if (op == 1 && !text.empty()) {                                            // byte flips
    std::string b = text;
    for (int i = 0, n = 1 + static_cast<int>(rng() % 8); i < n; ++i) b[rng() % b.size()] = static_cast<char>(rng() % 256);
    return b;
  }
  std::vector<std::string> lines = split_lines(text);
  const auto any_line = [&] { return static_cast<std::ptrdiff_t>(rng() % lines.size()); };
  if (op == 2 && !lines.empty()) {  // a duplicated line (a duplicate key)
    const auto i = any_line();
    lines.insert(lines.begin() + i, lines[static_cast<std::size_t>(i)]);
  } else if (op == 3 && !lines.empty()) {  // indentation changed
    std::string& l = lines[static_cast<std::size_t>(any_line())];
    const std::size_t first = l.find_first_not_of(' ');
    l = std::string(rng() % 10, ' ') + (first == std::string::npos ? "" : l.substr(first));
  } else if (op == 4) {  // aliases: an anchor and references, sometimes cyclic
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(rng() % (lines.size() + 1)), pick(rng, kAliases));
  } else if (op == 5) {  // deep nesting
    const std::size_t depth = pick(rng, std::vector<std::size_t>{100, 5000, 100000});
    if (rng() % 2)
      lines.push_back("deep: " + std::string(depth, '[') + std::string(depth, ']'));
    else {
      std::string d = "deep: ";
      for (std::size_t i = 0; i < depth; ++i) d += "{a: ";
      lines.push_back(d + "1" + std::string(depth, '}'));
    }
  } else if (op == 6 && !lines.empty()) {  // unicode and control characters inside a line
    std::string& l = lines[static_cast<std::size_t>(any_line())];
    l.insert(rng() % (l.size() + 1), pick(rng, kInserts));
  } else if (op == 7 && !lines.empty()) {  // a long value
    lines[static_cast<std::size_t>(any_line())] += std::string(rng() % 2 ? 1000 : 100000, 'x');
  } else if (op == 8) {  // YAML directives and documents
    lines.insert(lines.begin(), pick(rng, std::vector<std::string>{"%YAML 1.1", "%YAML 9.9", "---", "--- !!map", "!!str"}));
    if (rng() % 10 < 3) lines.push_back("---\nname: second");
  }
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + lines[i];
  return out + (rng() % 10 < 9 ? "\n" : "");
}

std::vector<std::string> mutate_args(const YAML::Node& tree, Rng& rng) {
  std::vector<std::string> paths;
  scalar_paths(tree, "", paths);
  std::vector<std::string> sets;
  for (int i = 0, n = 1 + static_cast<int>(rng() % 3); i < n; ++i) {
    const std::string path = !paths.empty() && rng() % 10 < 6 ? pick(rng, paths) : pick(rng, kSetPaths);
    std::string value = flow(random_value(rng));
    if (rng() % 10 == 0) value = pick(rng, kOddSetValues);
    sets.push_back(rng() % 20 == 0 ? path : path + "=" + value);
  }
  if (rng() % 5 == 0)  // --until
    sets.push_back("horizon=" + pick(rng, kNumbers) + pick(rng, std::vector<std::string>{"s", " h", "", " parsecs", "d"}));
  if (rng() % 10 == 0)  // --seed (the CLI takes an unsigned integer)
    sets.push_back("seed=" + pick(rng, std::vector<std::string>{"0", "1", "18446744073709551615", "4294967296"}));
  return sets;
}

}  // namespace dcsim::fuzz
