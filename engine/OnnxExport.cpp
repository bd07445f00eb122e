#include "OnnxExport.h"

#include "AtomicFile.h"
#include "Errors.h"
#include "layers/Activation.h"
#include "layers/Dense.h"

#include <nlohmann/json.hpp>

#ifdef NETCANVAS_WITH_ONNX
#include <onnx/checker.h>
#include <onnx/onnx-ml.pb.h>
#endif

#include <cstdint>
#include <cstring>
#include <map>
#include <numbers>
#include <set>
#include <vector>

namespace engine {

#ifdef NETCANVAS_WITH_ONNX

namespace {

// Opset 17 is the newest the packaged ONNX 1.12 checker knows; it has no Gelu op (opset 20),
// hence the Erf form below.
constexpr std::int64_t kOpset = 17;
constexpr const char* kProjectKey = "netcanvas.project";
constexpr const char* kContextKey = "netcanvas.context";
constexpr const char* kWeightsKey = "netcanvas.weights";
constexpr const char* kInputName = "input";
constexpr const char* kOutputName = "output";

std::string nodeWhere(const Graph& g, NodeId id)
{
    return "nodes '" + g.name(id) + "'";
}

std::string sanitized(const std::string& name)
{
    std::string s;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '_' || c == '-' || c == '.';
        s += ok ? c : '_';
    }
    return s.empty() ? std::string("node") : s;
}

/// Appends nodes and initializers to a GraphProto, keeping every tensor name unique.
class OnnxBuilder {
public:
    explicit OnnxBuilder(onnx::GraphProto& graph)
        : m_graph(graph)
    {
        m_used = {kInputName, kOutputName};
    }

    /// `stem`, or `stem_2`, `stem_3`, ... when taken.
    std::string fresh(const std::string& stem)
    {
        std::string name = stem;
        for (int i = 2; m_used.count(name); ++i)
            name = stem + "_" + std::to_string(i);
        m_used.insert(name);
        return name;
    }

    /// Adds op(inputs) -> output (a fresh name from `stem` unless `exactOutput`).
    onnx::NodeProto* node(const std::string& op, const std::vector<std::string>& inputs,
        const std::string& stem, bool exactOutput = false)
    {
        onnx::NodeProto* n = m_graph.add_node();
        n->set_op_type(op);
        const std::string out = exactOutput ? stem : fresh(stem);
        n->set_name(out + "/" + op);
        for (const std::string& in : inputs)
            n->add_input(in);
        n->add_output(out);
        return n;
    }

    static void setInt(onnx::NodeProto* n, const std::string& name, std::int64_t v)
    {
        onnx::AttributeProto* a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::INT);
        a->set_i(v);
    }

    static void setFloat(onnx::NodeProto* n, const std::string& name, float v)
    {
        onnx::AttributeProto* a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::FLOAT);
        a->set_f(v);
    }

    /// A float initializer holding `m` in row-major order: dims [rows, cols], or [rows] for
    /// a column vector (a bias), so that ONNX sees the matrix exactly as the engine stores it.
    std::string matrix(const std::string& stem, const Matrix& m, bool asVector)
    {
        onnx::TensorProto* t = m_graph.add_initializer();
        const std::string name = fresh(stem);
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::FLOAT);
        t->add_dims(m.rows());
        if (!asVector)
            t->add_dims(m.cols());
        for (Eigen::Index r = 0; r < m.rows(); ++r)
            for (Eigen::Index c = 0; c < m.cols(); ++c)
                t->add_float_data(static_cast<float>(m(r, c)));
        return name;
    }

    std::string scalar(const std::string& stem, float v)
    {
        onnx::TensorProto* t = m_graph.add_initializer();
        const std::string name = fresh(stem);
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::FLOAT);
        t->add_float_data(v);
        return name;
    }

    std::string int64s(const std::string& stem, const std::vector<std::int64_t>& values)
    {
        onnx::TensorProto* t = m_graph.add_initializer();
        const std::string name = fresh(stem);
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::INT64);
        t->add_dims(std::int64_t(values.size()));
        for (std::int64_t v : values)
            t->add_int64_data(v);
        return name;
    }

    /// f(in) as one or more nodes; returns the output tensor (named from `stem`, or exactly
    /// `stem` when `exactOutput`).
    std::string activation(ActivationKind kind, double alpha, const std::string& in,
        const std::string& stem, bool exactOutput = false)
    {
        switch (kind) {
        case ActivationKind::Identity:
            return node("Identity", {in}, stem, exactOutput)->output(0);
        case ActivationKind::Sigmoid:
            return node("Sigmoid", {in}, stem, exactOutput)->output(0);
        case ActivationKind::Tanh:
            return node("Tanh", {in}, stem, exactOutput)->output(0);
        case ActivationKind::ReLU:
            return node("Relu", {in}, stem, exactOutput)->output(0);
        case ActivationKind::LeakyReLU: {
            onnx::NodeProto* n = node("LeakyRelu", {in}, stem, exactOutput);
            setFloat(n, "alpha", float(alpha));
            return n->output(0);
        }
        case ActivationKind::ELU: {
            onnx::NodeProto* n = node("Elu", {in}, stem, exactOutput);
            setFloat(n, "alpha", float(alpha));
            return n->output(0);
        }
        case ActivationKind::Softmax: {
            // The engine normalizes over a sample's features: the last axis of [N, F].
            onnx::NodeProto* n = node("Softmax", {in}, stem, exactOutput);
            setInt(n, "axis", -1);
            return n->output(0);
        }
        case ActivationKind::GELU: {
            // gelu(x) = 0.5 x (1 + erf(x / sqrt 2)), in the engine's order of operations.
            if (m_geluConstants.empty()) {
                m_geluConstants.push_back(
                    scalar("gelu.inv_sqrt2", 1.0f / std::numbers::sqrt2_v<float>));
                m_geluConstants.push_back(scalar("gelu.one", 1.0f));
                m_geluConstants.push_back(scalar("gelu.half", 0.5f));
            }
            const std::string scaled
                = node("Mul", {in, m_geluConstants[0]}, stem + ".scaled")->output(0);
            const std::string erf = node("Erf", {scaled}, stem + ".erf")->output(0);
            const std::string onePlus
                = node("Add", {erf, m_geluConstants[1]}, stem + ".one_plus_erf")->output(0);
            const std::string half
                = node("Mul", {in, m_geluConstants[2]}, stem + ".half_x")->output(0);
            return node("Mul", {half, onePlus}, stem, exactOutput)->output(0);
        }
        }
        return in;
    }

