// The HDF5 Sink: writes one run to FINAL.partial and renames it to FINAL on close().
//
// The .partial is created and locked (OutputLock, output_path.hpp) when the writer is
// constructed, so that no other run can write it; it is removed again if open() is never called
// or fails. Before each flush and before close() the writer reserves on disk the space the write
// may take (fallocate, keeping the file size): a full disk is found before HDF5 writes anything,
// the run ends with an error naming it, and the .partial keeps its last flush and complete = 0.
//
// Layout (docs/output-format.md): root attributes describing the run, /time (a dimension scale),
// one 1-D float64 dataset per series under its group (/fleet, /sites/<s>, /sites/<s>/pools/<p>,
// /workloads/<w>) attached to /time, the compound /events table and the /summary group whose
// attributes are the run's totals. Samples and events are buffered and written every
// `flush_every` samples (then H5Fflush), so a hard-killed run leaves a readable .partial.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/output/hdf5_handle.hpp"
#include "sim/output/output_path.hpp"
#include "sim/output/sink.hpp"

namespace dcsim::output {

// The output's disk (or quota) is full: nothing more could be written.
class DiskFullError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Hdf5Writer final : public Sink {
 public:
  // Throws OutputPathError (output_path.hpp) if FINAL.partial cannot be created or is locked.
  explicit Hdf5Writer(std::string final_path, int flush_every = 64);
  // Without close(): closes the file (after writing what is buffered) and leaves FINAL.partial
  // with complete = 0. Never throws.
  ~Hdf5Writer() override;
  Hdf5Writer(const Hdf5Writer&) = delete;
  Hdf5Writer& operator=(const Hdf5Writer&) = delete;

  // Sink calls. Bad series (duplicate group+name, malformed paths) or a wrong number of values
  // throw std::invalid_argument; calls out of order std::logic_error; any HDF5 failure
  // std::runtime_error("cannot <what> in <FINAL.partial> (<HDF5's reason>)"), a full disk
  // DiskFullError. A failed open() removes the half-made file. close() renames FINAL.partial to
  // FINAL (OutputPathError if another run holds FINAL locked); a second close() is a no-op, and so
  // is a close() after a write failed (the .partial keeps its last flush).
  void open(const RunMeta& meta, const std::vector<SeriesInfo>& series) override;
  void append(double time_s, const std::vector<double>& values) override;
  void event(const EventRecord& e) override;
  void request(const RequestRecord& r) override;
  void close(const RunEnd& end) override;

  // A string attribute of "/" or "/requests" besides those RunMeta gives, written by open() (the
  // CLI's overrides and tier names); before open().
  void add_attribute(const std::string& object, const std::string& name, const std::string& value) {
    extra_attributes_.push_back({object, name, value});
  }

  const std::string& final_path() const { return final_path_; }
  const std::string& partial_path() const { return partial_path_; }

 private:
  enum class State { created, open, closed };
  struct ExtraAttribute {
    std::string object, name, value;
  };
  std::vector<ExtraAttribute> extra_attributes_;
  void write_extra_attributes(hid_t obj, const std::string& object);
  struct EventRow {  // memory layout of one /events row (strings point into event_buf_)
    double time_s;
    const char* kind;
    const char* subject;
    double value;
    const char* detail;
  };

  // open()
  static void validate(const std::vector<SeriesInfo>& series);
  void create_file(std::size_t series_count);
  void write_run_attributes(const RunMeta& meta);
  void create_time();
  hid_t group(const std::string& path);
  void create_series(const SeriesInfo& info);
  void create_events();
  void create_requests(const RunMeta& meta);  // hdf5_writer_requests.cpp
  // writing
  void flush();
  // Makes sure `bytes` more can be written past the end of the file (DiskFullError if not).
  void reserve(uint64_t bytes);
  uint64_t flush_bound() const;  // what the next flush may add to the file, at most
  void write_samples();
  void write_events();
  hsize_t read_event_tail(hsize_t from);  // rows [from, events_written_) into event_tail_
  void write_requests();
  void write_rows(hid_t dset, const std::string& name, hsize_t start, hsize_t count, hid_t mem_type,
                  const void* data);
  void write_summary(const std::vector<SummaryEntry>& summary);
  void close_handles() noexcept;
  // attributes (create, or overwrite an existing one)
  void set_attr(hid_t obj, const std::string& obj_name, const std::string& attr,
                const std::string& value);
  void set_attr(hid_t obj, const std::string& obj_name, const std::string& attr, double value);
  void set_attr(hid_t obj, const std::string& obj_name, const std::string& attr, int value);
  void set_attr(hid_t obj, const std::string& obj_name, const std::string& attr, uint64_t value);
  void set_attr_raw(hid_t obj, const std::string& obj_name, const std::string& attr, hid_t file_type,
                    hid_t mem_type, const void* value);
  // errors
  [[noreturn]] void fail(const std::string& what);
  H5Handle check(hid_t id, H5Handle::Closer closer, const std::string& what);

  std::string final_path_;
  std::string partial_path_;
  std::unique_ptr<OutputLock> lock_;
  int flush_every_;
  State state_ = State::created;
  bool failed_ = false;  // an HDF5 call failed: the destructor writes nothing more

  H5Handle file_;
  H5Handle string_type_;       // variable-length UTF-8 string
  H5Handle event_mem_type_;    // compound matching EventRow
  H5Handle event_file_type_;   // the same with little-endian doubles
  H5Handle gcpl_;              // groups: creation order tracked, no timestamps
  H5Handle dcpl_series_;       // chunked, shuffle + deflate 1, fill NaN, no timestamps
  std::map<std::string, H5Handle> groups_;  // only while open() runs
  H5Handle time_;
  H5Handle events_;
  std::vector<H5Handle> series_;
  std::vector<std::string> series_paths_;  // "/sites/dc1/power_it_w", for messages

  // Buffers: time_buf_[row]; value_buf_[s * flush_every_ + row] (one column per series).
  std::vector<double> time_buf_;
  std::vector<double> value_buf_;
  hsize_t buffered_ = 0;
  hsize_t rows_written_ = 0;
  double last_time_ = 0;
  double flushed_time_ = 0;  // simulated time of the last sample on disk
  std::vector<EventRecord> event_buf_;  // slots reused; the first events_buffered_ are pending
  std::vector<EventRow> event_rows_;
  std::vector<std::size_t> event_order_;  // the buffer's rows by time (stable)
  std::vector<double> event_times_;       // time_s of the rows written, in file order (sorted)
  std::vector<EventRecord> event_tail_;   // rows read back to merge earlier-stamped events into
  hsize_t events_buffered_ = 0;
  hsize_t events_written_ = 0;
  H5Handle request_mem_type_;  // compound matching RequestRecord
  H5Handle request_file_type_;
  H5Handle requests_;
  std::vector<RequestRecord> request_buf_;
  hsize_t requests_written_ = 0;
};

}  // namespace dcsim::output
