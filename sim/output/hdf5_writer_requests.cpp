// The sampled per-request table /requests of the HDF5 writer: a 1-D compound dataset, one row per
// sampled request attempt (fields of RequestRecord), chunked (4096 rows), shuffle + deflate 1,
// written with the samples' flush cadence or when 4096 rows are buffered. Attributes name the
// workloads (by index) and the codes of `kind` and `outcome`.
#include <cstddef>
#include <stdexcept>

#include <hdf5_hl.h>

#include "sim/output/hdf5_writer.hpp"

namespace dcsim::output {

namespace {
constexpr hsize_t kRequestChunk = 4096;
constexpr size_t kRequestBuffer = 4096;

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? "," : "") + names[i];
  return out;
}
}  // namespace

void Hdf5Writer::create_requests(const RunMeta& meta) {
  auto make_type = [this](hid_t f64, hid_t u64, hid_t u32, hid_t u8) {
    H5Handle t = check(H5Tcreate(H5T_COMPOUND, sizeof(RequestRecord)), H5Tclose, "create the request type");
    const struct {
      const char* name;
      size_t offset;
      hid_t type;
    } fields[] = {
        {"workload", offsetof(RequestRecord, workload), u32},
        {"id", offsetof(RequestRecord, id), u64},
        {"kind", offsetof(RequestRecord, kind), u8},
        {"tier", offsetof(RequestRecord, tier), u8},
        {"attempt", offsetof(RequestRecord, attempt), u8},
        {"outcome", offsetof(RequestRecord, outcome), u8},
        {"arrival_s", offsetof(RequestRecord, arrival_s), f64},
        {"start_s", offsetof(RequestRecord, start_s), f64},
        {"first_token_s", offsetof(RequestRecord, first_token_s), f64},
        {"completion_s", offsetof(RequestRecord, completion_s), f64},
        {"prompt_tokens", offsetof(RequestRecord, prompt_tokens), u32},
        {"output_tokens", offsetof(RequestRecord, output_tokens), u32},
        {"images", offsetof(RequestRecord, images), u32},
        {"energy_j", offsetof(RequestRecord, energy_j), f64},
    };
    for (const auto& f : fields) {
      if (H5Tinsert(t.get(), f.name, f.offset, f.type) < 0) fail("create the request type");
    }
    return t;
  };
  request_mem_type_ = make_type(H5T_NATIVE_DOUBLE, H5T_NATIVE_UINT64, H5T_NATIVE_UINT32, H5T_NATIVE_UINT8);
  request_file_type_ = make_type(H5T_IEEE_F64LE, H5T_STD_U64LE, H5T_STD_U32LE, H5T_STD_U8LE);

  H5Handle dcpl = check(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create a property list");
  if (H5Pset_chunk(dcpl.get(), 1, &kRequestChunk) < 0 || H5Pset_shuffle(dcpl.get()) < 0 ||
      H5Pset_deflate(dcpl.get(), 1) < 0 || H5Pset_obj_track_times(dcpl.get(), false) < 0) {
    fail("set up the /requests properties");
  }
  const hsize_t zero = 0;
  const hsize_t unlimited = H5S_UNLIMITED;
  H5Handle space = check(H5Screate_simple(1, &zero, &unlimited), H5Sclose, "create a dataspace");
  requests_ = check(H5Dcreate2(file_.get(), "requests", request_file_type_.get(), space.get(), H5P_DEFAULT,
                               dcpl.get(), H5P_DEFAULT),
                    H5Dclose, "create /requests");
  if (H5DSset_scale(requests_.get(), "requests") < 0) fail("make /requests a dimension scale");
  set_attr(requests_.get(), "/requests", "workloads", join(meta.workload_names));
  // Each enum field with its names: "0=chat,1=image" (tier_codes come with the extra attributes).
  std::string workload_codes;
  for (size_t i = 0; i < meta.workload_names.size(); ++i)
    workload_codes += (i ? "," : "") + std::to_string(i) + "=" + meta.workload_names[i];
  set_attr(requests_.get(), "/requests", "workload_codes", workload_codes);
  write_extra_attributes(requests_.get(), "/requests");
  set_attr(requests_.get(), "/requests", "kind_codes", "0=llm,1=image,2=video");
  set_attr(requests_.get(), "/requests", "outcome_codes", "0=completed,1=rejected,2=dropped,3=timed_out");
  set_attr(requests_.get(), "/requests", "sample_fraction", meta.request_sample_fraction);
  request_buf_.reserve(kRequestBuffer);
}

void Hdf5Writer::request(const RequestRecord& r) {
  if (state_ != State::open) throw std::logic_error("Hdf5Writer::request outside open()..close()");
  request_buf_.push_back(r);
  if (request_buf_.size() >= kRequestBuffer) {  // one whole chunk, appended
    H5Quiet quiet;
    reserve(kRequestBuffer * sizeof(RequestRecord) + (1u << 20));
    write_requests();
    if (H5Fflush(file_.get(), H5F_SCOPE_LOCAL) < 0) fail("flush");
  }
}

void Hdf5Writer::write_requests() {
  const auto n = static_cast<hsize_t>(request_buf_.size());
  write_rows(requests_.get(), "/requests", requests_written_, n, request_mem_type_.get(), request_buf_.data());
  requests_written_ += n;
  request_buf_.clear();
}

}  // namespace dcsim::output
