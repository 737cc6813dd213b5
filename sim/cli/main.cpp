// dcsim: command-line entry point (the command line itself is sim/cli/app.cpp).
#include "sim/cli/app.hpp"

int main(int argc, char** argv) { return dcsim::cli::run_app(argc, argv); }
