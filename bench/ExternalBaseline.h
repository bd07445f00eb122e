#pragma once
// A baseline measured by another program (PyTorch through Python, ONNX Runtime through node),
// started as a shell command that prints "samples/s=MEDIAN best=BEST rates=R1,R2,...".

#include <optional>
#include <string>
#include <vector>

namespace bench {

/// Single-quotes `s` for /bin/sh.
std::string shellQuote(const std::string& s);

/// Runs `command` (its stderr discarded) and returns the samples/s of each timed run; nullopt
/// with `problem` set when it cannot start or fails. Exit status 3 means the library is
/// missing (`library` names it: "torch does not import"), 127 the interpreter.
std::optional<std::vector<double>> runBaseline(const std::string& command,
    const std::string& interpreter, const std::string& library, std::string& problem);

} // namespace bench
