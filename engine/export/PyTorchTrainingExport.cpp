#include "export/PyTorchTrainingExport.h"

#include "core/Errors.h"
#include "data/Dataset.h"
#include "data/DatasetLoading.h"
#include "data/DatasetSpec.h"
#include "export/Predictor.h"
#include "export/PyTorchExport.h"
#include "export/WeightsExport.h"
#include "graph/Loss.h"
#include "training/TrainingConfig.h"

#include "PyTorchTrainTemplate.h" // generated from export/templates/train.py

#include <nlohmann/json.hpp>

#include <sstream>

namespace engine {

namespace {

/// model.py's weight table holds float32: indices above 2^24 would not stay exact.
constexpr long kMaxProbeIndex = 1L << 24;

GraphContext contextOf(const Dataset& d)
{
    return {d.inputShape, d.task == TaskKind::Classification ? d.numClasses : 0, d.y.rows()};
}

/// The graph compiled as netcanvas-train compiles it (same context, same seed), with the
/// project's trained weights when it has them.
Graph startingGraph(const Project& project, const GraphContext& context)
{
    Graph graph = project.buildGraph();
    try {
        graph.compile(context, project.training.seed);
    } catch (const ShapeError& e) {
        throw InputError("network", e.what());
    }
    if (!project.weights.empty())
        graph.setWeights(project.weights, true);
    return graph;
}

/// Every weight of the graph replaced by its 1-based global index (in weights() order, each
/// matrix in its column-major storage order): pytorchScript() of this graph tells, for every
/// state-dict value, which engine weight it is. 0 never occurs, so a value the export makes up
/// (none today) would show as unmapped.
nlohmann::json probeWeights(Graph& graph, long& total)
{
    WeightMap probe = graph.weights();
    nlohmann::json params = nlohmann::json::array();
    std::map<std::pair<NodeId, std::string>, bool> regularized;
    for (const auto& [id, param] : graph.nodeParams())
        regularized[{id, param.name}] = param.regularized;
    total = 0;
    for (auto& [id, named] : probe) {
        for (auto& [name, m] : named) {
            for (Eigen::Index i = 0; i < m.size(); ++i)
                m.data()[i] = Scalar(total + 1 + i);
            const auto r = regularized.find({id, name});
            params.push_back({{"node", id}, {"name", name}, {"rows", m.rows()}, {"cols", m.cols()},
                {"offset", total + 1}, {"trainable", r != regularized.end()},
                {"regularized", r != regularized.end() && r->second}});
            total += m.size();
        }
    }
    if (total >= kMaxProbeIndex)
        throw InputError("weights",
            "the network has " + std::to_string(total)
                + " weights; the PyTorch training export handles up to "
                + std::to_string(kMaxProbeIndex - 1));
    graph.setWeights(probe, true);
    return params;
}

/// A trained-model view of `graph` for pytorchScript().
TrainedModel modelOf(
    const Project& project, Graph graph, const GraphContext& context, const FeatureScaling& s)
{
    TrainedModel m;
    m.project = project;
    m.graph = std::move(graph);
    m.context = context;
    m.classification = context.numClasses > 0;
    m.loss = Loss::create(m.graph.lossType());
    m.scaling = s;
    return m;
}

/// Samples as rows: the engine keeps one sample per column, .npy readers expect one per row.
std::string samplesNpy(const Matrix& columns)
{
    return npyBytes(columns.transpose());
}

std::string readme(const Project& project, const DatasetSplits& splits, bool trained)
{
    std::ostringstream s;
    s << "PyTorch training project for \"" << (project.name.empty() ? "network" : project.name)
      << "\", exported by NetCanvas " << NETCANVAS_VERSION << ".\n\n"
      << "Train (needs Python 3, NumPy and PyTorch):\n"
      << "  python3 train.py                       # CPU\n"
      << "  python3 train.py --device cuda         # one GPU\n"
      << "  torchrun --nproc_per_node=4 train.py   # 4 processes (DistributedDataParallel)\n"
      << "  torchrun --nnodes=2 --nproc_per_node=8 --rdzv-backend=c10d \\\n"
      << "      --rdzv-endpoint=HOST:29500 train.py --device cuda   # on each of 2 machines\n"
      << "Options: --epochs N, --seed S, --output-dir DIR, --quiet, --no-onnx.\n"
      << "(PyTorch 1.13 on Python 3.11, as in Debian 12, needs torchrun --redirects 1 --tee 1.)\n\n"
      << "train.py trains as netcanvas-train does: the loss, the optimizer, the learning-rate\n"
      << "schedule, clipNorm, batch size (the global batch, shared by all processes), epochs\n"
      << "and early stopping are the \"training\" settings of netcanvas_project.json. It prints\n"
      << "one line per epoch and the same \"final:\" line as netcanvas-train, and at the end\n"
      << "writes trained.json (a NetCanvas project with the trained weights: open it in\n"
      << "NetCanvas or run `netcanvas-train predict trained.json --input X.csv`),\n"
      << "trained.pt (model.Net's state dict) and model.onnx. Only the first process\n"
      << "writes.\n\n"
      << "Starting weights: "
      << (trained ? "the project's trained weights.\n"
                  : "NetCanvas's initialization for the project's seed, so train.py and\n"
                    "netcanvas-train start from the same numbers.\n")
      << "Data (inputs already scaled as NetCanvas scales them; the statistics are in\n"
      << "netcanvas_export.json and model.py applies them to raw inputs):\n"
      << "  x_train.npy, y_train.npy            " << splits.train.size() << " samples\n"
      << "  x_validation.npy, y_validation.npy  " << splits.validation.size() << " samples\n"
      << "  x_test.npy, y_test.npy              " << splits.test.size() << " samples\n"
      << "Replace them with more data of the same layout (inputs scaled with those\n"
      << "statistics) to train on it.\n";
    return s.str();
}

} // namespace

std::vector<FolderFile> pytorchTrainingFiles(
    const Project& project, const std::filesystem::path& projectDir, const PathPolicy& policy)
{
    const TrainingConfig& t = project.training;
    const DatasetSplits splits = loadDatasetSplits(
        project.dataset, projectDir, t.validationSplit, t.testSplit, t.seed, policy);
    const GraphContext context = contextOf(splits.train);
    const FeatureScaling& scaling = splits.train.scaling;

    // The project as train.py and trained.json see it: the statistics stored (predict needs
    // them), the data file found from wherever the folder is opened on this machine.
    Project stored = project;
    stored.weights.clear();
    stored.history = {};
    if (!scaling.isIdentity())
        stored.dataset.options["scalingStats"] = scalingToJson(scaling);
    if (!stored.dataset.path.empty() && std::filesystem::path(stored.dataset.path).is_relative())
        stored.dataset.path
            = std::filesystem::absolute(projectDir / stored.dataset.path).lexically_normal();

    Graph start = startingGraph(project, context);
    const std::string loss = start.lossType();
    const std::string modelPy = pytorchScript(modelOf(stored, std::move(start), context, scaling));
    Graph probe = startingGraph(project, context);
    long total = 0;
    nlohmann::json params = probeWeights(probe, total);
    const std::string layoutPy = pytorchScript(modelOf(stored, std::move(probe), context, {}));

    nlohmann::json meta = {{"format", "netcanvas-pytorch-training"}, {"version", 1}, {"loss", loss},
        {"classification", context.numClasses > 0}, {"numClasses", context.numClasses},
        {"inputShape", context.inputShape.dims()}, {"params", params},
        {"scaling", scalingToJson(scaling)},
        {"startingWeights", project.weights.empty() ? "initialization" : "trained"},
        {"samples",
            {{"train", splits.train.size()}, {"validation", splits.validation.size()},
                {"test", splits.test.size()}}}};

    std::vector<FolderFile> files {{"model.py", modelPy},
        {"train.py", std::string(kPyTorchTrainScript)}, {"weight_layout.py", layoutPy},
        {"netcanvas_project.json", stored.toJson().dump(2) + "\n"},
        {"netcanvas_export.json", meta.dump(2) + "\n"},
        {"README.txt", readme(project, splits, !project.weights.empty())}};
    for (const auto& [part, data] : {std::pair {"train", &splits.train},
             {"validation", &splits.validation}, {"test", &splits.test}}) {
        files.push_back({std::string("x_") + part + ".npy", samplesNpy(data->x)});
        files.push_back({std::string("y_") + part + ".npy", samplesNpy(data->y)});
    }
    return files;
}

void exportPyTorchTraining(const Project& project, const std::filesystem::path& projectDir,
    const std::filesystem::path& folder, const PathPolicy& policy)
{
    writeFolderAtomically(folder, pytorchTrainingFiles(project, projectDir, policy));
}

} // namespace engine
