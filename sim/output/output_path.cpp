// Output path checks and the output lock (output_path.hpp).
#include "sim/output/output_path.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace dcsim::output {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
  throw OutputPathError("-o " + path + ": " + why);
}

// The first 8 bytes of an HDF5 file without a user block (what dcsim writes).
bool starts_like_hdf5(const std::string& path) {
  static const unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  unsigned char head[8] = {};
  const size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  return n == sizeof head && std::memcmp(head, kSignature, sizeof head) == 0;
}

}  // namespace

void check_output_path(const std::string& path, const std::vector<std::string>& inputs) {
  if (path.empty()) refuse("''", "empty output path");
  std::error_code ec;
  const fs::path p(path);
  const fs::path dir = fs::absolute(p, ec).parent_path();
  if (!fs::is_directory(dir, ec)) refuse(path, "directory '" + dir.string() + "' does not exist");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    refuse(path, "cannot write in directory '" + dir.string() + "' (" + std::strerror(errno) + ")");
  const fs::file_status st = fs::status(p, ec);
  if (!fs::exists(st)) return;
  if (fs::is_directory(st)) refuse(path, "is a directory; expected a file name such as " + (p / "run.h5").string());
  if (!fs::is_regular_file(st))
    refuse(path, "is not a regular file (a device, a pipe or a socket); dcsim writes a new HDF5 file and "
                 "renames it into place, which would replace it");
  for (const auto& input : inputs) {
    if (fs::equivalent(p, input, ec)) refuse(path, "is an input of this run (" + input + "); it would be overwritten");
  }
  if (fs::file_size(p, ec) > 0 && !starts_like_hdf5(path))
    refuse(path, "exists and is not an HDF5 file; not replacing it (remove it first or choose another name)");
  if (locked_by_another(path)) refuse(path, "is being written by another dcsim run");
}

namespace {

// An open-file-description lock (F_OFD_SETLK) on the whole file: independent of the flock(2)
// locks HDF5 takes for itself, and exclusive also between two descriptors of one process.
struct flock whole_file(short type) {
  struct flock fl {};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 0;
  return fl;
}

}  // namespace

bool locked_by_another(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return false;
  struct stat st {};
  bool locked = false;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    struct flock fl = whole_file(F_WRLCK);
    locked = ::fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
  }
  ::close(fd);
  return locked;
}

OutputLock::OutputLock(std::string partial) : path_(std::move(partial)) {
  // The file may be renamed by its previous holder between open() and flock(): then the lock is
  // on the renamed file, not on `path_`, and we try again.
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0644);
    if (fd < 0) throw OutputPathError("cannot create " + path_ + " (" + std::strerror(errno) + ")");
    struct stat held {};
    if (::fstat(fd, &held) != 0 || !S_ISREG(held.st_mode)) {
      ::close(fd);
      refuse(path_, "is not a regular file");
    }
    struct flock fl = whole_file(F_WRLCK);
    if (::fcntl(fd, F_OFD_SETLK, &fl) != 0) {
      const int err = errno;
      ::close(fd);
      if (err == EAGAIN || err == EACCES) refuse(path_, "is being written by another dcsim run (it holds the lock); wait for it or choose another -o");
      refuse(path_, std::string("cannot lock it (") + std::strerror(err) + ")");
    }
    struct stat now {};
    if (::stat(path_.c_str(), &now) == 0 && now.st_dev == held.st_dev && now.st_ino == held.st_ino) {
      fd_ = fd;
      return;
    }
    ::close(fd);
  }
  refuse(path_, "kept changing while dcsim tried to lock it");
}

OutputLock::~OutputLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the lock
}

void OutputLock::rename_to(const std::string& final_path) {
  if (locked_by_another(final_path)) refuse(final_path, "is being written by another dcsim run; the output stays in " + path_);
  if (std::rename(path_.c_str(), final_path.c_str()) != 0)
    throw std::runtime_error("cannot rename " + path_ + " to " + final_path + ": " + std::strerror(errno));
  path_ = final_path;
  ::close(fd_);  // the run's file is complete: readers need no longer wait
  fd_ = -1;
}

void OutputLock::remove() {
  if (fd_ < 0) return;
  std::remove(path_.c_str());
  ::close(fd_);
  fd_ = -1;
}

}  // namespace dcsim::output
