// The HDF5 Sink's attributes and errors (hdf5_writer.hpp): set_attr() writes a scalar string,
// double, int or uint64 attribute, creating it or overwriting it; fail() marks the writer failed
// and throws a message naming what could not be done, the .partial file and the HDF5 error.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "sim/output/hdf5_writer.hpp"

namespace dcsim::output {

void Hdf5Writer::set_attr(hid_t obj, const std::string& obj_name, const std::string& attr,
                          const std::string& value) {
  const char* p = value.c_str();
  set_attr_raw(obj, obj_name, attr, string_type_.get(), string_type_.get(), &p);
}

void Hdf5Writer::set_attr(hid_t obj, const std::string& obj_name, const std::string& attr,
                          double value) {
  set_attr_raw(obj, obj_name, attr, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void Hdf5Writer::set_attr(hid_t obj, const std::string& obj_name, const std::string& attr,
                          int value) {
  set_attr_raw(obj, obj_name, attr, H5T_STD_I32LE, H5T_NATIVE_INT, &value);
}

void Hdf5Writer::set_attr(hid_t obj, const std::string& obj_name, const std::string& attr,
                          uint64_t value) {
  set_attr_raw(obj, obj_name, attr, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

// Scalar attribute `attr` of `obj`: created with file_type, or overwritten if it exists.
void Hdf5Writer::set_attr_raw(hid_t obj, const std::string& obj_name, const std::string& attr,
                              hid_t file_type, hid_t mem_type, const void* value) {
  const std::string what = "attribute '" + attr + "' of " + obj_name;
  const htri_t exists = H5Aexists(obj, attr.c_str());
  if (exists < 0) fail("look up " + what);
  H5Handle a;
  if (exists > 0) {
    a = check(H5Aopen(obj, attr.c_str(), H5P_DEFAULT), H5Aclose, "open " + what);
  } else {
    H5Handle space = check(H5Screate(H5S_SCALAR), H5Sclose, "create a dataspace");
    a = check(H5Acreate2(obj, attr.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, "create " + what);
  }
  if (H5Awrite(a.get(), mem_type, value) < 0) fail("write " + what);
}

void Hdf5Writer::fail(const std::string& what) {
  failed_ = true;
  const std::string detail = h5_error_detail();
  throw std::runtime_error("cannot " + what + " in " + partial_path_ +
                           (detail.empty() ? "" : " (" + detail + ")"));
}

H5Handle Hdf5Writer::check(hid_t id, H5Handle::Closer closer, const std::string& what) {
  if (id < 0) fail(what);
  return H5Handle(id, closer);
}

}  // namespace dcsim::output
