#include "sim/experiments/run_book.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>

#include "sim/experiments/index.hpp"
#include "sim/output/hdf5_inspect_internal.hpp"

namespace dcsim::experiments {

namespace {

// The run's own wall time, from its file.
double file_wall_seconds(const std::string& path) {
  try {
    output::H5Quiet quiet;
    const output::inspect::RunFile f(path);
    return f.number_attr(f.root(), "wall_seconds").value_or(NAN);
  } catch (const std::exception&) {
    return NAN;
  }
}

}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--:--";
  const auto s = static_cast<long>(std::lround(seconds));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

RunBook::RunBook(Workspace ws, std::vector<std::string> axis_names, std::vector<OutputSpec> outputs, Executor& ex,
                 BookOptions options, std::ostream& err)
    : ws_(std::move(ws)), axis_names_(std::move(axis_names)), outputs_(std::move(outputs)), ex_(ex),
      options_(std::move(options)), err_(err) {}

size_t RunBook::failed() const {
  size_t n = 0;
  for (const auto& e : entries_) n += e.outcome.status == RunStatus::failed ? 1 : 0;
  return n;
}

double RunBook::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void RunBook::collect(BookEntry& e) {
  if (e.outcome.status != RunStatus::ok) return;
  const std::string file = ws_.run_file(e.run);
  try {
    e.outputs = collect_outputs(file, outputs_);
  } catch (const std::exception& ex) {
    e.outcome.status = RunStatus::failed;
    e.outcome.error = std::string("cannot read the outputs: ") + ex.what();
    return;
  }
  e.outcome.wall_s = file_wall_seconds(file);
  for (size_t i = 0; i < outputs_.size(); ++i) {
    if (!e.outputs.problems[i].empty() && warned_.insert(outputs_[i].name).second && ex_.root()) {
      err_ << options_.label << ": warning: output '" << outputs_[i].name << "' (" << outputs_[i].where.str()
           << "): " << e.outputs.problems[i] << "\n";
    }
  }
}

std::vector<size_t> RunBook::ensure(const std::vector<PlannedRun>& runs, size_t total, bool execute) {
  std::map<std::string, size_t> by_id;
  for (size_t i = 0; i < entries_.size(); ++i) by_id[entries_[i].run.id] = i;
  std::vector<size_t> where;
  std::vector<PlannedRun> todo;
  std::vector<size_t> todo_entry;
  std::vector<char> complete(runs.size(), 0);
  for (size_t k = 0; k < runs.size(); ++k) complete[k] = run_file_complete(ws_.run_file(runs[k])) ? 1 : 0;
  ex_.agree(complete);
  for (size_t k = 0; k < runs.size(); ++k) {
    const PlannedRun& r = runs[k];
    const auto it = by_id.find(r.id);
    if (it != by_id.end() && entries_[it->second].outcome.status == RunStatus::ok) {
      where.push_back(it->second);
      continue;
    }
    size_t idx = 0;
    if (it != by_id.end()) {
      idx = it->second;
    } else {
      idx = entries_.size();
      entries_.push_back(BookEntry{r, {}, {}, false});
      by_id[r.id] = idx;
    }
    where.push_back(idx);
    BookEntry& e = entries_[idx];
    if (complete[k] != 0) {
      e.outcome = RunOutcome{RunStatus::ok, 0, 0, ""};
      e.reused = true;
      ++reused_;
      collect(e);
    } else {
      e.outcome = RunOutcome{};
      todo.push_back(r);
      todo_entry.push_back(idx);
    }
  }
  if (todo.empty() || !execute) {
    if (ex_.root()) write_index();
    return where;
  }
  if (ex_.root()) write_index();
  const size_t whole = total > 0 ? total : runs.size();
  const size_t all = whole - todo.size() + ex_.share(todo.size());  // what this process sees done
  size_t done = whole - todo.size();
  std::vector<bool> seen(todo.size(), false);  // finished on this process
  const auto outcomes = ex_.execute(ws_, todo, [&](size_t k, const RunOutcome& o) {
    seen[k] = true;
    BookEntry& e = entries_[todo_entry[k]];
    e.outcome = o;
    collect(e);
    ++done;
    if (ex_.root()) {
      write_index();
      progress(done, all, e);
    }
  });
  for (size_t k = 0; k < todo.size(); ++k) {  // every process learns every outcome (MPI: gathered)
    BookEntry& e = entries_[todo_entry[k]];
    if (!seen[k]) {
      e.outcome = outcomes[k];
      collect(e);
    }
    if (e.outcome.status != RunStatus::pending) ++ran_;
  }
  if (options_.progress && options_.tty && ex_.root()) err_ << "\n";
  if (ex_.root()) write_index();
  return where;
}

void RunBook::progress(size_t done, size_t total, const BookEntry& e) {
  if (!options_.progress) return;
  const double elapsed = elapsed_s();
  size_t finished_now = 0;
  size_t failed_now = 0;
  for (const auto& x : entries_) {
    if (!x.reused && x.outcome.status != RunStatus::pending) ++finished_now;
    if (x.outcome.status == RunStatus::failed) ++failed_now;
  }
  const double eta = finished_now > 0 ? elapsed / static_cast<double>(finished_now) * static_cast<double>(total - done) : NAN;
  char head[160];
  std::snprintf(head, sizeof head, "%s: %zu/%zu runs done, %zu failed, elapsed %s, ETA %s", options_.label.c_str(), done,
                total, failed_now, format_duration(elapsed).c_str(), format_duration(eta).c_str());
  const std::string what = std::string(to_string(e.outcome.status)) + " " + e.run.describe(axis_names_);
  if (options_.tty) {
    std::string line = std::string(head) + "  (" + what + ")";
    if (line.size() > 110) line = line.substr(0, 107) + "...";
    err_ << "\r" << line << std::string(line.size() < 110 ? 110 - line.size() : 0, ' ') << std::flush;
  } else {
    err_ << head << "  (" << what << ")\n" << std::flush;
  }
}

void RunBook::write_index() const {
  std::string s = "run,id";
  for (const auto& a : axis_names_) s += "," + csv_field(a);
  s += ",seed,status,exit_code,wall_s";
  for (const auto& o : outputs_) s += "," + csv_field(o.name);
  s += ",file,error\n";
  for (const auto& e : entries_) {
    s += std::to_string(e.run.number) + "," + e.run.id;
    for (size_t i = 0; i < axis_names_.size(); ++i) s += "," + csv_field(i < e.run.labels.size() ? e.run.labels[i] : "");
    s += "," + std::to_string(e.run.seed) + "," + to_string(e.outcome.status) + ",";
    s += e.outcome.status == RunStatus::pending ? "" : std::to_string(e.outcome.exit_code);
    s += "," + csv_number(e.outcome.wall_s);
    for (size_t i = 0; i < outputs_.size(); ++i) {
      s += "," + (e.outcome.status == RunStatus::ok && i < e.outputs.values.size() ? csv_number(e.outputs.values[i]) : "");
    }
    s += ",runs/" + e.run.id + ".h5," + csv_field(e.outcome.error) + "\n";
  }
  write_file_atomically(options_.index_path, s);
}

}  // namespace dcsim::experiments
