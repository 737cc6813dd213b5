// dcsim-mpi: `dcsim sweep` and `dcsim plan` on MPI ranks (mpi_executor.hpp). Built only when CMake
// finds MPI, so that the dcsim binary needs no MPI. `mpirun -n N dcsim sweep FILE -o DIR` hands
// over to it; `mpirun -n N dcsim-mpi sweep FILE -o DIR` is the same. Each run is still a dcsim
// child process (the binary beside this one).
#include <mpi.h>

#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "models/register_models.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/experiment_commands.hpp"
#include "sim/experiments/mpi/mpi_executor.hpp"

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  dcsim::register_builtin_models();

  CLI::App app{"dcsim-mpi — dcsim sweep and plan on MPI ranks (version " DCSIM_VERSION ")"};
  app.require_subcommand(1);
  dcsim::cli::ExperimentContext ctx;
  ctx.under_mpi = true;
  ctx.root = rank == 0;
  ctx.default_jobs = 1;
  ctx.child_dcsim = (std::filesystem::path(dcsim::experiments::self_executable()).parent_path() / "dcsim").string();
  ctx.make_executor = [](unsigned jobs) { return std::make_unique<dcsim::experiments::MpiExecutor>(jobs); };
  auto experiments = dcsim::cli::add_experiment_commands(app, ctx);
  int code = dcsim::cli::kExitInput;
  try {
    app.parse(argc, argv);
    code = experiments->dispatch(argc, argv).value_or(dcsim::cli::kExitInput);
  } catch (const CLI::ParseError& e) {
    code = rank == 0 ? app.exit(e) : (e.get_exit_code() == 0 ? 0 : 1);
    code = code == 0 ? dcsim::cli::kExitOk : dcsim::cli::kExitInput;
  }
  MPI_Finalize();
  return code;
}
