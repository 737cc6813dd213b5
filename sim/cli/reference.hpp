// The parameter reference, generated from the declarations: `dcsim list` prints it as text,
// `dcsim list --markdown` as docs/scenario-reference.md (a test keeps that file in step).
#pragma once

#include <string>

namespace dcsim::cli {

std::string parameter_reference(bool markdown);

}  // namespace dcsim::cli
