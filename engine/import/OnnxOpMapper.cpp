#include "import/OnnxOpMapper.h"

#ifdef NETCANVAS_WITH_ONNX

#include "import/MapperSupport.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace engine::onnximport {

OnnxOpMapper::OnnxOpMapper(const OnnxGraphView& view)
    : m_view(view)
{ }

const Value& OnnxOpMapper::in(const onnx::NodeProto& n, int index) const
{
    if (index >= n.input_size() || n.input(index).empty())
        throw Unmappable("input " + std::to_string(index) + " is missing");
    const auto it = m_values.find(n.input(index));
    if (it == m_values.end()) {
        for (const onnx::ValueInfoProto& g : m_view.graph().input())
            if (g.name() == n.input(index))
                throw Unmappable("reads a second graph input '" + g.name()
                    + "' (the engine's networks have one input)");
        throw Unmappable("input '" + n.input(index) + "' is neither data nor a constant");
    }
    return it->second;
}

const ConstTensor& OnnxOpMapper::constIn(
    const onnx::NodeProto& n, int index, const std::string& what) const
{
    const ConstTensor* c = index < n.input_size() && !n.input(index).empty()
        ? m_view.constant(n.input(index))
        : nullptr;
    if (!c)
        throw Unmappable(what + " must be a constant (an initializer)");
    return *c;
}

void OnnxOpMapper::set(const onnx::NodeProto& n, Value v, int output)
{
    m_values[n.output(output)] = std::move(v);
}

std::string OnnxOpMapper::cardName(const onnx::NodeProto& n) const
{
    return n.name().empty() ? n.op_type() : n.name();
}

std::vector<long> OnnxOpMapper::outDims(const onnx::NodeProto& n, int output) const
{
    const auto d = m_view.dims(n.output(output));
    if (!d || d->empty() || std::any_of(d->begin() + 1, d->end(), [](auto x) { return x < 0; }))
        throw Unmappable(
            "the output's shape is unknown (sizes other than the batch must be fixed)");
    return {d->begin() + 1, d->end()};
}

void OnnxOpMapper::mapInput(const onnx::ValueInfoProto& input)
{
    const auto d = m_view.dims(input.name());
    if (!d || d->size() < 2 || std::any_of(d->begin() + 1, d->end(), [](auto x) { return x <= 0; }))
        throw Unmappable("the input '" + input.name()
            + "' needs a fixed shape [N, features], [N, T, F] or [N, C, H, W]");
    Value v;
    v.dims.assign(d->begin() + 1, d->end());
    std::vector<long> shape = v.dims;
    const auto consumers = m_view.consumers(input.name());
    const bool nhwc = !consumers.empty()
        && std::all_of(consumers.begin(), consumers.end(), [](const onnx::NodeProto* c) {
               return c->op_type() == "Transpose"
                   && intsAttr(*c, "perm") == std::vector<std::int64_t> {0, 3, 1, 2};
           });
    if (v.dims.size() == 3 && nhwc) {
        // [N, H, W, C] transposed to NCHW (Keras through tf2onnx): the engine's own order.
        v.layout = Layout::Nhwc;
    } else if (v.dims.size() == 3) {
        v.layout = Layout::Image;
        shape = {v.dims[1], v.dims[2], v.dims[0]};
    } else if (v.dims.size() > 3) {
        throw Unmappable("a " + std::to_string(d->size()) + "-D input (3-D volumes do not map)");
    }
    m_input = m_builder.add("Input", input.name(), {{"shape", shape}}, {});
    m_inputName = input.name();
    v.node = m_input;
    m_values[input.name()] = v;
}

