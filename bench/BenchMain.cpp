// netcanvas-bench: training and inference throughput of the engine, against PyTorch (training)
// and ONNX Runtime (inference) on the same models when they are installed, and against the
// machine's SGEMM peak (CLI.md "Benchmark"). Output: key=value lines on stdout, e.g.
//   bench=mlp threads=2 batch=256 samples/s=61234 samples_per_s=61234 median=59000 ...
// Notes for people go to stderr.

#include "CaseResult.h"
#include "ExternalBaseline.h"
#include "InferenceBench.h"
#include "MachineInfo.h"
#include "MarkdownTable.h"
#include "SgemmPeak.h"
#include "TrainingBench.h"

#include "core/Parallel.h"
#include "core/WaitPolicy.h"
#include "export/OnnxExport.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

/// A benchmarked case kind: training of the three models, or predict()'s batch inference of the
/// Fashion-MNIST examples.
enum class Model { Mlp, Cnn, Lstm, InferMlp, InferCnn };
constexpr Model kAllModels[]
    = {Model::Mlp, Model::Cnn, Model::Lstm, Model::InferMlp, Model::InferCnn};

const char* modelName(Model m)
{
    switch (m) {
    case Model::Mlp:
        return "mlp";
    case Model::Cnn:
        return "cnn";
    case Model::Lstm:
        return "lstm";
    case Model::InferMlp:
        return "infer-mlp";
    case Model::InferCnn:
        return "infer-cnn";
    }
    return "?";
}

const char* modelTitle(Model m)
{
    switch (m) {
    case Model::Mlp:
        return "MLP training";
    case Model::Cnn:
        return "CNN training";
    case Model::Lstm:
        return "LSTM training";
    case Model::InferMlp:
        return "MLP inference";
    case Model::InferCnn:
        return "CNN inference";
    }
    return "?";
}

bool isInference(Model m)
{
    return m == Model::InferMlp || m == Model::InferCnn;
}

struct BenchOptions {
    bool quick = false;
    bool torch = true;
    bool onnxRuntime = true;
    bool markdown = false;
    int rounds = 3;
    std::vector<int> threads {1, 2};
    std::vector<int> batches {64, 256};
    std::vector<Model> models {Model::Mlp, Model::Cnn, Model::InferMlp, Model::InferCnn};
    std::string python = "/usr/bin/python3";
    std::string node = "node";
    std::string torchScript = NETCANVAS_TORCH_BENCH_SCRIPT;
    std::string torchCnnScript = NETCANVAS_TORCH_CNN_SCRIPT;
    /// Beside the CNN script unless given.
    std::string torchLstmScript;
    std::string onnxScript = NETCANVAS_ONNX_BENCH_SCRIPT;
    std::string nodeModules = NETCANVAS_ONNXRUNTIME_MODULES;
    std::string examples = NETCANVAS_EXAMPLES_DIR;
    std::string commandLine = "netcanvas-bench";

    /// The CNN does ~40x the work per sample of the MLP, so it runs fewer, and the LSTM (50
    /// steps of a 128-unit cell) fewer still; inference is ~3x faster than training.
    long samplesPerRun(Model m) const
    {
        switch (m) {
        case Model::Mlp:
            return quick ? 4096 : 16384;
        case Model::Cnn:
            return quick ? 1024 : 4096;
        case Model::Lstm:
            return quick ? 256 : 1024;
        case Model::InferMlp:
            return quick ? 16384 : 65536;
        case Model::InferCnn:
            return quick ? 2048 : 8192;
        }
        return 0;
    }
    long warmupSamples(Model m) const { return samplesPerRun(m) / 4; }
    /// Timed runs per side in each round; rounds alternate the sides.
    int runsPerRound() const { return quick ? 2 : 3; }
};