private:
    onnx::GraphProto& m_graph;
    std::set<std::string> m_used;
    std::vector<std::string> m_geluConstants;
};

void setTensorType(onnx::ValueInfoProto* v, const std::string& name, long features)
{
    v->set_name(name);
    onnx::TypeProto_Tensor* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    t->mutable_shape()->add_dim()->set_dim_param("N");
    t->mutable_shape()->add_dim()->set_dim_value(features);
}

nlohmann::json contextToJson(const GraphContext& c)
{
    return {{"inputShape", c.inputShape.dims()}, {"numClasses", c.numClasses},
        {"targetRows", c.targetRows}};
}

GraphContext contextFromJson(const nlohmann::json& j)
{
    GraphContext c;
    c.inputShape = Shape(j.at("inputShape").get<std::vector<int>>());
    c.numClasses = j.at("numClasses").get<int>();
    c.targetRows = j.at("targetRows").get<long>();
    return c;
}

/// The transform of the loss's output transform (Loss::outputTransform) as an activation.
ActivationKind outputTransformOf(const std::string& lossType)
{
    if (lossType == "binary_crossentropy")
        return ActivationKind::Sigmoid;
    if (lossType == "softmax_crossentropy")
        return ActivationKind::Softmax;
    return ActivationKind::Identity;
}

