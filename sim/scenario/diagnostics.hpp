// Problems found in user input. Loading collects all of them, then fails once (STYLE.md 2) with
// an InputError, which the CLI prints and turns into exit code 2. Each problem names the place
// (file:line:column), the key path (sites[0].pools[1].servers), the bad value and what was
// expected.
#pragma once

#include <stdexcept>
#include <string>
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

class Diagnostics {
 public:
  void error(Location where, std::string path, std::string message);
  bool ok() const { return issues_.empty(); }
  const std::vector<Issue>& issues() const { return issues_; }
  // Throw InputError if anything was reported.
  void throw_if_errors() const;

 private:
  std::vector<Issue> issues_;
};

class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Issue> issues);
  InputError(Location where, std::string path, std::string message);
  const std::vector<Issue>& issues() const { return issues_; }

 private:
  static std::string join(const std::vector<Issue>& issues);
  std::vector<Issue> issues_;
};

}  // namespace dcsim::scenario
