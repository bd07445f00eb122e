#pragma once
// Helpers shared by the netcanvas-train commands: one-line error messages that name the file,
// atomic file writes, and number formatting for the key=value output.

#include "core/PathPolicy.h"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace cli {

/// A failure of a command caused by its input (exit status 1). what() is a single line that
/// already names the file and the place: "xor.json: nodes[2].attributes.units: ...".
class CommandError : public std::runtime_error {
public:
    explicit CommandError(const std::string& message);
};

/// Joins the lines of a multi-line message with "; " (the CLI promises one line per error).
std::string oneLine(std::string text);

/// Prefixes "file: " unless `what` already starts with the file's path or its file name.
std::string withFile(const std::string& file, const std::string& what);

/// engine::writeFileAtomically() (a hidden temporary next to `file`, renamed over it; stale
/// temporaries of ours removed) with its errors as CommandError naming the file.
void writeFileAtomically(const std::filesystem::path& file, const std::string& content);

/// The folders a project may read besides its own: the --allow-path DIRs. Throws CommandError
/// ("--allow-path DIR: not a folder") for one that is not an existing folder.
engine::PathPolicy pathPolicy(const std::vector<std::string>& allowPaths);

/// Six significant digits, "nan"/"inf" for non-finite values: the form of every metric the CLI
/// prints (accuracies come out as 1, 0.75, 0.987654).
std::string formatNumber(double value);

} // namespace cli