bool OnnxOpMapper::map(const onnx::NodeProto& n)
{
    for (const std::string& i : n.input())
        if (m_poisoned.count(i)) {
            m_poisoned.insert(n.output().begin(), n.output().end());
            return false;
        }
    if (!n.domain().empty() && n.domain() != "ai.onnx") {
        m_poisoned.insert(n.output().begin(), n.output().end());
        throw Unmappable("operator of domain " + n.domain());
    }
    const std::string& op = n.op_type();
    try {
        if (op == "Gemm")
            gemm(n);
        else if (op == "MatMul")
            matMul(n);
        else if (op == "Conv")
            conv(n);
        else if (op == "MaxPool" || op == "AveragePool")
            pool(n, op == "MaxPool");
        else if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
            const Value x = image(in(n, 0), cardName(n));
            Value v;
            v.node
                = m_builder.add(op == "GlobalMaxPool" ? "GlobalMaxPool2D" : "GlobalAveragePool2D",
                    cardName(n), nlohmann::json::object(), {x.node});
            v.dims = {x.dims[0], 1, 1};
            set(n, v);
        } else if (op == "BatchNormalization")
            batchNorm(n);
        else if (op == "LayerNormalization")
            layerNorm(n);
        else if (op == "Relu")
            set(n, activation(n, in(n, 0), "relu"));
        else if (op == "Sigmoid")
            set(n, activation(n, in(n, 0), "sigmoid"));
        else if (op == "Tanh")
            set(n, activation(n, in(n, 0), "tanh"));
        else if (op == "LeakyRelu")
            set(n, activation(n, in(n, 0), "leaky_relu", floatAttr(n, "alpha", 0.01f)));
        else if (op == "Elu")
            set(n, activation(n, in(n, 0), "elu", floatAttr(n, "alpha", 1.0f)));
        else if (op == "Gelu") {
            if (stringAttr(n, "approximate", "none") != "none")
                throw Unmappable("the tanh approximation of GELU");
            set(n, activation(n, in(n, 0), "gelu"));
        } else if (op == "Softmax" || op == "LogSoftmax")
            softmax(n, op == "LogSoftmax");
        else if (op == "Clip")
            clip(n);
        else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Erf")
            arithmetic(n);
        else if (op == "Concat")
            concat(n);
        else if (op == "Flatten")
            flatten(n);
        else if (op == "Reshape")
            reshape(n);
        else if (op == "Transpose")
            transpose(n);
        else if (op == "Squeeze" || op == "Unsqueeze")
            squeeze(n, op == "Unsqueeze");
        else if (op == "Identity" || op == "Dropout") {
            if (op == "Dropout" && n.output_size() > 1 && !n.output(1).empty()
                && !m_view.consumers(n.output(1)).empty())
                throw Unmappable("the dropout mask is used");
            set(n, in(n, 0));
        } else if (op == "Pad") {
            // torch.onnx.export writes a Pad of nothing before some poolings.
            std::vector<double> pads;
            for (std::int64_t p : intsAttr(n, "pads"))
                pads.push_back(double(p));
            if (n.input_size() > 1 && !n.input(1).empty())
                pads = constIn(n, 1, "pads").values;
            if (std::any_of(pads.begin(), pads.end(), [](double p) { return p != 0; }))
                throw Unmappable("padding as its own operator (only the padding of a "
                                 "convolution or pooling maps)");
            set(n, in(n, 0));
        } else if (op == "Round" || op == "Cast") {
            // Token ids on their way to an Embedding (NetCanvas's own export rounds and casts
            // them): the engine's Embedding rounds by itself.
            for (const onnx::NodeProto* c : m_view.consumers(n.output(0)))
                if (c->op_type() != "Cast" && c->op_type() != "Gather")
                    throw Unmappable(
                        "only token ids for an Embedding (Gather) may be rounded or cast");
            set(n, in(n, 0));
        } else if (op == "RNN" || op == "LSTM" || op == "GRU")
            recurrent(n);
        else if (op == "Gather")
            gather(n);
        else if (op == "Slice")
            slice(n);
        else
            throw Unmappable("");
    } catch (const Unmappable&) {
        m_poisoned.insert(n.output().begin(), n.output().end());
        throw;
    }
    return true;
}

