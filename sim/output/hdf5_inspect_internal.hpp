// Internal to `dcsim inspect` (hdf5_inspect*.cpp), not part of its interface: RunFile, read access
// to one open run file (root attributes that must be there, optional attributes, objects, attribute
// and link names in the writer's order) where every failure names the file; block-wise reading of
// 1-D datasets; the number and padding helpers of the printout; and the series section, which
// hdf5_inspect_series.cpp prints.
#pragma once

#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "sim/output/hdf5_handle.hpp"

namespace dcsim::output::inspect {

// Attribute and object access for one open file; every failure names the file.
class RunFile {
 public:
  explicit RunFile(const std::string& path) : path_(path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw std::runtime_error("cannot open " + path + ": no such file");
    const htri_t is_h5 = H5Fis_hdf5(path.c_str());
    if (is_h5 == 0) throw std::runtime_error(path + " is not an HDF5 file");
    if (is_h5 < 0) throw std::runtime_error("cannot read " + path + detail());
    file_ = H5Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file_) throw std::runtime_error("cannot open " + path + detail());
  }

  hid_t root() const { return file_.get(); }
  const std::string& path() const { return path_; }

  bool has(hid_t obj, const std::string& name) const {
    return H5Lexists(obj, name.c_str(), H5P_DEFAULT) > 0;
  }
  H5Handle open_object(hid_t parent, const std::string& name) const {
    H5Handle h(H5Oopen(parent, name.c_str(), H5P_DEFAULT), H5Oclose);
    if (!h) fail("cannot open " + name + " in " + path_);
    return h;
  }

  // A root attribute that must be there.
  std::string root_string(const char* name) const { return required(string_attr(root(), name), name); }
  double root_number(const char* name) const { return required(number_attr(root(), name), name); }
  uint64_t root_uint(const char* name) const { return required(uint_attr(root(), name), name); }

  std::optional<std::string> string_attr(hid_t obj, const std::string& name) const {
    H5Handle a = open_scalar_attr(obj, name, H5T_STRING);
    if (!a) return std::nullopt;
    H5Handle type(H5Aget_type(a.get()), H5Tclose);
    H5Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    if (!type || !mem) fail("cannot read attribute '" + name + "' in " + path_);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    if (H5Tis_variable_str(type.get()) > 0) {
      H5Tset_size(mem.get(), kH5Variable);
      char* p = nullptr;
      if (H5Aread(a.get(), mem.get(), &p) < 0) fail("cannot read attribute '" + name + "' in " + path_);
      std::string s = p != nullptr ? p : "";
      H5free_memory(p);
      return s;
    }
    const std::size_t size = H5Tget_size(type.get());
    std::string s(size + 1, '\0');
    H5Tset_size(mem.get(), size + 1);
    if (H5Aread(a.get(), mem.get(), s.data()) < 0)
      fail("cannot read attribute '" + name + "' in " + path_);
    s.resize(s.find('\0'));
    return s;
  }

  std::optional<double> number_attr(hid_t obj, const std::string& name) const {
    double v = 0;
    if (!read_number(obj, name, H5T_NATIVE_DOUBLE, &v)) return std::nullopt;
    return v;
  }
  std::optional<uint64_t> uint_attr(hid_t obj, const std::string& name) const {
    uint64_t v = 0;
    if (!read_number(obj, name, H5T_NATIVE_UINT64, &v)) return std::nullopt;
    return v;
  }

  // Names of the attributes of obj, or of the links in group g, in creation order when the
  // file tracks it (the writer's order), else by name.
  std::vector<std::string> attr_names(hid_t obj) const {
    std::vector<std::string> names;
    hsize_t idx = 0;
    auto collect = [](hid_t, const char* n, const H5A_info_t*, void* data) -> herr_t {
      static_cast<std::vector<std::string>*>(data)->emplace_back(n);
      return 0;
    };
    if (H5Aiterate2(obj, attr_order(obj), H5_ITER_INC, &idx, collect, &names) < 0)
      fail("cannot list attributes in " + path_);
    return names;
  }
  std::vector<std::string> link_names(hid_t g) const {
    H5G_info_t info;
    if (H5Gget_info(g, &info) < 0) fail("cannot list a group in " + path_);
    const H5_index_t order = link_order(g);
    std::vector<std::string> names;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      const ssize_t len = H5Lget_name_by_idx(g, ".", order, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
      if (len < 0) fail("cannot list a group in " + path_);
      std::string n(static_cast<std::size_t>(len) + 1, '\0');
      H5Lget_name_by_idx(g, ".", order, H5_ITER_INC, i, n.data(), n.size(), H5P_DEFAULT);
      n.resize(static_cast<std::size_t>(len));
      names.push_back(std::move(n));
    }
    return names;
  }

