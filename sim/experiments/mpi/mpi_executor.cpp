#include "sim/experiments/mpi/mpi_executor.hpp"

#include <mpi.h>

#include <cstdlib>
#include <sstream>

namespace dcsim::experiments {

namespace {

// One outcome per line: position, status, exit code, wall seconds, error (tabs and line breaks
// replaced by spaces).
std::string encode(const std::vector<size_t>& positions, const std::vector<RunOutcome>& outs) {
  std::ostringstream s;
  s.precision(17);
  for (size_t i = 0; i < positions.size(); ++i) {
    std::string err = outs[i].error;
    for (char& c : err) c = (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
    s << positions[i] << '\t' << static_cast<int>(outs[i].status) << '\t' << outs[i].exit_code << '\t' << outs[i].wall_s
      << '\t' << err << '\n';
  }
  return s.str();
}

void decode(const std::string& text, std::vector<RunOutcome>& out) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string pos, status, code, wall;
    std::getline(f, pos, '\t');
    std::getline(f, status, '\t');
    std::getline(f, code, '\t');
    std::getline(f, wall, '\t');
    RunOutcome o;
    o.status = static_cast<RunStatus>(std::atoi(status.c_str()));
    o.exit_code = std::atoi(code.c_str());
    o.wall_s = std::atof(wall.c_str());
    std::getline(f, o.error);
    const size_t k = std::strtoul(pos.c_str(), nullptr, 10);
    if (k < out.size()) out[k] = o;
  }
}

}  // namespace

MpiExecutor::MpiExecutor(unsigned processes_per_rank) : local_(processes_per_rank) {
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

std::string MpiExecutor::describe() const {
  return std::to_string(size_) + " MPI ranks x " + local_.describe();
}

void MpiExecutor::agree(std::vector<char>& flags) {
  int n = static_cast<int>(flags.size());
  MPI_Bcast(&n, 1, MPI_INT, 0, MPI_COMM_WORLD);
  flags.resize(static_cast<size_t>(n));
  if (n > 0) MPI_Bcast(flags.data(), n, MPI_CHAR, 0, MPI_COMM_WORLD);
}

std::vector<RunOutcome> MpiExecutor::execute(const Workspace& ws, const std::vector<PlannedRun>& jobs, const DoneFn& done) {
  std::vector<size_t> positions;
  std::vector<PlannedRun> mine;
  for (size_t k = 0; k < jobs.size(); ++k) {
    if (k % static_cast<size_t>(size_) == static_cast<size_t>(rank_)) {
      positions.push_back(k);
      mine.push_back(jobs[k]);
    }
  }
  const auto outs = local_.execute(ws, mine, [&](size_t i, const RunOutcome& o) {
    if (done) done(positions[i], o);
  });
  int stop = local_.interrupted() ? 1 : 0;
  int any_stop = 0;
  MPI_Allreduce(&stop, &any_stop, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  interrupted_ = interrupted_ || any_stop != 0;

  const std::string text = encode(positions, outs);
  int len = static_cast<int>(text.size());
  std::vector<int> lens(static_cast<size_t>(size_));
  MPI_Allgather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, MPI_COMM_WORLD);
  std::vector<int> offsets(static_cast<size_t>(size_), 0);
  int total = 0;
  for (int r = 0; r < size_; ++r) {
    offsets[static_cast<size_t>(r)] = total;
    total += lens[static_cast<size_t>(r)];
  }
  std::string all(static_cast<size_t>(total), '\0');
  MPI_Allgatherv(text.data(), len, MPI_CHAR, all.data(), lens.data(), offsets.data(), MPI_CHAR, MPI_COMM_WORLD);
  std::vector<RunOutcome> result(jobs.size());
  decode(all, result);
  return result;
}

}  // namespace dcsim::experiments
