#include "ExportCommand.h"

#include "Model.h"
#include "Support.h"
#include "TrainCommand.h"

#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "data/Dataset.h"
#include "data/DatasetLoading.h"
#include "export/DiagramSvg.h"
#include "export/OnnxExport.h"
#include "export/PyTorchExport.h"
#include "export/PyTorchTrainingExport.h"
#include "export/WeightsExport.h"
#include "project/Project.h"

#include <filesystem>
#include <optional>
#include <ostream>
#include <vector>

namespace cli {

namespace {

/// --onnx and --pytorch: the network as another framework runs it.
int exportModel(const ExportOptions& o, std::ostream& out)
{
    if (std::filesystem::path(o.project).extension() == ".onnx")
        throw CommandError(
            o.project + ": export reads a trained project (.json), not an ONNX file");
    const LoadedModel model = loadModel(o.project);
    std::string bytes;
    try {
        bytes = o.kind == "onnx" ? engine::onnxModelBytes(model) : engine::pytorchScript(model);
    } catch (const engine::InputError& e) {
        throw CommandError(withFile(o.project, e.what()));
    }
    writeFileAtomically(o.target, bytes);
    out << "exported " << (o.kind == "onnx" ? "ONNX model" : "PyTorch script") << " to " << o.target
        << " (" << bytes.size() << " bytes)" << std::endl;
    return ExitOk;
}

/// --svg: the diagram needs no weights, so untrained projects export too. Shapes come from the
/// Input node's declared shape, or from the dataset when the Input leaves it open.
int exportDiagram(const ExportOptions& o, std::ostream& out)
{
    if (std::filesystem::path(o.project).extension() == ".onnx")
        throw CommandError(o.project + ": export reads a project (.json), not an ONNX file");
    std::string svg;
    std::size_t nodes = 0;
    try {
        const engine::Project project = engine::loadProject(o.project);
        nodes = project.nodes.size();
        std::optional<engine::GraphContext> context;
        const engine::GraphCheck check = project.buildGraph().check();
        const auto in = check.shapes.find(check.inputNode);
        if (in == check.shapes.end() || in->second.empty()) {
            const std::filesystem::path dir = std::filesystem::path(o.project).parent_path();
            try {
                const engine::Dataset data = engine::loadDataset(
                    project.dataset, dir.empty() ? "." : dir, pathPolicy(o.allowPaths));
                engine::GraphContext c;
                c.inputShape = data.inputShape;
                c.numClasses = data.task == engine::TaskKind::Classification ? data.numClasses : 0;
                c.targetRows = data.targetRows();
                context = c;
            } catch (const engine::InputError&) {
                // Without data the diagram still shows the network, with unknown shapes.
            }
        }
        svg = engine::diagramSvg(project, context);
    } catch (const engine::InputError& e) {
        throw CommandError(withFile(o.project, e.what()));
    }
    writeFileAtomically(o.target, svg);
    out << "exported diagram of " << nodes << " nodes to " << o.target << " (" << svg.size()
        << " bytes)" << std::endl;
    return ExitOk;
}

/// --pytorch-train: a folder that trains the project under PyTorch (python3 train.py, torchrun).
/// It needs the data but no weights: an untrained project starts from NetCanvas's initialization.
int exportTrainingProject(const ExportOptions& o, std::ostream& out)
{
    if (std::filesystem::path(o.project).extension() == ".onnx")
        throw CommandError(o.project + ": export reads a project (.json), not an ONNX file");
    std::vector<engine::FolderFile> files;
    try {
        const engine::Project project = engine::loadProject(o.project);
        const std::filesystem::path dir = std::filesystem::path(o.project).parent_path();
        files = engine::pytorchTrainingFiles(
            project, dir.empty() ? "." : dir, pathPolicy(o.allowPaths));
    } catch (const engine::InputError& e) {
        throw CommandError(withFile(o.project, e.what()));
    }
    try {
        engine::writeFolderAtomically(o.target, files);
    } catch (const engine::InputError& e) {
        throw CommandError(oneLine(e.what()));
    }
    out << "exported PyTorch training project to " << o.target << " (" << files.size()
        << " files); run: cd " << o.target << " && python3 train.py" << std::endl;
    return ExitOk;
}

} // namespace

int runExport(const ExportOptions& o, std::ostream& out)
{
    if (o.kind == "onnx" || o.kind == "pytorch")
        return exportModel(o, out);
    if (o.kind == "svg")
        return exportDiagram(o, out);
    if (o.kind == "pytorch-train")
        return exportTrainingProject(o, out);
    if (o.kind != "weights-npy")
        throw CommandError("export --" + o.kind
            + ": not available in this version (--onnx, --pytorch, --pytorch-train, "
              "--weights-npy and --svg are)");

    engine::Project project;
    try {
        project = engine::loadProject(o.project);
    } catch (const engine::InputError& e) {
        throw CommandError(withFile(o.project, e.what()));
    }
    std::vector<engine::WeightArray> arrays;
    try {
        arrays = engine::weightArrays(project);
    } catch (const engine::InputError&) {
        throw CommandError(o.project
            + ": weights: the project has no trained weights (train it "
              "with netcanvas-train PROJECT.json --out TRAINED.json)");
    }

    // All arrays or none: a failed write (full disk) leaves the folder as it was.
    std::vector<engine::FolderFile> files;
    files.reserve(arrays.size());
    for (const engine::WeightArray& a : arrays)
        files.push_back({a.fileName, engine::npyBytes(*a.value)});
    try {
        engine::writeFolderAtomically(o.target, files);
    } catch (const engine::InputError& e) {
        throw CommandError(oneLine(e.what()));
    }

    const std::filesystem::path dir(o.target);
    int written = 0;
    for (const engine::WeightArray& a : arrays) {
        out << "wrote " << (dir / a.fileName).string() << " (" << a.value->rows() << "x"
            << a.value->cols() << ")\n";
        ++written;
    }
    out << "exported " << written << " arrays to " << o.target << std::endl;
    return ExitOk;
}

} // namespace cli
