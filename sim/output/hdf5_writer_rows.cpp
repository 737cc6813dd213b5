// The HDF5 Sink's samples and events (hdf5_writer.hpp, docs/output-format.md): append() and
// event() buffer rows (flush_every samples, reusing the event strings' storage), flush() writes the
// buffered samples, events and requests and the progress attribute simulated_s, and write_rows()
// extends a 1-D dataset and writes a block of rows at its end.
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/output/hdf5_writer.hpp"

namespace dcsim::output {

void Hdf5Writer::append(double time_s, const std::vector<double>& values) {
  if (state_ != State::open) throw std::logic_error("Hdf5Writer::append outside open()/close()");
  if (values.size() != series_.size())
    throw std::invalid_argument("Hdf5Writer::append: " + std::to_string(values.size()) +
                                " values for " + std::to_string(series_.size()) + " series");
  const auto rows = static_cast<std::size_t>(flush_every_);
  const auto row = static_cast<std::size_t>(buffered_);
  time_buf_[row] = time_s;
  for (std::size_t s = 0; s < values.size(); ++s) value_buf_[s * rows + row] = values[s];
  ++buffered_;
  last_time_ = time_s;
  if (buffered_ == rows) {
    H5Quiet quiet;
    flush();
  }
}

void Hdf5Writer::event(const EventRecord& e) {
  if (state_ != State::open) throw std::logic_error("Hdf5Writer::event outside open()/close()");
  const auto slot = static_cast<std::size_t>(events_buffered_);
  if (slot < event_buf_.size())
    event_buf_[slot] = e;  // reuses the strings' storage
  else
    event_buf_.push_back(e);
  ++events_buffered_;
}

// In two steps, so that a hard kill (SIGKILL, power loss) at any moment leaves a .partial whose rows
// up to simulated_s are whole: HDF5 writes a flush's metadata (each dataset's extent, its chunk
// index) one entry after another, in an order of its own, so a kill in the middle of H5Fflush can
// leave /time longer than a series, or an extent on disk before its chunk (rows of NaN fill). The
// rows go first and are flushed; only then the progress attribute simulated_s, alone in a second
// flush, says they are there (docs/reliability.md, "What a killed run leaves").
void Hdf5Writer::flush() {
  reserve(flush_bound());
  if (buffered_ > 0) write_samples();
  if (events_buffered_ > 0) write_events();
  if (!request_buf_.empty()) write_requests();
  if (H5Fflush(file_.get(), H5F_SCOPE_LOCAL) < 0) fail("flush");
  set_attr(file_.get(), "/", "simulated_s", last_time_);  // progress, for a .partial
  if (H5Fflush(file_.get(), H5F_SCOPE_LOCAL) < 0) fail("flush");
  flushed_time_ = last_time_;
}

void Hdf5Writer::write_samples() {
  const auto rows = static_cast<std::size_t>(flush_every_);
  write_rows(time_.get(), "/time", rows_written_, buffered_, H5T_NATIVE_DOUBLE, time_buf_.data());
  for (std::size_t s = 0; s < series_.size(); ++s)
    write_rows(series_[s].get(), series_paths_[s], rows_written_, buffered_, H5T_NATIVE_DOUBLE,
               value_buf_.data() + s * rows);
  rows_written_ += buffered_;
  buffered_ = 0;
}

// /events stays in time order although an event may be stamped earlier than rows already written
// (the overload events, stamped when the backlog began to grow, are known only when the run
// ends): the buffer is sorted by time (stable: same-time events keep the order they came in), and
// if its earliest row precedes rows on disk, those rows are read back, merged after the earlier
// ones (a row on disk goes before a new row of the same time) and written again from there.
void Hdf5Writer::write_events() {
  const auto n = static_cast<std::size_t>(events_buffered_);
  event_order_.resize(n);
  for (std::size_t i = 0; i < n; ++i) event_order_[i] = i;
  std::stable_sort(event_order_.begin(), event_order_.end(),
                   [this](std::size_t a, std::size_t b) { return event_buf_[a].time_s < event_buf_[b].time_s; });
  const double first = event_buf_[event_order_.front()].time_s;
  const auto at = static_cast<hsize_t>(std::upper_bound(event_times_.begin(), event_times_.end(), first) -
                                       event_times_.begin());
  const hsize_t tail = at < events_written_ ? read_event_tail(at) : 0;
  event_rows_.clear();
  event_rows_.reserve(n + tail);
  std::size_t i = 0, j = 0;
  const auto row = [](const EventRecord& e) {
    return EventRow{e.time_s, e.kind.c_str(), e.subject.c_str(), e.value, e.detail.c_str()};
  };
  while (i < n || j < tail) {
    if (j < tail && (i == n || event_tail_[j].time_s <= event_buf_[event_order_[i]].time_s))
      event_rows_.push_back(row(event_tail_[j++]));
    else
      event_rows_.push_back(row(event_buf_[event_order_[i++]]));
  }
  write_rows(events_.get(), "/events", at, n + tail, event_mem_type_.get(), event_rows_.data());
  event_times_.resize(static_cast<std::size_t>(at));
  for (const EventRow& r : event_rows_) event_times_.push_back(r.time_s);
  events_written_ += events_buffered_;
  events_buffered_ = 0;
}

hsize_t Hdf5Writer::read_event_tail(hsize_t from) {
  const hsize_t count = events_written_ - from;
  std::vector<EventRow> rows(static_cast<std::size_t>(count));
  H5Handle file_space = check(H5Dget_space(events_.get()), H5Sclose, "get the dataspace of /events");
  H5Handle mem_space = check(H5Screate_simple(1, &count, nullptr), H5Sclose, "create a dataspace");
  if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &from, nullptr, &count, nullptr) < 0)
    fail("select rows of /events");
  if (H5Dread(events_.get(), event_mem_type_.get(), mem_space.get(), file_space.get(), H5P_DEFAULT, rows.data()) < 0)
    fail("read back /events");
  event_tail_.resize(rows.size());
  uint64_t bytes = 0;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const EventRow& r = rows[k];
    event_tail_[k] = {r.time_s, r.kind ? r.kind : "", r.subject ? r.subject : "", r.value, r.detail ? r.detail : ""};
    bytes += sizeof(EventRow) + event_tail_[k].kind.size() + event_tail_[k].subject.size() +
             event_tail_[k].detail.size() + 3 * 32;
  }
  H5Dvlen_reclaim(event_mem_type_.get(), mem_space.get(), H5P_DEFAULT, rows.data());
  reserve(2 * bytes);  // the rows written again, with their strings
  return count;
}

