#include "Options.h"

#include <charconv>
#include <limits>

namespace cli {

namespace {

/// Walks the arguments, splitting "--name=value" so both spellings behave the same.
class ArgCursor {
public:
    explicit ArgCursor(const std::vector<std::string>& args, std::size_t start)
        : m_args(args)
        , m_pos(start)
    { }

    bool atEnd() const { return m_pos >= m_args.size() && !m_pendingValue; }

    /// The next argument; for "--name=value" returns "--name" and keeps the value.
    std::string next()
    {
        if (m_pendingValue)
            throw UsageError(m_lastOption + ": does not take a value");
        std::string a = m_args[m_pos++];
        if (a.rfind("--", 0) == 0) {
            const auto eq = a.find('=');
            if (eq != std::string::npos) {
                m_pendingValue = a.substr(eq + 1);
                a.resize(eq);
            }
            m_lastOption = a;
        }
        return a;
    }

    /// The value of the option just returned by next().
    std::string value(const std::string& what)
    {
        if (m_pendingValue) {
            std::string v = *m_pendingValue;
            m_pendingValue.reset();
            if (v.empty())
                throw UsageError(m_lastOption + ": expected " + what + ", got nothing");
            return v;
        }
        if (m_pos >= m_args.size())
            throw UsageError(m_lastOption + ": expected " + what + " after it");
        return m_args[m_pos++];
    }

    const std::string& lastOption() const { return m_lastOption; }

private:
    const std::vector<std::string>& m_args;
    std::size_t m_pos;
    std::optional<std::string> m_pendingValue;
    std::string m_lastOption;
};

template <typename Int>
Int parseInteger(
    const std::string& option, const std::string& text, Int minimum, const char* expected)
{
    Int v {};
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || ptr != end || v < minimum)
        throw UsageError(option + ": expected " + expected + ", got '" + text + "'");
    return v;
}

bool isOption(const std::string& a)
{
    return a.size() > 1 && a[0] == '-';
}

Command parseTrain(const std::vector<std::string>& args)
{
    Command c;
    c.kind = CommandKind::Train;
    TrainOptions& t = c.train;
    ArgCursor cur(args, 0);
    while (!cur.atEnd()) {
        const std::string a = cur.next();
        if (a == "--epochs") {
            t.epochs
                = parseInteger<int>(a, cur.value("a positive integer"), 1, "a positive integer");
        } else if (a == "--seed") {
            t.seed = parseInteger<unsigned long long>(
                a, cur.value("a non-negative integer"), 0, "a non-negative integer");
        } else if (a == "--threads") {
            t.threads
                = parseInteger<int>(a, cur.value("a positive integer"), 1, "a positive integer");
        } else if (a == "--out") {
            t.out = cur.value("a file name");
        } else if (a == "--summary") {
            t.summary = cur.value("a file name");
        } else if (a == "--quiet" || a == "-q") {
            t.quiet = true;
        } else if (a == "--resume") {
            t.resume = true;
        } else if (a == "--allow-path") {
            t.allowPaths.push_back(cur.value("a folder"));
        } else if (a == "--sweep") {
            t.sweeps.push_back(cur.value("KEY=V1,V2,... or KEY=A..B:logN"));
        } else if (isOption(a)) {
            throw UsageError(a + ": unknown option (see --help)");
        } else if (t.project.empty()) {
            t.project = a;
        } else {
            throw UsageError(a + ": unexpected argument (only one project file is trained)");
        }
    }
    if (t.project.empty())
        throw UsageError("PROJECT.json: missing (see --help)");
    if (!t.out.empty() && t.out == t.project)
        throw UsageError("--out: would overwrite the project file itself; choose another name");
    if (!t.sweeps.empty() && !t.out.empty())
        throw UsageError("--out: not with --sweep (a sweep trains several networks; --summary "
                         "records them all)");
    if (!t.sweeps.empty() && t.resume)
        throw UsageError("--resume: not with --sweep (every run of a sweep starts afresh)");
    return c;
}

Command parsePredict(const std::vector<std::string>& args)
{
    Command c;
    c.kind = CommandKind::Predict;
    PredictOptions& p = c.predict;
    ArgCursor cur(args, 1);
    while (!cur.atEnd()) {
        const std::string a = cur.next();
        if (a == "--input" || a == "-i") {
            p.input = cur.value("a CSV file name");
        } else if (a == "--output" || a == "-o") {
            p.output = cur.value("a CSV file name");
        } else if (a == "--threads") {
            p.threads
                = parseInteger<int>(a, cur.value("a positive integer"), 1, "a positive integer");
        } else if (isOption(a)) {
            throw UsageError("predict: " + a + ": unknown option (see --help)");
        } else if (p.model.empty()) {
            p.model = a;
        } else {
            throw UsageError("predict: " + a + ": unexpected argument");
        }
    }
    if (p.model.empty())
        throw UsageError("predict: MODEL: missing (netcanvas-train predict MODEL.json --input "
                         "X.csv)");
    if (p.input.empty())
        throw UsageError("predict: --input: missing (the CSV file with one sample per row)");
    return c;
}

Command parseExport(const std::vector<std::string>& args)
{
    Command c;
    c.kind = CommandKind::Export;
    ExportOptions& e = c.exportOptions;
    ArgCursor cur(args, 1);
    while (!cur.atEnd()) {
        const std::string a = cur.next();
        if (a == "--onnx" || a == "--pytorch" || a == "--pytorch-train" || a == "--weights-npy"
            || a == "--svg") {
            if (!e.kind.empty())
                throw UsageError("export: " + a + ": only one export kind at a time");
            e.kind = a.substr(2);
            const bool folder = a == "--weights-npy" || a == "--pytorch-train";
            e.target = cur.value(folder ? "a folder name" : "a file name");
        } else if (a == "--allow-path") {
            e.allowPaths.push_back(cur.value("a folder"));
        } else if (isOption(a)) {
            throw UsageError("export: " + a + ": unknown option (see --help)");
        } else if (e.project.empty()) {
            e.project = a;
        } else {
            throw UsageError("export: " + a + ": unexpected argument");
        }
    }
    if (e.project.empty())
        throw UsageError("export: TRAINED.json: missing (see --help)");
    if (e.kind.empty())
        throw UsageError("export: missing what to export (--onnx, --pytorch, --pytorch-train, "
                         "--weights-npy or --svg)");
    return c;
}

} // namespace