/// Emits the nodes of one layer; returns its output tensor.
std::string emitLayer(OnnxBuilder& b, const Graph& graph, NodeId id,
    const std::map<NodeId, std::string>& tensors, const WeightMap& weights,
    nlohmann::json& weightNames)
{
    const Layer& layer = graph.layer(id);
    const std::string type = layer.type();
    const std::string stem = sanitized(graph.name(id));
    std::vector<std::string> inputs;
    for (NodeId in : graph.inputsOf(id))
        inputs.push_back(tensors.at(in));

    if (type == "Dense") {
        const auto& dense = static_cast<const Dense&>(layer);
        const auto& params = weights.at(id);
        std::vector<std::string> gemmInputs {inputs.at(0)};
        for (const char* param : {"W", "b"}) {
            if (!params.count(param))
                continue;
            gemmInputs.push_back(b.matrix(stem + "." + param, params.at(param), param[0] == 'b'));
            weightNames[gemmInputs.back()] = {{"node", id}, {"param", param}};
        }
        const bool fused = dense.activation() != ActivationKind::Identity;
        onnx::NodeProto* gemm = b.node("Gemm", gemmInputs, fused ? stem + ".linear" : stem);
        OnnxBuilder::setInt(gemm, "transB", 1);
        if (!fused)
            return gemm->output(0);
        const double alpha = dense.attributes().value("alpha", 0.01);
        return b.activation(dense.activation(), alpha, gemm->output(0), stem);
    }
    if (type == "Activation") {
        const auto& act = static_cast<const Activation&>(layer);
        return b.activation(act.kind(), act.alpha(), inputs.at(0), stem);
    }
    // Inverted dropout is the identity at inference; Flatten and Reshape only relabel a sample
    // that travels flat ([N, F]) anyway.
    if (type == "Dropout" || type == "Flatten" || type == "Reshape")
        return b.node("Identity", {inputs.at(0)}, stem)->output(0);
    if (type == "Add") {
        std::string sum = inputs.at(0);
        for (std::size_t i = 1; i < inputs.size(); ++i)
            sum = b.node("Add", {sum, inputs[i]}, i + 1 == inputs.size() ? stem : stem + ".partial")
                      ->output(0);
        return sum;
    }
    if (type == "Concatenate") {
        // Tensors travel flat as [N, F]; joining along the last axis of an H x W x C sample
        // interleaves per position, so such inputs are viewed as [N, positions, C] first.
        long positions = 1;
        std::vector<long> channels;
        for (NodeId in : graph.inputsOf(id)) {
            const Shape& s = graph.compiled().shapes.at(in);
            channels.push_back(s.dims().empty() ? 1 : s.dims().back());
            positions = s.size() / channels.back();
        }
        if (positions == 1) {
            onnx::NodeProto* n = b.node("Concat", inputs, stem);
            OnnxBuilder::setInt(n, "axis", -1);
            return n->output(0);
        }
        std::vector<std::string> views;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const std::string shape = b.int64s(stem + ".view_shape", {0, positions, channels[i]});
            views.push_back(b.node("Reshape", {inputs[i], shape}, stem + ".view")->output(0));
        }
        onnx::NodeProto* cat = b.node("Concat", views, stem + ".joined");
        OnnxBuilder::setInt(cat, "axis", -1);
        const std::string flat = b.int64s(stem + ".flat_shape", {0, -1});
        return b.node("Reshape", {cat->output(0), flat}, stem)->output(0);
    }
    throw InputError(nodeWhere(graph, id),
        "a " + type
            + " layer cannot be exported to ONNX yet (exportable: Input, Dense, Activation, "
              "Dropout, Flatten, Reshape, Add, Concatenate)");
}

} // namespace

bool onnxAvailable()
{
    return true;
}

std::string onnxModelBytes(const Graph& graph, const GraphContext& context, const Project& project)
{
    if (!graph.isCompiled())
        throw InputError("onnx", "the network must be compiled before export");
    const GraphCheck& check = graph.compiled();
    const WeightMap weights = graph.weights();
    const long features = check.shapes.at(check.inputNode).size();
    const long outputs = check.shapes.at(check.outputNode).size();

    onnx::ModelProto model;
    model.set_ir_version(onnx::IR_VERSION);
    model.set_producer_name("NetCanvas");
    model.set_producer_version(NETCANVAS_VERSION);
    model.set_model_version(1);
    if (!project.description.empty())
        model.set_doc_string(project.description);
    onnx::OperatorSetIdProto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(kOpset);

    onnx::GraphProto* g = model.mutable_graph();
    g->set_name(project.name.empty() ? std::string("netcanvas") : project.name);
    setTensorType(g->add_input(), kInputName, features);
    setTensorType(g->add_output(), kOutputName, outputs);

    OnnxBuilder builder(*g);
    std::map<NodeId, std::string> tensors;
    nlohmann::json weightNames = nlohmann::json::object(); // initializer -> node and param
    for (NodeId id : graph.executionOrder()) {
        const std::string type = graph.layer(id).type();
        if (type == "Input")
            tensors[id] = kInputName;
        else if (type != "Loss")
            tensors[id] = emitLayer(builder, graph, id, tensors, weights, weightNames);
    }
    builder.activation(
        outputTransformOf(graph.lossType()), 0, tensors.at(check.outputNode), kOutputName, true);

    nlohmann::json architecture = project.toJson();
    architecture.erase("weights");
    const std::pair<const char*, std::string> metadata[] = {
        {kProjectKey, architecture.dump()},
        {kContextKey, contextToJson(context).dump()},
        {kWeightsKey, weightNames.dump()},
    };
    for (const auto& [key, value] : metadata) {
        onnx::StringStringEntryProto* e = model.add_metadata_props();
        e->set_key(key);
        e->set_value(value);
    }

    try {
        onnx::checker::check_model(model);
    } catch (const std::exception& e) {
        throw InputError("onnx", std::string("the ONNX checker rejected the model: ") + e.what());
    }
    std::string bytes;
    if (!model.SerializeToString(&bytes))
        throw InputError("onnx", "the model could not be serialized (larger than 2 GB?)");
    return bytes;
}