void usage()
{
    std::cout
        << "Usage: netcanvas-bench [--quick] [--rounds N] [--markdown] [--no-torch] [--no-onnx]\n"
           "                       [--threads 1,2] [--batches 64,256]\n"
           "                       [--models mlp,cnn,lstm,infer-mlp,infer-cnn]\n"
           "                       [--python /usr/bin/python3] [--node node]\n"
           "                       [--torch-script FILE] [--torch-cnn-script FILE]\n"
           "                       [--torch-lstm-script FILE] [--onnx-script FILE]\n"
           "                       [--node-modules DIR] [--examples DIR]\n"
           "Measures the machine's SGEMM peak (the best of n^3 products, n = 512, 1024, 2048,\n"
           "through the engine's BLAS) at each thread count, then trains an MLP 784-256-128-10\n"
           "(ReLU) and a CNN conv3x3x32-pool2-conv3x3x64-pool2-dense128-dense10 (ReLU) on\n"
           "synthetic Fashion-MNIST-shaped data (28x28x1), and an LSTM 128 over 50 steps of 32\n"
           "features whose last state feeds a dense10 (lstm, not run by default), with softmax\n"
           "cross-entropy and SGD momentum 0.9; and runs the batch inference of\n"
           "`netcanvas-train predict` on the Fashion-MNIST MLP and CNN examples (infer-mlp,\n"
           "infer-cnn). Each case alternates NetCanvas and its baseline for N rounds (default 3;\n"
           "7 for a quiet run; --quick: 2 timed runs per round instead of 3, fewer samples):\n"
           "PyTorch for training (bench/torch_*.py, when the Python interpreter imports torch),\n"
           "ONNX Runtime for inference on the exported .onnx (bench/onnx_bench.js, when node and\n"
           "onnxruntime-node are present).\n"
           "Prints a header line (cpu=, isa=, blas=, threads=), bench=sgemm lines, then per case:\n"
           "samples/s= and samples_per_s= (the best timed run), median=, gflops= and\n"
           "peak_fraction= (of the best run, against the best SGEMM measured so far at the same\n"
           "thread count: it is measured again in every round), the baseline's line likewise,\n"
           "and the ratio NetCanvas / baseline of the best runs (ratio=; above 1: NetCanvas is\n"
           "faster) and of the medians (ratio_median=). bench=sgemm-best lines end the run.\n"
           "--markdown adds a table for the README, the CPU named in its caption, its fractions\n"
           "against the run's best SGEMM.\n";
}

std::vector<int> parseList(const std::string& option, const std::string& text)
{
    std::vector<int> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = text.find(',', start);
        if (comma == std::string::npos)
            comma = text.size();
        int v = 0;
        const auto [ptr, ec] = std::from_chars(text.data() + start, text.data() + comma, v);
        if (ec != std::errc() || ptr != text.data() + comma || v < 1)
            throw std::invalid_argument(
                option + ": expected positive integers like 1,2, got '" + text + "'");
        out.push_back(v);
        start = comma + 1;
    }
    return out;
}

BenchOptions parseOptions(int argc, char** argv)
{
    BenchOptions o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                throw std::invalid_argument(a + ": expected a value after it");
            return argv[++i];
        };
        if (a == "--quick")
            o.quick = true;
        else if (a == "--no-torch")
            o.torch = false;
        else if (a == "--no-onnx")
            o.onnxRuntime = false;
        else if (a == "--markdown")
            o.markdown = true;
        else if (a == "--rounds") {
            const std::vector<int> n = parseList(a, value());
            if (n.size() != 1)
                throw std::invalid_argument(a + ": expected one positive integer");
            o.rounds = n.front();
        } else if (a == "--threads")
            o.threads = parseList(a, value());
        else if (a == "--batches")
            o.batches = parseList(a, value());
        else if (a == "--python")
            o.python = value();
        else if (a == "--node")
            o.node = value();
        else if (a == "--torch-script")
            o.torchScript = value();
        else if (a == "--torch-cnn-script")
            o.torchCnnScript = value();
        else if (a == "--torch-lstm-script")
            o.torchLstmScript = value();
        else if (a == "--onnx-script")
            o.onnxScript = value();
        else if (a == "--node-modules")
            o.nodeModules = value();
        else if (a == "--examples")
            o.examples = value();
        else if (a == "--models") {
            o.models.clear();
            const std::string list = value();
            for (const Model m : kAllModels)
                if (("," + list + ",").find("," + std::string(modelName(m)) + ",")
                    != std::string::npos)
                    o.models.push_back(m);
            if (o.models.empty())
                throw std::invalid_argument(a
                    + ": expected a list of mlp, cnn, lstm, infer-mlp, infer-cnn like mlp,cnn, "
                      "got '"
                    + list + "'");
        } else if (a == "--help" || a == "-h") {
            usage();
            std::exit(0);
        } else
            throw std::invalid_argument(a + ": unknown option (see --help)");
        o.commandLine += " " + a;
        if (a != "--quick" && a != "--no-torch" && a != "--no-onnx" && a != "--markdown")
            o.commandLine += " " + std::string(argv[i]);
    }
    if (o.torchLstmScript.empty()) {
        const std::size_t slash = o.torchCnnScript.find_last_of('/');
        o.torchLstmScript
            = (slash == std::string::npos ? std::string() : o.torchCnnScript.substr(0, slash + 1))
            + "torch_lstm.py";
    }
    return o;
}