Value OnnxOpMapper::image(const Value& v, const std::string& name)
{
    if (v.layout == Layout::Image)
        return v;
    if (v.layout == Layout::Raw4 && v.dims[0] == 1) {
        // [N, 1, H, W] from a flat vector: one channel, so NCHW and HWC agree.
        Value out;
        out.layout = Layout::Image;
        out.dims = v.dims;
        out.node = reshaped(v.node, {v.dims[1], v.dims[2], 1}, name + " (image)");
        return out;
    }
    throw Unmappable("needs an image [N, C, H, W], got " + dimsText(v.dims));
}

NodeId OnnxOpMapper::reshaped(
    NodeId source, const std::vector<long>& shape, const std::string& name)
{
    // A flat model input reshaped before anything else reads it (NetCanvas's own export, a
    // torch view): the Input itself takes the shape, the rows stay the same.
    if (source == m_input && m_builder.consumerCount(m_input) == 0
        && m_view.consumers(m_inputName).size() == 1) {
        m_builder.node(m_input).attributes["shape"] = shape;
        return m_input;
    }
    return m_builder.add("Reshape", name, {{"shape", shape}}, {source});
}

Value OnnxOpMapper::dataValue(const Value& v, const std::string& name)
{
    switch (v.layout) {
    case Layout::Flat:
    case Layout::Image:
    case Layout::ChwFlat:
    case Layout::Nhwc:
    case Layout::Raw4:
        return v;
    case Layout::RnnSeq: {
        Recurrent& r = m_recurrent.at(std::size_t(v.recurrent));
        r.sequenceUsed = true;
        Value out;
        out.node = r.node;
        out.dims = v.dims;
        return out;
    }
    default:
        (void)name;
        throw Unmappable("this view of a recurrent layer's output or a partial expression");
    }
}

Value OnnxOpMapper::elementwise(
    const onnx::NodeProto& n, const Value& v, const std::string& type, nlohmann::json attributes)
{
    Value out = dataValue(v, cardName(n));
    out.node = m_builder.add(type, cardName(n), std::move(attributes), {out.node});
    return out;
}

Value OnnxOpMapper::activation(
    const onnx::NodeProto& n, const Value& v, const std::string& function, double alpha)
{
    nlohmann::json a {{"function", function}};
    if (function == "leaky_relu" || function == "elu")
        a["alpha"] = alpha;
    if (v.layout == Layout::StepRows) {
        // Per-step rows: element-wise functions work on the flat form as well; softmax
        // normalizes each step, as a TimeDistributed's own activation does.
        NodeRecord& producer = m_builder.node(v.node);
        if (function == "softmax" || function == "log_softmax") {
            if (producer.type != "TimeDistributed"
                || producer.attributes.value("activation", std::string()) != "identity"
                || m_builder.consumerCount(v.node) != 0)
                throw Unmappable("normalizing each step of a sequence");
            producer.attributes["activation"] = function;
            return v;
        }
        Value out = v;
        out.node = m_builder.add("Activation", cardName(n), a, {v.node});
        return out;
    }
    return elementwise(n, v, "Activation", a);
}