  [[noreturn]] void fail(const std::string& what) const { throw std::runtime_error(what + detail()); }

 private:
  static std::string detail() {
    const std::string d = h5_error_detail();
    return d.empty() ? "" : " (" + d + ")";
  }

  template <class T>
  T required(std::optional<T> v, const char* name) const {
    if (!v) throw std::runtime_error(path_ + " is not a dcsim run file: no attribute '" + name + "'");
    return *v;
  }

  // The attribute if it exists, is scalar (one element) and of class `cls`; else invalid.
  H5Handle open_scalar_attr(hid_t obj, const std::string& name, H5T_class_t cls) const {
    if (H5Aexists(obj, name.c_str()) <= 0) return {};
    H5Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
    H5Handle type(H5Aget_type(a.get()), H5Tclose);
    H5Handle space(H5Aget_space(a.get()), H5Sclose);
    if (!a || !type || !space) fail("cannot read attribute '" + name + "' in " + path_);
    const H5T_class_t c = H5Tget_class(type.get());
    const bool numeric = c == H5T_INTEGER || c == H5T_FLOAT;
    const bool ok = cls == H5T_STRING ? c == H5T_STRING : numeric;
    if (!ok || H5Sget_simple_extent_npoints(space.get()) != 1) return {};
    return a;
  }

  bool read_number(hid_t obj, const std::string& name, hid_t mem_type, void* out) const {
    H5Handle a = open_scalar_attr(obj, name, H5T_FLOAT);
    if (!a) return false;
    if (H5Aread(a.get(), mem_type, out) < 0) fail("cannot read attribute '" + name + "' in " + path_);
    return true;
  }

  static H5_index_t attr_order(hid_t obj) {
    unsigned flags = 0;
    H5Handle plist(creation_plist(obj), H5Pclose);
    if (plist && H5Pget_attr_creation_order(plist.get(), &flags) >= 0 &&
        (flags & H5P_CRT_ORDER_INDEXED) != 0)
      return H5_INDEX_CRT_ORDER;
    return H5_INDEX_NAME;
  }
  static H5_index_t link_order(hid_t g) {
    unsigned flags = 0;
    H5Handle plist(H5Gget_create_plist(g), H5Pclose);
    if (plist && H5Pget_link_creation_order(plist.get(), &flags) >= 0 &&
        (flags & H5P_CRT_ORDER_INDEXED) != 0)
      return H5_INDEX_CRT_ORDER;
    return H5_INDEX_NAME;
  }
  // The creation property list of a group or a dataset.
  static hid_t creation_plist(hid_t obj) {
    switch (H5Iget_type(obj)) {
      case H5I_GROUP: return H5Gget_create_plist(obj);
      case H5I_DATASET: return H5Dget_create_plist(obj);
      case H5I_FILE: {
        H5Handle g(H5Gopen2(obj, "/", H5P_DEFAULT), H5Gclose);
        return g ? H5Gget_create_plist(g.get()) : H5I_INVALID_HID;
      }
      default: return H5I_INVALID_HID;
    }
  }

  std::string path_;
  H5Handle file_;
};

inline hsize_t length_1d(hid_t dset) {
  H5Handle space(H5Dget_space(dset), H5Sclose);
  if (!space || H5Sget_simple_extent_ndims(space.get()) != 1) return 0;
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  return n;
}

// Calls fn(first_row, count) for consecutive blocks of at most `block` rows, with the file and
// memory dataspaces selected.
template <class Fn>
void for_each_block(hid_t dset, hsize_t n, hsize_t block, Fn fn) {
  H5Handle file_space(H5Dget_space(dset), H5Sclose);
  for (hsize_t start = 0; start < n; start += block) {
    const hsize_t count = std::min(block, n - start);
    H5Handle mem_space(H5Screate_simple(1, &count, nullptr), H5Sclose);
    H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr);
    fn(file_space.get(), mem_space.get(), count);
  }
}

// Integers print exactly ("1234567"), everything else with 6 significant digits.
std::string num(double v);
std::string pad(std::string s, std::size_t width);

// The "series" section: every series of every group with units, aggregation and statistics.
void print_series(const RunFile& f, std::ostream& out);

}  // namespace dcsim::output::inspect
