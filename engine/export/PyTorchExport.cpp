#include "export/PyTorchExport.h"

#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "export/ExportLayout.h"
#include "export/ExportedModel.h"
#include "export/Predictor.h"
#include "export/PyTorchExportRecurrent.h"
#include "layers/Activation.h"
#include "layers/Conv2D.h"
#include "layers/Dense.h"
#include "layers/Dropout.h"
#include "layers/Pooling.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdint>
#include <map>
#include <set>
#include <sstream>
#include <tuple>
#include <vector>

namespace engine {

namespace {

constexpr std::size_t kBase64Line = 76;

std::string base64(const std::string& bytes)
{
    static constexpr char kAlphabet[]
        = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const std::uint32_t v = std::uint32_t(std::uint8_t(bytes[i])) << 16
            | std::uint32_t(std::uint8_t(bytes[i + 1])) << 8 | std::uint8_t(bytes[i + 2]);
        for (int shift : {18, 12, 6, 0})
            out += kAlphabet[(v >> shift) & 63];
    }
    if (const std::size_t rest = bytes.size() - i; rest > 0) {
        std::uint32_t v = std::uint32_t(std::uint8_t(bytes[i])) << 16;
        if (rest == 2)
            v |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

/// Little-endian float32 bytes of `values` (row-major data for torch.Tensor.reshape(shape)).
std::string floatBytes(const std::vector<float>& values)
{
    std::string bytes;
    bytes.reserve(values.size() * 4);
    for (float v : values) {
        const auto raw = std::bit_cast<std::uint32_t>(v);
        for (int b = 0; b < 4; ++b)
            bytes += char((raw >> (8 * b)) & 0xff);
    }
    return bytes;
}

std::string pythonNumber(double v)
{
    char buf[40];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
    std::string s(buf, ptr);
    if (s.find_first_of(".e") == std::string::npos)
        s += ".0";
    return s;
}

/// A JSON string literal is also a valid Python one.
std::string pythonString(const std::string& s)
{
    return nlohmann::json(s).dump();
}

/// Python identifiers for node names, unique and never a keyword or a name the script uses.
class Identifiers {
public:
    std::string make(const std::string& name)
    {
        std::string s;
        for (char c : name) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '_';
            s += ok ? c : '_';
        }
        if (s.empty() || (s[0] >= '0' && s[0] <= '9'))
            s.insert(0, "n_");
        std::string id = s;
        for (int i = 2; m_used.count(id) || kReserved.count(id); ++i)
            id = s + "_" + std::to_string(i);
        m_used.insert(id);
        return id;
    }

private:
    inline static const std::set<std::string> kReserved {"x", "self", "torch", "nn", "F", "False",
        "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
        "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
        "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
        "with", "yield", "forward", "predict", "training", "input_shift", "input_scale"};
    std::set<std::string> m_used;
};

std::string activationExpr(ActivationKind kind, double alpha, const std::string& e)
{
    switch (kind) {
    case ActivationKind::Identity:
        return e;
    case ActivationKind::Sigmoid:
        return "torch.sigmoid(" + e + ")";
    case ActivationKind::Tanh:
        return "torch.tanh(" + e + ")";
    case ActivationKind::ReLU:
        return "F.relu(" + e + ")";
    case ActivationKind::LeakyReLU:
        return "F.leaky_relu(" + e + ", negative_slope=" + pythonNumber(alpha) + ")";
    case ActivationKind::ELU:
        return "F.elu(" + e + ", alpha=" + pythonNumber(alpha) + ")";
    case ActivationKind::GELU:
        return "F.gelu(" + e + ")"; // exact (erf) form, as the engine computes it
    case ActivationKind::Softmax:
        return "torch.softmax(" + e + ", dim=-1)";
    case ActivationKind::ReLU6:
        return "F.relu6(" + e + ")";
    case ActivationKind::LogSoftmax:
        return "torch.log_softmax(" + e + ", dim=-1)";
    }
    return e;
}

std::string joined(const std::vector<std::string>& parts, const std::string& sep)
{
    std::string s;
    for (std::size_t i = 0; i < parts.size(); ++i)
        s += (i ? sep : "") + parts[i];
    return s;
}

/// Emits the module's __init__ lines, forward() lines and the weight table for the executed
/// layers. Like the ONNX export, a node's output exists as the engine's flat [N, F] tensor
/// and/or as NCHW [N, C, H, W] for the image layers; conversions are emitted once, on demand.
class ScriptEmitter {
public:
    explicit ScriptEmitter(const Graph& graph)
        : m_graph(graph)
        , m_weights(graph.weights())
    { }

