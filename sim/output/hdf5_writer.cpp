// The HDF5 Sink (see hdf5_writer.hpp and docs/output-format.md for what it writes).
// This file holds the file's lifecycle: open() (validating the series, creating the file, /time,
// the series groups and datasets, /events and /summary, the run attributes) and close() (the last
// rows, /summary, the final attributes, the rename of OUT.h5.partial to OUT.h5). Rows are written in
// hdf5_writer_rows.cpp, attributes in hdf5_writer_attributes.cpp, /requests in
// hdf5_writer_requests.cpp.
#include "sim/output/hdf5_writer.hpp"

#include <hdf5_hl.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <limits>
#include <set>
#include <stdexcept>
#include <utility>

namespace dcsim::output {

namespace {

// /time and each series are chunked by flush_every rows: a flush appends whole new chunks and never
// rewrites a compressed chunk in place, which a hard kill in the middle of the write would leave
// unreadable (the metadata on disk still giving the old chunk's size). /events is not compressed
// for the same reason (its chunks are rewritten; uncompressed, the rows already there stay intact).
constexpr hsize_t kEventChunk = 256;  // rows per chunk of /events
constexpr int kDeflateLevel = 1;
constexpr int kFormatVersion = 1;
constexpr unsigned kCreationOrder = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Bytes reserved on disk for what open() writes: the file's skeleton, and per series its dataset's
// object header (attributes, dimension list) and its entry in /time's reference list.
constexpr uint64_t kOpenReserve = 1u << 20;
constexpr uint64_t kOpenReservePerSeries = 8u << 10;


// "/a/b": starts with '/', no empty component, not the root, not inside /time, /events, /summary.
bool valid_group(const std::string& g) {
  if (g.size() < 2 || g.front() != '/' || g.back() == '/' || g.find("//") != std::string::npos)
    return false;
  const std::string first = g.substr(1, g.find('/', 1) - 1);
  return first != "time" && first != "events" && first != "summary";
}

bool valid_name(const std::string& n) {
  return !n.empty() && n != "." && n != ".." && n.find('/') == std::string::npos;
}

}  // namespace

Hdf5Writer::Hdf5Writer(std::string final_path, int flush_every)
    : final_path_(std::move(final_path)),
      partial_path_(final_path_ + ".partial"),
      flush_every_(flush_every) {
  if (final_path_.empty()) throw std::invalid_argument("Hdf5Writer: empty output path");
  if (flush_every_ < 1)
    throw std::invalid_argument("Hdf5Writer: flush_every must be >= 1, got " +
                                std::to_string(flush_every_));
  lock_ = std::make_unique<OutputLock>(partial_path_);
}

Hdf5Writer::~Hdf5Writer() {
  if (state_ == State::created) lock_->remove();  // nothing was written
  if (state_ != State::open) return;
  H5Quiet quiet;
  if (!failed_) {
    try {
      flush();
    } catch (...) {  // best effort: keep what was flushed before
    }
  }
  close_handles();
  file_.reset();
}

// ---------------------------------------------------------------------------------------------
// open()

void Hdf5Writer::open(const RunMeta& meta, const std::vector<SeriesInfo>& series) {
  if (state_ != State::created) throw std::logic_error("Hdf5Writer::open called twice");
  try {
    validate(series);
  } catch (...) {
    state_ = State::closed;
    lock_->remove();
    throw;
  }
  const auto rows = static_cast<std::size_t>(flush_every_);
  time_buf_.assign(rows, kNaN);
  value_buf_.assign(rows * series.size(), kNaN);
  series_.reserve(series.size());
  series_paths_.reserve(series.size());

  H5Quiet quiet;
  state_ = State::open;
  try {
    create_file(series.size());
    write_run_attributes(meta);
    create_time();
    for (const SeriesInfo& info : series) create_series(info);
    create_events();
    create_requests(meta);
    groups_.clear();
    if (H5Fflush(file_.get(), H5F_SCOPE_LOCAL) < 0) fail("flush");
  } catch (...) {
    // No run without its file: release everything and remove the half-made .partial.
    state_ = State::closed;
    close_handles();
    file_.reset();
    lock_->remove();
    throw;
  }
}

void Hdf5Writer::validate(const std::vector<SeriesInfo>& series) {
  std::set<std::string> seen;
  for (const SeriesInfo& s : series) {
    const std::string path = s.group + "/" + s.name;
    if (!valid_group(s.group))
      throw std::invalid_argument("series " + path + ": bad group '" + s.group +
                                  "' (want /a/b, not /time, /events or /summary)");
    if (!valid_name(s.name))
      throw std::invalid_argument("series in " + s.group + ": bad name '" + s.name + "'");
    if (!seen.insert(path).second) throw std::invalid_argument("duplicate series " + path);
  }
}

void Hdf5Writer::create_file(std::size_t series_count) {
  H5Handle fcpl = check(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "create a property list");
  H5Handle fapl = check(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create a property list");
  // 1.8 object headers at least: dense attribute storage, so that /time's REFERENCE_LIST may
  // exceed 64 KiB (thousands of series); creation order as netCDF-4 files have it.
  if (H5Pset_link_creation_order(fcpl.get(), kCreationOrder) < 0 ||
      H5Pset_attr_creation_order(fcpl.get(), kCreationOrder) < 0 ||
      H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V110) < 0)
    fail("set up the file properties");
  const hid_t id = H5Fcreate(partial_path_.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get());
  if (id < 0) {
    failed_ = true;
    const std::string detail = h5_error_detail();
    throw std::runtime_error("cannot create " + partial_path_ +
                             (detail.empty() ? "" : " (" + detail + ")"));
  }
  file_ = H5Handle(id, H5Fclose);
  reserve(kOpenReserve + kOpenReservePerSeries * series_count);

  string_type_ = check(H5Tcopy(H5T_C_S1), H5Tclose, "create the string type");
  if (H5Tset_size(string_type_.get(), kH5Variable) < 0 ||
      H5Tset_cset(string_type_.get(), H5T_CSET_UTF8) < 0)
    fail("create the string type");

  gcpl_ = check(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "create a property list");
  if (H5Pset_link_creation_order(gcpl_.get(), kCreationOrder) < 0 ||
      H5Pset_attr_creation_order(gcpl_.get(), kCreationOrder) < 0 ||
      H5Pset_obj_track_times(gcpl_.get(), false) < 0)
    fail("set up the group properties");

  dcpl_series_ = check(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create a property list");
  const hid_t dcpl = dcpl_series_.get();
  const auto chunk = static_cast<hsize_t>(flush_every_);
  if (H5Pset_chunk(dcpl, 1, &chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
      H5Pset_deflate(dcpl, kDeflateLevel) < 0 ||
      H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &kNaN) < 0 ||
      H5Pset_attr_creation_order(dcpl, kCreationOrder) < 0 ||
      H5Pset_obj_track_times(dcpl, false) < 0)
    fail("set up the dataset properties");
}

void Hdf5Writer::write_run_attributes(const RunMeta& meta) {
  const hid_t root = file_.get();
  set_attr(root, "/", "dcsim_version", meta.dcsim_version);
  set_attr(root, "/", "format_version", kFormatVersion);
  set_attr(root, "/", "scenario_name", meta.scenario_name);
  set_attr(root, "/", "scenario_path", meta.scenario_path);
  set_attr(root, "/", "scenario", meta.scenario_text);
  set_attr(root, "/", "seed", static_cast<uint64_t>(meta.seed));
  write_extra_attributes(root, "/");  // overrides
  set_attr(root, "/", "started_utc", meta.started_utc);
  set_attr(root, "/", "horizon_s", meta.horizon_s);
  set_attr(root, "/", "record_step_s", meta.record_step_s);
  set_attr(root, "/", "fidelity", meta.fidelity);
  set_attr(root, "/", "warmup_s", meta.warmup_s);
  set_attr(root, "/", "warmup_note",
           std::string(meta.warmup_s > 0 ? "requests that arrived before warmup_s are left out of the /summary latency, "
                                           "TTFT, TPOT and SLO statistics (counts and series keep them)"
                                         : "no warm-up: the /summary statistics cover the whole run"));
  // Rewritten by close(); what a .partial left by a hard kill keeps.
  set_attr(root, "/", "complete", 0);
  set_attr(root, "/", "stop_reason", std::string("unfinished"));
  set_attr(root, "/", "simulated_s", 0.0);
  set_attr(root, "/", "wall_seconds", 0.0);
}

void Hdf5Writer::write_extra_attributes(hid_t obj, const std::string& object) {
  for (const auto& a : extra_attributes_) {
    if (a.object == object) set_attr(obj, object, a.name, a.value);
  }
}

void Hdf5Writer::create_time() {
  const hsize_t zero = 0;
  const hsize_t unlimited = H5S_UNLIMITED;
  H5Handle space = check(H5Screate_simple(1, &zero, &unlimited), H5Sclose, "create a dataspace");
  time_ = check(H5Dcreate2(file_.get(), "time", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                           dcpl_series_.get(), H5P_DEFAULT),
                H5Dclose, "create /time");
  if (H5DSset_scale(time_.get(), "time") < 0) fail("make /time a dimension scale");
  set_attr(time_.get(), "/time", "units", std::string("s"));
  set_attr(time_.get(), "/time", "long_name",
           std::string("simulated time at the end of the sample step"));
}

// The open group at `path`, created (with its parents) on first use.
hid_t Hdf5Writer::group(const std::string& path) {
  if (auto it = groups_.find(path); it != groups_.end()) return it->second.get();
  const std::size_t slash = path.rfind('/');
  const hid_t parent = slash == 0 ? file_.get() : group(path.substr(0, slash));
  const std::string leaf = path.substr(slash + 1);
  H5Handle g = check(H5Gcreate2(parent, leaf.c_str(), H5P_DEFAULT, gcpl_.get(), H5P_DEFAULT),
                     H5Gclose, "create " + path);
  return groups_.emplace(path, std::move(g)).first->second.get();
}

void Hdf5Writer::create_series(const SeriesInfo& info) {
  const std::string path = info.group + "/" + info.name;
  const hid_t parent = group(info.group);
  // Each group of series gets `time`, a soft link to /time, so that xarray (h5netcdf) opens the
  // group alone with its time coordinate; h5py's visititems does not follow it.
  const htri_t linked = H5Lexists(parent, "time", H5P_DEFAULT);
  if (linked < 0 || (linked == 0 && H5Lcreate_soft("/time", parent, "time", H5P_DEFAULT, H5P_DEFAULT) < 0))
    fail("link " + info.group + "/time to /time");
  const hsize_t zero = 0;
  const hsize_t unlimited = H5S_UNLIMITED;
  H5Handle space = check(H5Screate_simple(1, &zero, &unlimited), H5Sclose, "create a dataspace");
  H5Handle d = check(H5Dcreate2(parent, info.name.c_str(), H5T_IEEE_F64LE, space.get(),
                                H5P_DEFAULT, dcpl_series_.get(), H5P_DEFAULT),
                     H5Dclose, "create " + path);
  set_attr(d.get(), path, "units", info.units);
  set_attr(d.get(), path, "long_name", info.long_name);
  set_attr(d.get(), path, "aggregation", std::string(to_string(info.aggregation)));
  if (H5DSattach_scale(d.get(), time_.get(), 0) < 0) fail("attach " + path + " to /time");
  series_.push_back(std::move(d));
  series_paths_.push_back(path);
}

void Hdf5Writer::create_events() {
  auto make_type = [this](hid_t float_type) {
    H5Handle t = check(H5Tcreate(H5T_COMPOUND, sizeof(EventRow)), H5Tclose,
                       "create the event type");
    const hid_t str = string_type_.get();
    if (H5Tinsert(t.get(), "time_s", offsetof(EventRow, time_s), float_type) < 0 ||
        H5Tinsert(t.get(), "kind", offsetof(EventRow, kind), str) < 0 ||
        H5Tinsert(t.get(), "subject", offsetof(EventRow, subject), str) < 0 ||
        H5Tinsert(t.get(), "value", offsetof(EventRow, value), float_type) < 0 ||
        H5Tinsert(t.get(), "detail", offsetof(EventRow, detail), str) < 0)
      fail("create the event type");
    return t;
  };
  event_mem_type_ = make_type(H5T_NATIVE_DOUBLE);
  event_file_type_ = make_type(H5T_IEEE_F64LE);

  H5Handle dcpl = check(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create a property list");
  if (H5Pset_chunk(dcpl.get(), 1, &kEventChunk) < 0 ||
      H5Pset_attr_creation_order(dcpl.get(), kCreationOrder) < 0 ||
      H5Pset_obj_track_times(dcpl.get(), false) < 0)
    fail("set up the /events properties");
  const hsize_t zero = 0;
  const hsize_t unlimited = H5S_UNLIMITED;
  H5Handle space = check(H5Screate_simple(1, &zero, &unlimited), H5Sclose, "create a dataspace");
  events_ = check(H5Dcreate2(file_.get(), "events", event_file_type_.get(), space.get(),
                             H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                  H5Dclose, "create /events");
  // Its own dimension: so that netCDF readers (xarray, h5netcdf) open the root group as it is.
  if (H5DSset_scale(events_.get(), "events") < 0) fail("make /events a dimension scale");
  check(H5Gcreate2(file_.get(), "summary", H5P_DEFAULT, gcpl_.get(), H5P_DEFAULT), H5Gclose,
        "create /summary");
}

// ---------------------------------------------------------------------------------------------
// close()

void Hdf5Writer::close(const RunEnd& end) {
  if (state_ == State::closed) return;
  if (state_ == State::created) throw std::logic_error("Hdf5Writer::close before open()");
  state_ = State::closed;
  H5Quiet quiet;
  if (failed_) {  // a write failed: keep the .partial as its last flush left it
    close_handles();
    file_.reset();
    return;
  }
  uint64_t summary_bytes = 0;
  for (const SummaryEntry& e : end.summary) summary_bytes += 2 * (e.name.size() + e.units.size()) + 256;
  try {
    reserve(flush_bound() + summary_bytes + end.stop_reason.size());
  } catch (...) {  // nothing was written since the last flush: the file is whole, close it
    close_handles();
    file_.reset();
    throw;
  }
  if (buffered_ > 0) write_samples();
  if (events_buffered_ > 0) write_events();
  if (!request_buf_.empty()) write_requests();
  write_summary(end.summary);
  // The rows and the summary on disk first, `complete` last (as in flush(): a kill during the
  // close leaves a .partial that does not claim more than it holds).
  const hid_t root = file_.get();
  if (H5Fflush(root, H5F_SCOPE_LOCAL) < 0) fail("flush");
  set_attr(root, "/", "stop_reason", end.stop_reason);
  set_attr(root, "/", "simulated_s", end.simulated_s);
  set_attr(root, "/", "wall_seconds", end.wall_seconds);
  set_attr(root, "/", "complete", end.complete ? 1 : 0);
  close_handles();
  if (!file_.reset()) fail("close the file");
  lock_->rename_to(final_path_);
}

void Hdf5Writer::write_summary(const std::vector<SummaryEntry>& summary) {
  H5Handle g = check(H5Gopen2(file_.get(), "summary", H5P_DEFAULT), H5Gclose, "open /summary");
  for (const SummaryEntry& s : summary) {
    if (!valid_name(s.name)) fail("write summary entry '" + s.name + "' (bad name)");
    set_attr(g.get(), "/summary", s.name, s.value);
    set_attr(g.get(), "/summary", s.name + "_units", s.units);
  }
}

// Everything but the file itself (closed last, by the caller or the member destructor).
void Hdf5Writer::close_handles() noexcept {
  series_.clear();
  groups_.clear();
  events_.reset();
  requests_.reset();
  request_file_type_.reset();
  request_mem_type_.reset();
  time_.reset();
  dcpl_series_.reset();
  gcpl_.reset();
  event_file_type_.reset();
  event_mem_type_.reset();
  string_type_.reset();
}

}  // namespace dcsim::output
