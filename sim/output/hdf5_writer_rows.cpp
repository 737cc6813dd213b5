// The HDF5 Sink's samples and events (hdf5_writer.hpp, docs/output-format.md): append() and
// event() buffer rows (flush_every samples, reusing the event strings' storage), flush() writes the
// buffered samples, events and requests and the progress attribute simulated_s, and write_rows()
// extends a 1-D dataset and writes a block of rows at its end.
#include <cstddef>
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

void Hdf5Writer::flush() {
  if (buffered_ > 0) write_samples();
  if (events_buffered_ > 0) write_events();
  if (!request_buf_.empty()) write_requests();
  set_attr(file_.get(), "/", "simulated_s", last_time_);  // progress, for a .partial
  if (H5Fflush(file_.get(), H5F_SCOPE_LOCAL) < 0) fail("flush");
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

void Hdf5Writer::write_events() {
  const auto n = static_cast<std::size_t>(events_buffered_);
  event_rows_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const EventRecord& e = event_buf_[i];
    event_rows_[i] = {e.time_s, e.kind.c_str(), e.subject.c_str(), e.value, e.detail.c_str()};
  }
  write_rows(events_.get(), "/events", events_written_, events_buffered_, event_mem_type_.get(),
             event_rows_.data());
  events_written_ += events_buffered_;
  events_buffered_ = 0;
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