OnnxNetCanvasModel readNetCanvasOnnx(const std::filesystem::path& file)
{
    const std::string where = file.string();
    const std::string bytes = readFileBytes(file);
    onnx::ModelProto model;
    if (!model.ParseFromString(bytes))
        throw InputError(where, "not an ONNX model (the file does not parse as a ModelProto)");
    try {
        onnx::checker::check_model(model);
    } catch (const std::exception& e) {
        throw InputError(where, std::string("the ONNX checker rejects the model: ") + e.what());
    }

    std::map<std::string, std::string> meta;
    for (const onnx::StringStringEntryProto& e : model.metadata_props())
        meta[e.key()] = e.value();
    for (const char* key : {kProjectKey, kContextKey, kWeightsKey})
        if (!meta.count(key))
            throw InputError(where,
                std::string("not exported by NetCanvas (metadata '") + key
                    + "' is missing): predict runs only ONNX files that NetCanvas wrote");

    OnnxNetCanvasModel result;
    nlohmann::json weightNames;
    try {
        result.project = Project::fromJson(nlohmann::json::parse(meta[kProjectKey]));
        result.context = contextFromJson(nlohmann::json::parse(meta[kContextKey]));
        weightNames = nlohmann::json::parse(meta[kWeightsKey]);
    } catch (const InputError& e) {
        throw InputError(where + ": metadata " + kProjectKey, e.what());
    } catch (const nlohmann::json::exception& e) {
        throw InputError(where, std::string("damaged NetCanvas metadata: ") + e.what());
    }

    const onnx::GraphProto& g = model.graph();
    if (g.input_size() < 1 || g.input(0).type().tensor_type().shape().dim_size() != 2)
        throw InputError(where, "expected one graph input of shape [N, features]");
    result.inputFeatures = g.input(0).type().tensor_type().shape().dim(1).dim_value();
    if (result.inputFeatures != result.context.inputShape.size())
        throw InputError(where,
            "the graph input has " + std::to_string(result.inputFeatures)
                + " features but the stored input shape is "
                + result.context.inputShape.toString());

    for (const onnx::TensorProto& t : g.initializer()) {
        if (!weightNames.contains(t.name()))
            continue;
        const nlohmann::json& ref = weightNames[t.name()];
        if (t.data_type() != onnx::TensorProto::FLOAT || t.dims_size() < 1 || t.dims_size() > 2)
            throw InputError(where + ": initializer " + t.name(), "expected a float matrix");
        const long rows = long(t.dims(0));
        const long cols = t.dims_size() == 2 ? long(t.dims(1)) : 1;
        const std::size_t count = std::size_t(rows * cols);
        std::vector<float> values;
        if (t.float_data_size() > 0) {
            values.assign(t.float_data().begin(), t.float_data().end());
        } else if (t.raw_data().size() == count * sizeof(float)) {
            values.resize(count);
            std::memcpy(values.data(), t.raw_data().data(), count * sizeof(float));
        }
        if (values.size() != count)
            throw InputError(where + ": initializer " + t.name(),
                "holds " + std::to_string(values.size()) + " values, its shape needs "
                    + std::to_string(count));
        Matrix m(rows, cols);
        for (long r = 0; r < rows; ++r)
            for (long c = 0; c < cols; ++c)
                m(r, c) = static_cast<Scalar>(values[std::size_t(r * cols + c)]);
        result.project.weights[ref.at("node").get<NodeId>()][ref.at("param").get<std::string>()]
            = std::move(m);
    }
    return result;
}

#else // NETCANVAS_WITH_ONNX

namespace {
[[noreturn]] void unavailable()
{
    throw InputError("onnx",
        "this build of NetCanvas has no ONNX support (rebuild with libonnx-dev and "
        "libprotobuf-dev installed, -DNETCANVAS_WITH_ONNX=ON)");
}
} // namespace

bool onnxAvailable()
{
    return false;
}

std::string onnxModelBytes(const Graph&, const GraphContext&, const Project&)
{
    unavailable();
}

OnnxNetCanvasModel readNetCanvasOnnx(const std::filesystem::path&)
{
    unavailable();
}

#endif // NETCANVAS_WITH_ONNX

void exportOnnx(
    const Project& project, const GraphContext& context, const std::filesystem::path& file)
{
    if (!onnxAvailable())
        onnxModelBytes(Graph(), context, project);
    Graph graph = project.buildGraph();
    try {
        graph.compile(context, project.training.seed);
    } catch (const ShapeError& e) {
        throw InputError("nodes", e.what());
    }
    graph.setWeights(project.weights, true);
    writeFileAtomically(file, onnxModelBytes(graph, context, project));
}

} // namespace engine