    void input(NodeId id) { m_vars[id].flat = "x"; }
    void layer(NodeId id);

    /// Registers the training's input scaling as buffers and applies it first in forward(), in
    /// FeatureScaling::apply()'s float order. Call before any layer; nothing for the identity.
    void inputScaling(const FeatureScaling& scaling)
    {
        if (scaling.isIdentity())
            return;
        const auto features = long(scaling.shift.size());
        for (const auto& [key, values, fill] : {std::tuple {"input_shift", &scaling.shift, "zeros"},
                 std::tuple {"input_scale", &scaling.scale, "ones"}}) {
            m_init << "        self.register_buffer(\"" << key << "\", torch." << fill << "("
                   << features << "))\n";
            weight(key, std::vector<long> {features},
                std::vector<float>(values->begin(), values->end()));
        }
        line("x = (x - self.input_shift) * self.input_scale  # the training's input scaling ("
            + scaling.method + ")");
    }

    /// Python variable holding the node's flat [N, F] output.
    std::string flat(NodeId id)
    {
        NodeVars& v = m_vars.at(id);
        if (v.flat.empty()) {
            v.flat = m_ids.make(m_graph.name(id) + "_flat");
            line(v.flat + " = _to_flat(" + v.nchw + ")");
        }
        return v.flat;
    }

    std::string init() const { return m_init.str(); }
    std::string forward() const { return m_forward.str(); }
    std::string weightTable() const { return m_weightTable.str(); }
    bool usesAvgPoolSame() const { return m_avgPoolSame; }

private:
    struct NodeVars {
        std::string flat; ///< [N, F] in the engine's order (H x W x C, channel fastest)
        std::string nchw; ///< [N, C, H, W], image shapes only
    };

    const Shape& shapeOf(NodeId id) const { return m_graph.compiled().shapes.at(id); }
    bool isImage(NodeId id) const { return shapeOf(id).rank() == 3; }
    void line(const std::string& text) { m_forward << "        " << text << "\n"; }

    std::string nchw(NodeId id)
    {
        NodeVars& v = m_vars.at(id);
        if (v.nchw.empty()) {
            const Shape& s = shapeOf(id);
            v.nchw = m_ids.make(m_graph.name(id) + "_nchw");
            line(v.nchw + " = _to_nchw(" + flat(id) + ", " + std::to_string(s[0]) + ", "
                + std::to_string(s[1]) + ", " + std::to_string(s[2]) + ")");
        }
        return v.nchw;
    }

    /// Adds `module.key` to the weight table: `dims` and float32 values in row-major order.
    void weight(const std::string& module, const std::string& key, const std::vector<long>& dims,
        const std::vector<float>& values)
    {
        weight(module + "." + key, dims, values);
    }

    /// Adds the state-dict entry `stateKey` to the weight table.
    void weight(const std::string& stateKey, const std::vector<long>& dims,
        const std::vector<float>& values)
    {
        std::vector<std::string> d;
        for (long n : dims)
            d.push_back(std::to_string(n));
        // Adjacent string literals keep the lines short (Python joins them).
        const std::string data = base64(floatBytes(values));
        m_weightTable << "    \"" << stateKey << "\": (\n        [" << joined(d, ", ")
                      << "],\n        (\n";
        for (std::size_t at = 0; at < data.size(); at += kBase64Line)
            m_weightTable << "            \"" << data.substr(at, kBase64Line) << "\"\n";
        m_weightTable << "        ),\n    ),\n";
    }

    /// A parameter of node `id` stored as is: [rows] for a column vector, else [rows, cols].
    void matrixWeight(
        NodeId id, const std::string& module, const std::string& param, const std::string& key)
    {
        const Matrix& m = m_weights.at(id).at(param);
        std::vector<float> values;
        for (Eigen::Index r = 0; r < m.rows(); ++r)
            for (Eigen::Index c = 0; c < m.cols(); ++c)
                values.push_back(float(m(r, c)));
        weight(module, key,
            m.cols() == 1 ? std::vector<long> {m.rows()} : std::vector<long> {m.rows(), m.cols()},
            values);
    }

