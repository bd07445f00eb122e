#include "export/OnnxExport.h"

#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "core/JsonText.h"
#include "data/DatasetSpec.h"
#include "export/ExportLayout.h"
#include "export/ExportedModel.h"
#include "export/OnnxExportRecurrent.h"
#include "export/Predictor.h"
#include "layers/Activation.h"
#include "layers/Conv2D.h"
#include "layers/Dense.h"
#include "layers/Pooling.h"

#include <nlohmann/json.hpp>

#ifdef NETCANVAS_WITH_ONNX
#include <onnx/checker.h>
#include <onnx/onnx-ml.pb.h>

#include "export/OnnxAttributes.h"
#include "export/OnnxModelFile.h"
#endif

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
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

    onnx::GraphProto& proto() { return m_graph; }

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

    /// A float initializer of shape `dims` holding `values` in row-major order.
    std::string floats(const std::string& stem, const std::vector<std::int64_t>& dims,
        const std::vector<float>& values)
    {
        onnx::TensorProto* t = m_graph.add_initializer();
        const std::string name = fresh(stem);
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::FLOAT);
        for (std::int64_t d : dims)
            t->add_dims(d);
        for (float v : values)
            t->add_float_data(v);
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
            onnxattr::setFloat(n, "alpha", float(alpha));
            return n->output(0);
        }
        case ActivationKind::ELU: {
            onnx::NodeProto* n = node("Elu", {in}, stem, exactOutput);
            onnxattr::setFloat(n, "alpha", float(alpha));
            return n->output(0);
        }
        case ActivationKind::Softmax: {
            // The engine normalizes over a sample's features: the last axis of [N, F].
            onnx::NodeProto* n = node("Softmax", {in}, stem, exactOutput);
            onnxattr::setInt(n, "axis", -1);
            return n->output(0);
        }
        case ActivationKind::ReLU6: {
            if (m_relu6Bounds.empty()) {
                m_relu6Bounds.push_back(scalar("relu6.min", 0.0f));
                m_relu6Bounds.push_back(scalar("relu6.max", 6.0f));
            }
            return node("Clip", {in, m_relu6Bounds[0], m_relu6Bounds[1]}, stem, exactOutput)
                ->output(0);
        }
        case ActivationKind::LogSoftmax: {
            onnx::NodeProto* n = node("LogSoftmax", {in}, stem, exactOutput);
            onnxattr::setInt(n, "axis", -1);
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
    std::vector<std::string> m_relu6Bounds;
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

/// One node's output as ONNX tensors. The engine's flat [N, F] form is always available on
/// demand; image layers also work on the NCHW form [N, C, H, W], and the conversions between
/// the two (Reshape + Transpose) are emitted once per node, only when a consumer needs them.
struct NodeTensors {
    std::string flat; ///< [N, F], F in the engine's order (H x W x C, channel fastest)
    std::string nchw; ///< [N, C, H, W] (image shapes only)
};

/// Emits the ONNX nodes of the executed layers, in execution order.
class GraphEmitter {
public:
    GraphEmitter(OnnxBuilder& b, const Graph& graph, nlohmann::json& weightNames)
        : m_b(b)
        , m_graph(graph)
        , m_weights(graph.weights())
        , m_weightNames(weightNames)
    { }

    /// The Input node's output: the graph input, or the scaled input (see inputScaling()).
    void input(NodeId id, const std::string& tensor) { m_tensors[id].flat = tensor; }

    void layer(NodeId id);

    /// The node's flat [N, F] tensor, converting from NCHW when needed.
    std::string flat(NodeId id)
    {
        NodeTensors& t = m_tensors.at(id);
        if (t.flat.empty())
            t.flat = nchwToFlat(t.nchw, sanitized(m_graph.name(id)));
        return t.flat;
    }

    /// The node's image output as [N, C, H, W], converting from the flat form when needed.
    std::string nchw(NodeId id)
    {
        NodeTensors& t = m_tensors.at(id);
        if (t.nchw.empty()) {
            const Shape& s = shapeOf(id);
            const std::string stem = sanitized(m_graph.name(id));
            const std::string shape = m_b.int64s(stem + ".nhwc_shape", {-1, s[0], s[1], s[2]});
            const std::string nhwc
                = m_b.node("Reshape", {flat(id), shape}, stem + ".nhwc")->output(0);
            onnx::NodeProto* to = m_b.node("Transpose", {nhwc}, stem + ".nchw");
            onnxattr::setInts(to, "perm", {0, 3, 1, 2});
            t.nchw = to->output(0);
        }
        return t.nchw;
    }

private:
    std::string nchwToFlat(const std::string& nchw, const std::string& stem)
    {
        onnx::NodeProto* back = m_b.node("Transpose", {nchw}, stem + ".nhwc");
        onnxattr::setInts(back, "perm", {0, 2, 3, 1});
        const std::string shape = m_b.int64s(stem + ".flat_shape", {0, -1});
        return m_b.node("Reshape", {back->output(0), shape}, stem + ".flat")->output(0);
    }

    const Shape& shapeOf(NodeId id) const { return m_graph.compiled().shapes.at(id); }
    bool isImage(NodeId id) const { return shapeOf(id).rank() == 3; }
    bool hasNchw(NodeId id) const { return !m_tensors.at(id).nchw.empty(); }
    std::string where(NodeId id) const { return nodeWhere(m_graph, id); }

    /// An initializer for parameter `param` of node `id`, recorded in the weight table so
    /// readNetCanvasOnnx() can map it back. A column vector becomes 1-D.
    std::string weight(NodeId id, const std::string& param)
    {
        const Matrix& m = m_weights.at(id).at(param);
        const std::string name
            = m_b.matrix(sanitized(m_graph.name(id)) + "." + param, m, m.cols() == 1);
        m_weightNames[name] = {{"node", id}, {"param", param}};
        return name;
    }

    std::string optionalWeight(NodeId id, const std::string& param)
    {
        return m_weights.at(id).count(param) ? weight(id, param) : std::string();
    }

    /// f(x) on the node's layout: element-wise functions keep NCHW; (log-)softmax normalizes the
    /// whole flat sample as the engine does, so callers pass it `pre` with `flat` set.
    void activate(NodeId id, ActivationKind kind, double alpha, NodeTensors pre)
    {
        NodeTensors& t = m_tensors[id];
        const std::string stem = sanitized(m_graph.name(id));
        if (!pre.nchw.empty() && !isPerSample(kind))
            t.nchw = m_b.activation(kind, alpha, pre.nchw, stem);
        else
            t.flat = m_b.activation(kind, alpha, pre.flat, stem);
    }

    void dense(NodeId id);
    void conv(NodeId id);
    void pool(NodeId id, bool max);
    void globalPool(NodeId id, bool max);
    void batchNorm(NodeId id);
    void layerNorm(NodeId id);
    void add(NodeId id);
    void concatenate(NodeId id);

    OnnxBuilder& m_b;
    const Graph& m_graph;
    const WeightMap m_weights;
    nlohmann::json& m_weightNames;
    std::map<NodeId, NodeTensors> m_tensors;
};

void GraphEmitter::layer(NodeId id)
{
    const Layer& layer = m_graph.layer(id);
    const std::string type = layer.type();
    const std::vector<NodeId> in = m_graph.inputsOf(id);
    if (type == "Dense") {
        dense(id);
    } else if (type == "Conv2D") {
        conv(id);
    } else if (type == "MaxPool2D" || type == "AveragePool2D") {
        pool(id, type == "MaxPool2D");
    } else if (type == "GlobalAveragePool2D" || type == "GlobalMaxPool2D") {
        globalPool(id, type == "GlobalMaxPool2D");
    } else if (type == "BatchNorm") {
        batchNorm(id);
    } else if (type == "LayerNorm") {
        layerNorm(id);
    } else if (type == "Activation") {
        const auto& act = static_cast<const Activation&>(layer);
        NodeTensors pre = m_tensors.at(in.at(0));
        if (isPerSample(act.kind()) || pre.nchw.empty())
            pre = {flat(in.at(0)), {}};
        activate(id, act.kind(), act.alpha(), pre);
    } else if (type == "Dropout") {
        // Inverted dropout is the identity at inference.
        m_tensors[id] = m_tensors.at(in.at(0));
    } else if (type == "Flatten" || type == "Reshape") {
        // Same values in the same order: only the shape the next layer sees changes.
        m_tensors[id].flat = flat(in.at(0));
    } else if (type == "Add") {
        add(id);
    } else if (type == "Concatenate") {
        concatenate(id);
    } else if (onnxrecurrent::handles(type)) {
        onnxrecurrent::Sink sink {m_b.proto(),
            [this](const std::string& s) { return m_b.fresh(s); }, m_weightNames,
            [this](ActivationKind kind, double alpha, const std::string& x,
                const std::string& stem) { return m_b.activation(kind, alpha, x, stem); }};
        m_tensors[id].flat
            = onnxrecurrent::emit(sink, m_graph, id, flat(in.at(0)), sanitized(m_graph.name(id)));
    } else {
        throw InputError(where(id),
            "a " + type
                + " layer cannot be exported to ONNX (exportable: Input, Dense, Conv2D, "
                  "MaxPool2D, AveragePool2D, GlobalAveragePool2D, GlobalMaxPool2D, BatchNorm, "
                  "LayerNorm, Activation, Dropout, "
                  "Flatten, Reshape, Add, Concatenate, SimpleRNN, LSTM, GRU, Embedding, "
                  "TimeDistributed)");
    }
}

void GraphEmitter::dense(NodeId id)
{
    const auto& dense = static_cast<const Dense&>(m_graph.layer(id));
    const std::string stem = sanitized(m_graph.name(id));
    std::vector<std::string> gemmInputs {flat(m_graph.inputsOf(id).at(0)), weight(id, "W")};
    if (const std::string b = optionalWeight(id, "b"); !b.empty())
        gemmInputs.push_back(b);
    const bool fused = dense.activation() != ActivationKind::Identity;
    onnx::NodeProto* gemm = m_b.node("Gemm", gemmInputs, fused ? stem + ".linear" : stem);
    onnxattr::setInt(gemm, "transB", 1);
    if (!fused) {
        m_tensors[id].flat = gemm->output(0);
        return;
    }
    activate(
        id, dense.activation(), dense.attributes().value("alpha", 0.01), {gemm->output(0), {}});
}

void GraphEmitter::conv(NodeId id)
{
    const auto& conv = static_cast<const Conv2D&>(m_graph.layer(id));
    const NodeId src = m_graph.inputsOf(id).at(0);
    const Shape& in = shapeOf(src);
    const std::string stem = sanitized(m_graph.name(id));
    const image::Size2 k = conv.kernel(), stride = conv.stride(), dilation = conv.dilation();
    const int channels = in[2] / conv.groups(); // ONNX's grouped weight is [filters, Cg, KH, KW]

    const Matrix& w = m_weights.at(id).at("W");
    const std::vector<float> oihw = exportlayout::convWeightsOihw(w, k.h, k.w, channels);
    const std::string wName = m_b.floats(stem + ".W", {w.rows(), channels, k.h, k.w}, oihw);
    m_weightNames[wName] = {
        {"node", id}, {"param", "W"}, {"layout", "oihw"}, {"kernel", k.h}, {"channels", channels}};
    if (!k.square())
        m_weightNames[wName]["kernelW"] = k.w;
    std::vector<std::string> inputs {nchw(src), wName};
    if (const std::string b = optionalWeight(id, "b"); !b.empty())
        inputs.push_back(b);

    const bool fused = conv.activation() != ActivationKind::Identity;
    onnx::NodeProto* n = m_b.node("Conv", inputs, fused ? stem + ".linear" : stem);
    // The engine's padding on each side, "same" included: ONNX pads [top, left, bottom, right].
    const auto g = conv.geometryFor(in);
    onnxattr::setInts(n, "kernel_shape", {k.h, k.w});
    onnxattr::setInts(n, "strides", {stride.h, stride.w});
    onnxattr::setInts(n, "pads", {g.h.padBefore, g.w.padBefore, g.h.padAfter, g.w.padAfter});
    onnxattr::setInts(n, "dilations", {dilation.h, dilation.w});
    onnxattr::setInt(n, "group", conv.groups());
    if (!fused) {
        m_tensors[id].nchw = n->output(0);
        return;
    }
    NodeTensors pre {{}, n->output(0)};
    if (isPerSample(conv.activation()))
        pre = {nchwToFlat(n->output(0), stem + ".linear"), {}};
    activate(id, conv.activation(), conv.attributes().value("alpha", 0.01), pre);
}

void GraphEmitter::pool(NodeId id, bool max)
{
    const auto& pool = static_cast<const Pool2D&>(m_graph.layer(id));
    const NodeId src = m_graph.inputsOf(id).at(0);
    const image::Size2 p = pool.pool(), stride = pool.effectiveStride();
    const auto g = pool.geometryFor(shapeOf(src));
    // MaxPool never picks a padded cell; AveragePool's count_include_pad matches the layer's
    // (0, the default, averages over the pixels inside the image).
    onnx::NodeProto* n
        = m_b.node(max ? "MaxPool" : "AveragePool", {nchw(src)}, sanitized(m_graph.name(id)));
    onnxattr::setInts(n, "kernel_shape", {p.h, p.w});
    onnxattr::setInts(n, "strides", {stride.h, stride.w});
    onnxattr::setInts(n, "pads", {g.h.padBefore, g.w.padBefore, g.h.padAfter, g.w.padAfter});
    if (pool.ceilMode())
        onnxattr::setInt(n, "ceil_mode", 1);
    if (!max && static_cast<const AveragePool2D&>(pool).countIncludePad())
        onnxattr::setInt(n, "count_include_pad", 1);
    m_tensors[id].nchw = n->output(0);
}

void GraphEmitter::globalPool(NodeId id, bool max)
{
    const std::string stem = sanitized(m_graph.name(id));
    // [N, C, 1, 1] -> [N, C]: the engine's C-vector.
    const std::string pooled = m_b.node(max ? "GlobalMaxPool" : "GlobalAveragePool",
                                      {nchw(m_graph.inputsOf(id).at(0))}, stem + ".pooled")
                                   ->output(0);
    onnx::NodeProto* n = m_b.node("Flatten", {pooled}, stem);
    onnxattr::setInt(n, "axis", 1);
    m_tensors[id].flat = n->output(0);
}

void GraphEmitter::batchNorm(NodeId id)
{
    const NodeId src = m_graph.inputsOf(id).at(0);
    const bool image = isImage(src);
    if (!image && shapeOf(src).rank() != 1)
        throw InputError(where(id), "BatchNorm export needs a feature vector or an image input");
    // Inference mode: normalized with the running statistics (training_mode = 0).
    onnx::NodeProto* n = m_b.node("BatchNormalization",
        {image ? nchw(src) : flat(src), weight(id, "gamma"), weight(id, "beta"),
            weight(id, "running_mean"), weight(id, "running_var")},
        sanitized(m_graph.name(id)));
    onnxattr::setFloat(n, "epsilon", float(m_graph.layer(id).attributes().value("epsilon", 1e-5)));
    if (image)
        m_tensors[id].nchw = n->output(0);
    else
        m_tensors[id].flat = n->output(0);
}

void GraphEmitter::layerNorm(NodeId id)
{
    // The engine normalizes over every value of a sample: the last axis of the flat form.
    onnx::NodeProto* n = m_b.node("LayerNormalization",
        {flat(m_graph.inputsOf(id).at(0)), weight(id, "gamma"), weight(id, "beta")},
        sanitized(m_graph.name(id)));
    onnxattr::setInt(n, "axis", -1);
    onnxattr::setFloat(n, "epsilon", float(m_graph.layer(id).attributes().value("epsilon", 1e-5)));
    m_tensors[id].flat = n->output(0);
}

void GraphEmitter::add(NodeId id)
{
    const std::vector<NodeId> in = m_graph.inputsOf(id);
    const std::string stem = sanitized(m_graph.name(id));
    // Stay in NCHW when every input already is (a residual block between convolutions).
    const bool image = std::all_of(in.begin(), in.end(), [&](NodeId n) { return hasNchw(n); });
    std::string sum = image ? nchw(in.at(0)) : flat(in.at(0));
    for (std::size_t i = 1; i < in.size(); ++i)
        sum = m_b.node("Add", {sum, image ? nchw(in[i]) : flat(in[i])},
                     i + 1 == in.size() ? stem : stem + ".partial")
                  ->output(0);
    if (image)
        m_tensors[id].nchw = sum;
    else
        m_tensors[id].flat = sum;
}

void GraphEmitter::concatenate(NodeId id)
{
    const std::vector<NodeId> in = m_graph.inputsOf(id);
    const std::string stem = sanitized(m_graph.name(id));
    // Images join along C per pixel: the channel axis of NCHW.
    if (isImage(id) && std::all_of(in.begin(), in.end(), [&](NodeId n) { return isImage(n); })) {
        std::vector<std::string> parts;
        for (NodeId n : in)
            parts.push_back(nchw(n));
        onnx::NodeProto* cat = m_b.node("Concat", parts, stem);
        onnxattr::setInt(cat, "axis", 1);
        m_tensors[id].nchw = cat->output(0);
        return;
    }
    // Otherwise the samples are joined along their last axis; an H x W x C sample interleaves
    // per position, so such inputs are viewed as [N, positions, C] first.
    long positions = 1;
    std::vector<long> channels;
    for (NodeId n : in) {
        const Shape& s = shapeOf(n);
        channels.push_back(s.dims().empty() ? 1 : s.dims().back());
        positions = s.size() / channels.back();
    }
    if (positions == 1) {
        std::vector<std::string> parts;
        for (NodeId n : in)
            parts.push_back(flat(n));
        onnx::NodeProto* cat = m_b.node("Concat", parts, stem);
        onnxattr::setInt(cat, "axis", -1);
        m_tensors[id].flat = cat->output(0);
        return;
    }
    std::vector<std::string> views;
    for (std::size_t i = 0; i < in.size(); ++i) {
        const std::string shape = m_b.int64s(stem + ".view_shape", {0, positions, channels[i]});
        views.push_back(m_b.node("Reshape", {flat(in[i]), shape}, stem + ".view")->output(0));
    }
    onnx::NodeProto* cat = m_b.node("Concat", views, stem + ".joined");
    onnxattr::setInt(cat, "axis", -1);
    const std::string flatShape = m_b.int64s(stem + ".flat_shape", {0, -1});
    m_tensors[id].flat = m_b.node("Reshape", {cat->output(0), flatShape}, stem)->output(0);
}

/// (input - shift) * scale as the first nodes, in FeatureScaling::apply()'s float order; returns
/// the scaled tensor, or the input itself for the identity.
std::string inputScaling(OnnxBuilder& b, const FeatureScaling& scaling)
{
    if (scaling.isIdentity())
        return kInputName;
    const auto floats
        = [](const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); };
    const auto features = std::int64_t(scaling.shift.size());
    const std::string shift = b.floats("input_scaling.shift", {features}, floats(scaling.shift));
    const std::string scale = b.floats("input_scaling.scale", {features}, floats(scaling.scale));
    const std::string shifted = b.node("Sub", {kInputName, shift}, "input.shifted")->output(0);
    return b.node("Mul", {shifted, scale}, "input.scaled")->output(0);
}

} // namespace

