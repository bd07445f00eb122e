// netcanvas-bench: training throughput of the engine, and of PyTorch on the same model when it
// is installed (CLI.md "Benchmark"). Output: one key=value line per case on stdout, e.g.
//   bench=mlp threads=2 batch=256 samples/s=61234
// Notes for people go to stderr.

#include "core/Parallel.h"
#include "core/Rng.h"
#include "data/Dataset.h"
#include "project/Project.h"
#include "training/Trainer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace {

/// One benchmarked model; the CNN does ~40x the work per sample of the MLP, so it runs fewer,
/// and the LSTM (50 steps of a 128-unit cell) fewer still.
enum class Model { Mlp, Cnn, Lstm };

struct BenchOptions {
    bool quick = false;
    bool torch = true;
    std::vector<int> threads {1, 2};
    std::vector<int> batches {64, 256};
    std::vector<Model> models {Model::Mlp, Model::Cnn};
    std::string python = "/usr/bin/python3";
    std::string torchScript = NETCANVAS_TORCH_BENCH_SCRIPT;
    std::string torchCnnScript = NETCANVAS_TORCH_CNN_SCRIPT;
    /// Beside the CNN script unless given.
    std::string torchLstmScript;

    long samplesPerRun(Model m) const
    {
        if (m == Model::Lstm)
            return quick ? 256 : 1024;
        return m == Model::Mlp ? (quick ? 4096 : 16384) : (quick ? 1024 : 4096);
    }
    int runs() const { return quick ? 3 : 7; }
    long warmupSamples(Model m) const
    {
        if (m == Model::Lstm)
            return quick ? 64 : 256;
        return m == Model::Mlp ? (quick ? 1024 : 4096) : (quick ? 256 : 1024);
    }
};

const char* modelName(Model m)
{
    return m == Model::Mlp ? "mlp" : m == Model::Cnn ? "cnn" : "lstm";
}

void usage()
{
    std::cout
        << "Usage: netcanvas-bench [--quick] [--no-torch] [--threads 1,2] [--batches 64,256]\n"
           "                       [--models mlp,cnn,lstm] [--python /usr/bin/python3]\n"
           "                       [--torch-script FILE] [--torch-cnn-script FILE]\n"
           "                       [--torch-lstm-script FILE]\n"
           "Trains an MLP 784-256-128-10 (ReLU) and a CNN conv3x3x32-pool2-conv3x3x64-pool2-\n"
           "dense128-dense10 (ReLU) on synthetic Fashion-MNIST-shaped data (28x28x1), and an\n"
           "LSTM 128 over 50 steps of 32 features whose last state feeds a dense10 (lstm, not\n"
           "run by default), with softmax cross-entropy and SGD momentum 0.9, and prints\n"
           "samples/s per case: the median of several timed runs after a warm-up. With PyTorch\n"
           "importable by the Python interpreter, runs the same models there\n"
           "(bench/torch_mlp.py, bench/torch_cnn.py, bench/torch_lstm.py) and prints the ratio\n"
           "NetCanvas / PyTorch (above 1: NetCanvas is faster).\n";
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
        else if (a == "--threads")
            o.threads = parseList(a, value());
        else if (a == "--batches")
            o.batches = parseList(a, value());
        else if (a == "--python")
            o.python = value();
        else if (a == "--torch-script")
            o.torchScript = value();
        else if (a == "--torch-cnn-script")
            o.torchCnnScript = value();
        else if (a == "--torch-lstm-script")
            o.torchLstmScript = value();
        else if (a == "--models") {
            o.models.clear();
            const std::string list = value();
            for (const Model m : {Model::Mlp, Model::Cnn, Model::Lstm})
                if (("," + list + ",").find("," + std::string(modelName(m)) + ",")
                    != std::string::npos)
                    o.models.push_back(m);
            if (o.models.empty())
                throw std::invalid_argument(
                    a + ": expected a list of mlp, cnn, lstm like mlp,cnn, got '" + list + "'");
        } else if (a == "--help" || a == "-h") {
            usage();
            std::exit(0);
        } else
            throw std::invalid_argument(a + ": unknown option (see --help)");
    }
    if (o.torchLstmScript.empty()) {
        const std::size_t slash = o.torchCnnScript.find_last_of('/');
        o.torchLstmScript
            = (slash == std::string::npos ? std::string() : o.torchCnnScript.substr(0, slash + 1))
            + "torch_lstm.py";
    }
    return o;
}

