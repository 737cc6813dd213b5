// The dcsim command line: run_app(argc, argv) is the whole program and returns its exit code.
#pragma once

namespace dcsim::cli {

int run_app(int argc, char** argv);

}  // namespace dcsim::cli
