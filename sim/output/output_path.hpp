// Safety of the output path (docs/reliability.md): what `-o` may name, and the lock that keeps two
// runs from writing the same file.
//
// - check_output_path() refuses, before anything is built or written, a path that is an existing
//   directory, a device or any other non-regular file, one of the run's inputs (the scenario
//   file), or an existing file that is not HDF5 (so a slip of the keyboard cannot replace a YAML
//   or a trace); a missing or unwritable directory is refused too.
// - OutputLock creates FINAL.partial and holds an exclusive lock on it (an open-file-description
//   lock, fcntl F_OFD_SETLK, independent of the flock HDF5 takes for itself) from before the first byte is written until it has been renamed to FINAL. A second run with the same
//   output fails at once instead of truncating the first one's file; a run never renames over a
//   FINAL that another run holds locked (its own .partial, when FINAL ends in ".partial").
// Every refusal is an OutputPathError: a bad path is bad input (exit code 2).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace dcsim::output {

class OutputPathError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws OutputPathError naming the path and why it is refused. `inputs`: files the run reads.
void check_output_path(const std::string& path, const std::vector<std::string>& inputs);

class OutputLock {
 public:
  // Creates (or takes over an abandoned) `partial`, locked; throws OutputPathError if another
  // process holds it or it cannot be created.
  explicit OutputLock(std::string partial);
  ~OutputLock();  // releases the lock (the file stays)
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  int fd() const { return fd_; }  // the locked file (for fallocate)
  // Renames the locked file to `final_path` and releases the lock, refusing (OutputPathError) if
  // `final_path` is a file another writer holds locked.
  void rename_to(const std::string& final_path);
  // Releases the lock and removes the file (a run that wrote nothing).
  void remove();

 private:
  std::string path_;
  int fd_ = -1;
};

// True if `path` is a file another writer holds locked (an OutputLock).
bool locked_by_another(const std::string& path);

}  // namespace dcsim::output