/// Uniform pixels and random labels: the work per sample does not depend on the values.
engine::Dataset syntheticFashionMnist(long samples)
{
    engine::Dataset d;
    d.name = "synthetic-fashion-mnist";
    d.inputShape = engine::Shape {28, 28, 1};
    d.task = engine::TaskKind::Classification;
    d.numClasses = 10;
    d.x.resize(784, samples);
    d.y.resize(1, samples);
    engine::Rng rng(42);
    for (long c = 0; c < samples; ++c) {
        for (long r = 0; r < 784; ++r)
            d.x(r, c) = static_cast<engine::Scalar>(rng.uniform());
        d.y(0, c) = static_cast<engine::Scalar>(rng.below(10));
    }
    return d;
}

/// Uniform sequences of 50 steps of 32 features, random labels.
engine::Dataset syntheticSequences(long samples)
{
    engine::Dataset d;
    d.name = "synthetic-sequences";
    d.inputShape = engine::Shape {50, 32};
    d.task = engine::TaskKind::Classification;
    d.numClasses = 10;
    d.x.resize(50 * 32, samples);
    d.y.resize(1, samples);
    engine::Rng rng(43);
    for (long c = 0; c < samples; ++c) {
        for (long r = 0; r < d.x.rows(); ++r)
            d.x(r, c) = static_cast<engine::Scalar>(rng.uniform());
        d.y(0, c) = static_cast<engine::Scalar>(rng.below(10));
    }
    return d;
}

/// A chain of layers: (type, attributes) from the input to the loss.
nlohmann::json chainNodes(
    const std::vector<std::pair<std::string, nlohmann::json>>& layers, nlohmann::json& edges)
{
    nlohmann::json nodes = nlohmann::json::array();
    edges = nlohmann::json::array();
    for (std::size_t i = 0; i < layers.size(); ++i) {
        nodes.push_back({{"id", i + 1}, {"type", layers[i].first},
            {"name", layers[i].first + std::to_string(i + 1)}, {"attributes", layers[i].second}});
        if (i > 0)
            edges.push_back({{"from", i}, {"to", i + 1}});
    }
    return nodes;
}