std::string baselineOptions(const BenchOptions& o, Model model, int threads, int batch)
{
    return " --threads " + std::to_string(threads) + " --batch " + std::to_string(batch)
        + " --samples " + std::to_string(o.samplesPerRun(model)) + " --runs "
        + std::to_string(o.runsPerRound()) + " --warmup " + std::to_string(o.warmupSamples(model));
}

std::string torchCommand(const BenchOptions& o, Model model, int threads, int batch)
{
    const std::string& script = model == Model::Mlp ? o.torchScript
        : model == Model::Cnn                       ? o.torchCnnScript
                                                    : o.torchLstmScript;
    // Passive waiting is PyTorch's fastest setting on these VMs: with libgomp's default spinning
    // its 2-thread MLP runs 3x slower than with 1 thread, which would flatter our ratio. Without
    // the bench's own GOMP_SPINCOUNT (core/WaitPolicy.h), which would override the policy.
    return "env -u GOMP_SPINCOUNT OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS="
        + std::to_string(threads) + " " + bench::shellQuote(o.python) + " "
        + bench::shellQuote(script) + baselineOptions(o, model, threads, batch);
}

std::string onnxCommand(const BenchOptions& o, Model model, const std::string& onnxFile,
    long features, int threads, int batch)
{
    return bench::shellQuote(o.node) + " " + bench::shellQuote(o.onnxScript) + " "
        + bench::shellQuote(onnxFile) + " --features " + std::to_string(features) + " --modules "
        + bench::shellQuote(o.nodeModules) + baselineOptions(o, model, threads, batch);
}

/// gflops= and peak_fraction= only where the FLOPs per sample are known.
void printSide(const bench::CaseResult& r, const std::string& name, const bench::RateSamples& side)
{
    std::printf("bench=%s threads=%d batch=%d samples/s=%.0f samples_per_s=%.0f median=%.0f",
        name.c_str(), r.threads, r.batch, side.best(), side.best(), side.median());
    if (r.flopsPerSample > 0)
        std::printf(" gflops=%.2f peak_fraction=%.3f", r.gflops(side), r.peakFraction(side));
    std::printf("\n");
}

/// The engine's side and the baseline's of one model at every (threads, batch), appended to
/// `results`, alternating the two sides for the rounds asked. A baseline that fails once (with
/// a note) is not asked again. Each round also measures the SGEMM peak again: `peaks` keeps the
/// best seen per thread count, the figure a case's peak_fraction= is against.
class CaseRunner {
public:
    CaseRunner(const BenchOptions& o, std::map<int, bench::SgemmPeak>& peaks)
        : m_o(o)
        , m_peaks(peaks)
        , m_torch(o.torch)
        , m_onnxRuntime(o.onnxRuntime)
    { }