bool onnxAvailable()
{
    return true;
}

std::string onnxModelBytes(const TrainedModel& trained)
{
    const Graph& graph = trained.graph;
    const GraphContext& context = trained.context;
    const Project& project = trained.project;
    const auto [features, outputs] = checkExportable(trained, "onnx");
    const GraphCheck& check = graph.compiled();

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
    const std::string scaledInput = inputScaling(builder, trained.scaling);
    nlohmann::json weightNames = nlohmann::json::object(); // initializer -> node and param
    GraphEmitter emitter(builder, graph, weightNames);
    forEachExportedNode(
        graph, [&](NodeId id) { emitter.input(id, scaledInput); },
        [&](NodeId id) { emitter.layer(id); });
    builder.activation(
        outputTransformOf(graph.lossType()), 0, emitter.flat(check.outputNode), kOutputName, true);

    // The statistics travel with the project, so predict on this file scales as training did
    // even when the project took them from its dataset rather than storing them. The weights are
    // the graph's initializers, and the run history has no use in a model file: both stay out.
    Project stored {project.name, project.description, project.nodes, project.edges,
        project.dataset, project.training, {}, project.extra, {}, {}};
    if (!trained.scaling.isIdentity())
        stored.dataset.options["scalingStats"] = scalingToJson(trained.scaling);
    nlohmann::json architecture = stored.toJson();
    architecture.erase("weights");
    nlohmann::json contextJson = contextToJson(context);
    if (!trained.classNames.empty())
        contextJson["classNames"] = trained.classNames;
    const std::pair<const char*, std::string> metadata[] = {
        {kProjectKey, architecture.dump()},
        {kContextKey, contextJson.dump()},
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

namespace {

std::string dimsText(const onnx::TensorProto& t)
{
    std::string s = "dims [";
    for (int i = 0; i < t.dims_size(); ++i)
        s += (i ? ", " : "") + std::to_string(t.dims(i));
    return s + "]";
}

/// The float values of initializer `t` (float_data or raw_data), after checking its dims, which
/// come from an untrusted file, against them: every size non-negative, and their product (free
/// of overflow) the number of values stored. Errors are InputError(place, ...).
std::vector<float> initializerValues(const onnx::TensorProto& t, const std::string& place)
{
    const bool raw = t.float_data_size() == 0;
    if (raw && t.raw_data().size() % sizeof(float) != 0)
        throw InputError(place,
            "its raw data has " + std::to_string(t.raw_data().size())
                + " bytes, not a whole number of float32 values");
    const std::uint64_t stored
        = raw ? t.raw_data().size() / sizeof(float) : std::uint64_t(t.float_data_size());
    std::uint64_t count = 1;
    bool empty = false;
    for (const std::int64_t d : t.dims()) {
        if (d < 0)
            throw InputError(place, dimsText(t) + ": a size is negative");
        if (d == 0)
            empty = true; // the other sizes must still multiply without overflow
        else if (__builtin_mul_overflow(count, std::uint64_t(d), &count)
            || count > std::uint64_t(std::numeric_limits<long>::max()))
            throw InputError(place,
                dimsText(t) + ": more values than a 64-bit count holds (the data holds "
                    + std::to_string(stored) + ")");
    }
    if (empty)
        count = 0;
    if (count != stored)
        throw InputError(place,
            dimsText(t) + " need " + std::to_string(count) + " values, the data holds "
                + std::to_string(stored));
    if (!raw)
        return {t.float_data().begin(), t.float_data().end()};
    std::vector<float> values(count);
    std::memcpy(values.data(), t.raw_data().data(), count * sizeof(float));
    return values;
}

} // namespace

OnnxNetCanvasModel readNetCanvasOnnx(const std::filesystem::path& file)
{
    const std::string where = file.string();
    const onnx::ModelProto model = readCheckedOnnxModel(file);

    std::map<std::string, std::string> meta;
    for (const onnx::StringStringEntryProto& e : model.metadata_props())
        meta[e.key()] = e.value();
    for (const char* key : {kProjectKey, kContextKey, kWeightsKey})
        if (!meta.count(key))
            throw InputError(where,
                std::string("not exported by NetCanvas (metadata '") + key
                    + "' is missing): predict runs only ONNX files that NetCanvas wrote");

    // Each metadata entry is untrusted JSON: an error names the entry and the place inside it.
    const auto metadata = [&](const char* key, auto read) {
        const std::string place = where + ": metadata " + key;
        try {
            return read(parseJsonText(meta[key], place));
        } catch (const InputError& e) {
            if (e.where().rfind(place, 0) == 0)
                throw;
            throw InputError(e.where().empty() ? place : place + ": " + e.where(), e.message());
        } catch (const nlohmann::json::exception& e) {
            throw InputError(place, "damaged NetCanvas metadata: " + jsonErrorText(e));
        }
    };
    OnnxNetCanvasModel result;
    result.project
        = metadata(kProjectKey, [](const nlohmann::json& j) { return Project::fromJson(j); });
    metadata(kContextKey, [&](const nlohmann::json& j) {
        result.context = contextFromJson(j);
        result.classNames = j.value("classNames", std::vector<std::string>());
        return 0;
    });
    const nlohmann::json weightNames = metadata(kWeightsKey, [](const nlohmann::json& j) {
        if (!j.is_object())
            throw InputError(
                "", std::string("expected an object of initializer names, got ") + j.type_name());
        return j;
    });

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
        const nlohmann::json& ref = weightNames.at(t.name());
        const std::string refPlace = where + ": metadata " + kWeightsKey + "[\"" + t.name() + "\"]";
        NodeId node = 0;
        std::string param;
        try {
            node = ref.at("node").get<NodeId>();
            param = ref.at("param").get<std::string>();
            // Checked here so that the reads below cannot throw.
            (void)ref.value("layout", std::string());
            (void)ref.value("kernel", -1);
            (void)ref.value("kernelW", -1);
            (void)ref.value("channels", -1);
        } catch (const nlohmann::json::exception& e) {
            throw InputError(refPlace,
                "expected {\"node\": id, \"param\": name} (damaged NetCanvas metadata): "
                    + jsonErrorText(e));
        }
        // Convolution kernels are stored OIHW; everything else is the engine's matrix.
        const bool oihw = ref.value("layout", std::string()) == "oihw";
        const std::string place = where + ": initializer " + t.name();
        if (t.data_type() != onnx::TensorProto::FLOAT
            || (oihw ? t.dims_size() != 4 : (t.dims_size() < 1 || t.dims_size() > 2)))
            throw InputError(
                place, oihw ? "expected a float OIHW kernel" : "expected a float matrix");
        const std::vector<float> values = initializerValues(t, place);
        // The dims' product fits (checked above), so every partial product does too.
        const long rows = long(t.dims(0));
        long cols = 1;
        for (int i = 1; i < t.dims_size(); ++i)
            cols *= long(t.dims(i));
        Matrix m(rows, cols);
        if (oihw) {
            const int kernel = ref.value("kernel", -1);
            const int kernelW = ref.value("kernelW", kernel);
            const int channels = ref.value("channels", -1);
            if (t.dims(1) != channels || t.dims(2) != kernel || t.dims(3) != kernelW)
                throw InputError(
                    place, "the kernel's shape does not match its recorded size and channels");
            m = exportlayout::convWeightsFromOihw(values, rows, kernel, kernelW, channels);
        } else {
            for (long r = 0; r < rows; ++r)
                for (long c = 0; c < cols; ++c)
                    m(r, c) = static_cast<Scalar>(values[std::size_t(r * cols + c)]);
        }
        result.project.weights[node][param] = std::move(m);
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

std::string onnxModelBytes(const TrainedModel&)
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
        onnxModelBytes(TrainedModel());
    writeFileAtomically(file, onnxModelBytes(prepareModel(project, context)));
}

} // namespace engine
