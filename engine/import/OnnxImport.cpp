#include "import/OnnxImport.h"

#include "core/Errors.h"
#include "export/DiagramSvg.h"
#include "export/Predictor.h"

#ifdef NETCANVAS_WITH_ONNX
#include "import/OnnxGraphView.h"
#include "import/OnnxOpMapper.h"
#endif

#include <string>
#include <vector>

namespace engine {

#ifdef NETCANVAS_WITH_ONNX

namespace {

constexpr int kOldestOpset = 6;
constexpr int kNewestOpset = 17;

/// "/layer2/PixelShuffle (DepthToSpace)", with the reason where there is more to say.
std::string nodeLabel(const onnx::NodeProto& n, const std::string& reason)
{
    const std::string name = n.name().empty() ? "output '" + n.output(0) + "'" : n.name();
    return name + " (" + n.op_type() + (reason.empty() ? "" : ": " + reason) + ")";
}

/// Canvas positions from the headless diagram layout: columns by depth, left to right.
void layOut(Project& project, const GraphContext& context)
{
    DiagramOptions options;
    options.autoLayout = true;
    const DiagramLayout layout = layoutDiagram(project, context, options);
    for (const DiagramBox& box : layout.boxes)
        for (NodeRecord& n : project.nodes)
            if (n.id == box.id) {
                n.x = box.x;
                n.y = box.y;
            }
}

} // namespace

Project importOnnx(const std::filesystem::path& file)
{
    const std::string where = file.string();
    const auto view = [&] {
        try {
            return onnximport::OnnxGraphView(readCheckedOnnxModel(file));
        } catch (const InputError& e) {
            if (e.where().rfind(where, 0) == 0)
                throw;
            throw InputError(where + (e.where().empty() ? "" : ": " + e.where()), e.message());
        }
    }();
    if (view.opset() < kOldestOpset || view.opset() > kNewestOpset)
        throw InputError(where,
            "operator set " + std::to_string(view.opset()) + " (NetCanvas imports "
                + std::to_string(kOldestOpset) + " to " + std::to_string(kNewestOpset) + ")");
    const auto inputs = view.dataInputs();
    if (inputs.empty() || view.graph().output_size() == 0)
        throw InputError(where, "the model has no input or no output");

    onnximport::OnnxOpMapper mapper(view);
    std::vector<std::string> unmapped;
    try {
        mapper.mapInput(*inputs.front());
    } catch (const onnximport::Unmappable& e) {
        throw InputError(where, std::string("cannot import: ") + e.what());
    }
    for (const onnx::NodeProto* n : view.liveNodes()) {
        try {
            mapper.map(*n);
        } catch (const onnximport::Unmappable& e) {
            unmapped.push_back(nodeLabel(*n, e.what()));
        } catch (const std::exception& e) {
            // Malformed values the checker lets through (a tensor of the wrong type).
            unmapped.push_back(nodeLabel(*n, e.what()));
        }
    }
    if (unmapped.empty()) {
        try {
            mapper.finish(view.graph().output(0).name());
        } catch (const onnximport::Unmappable& e) {
            throw InputError(where, std::string("cannot import: ") + e.what());
        }
    }
    if (!unmapped.empty()) {
        std::string list;
        for (const std::string& u : unmapped)
            list += (list.empty() ? "" : ", ") + u;
        throw InputError(where,
            "cannot import " + std::to_string(unmapped.size())
                + (unmapped.size() == 1 ? " node: " : " nodes: ") + list);
    }

    Project project = std::move(mapper.builder().project());
    project.name = view.graph().name().empty() ? file.stem().string() : view.graph().name();
    project.description = "Imported from " + file.filename().string();
    // No dataset yet: the Input node states the shape until the user picks the data to
    // fine-tune on (a file source without a file never loads).
    project.dataset.source = "csv";
    project.dataset.path.clear();
    if (!mapper.inputScaling().isIdentity()) {
        project.dataset.options["scaling"] = mapper.inputScaling().method;
        project.dataset.options["scalingStats"] = scalingToJson(mapper.inputScaling());
    }
    // A network without parameters (a lone activation or pooling) is trained as it is: an
    // empty entry for its Input marks the weights as present.
    if (project.weights.empty())
        project.weights[project.nodes.front().id];
    try {
        const GraphContext context = projectContext(project, {});
        prepareModel(project, context); // every weight fits its layer
        layOut(project, context);
    } catch (const std::exception& e) {
        throw InputError(where, std::string("the imported network does not build: ") + e.what());
    }
    return project;
}

#else // NETCANVAS_WITH_ONNX

Project importOnnx(const std::filesystem::path&)
{
    throw InputError("onnx",
        "this build of NetCanvas has no ONNX support (rebuild with libonnx-dev and "
        "libprotobuf-dev installed, -DNETCANVAS_WITH_ONNX=ON)");
}

#endif // NETCANVAS_WITH_ONNX

} // namespace engine
