// The sweep's executor on MPI ranks (dcsim-mpi, built only when CMake finds MPI): every rank plans
// the same runs, rank r runs those at positions k with k % size == r on its own local processes
// (-j, default 1), and the outcomes are gathered on every rank (MPI_Allgatherv), so that each
// rank's planner takes the same next step and rank 0 writes the index. Which runs are already
// complete is decided by rank 0 and broadcast. The run files must be on a file system that every
// rank sees (as on a cluster's shared scratch).
#pragma once

#include "sim/experiments/executor.hpp"

namespace dcsim::experiments {

class MpiExecutor : public Executor {
 public:
  explicit MpiExecutor(unsigned processes_per_rank);  // after MPI_Init
  std::vector<RunOutcome> execute(const Workspace& ws, const std::vector<PlannedRun>& jobs, const DoneFn& done) override;
  bool root() const override { return rank_ == 0; }
  void agree(std::vector<char>& flags) override;
  bool interrupted() const override { return interrupted_ || local_.interrupted(); }
  std::string describe() const override;
  size_t share(size_t n) const override {
    const auto r = static_cast<size_t>(rank_), z = static_cast<size_t>(size_);
    return n / z + (r < n % z ? 1 : 0);
  }

 private:
  LocalExecutor local_;
  int rank_ = 0;
  int size_ = 1;
  bool interrupted_ = false;
};

}  // namespace dcsim::experiments
