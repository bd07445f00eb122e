#include "Model.h"

#include "Support.h"

#include "Dataset.h"
#include "DatasetSpec.h"
#include "Errors.h"
#include "OnnxExport.h"

#include <filesystem>

namespace cli {

namespace {

/// Shapes come from the project's dataset when it can be loaded (cheap for generators); a model
/// shipped without its data still works when its Input node states the shape.
engine::GraphContext projectContext(const engine::Project& project, engine::Graph& graph,
    const std::string& modelFile, engine::FeatureScaling& scaling)
{
    const std::filesystem::path dir = std::filesystem::path(modelFile).parent_path();
    std::string dataProblem;
    try {
        const engine::Dataset data = engine::loadDataset(project.dataset, dir.empty() ? "." : dir);
        engine::GraphContext c;
        const bool classification = data.task == engine::TaskKind::Classification;
        c.inputShape = data.inputShape;
        c.numClasses = classification ? data.numClasses : 0;
        c.targetRows = data.targetRows();
        scaling = data.scaling;
        return c;
    } catch (const engine::InputError& e) {
        dataProblem = e.what();
    }
    const engine::GraphCheck check = graph.check();
    const auto in = check.shapes.find(check.inputNode);
    const auto outShape = check.shapes.find(check.outputNode);
    if (in == check.shapes.end() || in->second.empty() || outShape == check.shapes.end())
        throw CommandError(
            withFile(modelFile, "dataset: needed for the input shape, but: " + dataProblem));
    std::string loss;
    for (const engine::NodeRecord& n : project.nodes) {
        if (n.type == "Loss" && n.attributes.contains("loss") && n.attributes["loss"].is_string())
            loss = n.attributes["loss"].get<std::string>();
    }
    engine::GraphContext c;
    const long outputs = outShape->second.size();
    const bool classification = loss.find("crossentropy") != std::string::npos;
    c.inputShape = in->second;
    c.numClasses = classification ? int(outputs == 1 ? 2 : outputs) : 0;
    c.targetRows = classification ? 1 : outputs;
    return c;
}

} // namespace

LoadedModel loadModel(const std::string& file)
{
    const bool onnx = std::filesystem::path(file).extension() == ".onnx";
    LoadedModel m;
    try {
        if (onnx) {
            engine::OnnxNetCanvasModel read = engine::readNetCanvasOnnx(file);
            m.project = std::move(read.project);
            m.context = read.context;
        } else {
            m.project = engine::loadProject(file);
        }
    } catch (const engine::InputError& e) {
        throw CommandError(withFile(file, e.what()));
    }
    if (m.project.weights.empty())
        throw CommandError(file
            + ": weights: the project has no trained weights (train it "
              "with netcanvas-train PROJECT.json --out MODEL.json)");

    try {
        m.graph = m.project.buildGraph();
        const std::string method = engine::scalingMethod(m.project.dataset);
        const engine::FeatureScaling stored = engine::storedScaling(m.project.dataset);
        engine::FeatureScaling fromData;
        if (!onnx)
            m.context = projectContext(m.project, m.graph, file, fromData);
        if (method != "none") {
            m.scaling = stored.method == method && !stored.isIdentity() ? stored : fromData;
            if (m.scaling.isIdentity())
                throw CommandError(file
                    + ": dataset.options.scalingStats: the model was trained on inputs scaled "
                      "with \""
                    + method
                    + "\" but the statistics are missing and the dataset cannot be loaded "
                      "(retrain it with netcanvas-train PROJECT.json --out MODEL.json)");
            if (long(m.scaling.shift.size()) != m.context.inputShape.size())
                throw CommandError(file + ": dataset.options.scalingStats: "
                    + std::to_string(m.scaling.shift.size()) + " features, the model takes "
                    + std::to_string(m.context.inputShape.size()) + " inputs");
        }
        m.graph.compile(m.context, m.project.training.seed);
        m.graph.setWeights(m.project.weights, true);
        m.loss = engine::Loss::create(m.graph.lossType());
    } catch (const engine::InputError& e) {
        throw CommandError(withFile(file, e.what()));
    } catch (const engine::ShapeError& e) {
        throw CommandError(withFile(file, e.what()));
    }
    if (!m.loss)
        throw CommandError(file + ": the model has no known loss ('" + m.graph.lossType() + "')");
    m.classification = m.context.numClasses > 0;
    return m;
}

} // namespace cli
