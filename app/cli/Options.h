#pragma once
// Command-line parsing of netcanvas-train (the contract is CLI.md). Parsing never exits the
// process: it returns a description of the command or throws UsageError.

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace cli {

/// A bad command line. what() is one line, "<where>: <message>", e.g. "--epochs: expected a
/// positive integer, got 'x'"; main() prefixes the program name.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class CommandKind {
    Train, ///< netcanvas-train PROJECT.json [options]
    Predict, ///< netcanvas-train predict MODEL --input X.csv [--output Y.csv]
    Export, ///< netcanvas-train export TRAINED.json --KIND OUT
    Help,
    Version
};

struct TrainOptions {
    std::string project;
    std::optional<int> epochs;
    std::optional<unsigned long long> seed;
    std::optional<int> threads;
    std::string out; ///< empty: do not write the trained project
    std::string summary; ///< empty: no JSON summary
    bool quiet = false;
    /// --resume: start from the weights stored in the project file instead of fresh ones.
    bool resume = false;
    /// --allow-path DIR (repeatable): folders outside the project's own that its dataset may read.
    std::vector<std::string> allowPaths;
    /// --sweep KEY=VALUES (repeatable, training/Sweep.h): train every combination instead.
    std::vector<std::string> sweeps;
};

struct PredictOptions {
    std::string model;
    std::string input;
    std::string output; ///< empty: stdout
    std::optional<int> threads;
};

struct ExportOptions {
    std::string project;
    std::string kind; ///< "onnx", "pytorch", "pytorch-train", "weights-npy", "svg"
    std::string target; ///< file or folder
    std::vector<std::string> allowPaths; ///< as TrainOptions
};

struct Command {
    CommandKind kind = CommandKind::Help;
    TrainOptions train;
    PredictOptions predict;
    ExportOptions exportOptions;
};

/// Parses argv[1..]. Options accept "--name value" and "--name=value".
Command parseCommandLine(const std::vector<std::string>& args);

/// The --help text (several lines, ends with a newline).
std::string usageText();

} // namespace cli