void OnnxOpMapper::dense(const onnx::NodeProto& n, const Value& xIn, Matrix w, const Matrix* bias)
{
    const bool stepRows = xIn.layout == Layout::StepRows;
    Value x = stepRows ? xIn : dataValue(xIn, cardName(n));
    if (x.layout == Layout::Image || x.layout == Layout::Nhwc || x.layout == Layout::Raw4)
        throw Unmappable("a matrix product over an image's last axis (flatten it first)");
    const bool perStep = (x.layout == Layout::Flat || stepRows) && x.dims.size() == 2
        && w.cols() == x.dims.back() && x.dims[0] != 1;
    if (perStep) {
        // The same Dense at every step: MatMul of a sequence [N, T, F] (Keras Dense on 3-D),
        // or a Gemm on one row per step (NetCanvas's own TimeDistributed export).
        x.layout = Layout::Flat;
        x = sequence(x, cardName(n));
        Value out;
        out.layout = stepRows ? Layout::StepRows : Layout::Flat;
        out.dims = {x.dims[0], long(w.rows())};
        out.node = m_builder.add("TimeDistributed", cardName(n),
            {{"units", w.rows()}, {"activation", "identity"}, {"use_bias", bias != nullptr}},
            {x.node});
        m_builder.setWeight(out.node, "W", std::move(w));
        if (bias)
            m_builder.setWeight(out.node, "b", *bias);
        else
            m_biaslessDense.insert(out.node);
        set(n, out);
        return;
    }
    if (w.cols() != x.size())
        throw Unmappable("the weight has " + std::to_string(w.cols()) + " inputs, the data "
            + std::to_string(x.size()));
    if (x.layout == Layout::ChwFlat) {
        // ONNX flattened C, H, W; the engine's Flatten keeps H, W, C.
        const long c = x.dims[0], h = x.dims[1], wd = x.dims[2];
        Matrix p(w.rows(), w.cols());
        for (long ci = 0; ci < c; ++ci)
            for (long hi = 0; hi < h; ++hi)
                for (long wi = 0; wi < wd; ++wi)
                    p.col((hi * wd + wi) * c + ci) = w.col((ci * h + hi) * wd + wi);
        w = std::move(p);
    }
    Value out;
    out.dims = {long(w.rows())};
    out.node = m_builder.add("Dense", cardName(n),
        {{"units", w.rows()}, {"activation", "identity"}, {"use_bias", bias != nullptr}}, {x.node});
    m_builder.setWeight(out.node, "W", std::move(w));
    if (bias)
        m_builder.setWeight(out.node, "b", *bias);
    else
        m_biaslessDense.insert(out.node);
    set(n, out);
}

void OnnxOpMapper::gemm(const onnx::NodeProto& n)
{
    if (intAttr(n, "transA", 0))
        throw Unmappable("transA = 1");
    const ConstTensor& b = constIn(n, 1, "B (the weights)");
    if (b.dims.size() != 2)
        throw Unmappable("B must be a matrix");
    const double alpha = floatAttr(n, "alpha", 1.0f);
    const double beta = floatAttr(n, "beta", 1.0f);
    const bool transB = intAttr(n, "transB", 0) != 0;
    Matrix w = matrixOf(b, long(b.dims[0]), long(b.dims[1]));
    if (!transB)
        w.transposeInPlace();
    w *= Scalar(alpha);
    Matrix bias;
    const bool hasBias = n.input_size() > 2 && !n.input(2).empty();
    if (hasBias) {
        bias = vectorOf(constIn(n, 2, "C (the bias)"), long(w.rows()), "C");
        bias *= Scalar(beta);
    }
    dense(n, in(n, 0), std::move(w), hasBias ? &bias : nullptr);
}

void OnnxOpMapper::matMul(const onnx::NodeProto& n)
{
    const ConstTensor& b = constIn(n, 1, "the second factor (the weights)");
    if (b.dims.size() != 2)
        throw Unmappable("the weights must be a matrix");
    Matrix w = matrixOf(b, long(b.dims[0]), long(b.dims[1])).transpose();
    dense(n, in(n, 0), std::move(w), nullptr);
}

void OnnxOpMapper::softmax(const onnx::NodeProto& n, bool log)
{
    if (in(n, 0).layout == Layout::StepRows) {
        const long axis = intAttr(n, "axis", m_view.opset() < 13 ? 1 : -1);
        if (axis != 1 && axis != -1)
            throw Unmappable("normalizing across the steps");
        set(n, activation(n, in(n, 0), log ? "log_softmax" : "softmax"));
        return;
    }
    const Value x = dataValue(in(n, 0), cardName(n));
    const long rank = long(x.dims.size()) + 1;
    const bool before13 = m_view.opset() < 13;
    long axis = intAttr(n, "axis", before13 ? 1 : -1);
    if (axis < 0)
        axis += rank;
    // The engine normalizes over all of a sample's values: the same as ONNX when the axes kept
    // apart (before `axis`, and after it from opset 13 on) hold one value per sample.
    long apart = 1;
    for (long d = 1; d < rank; ++d)
        if (d < axis || (!before13 && d > axis))
            apart *= x.dims[std::size_t(d - 1)];
    if (axis < 1 || apart != 1)
        throw Unmappable("normalizing along axis " + std::to_string(axis) + " of "
            + dimsText(x.dims) + " (the engine normalizes each sample as a whole)");
    set(n, activation(n, x, log ? "log_softmax" : "softmax"));
}