    void run(Model model, std::vector<bench::CaseResult>& results)
    {
        std::optional<engine::TrainedModel> inference;
        std::string onnxFile;
        if (isInference(model)) {
            inference = bench::exampleModel(std::filesystem::path(m_o.examples)
                    / (model == Model::InferMlp ? "fashion_mlp.json" : "fashion_cnn.json"),
                1);
            onnxFile = writeOnnx(*inference, model);
        }
        for (int threads : m_o.threads)
            for (int batch : m_o.batches) {
                bench::CaseResult r;
                r.bench = modelName(model);
                r.title = modelTitle(model);
                r.threads = threads;
                r.batch = batch;
                r.baseline = isInference(model) ? "ONNX Runtime" : "PyTorch";
                std::optional<bench::TrainingCase> training;
                if (inference)
                    r.flopsPerSample = bench::inferenceFlopsPerSample(*inference);
                else {
                    training.emplace(trainingModel(model), batch, m_o.samplesPerRun(model));
                    r.flopsPerSample = training->flopsPerSample();
                }
                for (int round = 0; round < m_o.rounds; ++round) {
                    // The peak too is measured in every round: on a shared machine it drifts
                    // like the cases do, and a case's best run needs the same chance.
                    bench::SgemmPeak& peak = m_peaks[threads];
                    const bench::SgemmPeak now = bench::measureSgemmPeak(threads, 1);
                    if (now.gflops > peak.gflops)
                        peak = now;
                    const long samples = m_o.samplesPerRun(model);
                    const long warmup = m_o.warmupSamples(model);
                    r.ours.add(inference
                            ? bench::timePredict(
                                *inference, threads, batch, samples, m_o.runsPerRound(), warmup)
                            : training->time(threads, samples, m_o.runsPerRound(), warmup));
                    if (inference && !onnxFile.empty() && m_onnxRuntime)
                        baseline(r,
                            onnxCommand(m_o, model, onnxFile, inference->inputs(), threads, batch),
                            m_o.node, "onnxruntime-node (" + m_o.nodeModules + ")", m_onnxRuntime);
                    else if (!inference && m_torch)
                        baseline(r, torchCommand(m_o, model, threads, batch), m_o.python, "torch",
                            m_torch);
                }
                r.peakGflops = m_peaks[threads].gflops;
                print(r, isInference(model) ? "onnxruntime" : "torch");
                results.push_back(std::move(r));
            }
        if (!onnxFile.empty())
            std::filesystem::remove(onnxFile);
    }

private:
    static bench::TrainingModel trainingModel(Model m)
    {
        return m == Model::Mlp ? bench::TrainingModel::Mlp
            : m == Model::Cnn  ? bench::TrainingModel::Cnn
                               : bench::TrainingModel::Lstm;
    }

    /// The exported model in the temporary folder, or "" (with a note) when ONNX Runtime will
    /// not run.
    std::string writeOnnx(const engine::TrainedModel& model, Model kind)
    {
        if (!m_onnxRuntime)
            return {};
        if (!engine::onnxAvailable()) {
            std::cerr << "# ONNX Runtime baseline skipped: this build has no ONNX export\n";
            m_onnxRuntime = false;
            return {};
        }
        const std::filesystem::path file = std::filesystem::temp_directory_path()
            / ("netcanvas-bench-" + std::to_string(::getpid()) + "-" + modelName(kind) + ".onnx");
        std::ofstream out(file, std::ios::binary);
        out << engine::onnxModelBytes(model);
        if (!out.flush()) {
            std::cerr << "# ONNX Runtime baseline skipped: cannot write " << file << '\n';
            m_onnxRuntime = false;
            return {};
        }
        return file.string();
    }

    void baseline(bench::CaseResult& r, const std::string& command, const std::string& interpreter,
        const std::string& library, bool& available)
    {
        std::string problem;
        const auto rates = bench::runBaseline(command, interpreter, library, problem);
        if (!rates) {
            std::cerr << "# " << r.baseline << " baseline skipped: " << problem << '\n';
            available = false;
            r.theirs = {};
            return;
        }
        r.theirs.add(*rates);
    }

