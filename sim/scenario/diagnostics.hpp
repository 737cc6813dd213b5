// Problems found in user input. Loading collects all of them, then fails once (STYLE.md 2) with
// an InputError, which the CLI prints and turns into exit code 2. Each problem names the place
// (file:line:column), the key path (sites[0].pools[1].servers), the bad value and what was
// expected.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dcsim::scenario {

struct Location {
  std::string file;  // scenario path, or "--set" for command-line overrides
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown
  std::string str() const;  // "file:line:col" (or less when unknown)
};

struct Issue {
  Location where;
  std::string path;     // key path; "" for file-level problems
  std::string message;  // "got '-3', expected an integer >= 1"
  std::string str() const;  // "file:12:7: sites[0].servers: got '-3', expected an integer >= 1"
};

// Limits on what a message echoes, so that hostile input (a 1 MB key, 100,000 unknown keys)
// gives a readable report instead of megabytes: a value is cut to kMaxValueChars, a path to
// kMaxPathChars, a whole message to kMaxMessageChars (keeping its head and its tail, where
// "expected ..." is), and only the first kMaxIssues problems are kept; the rest are counted.
inline constexpr std::size_t kMaxValueChars = 80;
inline constexpr std::size_t kMaxPathChars = 200;
inline constexpr std::size_t kMaxMessageChars = 600;
inline constexpr std::size_t kMaxIssues = 50;

// `text` cut to `max` characters: its head, "...", and how long it was.
std::string clip(std::string_view text, std::size_t max = kMaxValueChars);
// "'text'", clipped: for echoing a user's value in a message.
std::string quote_value(std::string_view text);

class Diagnostics {
 public:
  void error(Location where, std::string path, std::string message);
  bool ok() const { return count_ == 0; }
  // The first kMaxIssues problems; count() says how many were reported in all.
  const std::vector<Issue>& issues() const { return issues_; }
  std::size_t count() const { return count_; }
  // Throw InputError if anything was reported.
  void throw_if_errors() const;

 private:
  std::vector<Issue> issues_;
  std::size_t count_ = 0;
};

class InputError : public std::runtime_error {
 public:
  // `total`: how many problems there were (>= issues.size(); the others were left out).
  explicit InputError(std::vector<Issue> issues, std::size_t total = 0);
  InputError(Location where, std::string path, std::string message);
  const std::vector<Issue>& issues() const { return issues_; }
  std::size_t count() const { return total_; }

 private:
  static std::string join(const std::vector<Issue>& issues, std::size_t total);
  std::vector<Issue> issues_;
  std::size_t total_;
};

}  // namespace dcsim::scenario