void OnnxOpMapper::clip(const onnx::NodeProto& n)
{
    double lo = -INFINITY, hi = INFINITY;
    if (m_view.opset() < 11) {
        lo = floatAttr(n, "min", -INFINITY);
        hi = floatAttr(n, "max", INFINITY);
    } else {
        if (n.input_size() > 1 && !n.input(1).empty())
            lo = constIn(n, 1, "min").scalar().value_or(NAN);
        if (n.input_size() > 2 && !n.input(2).empty())
            hi = constIn(n, 2, "max").scalar().value_or(NAN);
    }
    if (lo == 0 && hi == 6)
        set(n, activation(n, in(n, 0), "relu6"));
    else if (lo == 0 && std::isinf(hi) && hi > 0)
        set(n, activation(n, in(n, 0), "relu"));
    else
        throw Unmappable("clipping to [" + std::to_string(lo) + ", " + std::to_string(hi)
            + "] (only [0, 6] and [0, inf) map, to relu6 and relu)");
}

void OnnxOpMapper::arithmetic(const onnx::NodeProto& n)
{
    const std::string& op = n.op_type();
    if (op == "Erf") {
        const Value& x = in(n, 0);
        if (x.expr != ExprKind::ErfArgument)
            throw Unmappable("erf outside the GELU form x 0.5 (1 + erf(x / sqrt 2))");
        Value v = x;
        v.expr = ExprKind::Erf;
        set(n, v);
        return;
    }
    const ConstTensor* c0 = m_view.constant(n.input(0));
    const ConstTensor* c1 = n.input_size() > 1 ? m_view.constant(n.input(1)) : nullptr;
    if (c0 && c1)
        throw Unmappable("arithmetic on constants only");
    if (!c0 && !c1) {
        const Value& a = in(n, 0);
        const Value& b = in(n, 1);
        if (op == "Mul") {
            // x (1 + erf(x / sqrt 2)), or 0.5 x times that.
            for (const auto& [p, q] : {std::pair(&a, &b), std::pair(&b, &a)}) {
                if (q->expr != ExprKind::OnePlusErf)
                    continue;
                const Value& x = *q->base;
                if (p->expr == ExprKind::None && p->node == x.node && p->layout == x.layout) {
                    Value v = *q;
                    v.expr = ExprKind::TwiceGelu;
                    set(n, v);
                    return;
                }
                if (p->expr == ExprKind::HalfX && p->base->node == x.node) {
                    set(n, activation(n, x, "gelu"));
                    return;
                }
            }
            throw Unmappable("element-wise product of two tensors");
        }
        if (op != "Add")
            throw Unmappable("element-wise " + op + " of two tensors");
        const Value x = dataValue(a, cardName(n));
        const Value y = dataValue(b, cardName(n));
        if (x.dims != y.dims || x.layout != y.layout)
            throw Unmappable("adding " + dimsText(x.dims) + " and " + dimsText(y.dims)
                + " (broadcasting does not map)");
        Value out = x;
        out.node = m_builder.add("Add", cardName(n), nlohmann::json::object(), {x.node, y.node});
        set(n, out);
        return;
    }
    const Value& x = in(n, c0 ? 1 : 0);
    const ConstTensor& c = c0 ? *c0 : *c1;
    const std::optional<double> k = c.scalar();
    const auto expr = [&](ExprKind kind, const Value& base) {
        Value v = base;
        v.expr = kind;
        v.base = std::make_shared<const Value>(base);
        return v;
    };
    if (op == "Add" && x.expr == ExprKind::Erf && k && near(*k, 1.0)) {
        Value v = x;
        v.expr = ExprKind::OnePlusErf;
        set(n, v);
        return;
    }
    if (x.expr == ExprKind::None) {
        if ((op == "Div" && c1 && k && near(*k, std::numbers::sqrt2))
            || (op == "Mul" && k && near(*k, 1.0 / std::numbers::sqrt2))) {
            set(n, expr(ExprKind::ErfArgument, x));
            return;
        }
        if (op == "Mul" && k && near(*k, 0.5)) {
            set(n, expr(ExprKind::HalfX, x));
            return;
        }
        if (op == "Sub" && c1 && x.node == m_input && m_scaling.isIdentity()) {
            Value v = expr(ExprKind::Shifted, x);
            const Matrix shift = vectorOf(c, x.size(), "the shift");
            v.shift.assign(shift.data(), shift.data() + shift.size());
            set(n, v);
            return;
        }
        if (op == "Add" && x.node != -1 && m_biaslessDense.count(x.node)
            && m_builder.consumerCount(x.node) == 0
            && m_view.consumers(n.input(c0 ? 1 : 0)).size() == 1) {
            // MatMul + Add: the Add is the Dense layer's bias.
            const long units = m_builder.project().weights.at(x.node).at("W").rows();
            m_builder.setWeight(x.node, "b", vectorOf(c, units, "the bias"));
            m_builder.node(x.node).attributes["use_bias"] = true;
            m_biaslessDense.erase(x.node);
            set(n, x);
            return;
        }
    }
    if (x.expr == ExprKind::TwiceGelu && op == "Mul" && k && near(*k, 0.5)) {
        set(n, activation(n, *x.base, "gelu"));
        return;
    }
    if (x.expr == ExprKind::Shifted && op == "Mul") {
        // (input - shift) * scale at the start: the project's input scaling, as NetCanvas's
        // own export writes it (FeatureScaling::apply).
        m_scaling.method = "standardize";
        m_scaling.shift = x.shift;
        const Matrix scale = vectorOf(c, x.size(), "the scale");
        m_scaling.scale.assign(scale.data(), scale.data() + scale.size());
        set(n, *x.base);
        return;
    }
    throw Unmappable(op + " with a constant (no engine layer scales or shifts)");
}

