#include "ExportCommand.h"

#include "Model.h"
#include "Support.h"
#include "TrainCommand.h"

#include "Dataset.h"
#include "DatasetSpec.h"
#include "DiagramSvg.h"
#include "Errors.h"
#include "OnnxExport.h"
#include "Project.h"
#include "PyTorchExport.h"

#include <bit>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <system_error>

namespace cli {

namespace {

/// Node names become file names: keep them readable but never let them leave the folder.
std::string safeFileStem(const std::string& name)
{
    std::string s;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '_' || c == '-' || c == '.';
        s += ok ? c : '_';
    }
    if (s.empty() || s.front() == '.')
        s.insert(s.begin(), '_');
    return s;
}

} // namespace

std::string npyBytes(const engine::Matrix& m)
{
    static_assert(std::endian::native == std::endian::little, "'<f4' data is written as is");
    std::string shape = "(";
    shape.append(std::to_string(m.rows()));
    shape.append(m.cols() == 1 ? "," : ", " + std::to_string(m.cols()));
    shape.append(")");
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    // Magic (6) + version (2) + length (2) + header, padded with spaces and ended by '\n' to a
    // multiple of 64 bytes, as numpy.lib.format writes it.
    const std::size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';

    std::string bytes("\x93NUMPY\x01\x00", 8);
    bytes += char(header.size() & 0xff);
    bytes += char((header.size() >> 8) & 0xff);
    bytes += header;
    bytes.reserve(bytes.size() + std::size_t(m.size()) * 4);
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        for (Eigen::Index c = 0; c < m.cols(); ++c) {
            const float v = static_cast<float>(m(r, c));
            const auto raw = std::bit_cast<std::uint32_t>(v);
            for (int b = 0; b < 4; ++b)
                bytes += char((raw >> (8 * b)) & 0xff);
        }
    }
    return bytes;
}

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
        bytes = o.kind == "onnx" ? engine::onnxModelBytes(model.graph, model.context, model.project)
                                 : engine::pytorchScript(model.graph, model.context, model.project);
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
                const engine::Dataset data
                    = engine::loadDataset(project.dataset, dir.empty() ? "." : dir);
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

} // namespace

int runExport(const ExportOptions& o, std::ostream& out)
{
    if (o.kind == "onnx" || o.kind == "pytorch")
        return exportModel(o, out);
    if (o.kind == "svg")
        return exportDiagram(o, out);
    if (o.kind != "weights-npy")
        throw CommandError("export --" + o.kind
            + ": not available in this version (--onnx, --pytorch, --weights-npy and --svg are)");

    engine::Project project;
    try {
        project = engine::loadProject(o.project);
    } catch (const engine::InputError& e) {
        throw CommandError(withFile(o.project, e.what()));
    }
    if (project.weights.empty())
        throw CommandError(o.project
            + ": weights: the project has no trained weights (train it "
              "with netcanvas-train PROJECT.json --out TRAINED.json)");

    std::map<engine::NodeId, std::string> names;
    for (const engine::NodeRecord& n : project.nodes)
        names[n.id] = n.name.empty() ? n.type + "_" + std::to_string(n.id) : n.name;

    const std::filesystem::path dir(o.target);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throw CommandError(o.target + ": cannot create the folder: " + ec.message());

    int written = 0;
    for (const auto& [id, params] : project.weights) {
        const auto name = names.find(id);
        const std::string stem
            = safeFileStem(name != names.end() ? name->second : "node_" + std::to_string(id));
        for (const auto& [param, value] : params) {
            const std::filesystem::path file = dir / (stem + "." + safeFileStem(param) + ".npy");
            writeFileAtomically(file, npyBytes(value));
            out << "wrote " << file.string() << " (" << value.rows() << "x" << value.cols()
                << ")\n";
            ++written;
        }
    }
    out << "exported " << written << " arrays to " << o.target << std::endl;
    return ExitOk;
}

} // namespace cli