    void print(const bench::CaseResult& r, const std::string& baselineKey)
    {
        printSide(r, r.bench, r.ours);
        if (r.theirs.empty())
            std::printf("bench=%s-%s status=unavailable\n", r.bench.c_str(), baselineKey.c_str());
        else {
            printSide(r, r.bench + "-" + baselineKey, r.theirs);
            std::printf("bench=%s-ratio threads=%d batch=%d ratio=%.2f ratio_median=%.2f\n",
                r.bench.c_str(), r.threads, r.batch, r.ratio(), r.ratioOfMedians());
        }
        std::fflush(stdout);
    }

    const BenchOptions& m_o;
    std::map<int, bench::SgemmPeak>& m_peaks;
    bool m_torch;
    bool m_onnxRuntime;
};

} // namespace

int main(int argc, char** argv)
{
    engine::restartWithBoundedSpinning(argv); // before any OpenMP work: see WaitPolicy.h
    BenchOptions o;
    try {
        o = parseOptions(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "netcanvas-bench: " << e.what() << '\n';
        return 1;
    }
    const bench::MachineInfo machine = bench::machineInfo();
    std::cerr << "# netcanvas-bench " << NETCANVAS_VERSION << ": "
              << engine::computeBackendDescription() << '\n'
              << "# MLP 784-256-128-10 and CNN conv3x3x32-pool2-conv3x3x64-pool2-dense128-dense10,"
                 " ReLU; LSTM 128 over 50x32 -> dense10; softmax CE, SGD momentum; inference: "
                 "predict() on resources/examples/fashion_{mlp,cnn}.json; best and median of "
              << o.rounds << " rounds x " << o.runsPerRound() << " runs after a warm-up\n";
    std::string threadList;
    for (int t : o.threads) {
        if (!threadList.empty())
            threadList += ',';
        threadList += std::to_string(t);
    }
    // The load and the OpenMP wait policy decide whether 2-thread figures mean anything on a
    // shared machine (README: OMP_WAIT_POLICY=PASSIVE there), so the output names both.
    const char* waitPolicy = std::getenv("OMP_WAIT_POLICY");
    const char* spinCount = std::getenv("GOMP_SPINCOUNT");
    std::printf("cpu=\"%s\" isa=%s blas=\"%s\" threads=%s rounds=%d runs_per_round=%d "
                "omp_wait_policy=%s gomp_spincount=%s load=%s\n",
        machine.cpuModel.c_str(), machine.isaList(',').c_str(), machine.blas.c_str(),
        threadList.c_str(), o.rounds, o.runsPerRound(), waitPolicy ? waitPolicy : "default",
        spinCount ? spinCount : "default", machine.loadAverage.c_str());

    // The peak every case is measured against, at the same thread counts.
    std::map<int, bench::SgemmPeak> peaks;
    for (int threads : o.threads) {
        peaks[threads] = bench::measureSgemmPeak(threads, o.quick ? 2 : 3);
        std::printf("bench=sgemm threads=%d n=%ld gflops=%.1f\n", threads, peaks[threads].n,
            peaks[threads].gflops);
        std::fflush(stdout);
    }

    std::vector<bench::CaseResult> results;
    try {
        CaseRunner runner(o, peaks);
        for (Model model : o.models)
            runner.run(model, results);
    } catch (const std::exception& e) {
        std::cerr << "netcanvas-bench: " << e.what() << '\n';
        return 1;
    }
    // The best peak of the whole run, measured again in every round; the table's fractions
    // are against it.
    for (const auto& [threads, peak] : peaks)
        std::printf(
            "bench=sgemm-best threads=%d n=%ld gflops=%.1f\n", threads, peak.n, peak.gflops);
    for (bench::CaseResult& r : results)
        r.peakGflops = peaks[r.threads].gflops;
    if (o.markdown)
        std::cout << '\n'
                  << bench::markdownTable(
                         results, machine, peaks, o.commandLine, o.rounds, o.runsPerRound());
    return 0;
}