engine::Project benchProject(Model model, int batch)
{
    using nlohmann::json;
    const json relu = "relu";
    std::vector<std::pair<std::string, json>> layers {{"Input", {{"shape", {28, 28, 1}}}}};
    if (model == Model::Lstm) {
        layers[0].second = {{"shape", {50, 32}}};
        layers.push_back({"LSTM", {{"units", 128}}});
    } else if (model == Model::Mlp) {
        layers.push_back({"Dense", {{"units", 256}, {"activation", relu}}});
        layers.push_back({"Dense", {{"units", 128}, {"activation", relu}}});
    } else {
        layers.push_back({"Conv2D", {{"filters", 32}, {"kernel", 3}, {"activation", relu}}});
        layers.push_back({"MaxPool2D", {{"pool", 2}}});
        layers.push_back({"Conv2D", {{"filters", 64}, {"kernel", 3}, {"activation", relu}}});
        layers.push_back({"MaxPool2D", {{"pool", 2}}});
        layers.push_back({"Flatten", json::object()});
        layers.push_back({"Dense", {{"units", 128}, {"activation", relu}}});
    }
    layers.push_back({"Dense", {{"units", 10}, {"activation", "identity"}}});
    layers.push_back({"Loss", {{"loss", "softmax_crossentropy"}}});
    json edges;
    const json nodes = chainNodes(layers, edges);
    const json j = {{"format", "netcanvas"}, {"version", 1},
        {"name", std::string("bench-") + modelName(model)}, {"nodes", nodes}, {"edges", edges},
        {"dataset", {{"source", "generator"}, {"generator", "xor"}}},
        {"training",
            {{"epochs", 1000000}, {"batchSize", batch}, {"validationSplit", 0.0},
                {"testSplit", 0.0}, {"seed", 1},
                {"optimizer", {{"type", "momentum"}, {"learningRate", 0.01}, {"momentum", 0.9}}}}}};
    return engine::Project::fromJson(j);
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double benchEngine(
    const BenchOptions& o, Model model, const engine::Dataset& data, int threads, int batch)
{
    engine::setThreadCount(threads);
    const engine::Project project = benchProject(model, batch);
    engine::Graph graph = project.buildGraph();
    engine::DatasetSplits splits;
    splits.train = data;
    engine::Trainer trainer(graph, std::move(splits), project.training);

    auto trainSamples = [&](long samples) {
        long done = 0;
        while (done < samples) {
            trainer.trainBatch();
            done += batch;
        }
        return done;
    };
    trainSamples(o.warmupSamples(model));
    std::vector<double> rates;
    for (int run = 0; run < o.runs(); ++run) {
        const auto start = std::chrono::steady_clock::now();
        const long done = trainSamples(o.samplesPerRun(model));
        const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
        rates.push_back(double(done) / seconds.count());
    }
    return median(rates);
}

std::string shellQuote(const std::string& s)
{
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

/// Runs the PyTorch baseline; nullopt when Python or torch is missing (or the run failed).
std::optional<double> benchTorch(
    const BenchOptions& o, Model model, int threads, int batch, std::string& problem)
{
    const std::string& script = model == Model::Mlp ? o.torchScript
        : model == Model::Cnn                       ? o.torchCnnScript
                                                    : o.torchLstmScript;
    // Passive waiting is PyTorch's fastest setting on these VMs: with libgomp's default spinning
    // its 2-thread MLP runs 3x slower than with 1 thread, which would flatter our ratio.
    const std::string command = "OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=" + std::to_string(threads)
        + " " + shellQuote(o.python) + " " + shellQuote(script) + " --threads "
        + std::to_string(threads) + " --batch " + std::to_string(batch) + " --samples "
        + std::to_string(o.samplesPerRun(model)) + " --runs " + std::to_string(o.runs())
        + " --warmup " + std::to_string(o.warmupSamples(model)) + " 2>/dev/null";
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) {
        problem = "cannot start " + o.python;
        return std::nullopt;
    }
    std::string output;
    std::array<char, 256> buf {};
    while (std::fgets(buf.data(), int(buf.size()), pipe))
        output += buf.data();
    const int status = ::pclose(pipe);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        problem = WIFEXITED(status) && WEXITSTATUS(status) == 3 ? "torch does not import"
            : WIFEXITED(status) && WEXITSTATUS(status) == 127   ? o.python + " not found"
                                                                : "the PyTorch run failed";
        return std::nullopt;
    }
    const auto key = output.find("samples/s=");
    if (key == std::string::npos) {
        problem = "unexpected output from " + script;
        return std::nullopt;
    }
    return std::stod(output.substr(key + 10));
}

} // namespace

int main(int argc, char** argv)
{
    BenchOptions o;
    try {
        o = parseOptions(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "netcanvas-bench: " << e.what() << '\n';
        return 1;
    }
    std::cerr << "# netcanvas-bench " << NETCANVAS_VERSION << ": "
              << engine::computeBackendDescription() << '\n'
              << "# MLP 784-256-128-10 and CNN conv3x3x32-pool2-conv3x3x64-pool2-dense128-dense10,"
                 " ReLU; LSTM 128 over 50x32 -> dense10; softmax CE, SGD momentum; median of "
              << o.runs() << " runs after a warm-up\n";

    bool torchAvailable = o.torch;
    try {
        for (Model model : o.models) {
            const char* name = modelName(model);
            const engine::Dataset data = model == Model::Lstm
                ? syntheticSequences(o.samplesPerRun(model))
                : syntheticFashionMnist(o.samplesPerRun(model));
            for (int threads : o.threads) {
                for (int batch : o.batches) {
                    const double ours = benchEngine(o, model, data, threads, batch);
                    std::printf("bench=%s threads=%d batch=%d samples/s=%.0f\n", name, threads,
                        batch, ours);
                    std::fflush(stdout);
                    if (!torchAvailable)
                        continue;
                    std::string problem;
                    const std::optional<double> theirs
                        = benchTorch(o, model, threads, batch, problem);
                    if (!theirs) {
                        std::printf("bench=%s-torch status=unavailable\n", name);
                        std::cerr << "# PyTorch baseline skipped: " << problem << '\n';
                        torchAvailable = false;
                        continue;
                    }
                    std::printf("bench=%s-torch threads=%d batch=%d samples/s=%.0f\n", name,
                        threads, batch, *theirs);
                    std::printf("bench=%s-ratio threads=%d batch=%d ratio=%.2f\n", name, threads,
                        batch, ours / *theirs);
                    std::fflush(stdout);
                }
            }
        }
    } catch (const std::exception& e) {
        std::cerr << "netcanvas-bench: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