Command parseCommandLine(const std::vector<std::string>& args)
{
    if (args.empty())
        throw UsageError("PROJECT.json: missing (see --help)");
    // --help and --version win wherever they are, as in most tools.
    for (const std::string& a : args) {
        if (a == "--help" || a == "-h") {
            Command c;
            c.kind = CommandKind::Help;
            return c;
        }
    }
    for (const std::string& a : args) {
        if (a == "--version" || a == "-V") {
            Command c;
            c.kind = CommandKind::Version;
            return c;
        }
    }
    if (args[0] == "predict")
        return parsePredict(args);
    if (args[0] == "export")
        return parseExport(args);
    return parseTrain(args);
}

std::string usageText()
{
    return "Usage:\n"
           "  netcanvas-train PROJECT.json [--epochs N] [--seed S] [--threads T]\n"
           "                  [--out TRAINED.json] [--summary FILE.json] [--quiet] [--resume]\n"
           "                  [--allow-path DIR ...] [--sweep KEY=V1,V2,... ...]\n"
           "  netcanvas-train predict MODEL.(json|onnx) --input X.csv [--output Y.csv]\n"
           "  netcanvas-train export TRAINED.json (--onnx OUT.onnx | --pytorch OUT.py |\n"
           "                  --pytorch-train DIR | --weights-npy DIR | --svg OUT.svg)\n"
           "                  [--allow-path DIR ...]\n"
           "  netcanvas-train import MODEL.onnx --out PROJECT.json\n"
           "  netcanvas-train --help | --version\n"
           "\n"
           "Training options:\n"
           "  --epochs N         train N epochs instead of the project's training.epochs\n"
           "  --seed S           seed for weights, shuffling, dropout and the data split\n"
           "                     (replaces training.seed; the dataset generator keeps its own)\n"
           "  --threads T        compute threads (default: all cores); a seed reproduces a run\n"
           "                     bit-for-bit with the same thread count\n"
           "  --out FILE         write the trained project (architecture and weights)\n"
           "  --summary FILE     write the final metrics as JSON\n"
           "  --quiet            no per-epoch progress lines on stderr\n"
           "  --resume           continue the run stored in PROJECT.json (a file written by\n"
           "                     --out or File > Save): its weights, optimizer state, epoch\n"
           "                     count and random generators; trains --epochs N (default\n"
           "                     training.epochs) more epochs, numbered on. 10 epochs and 10\n"
           "                     resumed equal 20 in one run (same seed and --threads)\n"
           "  --allow-path DIR   let the project read data files in DIR (repeatable); without\n"
           "                     it a project reads only its own folder and /usr/share/datasets\n"
           "  --sweep KEY=VALUES train every combination of up to two swept settings, each\n"
           "                     KEY=V1,V2,... or KEY=A..B:logN (N log-spaced values); KEY is\n"
           "                     learningRate, batchSize, optimizer, l1, l2, epochs, seed or\n"
           "                     NODE.ATTRIBUTE (hidden.units, drop.rate); one final line per\n"
           "                     run, runs in parallel (T/runs threads each, see docs/cli.md)\n"
           "\n"
           "Progress goes to stderr, one line per epoch; the last line on stdout is\n"
           "  final: epochs=E train_loss=... train_accuracy=... ... stopped=completed\n"
           "Exit status: 0 done, 1 bad input, 2 training diverged, 130 interrupted.\n";
}

} // namespace cli