// What one flush may add to the file, generously: per series (and /time) its last chunk written
// anew (deflate may grow it a little) and a chunk-index node; the events' rows and strings in the
// global heap, twice; the requests' rows with their chunk; and 1 MiB for metadata.
uint64_t Hdf5Writer::flush_bound() const {
  constexpr uint64_t kPerSeries = 8192 + 1024 + 4096;
  uint64_t events = 0;
  for (std::size_t i = 0; i < static_cast<std::size_t>(events_buffered_); ++i) {
    const EventRecord& e = event_buf_[i];
    events += sizeof(EventRow) + e.kind.size() + e.subject.size() + e.detail.size() + 3 * 32;
  }
  const uint64_t requests = request_buf_.empty() ? 0 : (request_buf_.size() + 4096) * sizeof(RequestRecord);
  return (series_.size() + 1) * kPerSeries + 2 * events + requests + (1u << 20);
}

// Reserves `bytes` past the end of the file (fallocate with FALLOC_FL_KEEP_SIZE: the size stays,
// the blocks are the file's), so that HDF5's writes cannot meet a full disk half-way through.
// Where the file system cannot reserve (EOPNOTSUPP), writes go on unprotected.
void Hdf5Writer::reserve(uint64_t bytes) {
  struct stat st {};
  if (::fstat(lock_->fd(), &st) != 0) return;
  if (::fallocate(lock_->fd(), FALLOC_FL_KEEP_SIZE, st.st_size, static_cast<off_t>(bytes)) == 0) return;
  const int err = errno;
  if (err == ENOSPC || err == EDQUOT) {
    failed_ = true;
    char t[32];
    std::snprintf(t, sizeof t, "%g", flushed_time_);
    throw DiskFullError("cannot write " + partial_path_ + ": " + std::strerror(err) + " (needed " +
                        std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB more); it keeps what was written up to t = " +
                        t + " s of simulated time, with complete = 0");
  }
}

// Extends the 1-D dataset to start + count rows and writes rows [start, start + count).
void Hdf5Writer::write_rows(hid_t dset, const std::string& name, hsize_t start, hsize_t count,
                            hid_t mem_type, const void* data) {
  const hsize_t size = start + count;
  if (H5Dset_extent(dset, &size) < 0) fail("extend " + name);
  H5Handle file_space = check(H5Dget_space(dset), H5Sclose, "get the dataspace of " + name);
  H5Handle mem_space = check(H5Screate_simple(1, &count, nullptr), H5Sclose, "create a dataspace");
  if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr) < 0)
    fail("select rows of " + name);
  if (H5Dwrite(dset, mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, data) < 0)
    fail("write " + name);
}

}  // namespace dcsim::output