void OnnxOpMapper::finish(const std::string& output)
{
    if (m_poisoned.count(output))
        return;
    const auto it = m_values.find(output);
    if (it == m_values.end())
        throw Unmappable("the output '" + output + "' is not computed from the input");
    const Value v = dataValue(it->second, output);
    if (v.layout == Layout::ChwFlat)
        throw Unmappable("the output is an image flattened in C, H, W order (the engine's order "
                         "is H, W, C)");
    if (v.expr != ExprKind::None)
        throw Unmappable("the output ends in an incomplete expression");
    settleRecurrentOutputs();
    NodeId prediction = v.node;
    std::string loss = "mse";
    const NodeRecord& last = m_builder.node(prediction);
    const std::string function = last.attributes.value("function", std::string());
    if (last.type == "Activation" && m_builder.consumerCount(prediction) == 0) {
        // The cross-entropies take logits and apply softmax / sigmoid in their output transform
        // (predict() gives the probabilities), so the final activation moves into the loss.
        if (function == "softmax") {
            loss = "softmax_crossentropy";
        } else if (function == "sigmoid" && v.size() == 1) {
            loss = "binary_crossentropy";
        }
        if (loss != "mse") {
            const NodeId logits = m_builder.inputsOf(prediction).at(0);
            m_builder.bypass(prediction);
            prediction = logits;
        }
    }
    m_builder.add("Loss", "loss", {{"loss", loss}}, {prediction});
}

} // namespace engine::onnximport

#endif // NETCANVAS_WITH_ONNX