    bool hasParam(NodeId id, const std::string& param) const
    {
        const auto p = m_weights.find(id);
        return p != m_weights.end() && p->second.count(param);
    }

    /// Assigns `expr` (an activation of a pre-activation in layout `image ? NCHW : flat`).
    void assign(NodeId id, const std::string& name, const std::string& expr, bool image)
    {
        line(name + " = " + expr + "  # " + m_graph.layer(id).type() + " '" + m_graph.name(id)
            + "'");
        if (image)
            m_vars[id].nchw = name;
        else
            m_vars[id].flat = name;
    }

    void dense(NodeId id, const std::string& name);
    void conv(NodeId id, const std::string& name);
    void pool(NodeId id, const std::string& name, bool max);
    void batchNorm(NodeId id, const std::string& name);
    void layerNorm(NodeId id, const std::string& name);
    void concatenate(NodeId id, const std::string& name);

    const Graph& m_graph;
    const WeightMap m_weights;
    Identifiers m_ids;
    std::map<NodeId, NodeVars> m_vars;
    std::ostringstream m_init, m_forward, m_weightTable;
    bool m_avgPoolSame = false;
};

void ScriptEmitter::layer(NodeId id)
{
    const Layer& layer = m_graph.layer(id);
    const std::string type = layer.type();
    const std::vector<NodeId> in = m_graph.inputsOf(id);
    const std::string name = m_ids.make(m_graph.name(id));
    if (type == "Dense") {
        dense(id, name);
    } else if (type == "Conv2D") {
        conv(id, name);
    } else if (type == "MaxPool2D" || type == "AveragePool2D") {
        pool(id, name, type == "MaxPool2D");
    } else if (type == "GlobalAveragePool2D" || type == "GlobalMaxPool2D") {
        // Over H and W of [N, C, H, W]: the engine's C-vector.
        const std::string x = nchw(in.at(0));
        assign(id, name,
            type == "GlobalMaxPool2D" ? "torch.amax(" + x + ", dim=(2, 3))"
                                      : "torch.mean(" + x + ", dim=(2, 3))",
            false);
    } else if (type == "BatchNorm") {
        batchNorm(id, name);
    } else if (type == "LayerNorm") {
        layerNorm(id, name);
    } else if (type == "Activation") {
        const auto& act = static_cast<const Activation&>(layer);
        // Element-wise functions keep NCHW; (log-)softmax normalizes the whole flat sample.
        const bool image = !isPerSample(act.kind()) && !m_vars.at(in.at(0)).nchw.empty();
        assign(id, name,
            activationExpr(act.kind(), act.alpha(), image ? nchw(in.at(0)) : flat(in.at(0))),
            image);
    } else if (type == "Dropout") {
        m_init << "        self." << name
               << " = nn.Dropout(p=" << pythonNumber(static_cast<const Dropout&>(layer).rate())
               << ")\n";
        const bool image = !m_vars.at(in.at(0)).nchw.empty();
        assign(id, name, "self." + name + "(" + (image ? nchw(in[0]) : flat(in[0])) + ")", image);
    } else if (type == "Flatten" || type == "Reshape") {
        // Same values in the same order: only the shape the next layer sees changes.
        m_vars[id].flat = flat(in.at(0));
    } else if (type == "Add") {
        const bool image = std::all_of(
            in.begin(), in.end(), [&](NodeId n) { return !m_vars.at(n).nchw.empty(); });
        std::vector<std::string> terms;
        for (NodeId n : in)
            terms.push_back(image ? nchw(n) : flat(n));
        assign(id, name, joined(terms, " + "), image);
    } else if (type == "Concatenate") {
        concatenate(id, name);
    } else if (pytorchrecurrent::handles(type)) {
        const auto module = pytorchrecurrent::module(m_graph, id, name, flat(in.at(0)),
            [](ActivationKind kind, double alpha, const std::string& e) {
                return activationExpr(kind, alpha, e);
            });
        m_init << "        self." << name << " = " << module.constructor << "\n";
        for (const auto& t : module.tensors)
            weight(name, t.key, t.dims, t.values);
        assign(id, name, module.expression, false);
    } else {
        throw InputError("nodes '" + m_graph.name(id) + "'",
            "a " + type
                + " layer cannot be exported to PyTorch (exportable: Input, Dense, Conv2D, "
                  "MaxPool2D, AveragePool2D, GlobalAveragePool2D, GlobalMaxPool2D, BatchNorm, "
                  "LayerNorm, Activation, Dropout, "
                  "Flatten, Reshape, Add, Concatenate, SimpleRNN, LSTM, GRU, Embedding, "
                  "TimeDistributed)");
    }
}

void ScriptEmitter::dense(NodeId id, const std::string& name)
{
    const auto& dense = static_cast<const Dense&>(m_graph.layer(id));
    const Matrix& w = m_weights.at(id).at("W");
    const bool bias = hasParam(id, "b");
    m_init << "        self." << name << " = nn.Linear(" << w.cols() << ", " << w.rows()
           << ", bias=" << (bias ? "True" : "False") << ")\n";
    matrixWeight(id, name, "W", "weight");
    if (bias)
        matrixWeight(id, name, "b", "bias");
    assign(id, name,
        activationExpr(dense.activation(), dense.attributes().value("alpha", 0.01),
            "self." + name + "(" + flat(m_graph.inputsOf(id).at(0)) + ")"),
        false);
}

bool padsAnything(const image::Geometry& g)
{
    return g.h.padBefore || g.h.padAfter || g.w.padBefore || g.w.padAfter;
}

/// "F.pad(x, (left, right, top, bottom)[, value=...])" or x itself when nothing is padded.
std::string padded(const std::string& x, const image::Geometry& g, const char* value = "")
{
    if (!padsAnything(g))
        return x;
    return "F.pad(" + x + ", (" + std::to_string(g.w.padBefore) + ", "
        + std::to_string(g.w.padAfter) + ", " + std::to_string(g.h.padBefore) + ", "
        + std::to_string(g.h.padAfter) + ")" + value + ")";
}

/// "(h, w)" for PyTorch's per-axis arguments.
std::string pair(image::Size2 s)
{
    return "(" + std::to_string(s.h) + ", " + std::to_string(s.w) + ")";
}

void ScriptEmitter::conv(NodeId id, const std::string& name)
{
    const auto& conv = static_cast<const Conv2D&>(m_graph.layer(id));
    const NodeId src = m_graph.inputsOf(id).at(0);
    const Shape& in = shapeOf(src);
    const image::Size2 k = conv.kernel();
    const int channels = in[2] / conv.groups(); // the grouped weight is [filters, Cg, KH, KW]
    const bool bias = hasParam(id, "b");
    // TensorFlow "same" pads the smaller half before and explicit pads may be asymmetric
    // (PyTorch's padding= is symmetric), so the padding is explicit and the convolution itself
    // is unpadded.
    m_init << "        self." << name << " = nn.Conv2d(" << in[2] << ", " << conv.filters() << ", "
           << pair(k) << ", stride=" << pair(conv.stride());
    if (conv.dilation() != image::Size2 {1, 1})
        m_init << ", dilation=" << pair(conv.dilation());
    if (conv.groups() != 1)
        m_init << ", groups=" << conv.groups();
    m_init << ", bias=" << (bias ? "True" : "False") << ")\n";
    const Matrix& w = m_weights.at(id).at("W");
    weight(name, "weight", {w.rows(), channels, k.h, k.w},
        exportlayout::convWeightsOihw(w, k.h, k.w, channels));
    if (bias)
        matrixWeight(id, name, "b", "bias");
    const std::string linear = "self." + name + "(" + padded(nchw(src), conv.geometryFor(in)) + ")";
    const double alpha = conv.attributes().value("alpha", 0.01);
    if (isPerSample(conv.activation()))
        assign(
            id, name, activationExpr(conv.activation(), alpha, "_to_flat(" + linear + ")"), false);
    else
        assign(id, name, activationExpr(conv.activation(), alpha, linear), true);
}

void ScriptEmitter::pool(NodeId id, const std::string& name, bool max)
{
    const auto& pool = static_cast<const Pool2D&>(m_graph.layer(id));
    const NodeId src = m_graph.inputsOf(id).at(0);
    const Shape& out = shapeOf(id);
    const auto g = pool.geometryFor(shapeOf(src));
    const bool includePad = !max && static_cast<const AveragePool2D&>(pool).countIncludePad();
    const std::string window = pair(pool.pool()) + ", " + pair(pool.effectiveStride());
    const std::string ceil = pool.ceilMode() ? ", ceil_mode=True" : "";
    std::string expr;
    if (max) {
        // Padding never wins the maximum.
        expr = "F.max_pool2d(" + padded(nchw(src), g, ", value=float(\"-inf\")") + ", " + window
            + ceil + ")";
    } else if (includePad || !padsAnything(g)) {
        // Padded zeros count: the plain mean over the padded image.
        expr = "F.avg_pool2d(" + padded(nchw(src), g) + ", " + window + ceil + ")";
    } else {
        // The mean over the pixels inside the image, as TensorFlow's "same" pooling.
        m_avgPoolSame = true;
        expr = "_avg_pool_inside(" + nchw(src) + ", " + window + ", ("
            + std::to_string(g.w.padBefore) + ", " + std::to_string(g.w.padAfter) + ", "
            + std::to_string(g.h.padBefore) + ", " + std::to_string(g.h.padAfter) + ")" + ceil
            + ")";
    }
    // With ceil_mode, PyTorch may add a last window starting in the (already applied) padding
    // that the engine drops: keep the engine's output size.
    if (pool.ceilMode())
        expr += "[:, :, :" + std::to_string(out[0]) + ", :" + std::to_string(out[1]) + "]";
    assign(id, name, expr, true);
}

void ScriptEmitter::batchNorm(NodeId id, const std::string& name)
{
    const NodeId src = m_graph.inputsOf(id).at(0);
    const bool image = isImage(src);
    const Shape& s = shapeOf(src);
    if (!image && s.rank() != 1)
        throw InputError("nodes '" + m_graph.name(id) + "'",
            "BatchNorm export needs a feature vector or an image input");
    const nlohmann::json a = m_graph.layer(id).attributes();
    m_init << "        self." << name << " = nn.BatchNorm" << (image ? "2d(" : "1d(")
           << (image ? s[2] : s.size()) << ", eps=" << pythonNumber(a.value("epsilon", 1e-5))
           << ", momentum=" << pythonNumber(a.value("momentum", 0.1)) << ")\n";
    for (const auto& [param, key] : {std::pair {"gamma", "weight"}, {"beta", "bias"},
             {"running_mean", "running_mean"}, {"running_var", "running_var"}})
        matrixWeight(id, name, param, key);
    assign(id, name, "self." + name + "(" + (image ? nchw(src) : flat(src)) + ")", image);
}

void ScriptEmitter::layerNorm(NodeId id, const std::string& name)
{
    // The engine normalizes over every value of a sample: the flat form's last axis.
    const NodeId src = m_graph.inputsOf(id).at(0);
    m_init << "        self." << name << " = nn.LayerNorm(" << shapeOf(src).size()
           << ", eps=" << pythonNumber(m_graph.layer(id).attributes().value("epsilon", 1e-5))
           << ")\n";
    matrixWeight(id, name, "gamma", "weight");
    matrixWeight(id, name, "beta", "bias");
    assign(id, name, "self." + name + "(" + flat(src) + ")", false);
}

void ScriptEmitter::concatenate(NodeId id, const std::string& name)
{
    const std::vector<NodeId> in = m_graph.inputsOf(id);
    if (isImage(id) && std::all_of(in.begin(), in.end(), [&](NodeId n) { return isImage(n); })) {
        std::vector<std::string> parts;
        for (NodeId n : in)
            parts.push_back(nchw(n));
        assign(id, name, "torch.cat([" + joined(parts, ", ") + "], dim=1)", true);
        return;
    }
    long positions = 1;
    std::vector<std::string> parts, views;
    for (NodeId n : in) {
        const Shape& s = shapeOf(n);
        const long channels = s.dims().empty() ? 1 : s.dims().back();
        positions = s.size() / channels;
        parts.push_back(flat(n));
        views.push_back(parts.back() + ".reshape(x.shape[0], " + std::to_string(positions) + ", "
            + std::to_string(channels) + ")");
    }
    // Samples are flat; an H x W x C sample joins per position along C.
    assign(id, name,
        positions == 1 ? "torch.cat([" + joined(parts, ", ") + "], dim=-1)"
                       : "torch.cat([" + joined(views, ", ") + "], dim=-1).reshape(x.shape[0], -1)",
        false);
}

} // namespace

std::string pytorchScript(const TrainedModel& model)
{
    const Graph& graph = model.graph;
    const GraphContext& context = model.context;
    const Project& project = model.project;
    const auto [features, outputs] = checkExportable(model, "pytorch");
    const GraphCheck& check = graph.compiled();
    const std::string loss = graph.lossType();

    ScriptEmitter emitter(graph);
    emitter.inputScaling(model.scaling);
    forEachExportedNode(
        graph, [&](NodeId id) { emitter.input(id); }, [&](NodeId id) { emitter.layer(id); });
    const std::string result = emitter.flat(check.outputNode);

    const bool classification = context.numClasses > 0;
    std::vector<std::string> columns;
    if (outputs == 1)
        columns.push_back(classification ? "\"p1\"" : "\"y\"");
    else
        for (long i = 0; i < outputs; ++i)
            columns.push_back(
                std::string(classification ? "\"p" : "\"y") + std::to_string(i) + "\"");
    std::string transform = "y";
    if (loss == "binary_crossentropy")
        transform = "torch.sigmoid(y)";
    else if (loss == "softmax_crossentropy")
        transform = "torch.softmax(y, dim=-1)";

    const std::string title = project.name.empty() ? std::string("network") : project.name;
    std::ostringstream py;
    py << "#!/usr/bin/env python3\n"
       << "# Generated by NetCanvas " << NETCANVAS_VERSION << " from " << pythonString(title)
       << ". Needs PyTorch (https://pytorch.org).\n"
       << "\"\"\"A trained NetCanvas network as a PyTorch module.\n\n"
       << "    python3 "
       << "this_script.py [--input X.csv]\n\n"
       << "prints one CSV row of predictions per input row (one sample of " << features
       << " numbers per row;\n"
       << "a header row is skipped), or the module when no input is given.\n\"\"\"\n\n"
       << "import argparse\nimport array\nimport base64\nimport csv\nimport sys\n\n"
       << "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n"
       << "PROJECT_NAME = " << pythonString(title) << "\n"
       << "PROJECT_DESCRIPTION = " << pythonString(project.description) << "\n"
       << "INPUT_FEATURES = " << features << "\n"
       << "OUTPUT_COLUMNS = [" << joined(columns, ", ") << "]\n\n"
       << "# state-dict key: (shape, base64 of little-endian float32, row-major)\n"
       << "WEIGHTS = {\n"
       << emitter.weightTable() << "}\n\n\n"
       << "def _to_nchw(x, h, w, c):\n"
       << "    \"\"\"[N, H*W*C] with the channel fastest (NetCanvas's order) -> [N, C, H, "
          "W].\"\"\"\n"
       << "    return x.reshape(x.shape[0], h, w, c).permute(0, 3, 1, 2)\n\n\n"
       << "def _to_flat(x):\n"
       << "    \"\"\"[N, C, H, W] -> [N, H*W*C] in NetCanvas's order; other shapes pass "
          "through.\"\"\"\n"
       << "    if x.dim() == 4:\n"
       << "        x = x.permute(0, 2, 3, 1)\n"
       << "    return x.reshape(x.shape[0], -1)\n\n\n"
       << (emitter.usesAvgPoolSame()
                  ? "def _avg_pool_inside(x, k, s, pad, ceil_mode=False):\n"
                    "    \"\"\"Average pooling over the window's pixels inside the image "
                    "(TensorFlow "
                    "\"same\").\"\"\"\n"
                    "    total = F.avg_pool2d(F.pad(x, pad), k, s, ceil_mode=ceil_mode, "
                    "divisor_override=1)\n"
                    "    ones = torch.ones_like(x[:1, :1])\n"
                    "    count = F.avg_pool2d(F.pad(ones, pad), k, s, ceil_mode=ceil_mode, "
                    "divisor_override=1)\n"
                    "    return total / count\n\n\n"
                  : "")
       << "class Net(nn.Module):\n"
       << "    \"\"\"The NetCanvas graph; forward() in its topological order.\"\"\"\n\n"
       << "    def __init__(self):\n"
       << "        super().__init__()\n"
       << emitter.init() << (emitter.init().empty() ? "        pass\n" : "") << "\n"
       << "    def forward(self, x):\n"
       << "        \"\"\"x: [N, INPUT_FEATURES] float32, raw as in the CSV -> raw prediction [N, "
       << outputs << "] (" << (transform == "y" ? "values" : "logits") << ").\"\"\"\n"
       << emitter.forward() << "        return " << result << "\n\n"
       << "    def predict(self, x):\n"
       << "        \"\"\"What the loss makes of the raw prediction (" << pythonString(loss)
       << ").\"\"\"\n"
       << "        y = self.forward(x)\n"
       << "        return " << transform << "\n\n\n"
       << "def _tensor(shape, data):\n"
       << "    values = array.array(\"f\", base64.b64decode(data))\n"
       << "    if sys.byteorder == \"big\":\n"
       << "        values.byteswap()\n"
       << "    return torch.tensor(values.tolist(), dtype=torch.float32).reshape(shape)\n\n\n"
       << "def build_model():\n"
       << "    \"\"\"The network with its trained weights, in evaluation mode.\"\"\"\n"
       << "    model = Net()\n"
       << "    state = {key: _tensor(*value) for key, value in WEIGHTS.items()}\n"
       << "    for key, buffer in model.state_dict().items():\n"
       << "        if key.endswith(\"num_batches_tracked\"):\n"
       << "            state[key] = buffer  # a BatchNorm counter, unused in evaluation mode\n"
       << "    model.load_state_dict(state)\n"
       << "    return model.eval()\n\n\n"
       << "def read_inputs(path):\n"
       << "    rows = []\n"
       << "    with open(path, newline=\"\") as f:\n"
       << "        for number, row in enumerate(csv.reader(f), start=1):\n"
       << "            if not row or all(not field.strip() for field in row):\n"
       << "                continue\n"
       << "            try:\n"
       << "                values = [float(field) for field in row]\n"
       << "            except ValueError:\n"
       << "                if not rows:\n"
       << "                    continue  # header\n"
       << "                sys.exit(f\"{path}: row {number}: expected numbers\")\n"
       << "            if len(values) != INPUT_FEATURES:\n"
       << "                sys.exit(f\"{path}: row {number}: expected {INPUT_FEATURES} values, "
          "found {len(values)}\")\n"
       << "            rows.append(values)\n"
       << "    return torch.tensor(rows, dtype=torch.float32).reshape(len(rows), "
          "INPUT_FEATURES)\n\n\n"
       << "def main(argv=None):\n"
       << "    parser = argparse.ArgumentParser(description=f\"Run the NetCanvas network "
          "{PROJECT_NAME}.\")\n"
       << "    parser.add_argument(\"--input\", help=\"CSV of inputs, one sample per row\")\n"
       << "    args = parser.parse_args(argv)\n"
       << "    model = build_model()\n"
       << "    if not args.input:\n"
       << "        print(model)\n"
       << "        return 0\n"
       << "    with torch.no_grad():\n"
       << "        y = model.predict(read_inputs(args.input))\n"
       << "    out = csv.writer(sys.stdout, lineterminator=\"\\n\")\n"
       << "    out.writerow(OUTPUT_COLUMNS)\n"
       << "    for row in y.tolist():\n"
       << "        out.writerow([repr(v) for v in row])\n"
       << "    return 0\n\n\n"
       << "if __name__ == \"__main__\":\n"
       << "    sys.exit(main())\n";
    return py.str();
}

void exportPyTorch(
    const Project& project, const GraphContext& context, const std::filesystem::path& file)
{
    writeFileAtomically(file, pytorchScript(prepareModel(project, context)));
}

} // namespace engine
