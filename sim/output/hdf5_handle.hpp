// Small helpers over the HDF5 C API shared by the writer, the inspector and their tests:
// H5Handle owns one hid_t (closing it with the matching H5?close), H5Quiet switches HDF5's
// automatic error-stack printing off for a scope, h5_error_detail() fetches the innermost message
// of the current error stack so that our own exceptions can carry it.
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <string>
#include <utility>

namespace dcsim::output {

// H5T_VARIABLE, i.e. ((size_t)(-1)), without the old-style cast warning at each use.
inline constexpr std::size_t kH5Variable = static_cast<std::size_t>(-1);
// H5S_ALL, i.e. ((hid_t)0), likewise.
inline constexpr hid_t kH5All = 0;

// Owns an HDF5 identifier; closes it on destruction. Move-only.
class H5Handle {
 public:
  using Closer = herr_t (*)(hid_t);

  H5Handle() noexcept = default;
  H5Handle(hid_t id, Closer closer) noexcept : id_(id), closer_(closer) {}
  H5Handle(H5Handle&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  H5Handle& operator=(H5Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;
  ~H5Handle() { reset(); }

  hid_t get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  explicit operator bool() const noexcept { return valid(); }

  // Closes now; returns false if HDF5 reported an error while closing.
  bool reset() noexcept {
    bool ok = true;
    if (id_ >= 0 && closer_ != nullptr) ok = closer_(id_) >= 0;
    id_ = H5I_INVALID_HID;
    return ok;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// For its lifetime, HDF5 failures print nothing (we report them with our own message).
class H5Quiet {
 public:
  H5Quiet() noexcept {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~H5Quiet() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  H5Quiet(const H5Quiet&) = delete;
  H5Quiet& operator=(const H5Quiet&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// The innermost description on HDF5's current error stack ("" if none), e.g. "name already exists".
inline std::string h5_error_detail() {
  std::string detail;
  auto take_first = [](unsigned n, const H5E_error2_t* err, void* out) -> herr_t {
    if (n == 0 && err != nullptr && err->desc != nullptr) *static_cast<std::string*>(out) = err->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, take_first, &detail);
  return detail;
}

}  // namespace dcsim::output
