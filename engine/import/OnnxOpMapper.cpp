#include "import/OnnxOpMapper.h"

#ifdef NETCANVAS_WITH_ONNX

#include "layers/ImageGeometry.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>

namespace engine::onnximport {

namespace {

bool near(double a, double b)
{
    return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(b));
}

std::string dimsText(const std::vector<long>& dims)
{
    std::string s = "[N";
    for (long d : dims)
        s += ", " + std::to_string(d);
    return s + "]";
}

/// int when both are equal, else [a, b] (the engine's JSON for kernel, stride, pool, dilation).
nlohmann::json pair(long a, long b)
{
    return a == b ? nlohmann::json(a) : nlohmann::json::array({a, b});
}

/// Sliding-window settings of Conv / MaxPool / AveragePool over an H x W image.
struct Window {
    long kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
    long top = 0, left = 0, bottom = 0, right = 0;
    bool ceil = false;
};

long windowOut(long in, long k, long s, long d, long before, long after, bool ceil)
{
    const long span = in + before + after - ((k - 1) * d + 1);
    if (span < 0)
        return 0;
    return (ceil ? (span + s - 1) / s : span / s) + 1;
}

Window windowOf(
    const onnx::NodeProto& n, long inH, long inW, const std::vector<std::int64_t>& kernel)
{
    Window w;
    if (kernel.size() != 2)
        throw Unmappable(std::to_string(kernel.size()) + "-D window (only 2-D images map)");
    w.kh = kernel[0];
    w.kw = kernel[1];
    const auto strides = intsAttr(n, "strides");
    const auto dilations = intsAttr(n, "dilations");
    if ((!strides.empty() && strides.size() != 2) || (!dilations.empty() && dilations.size() != 2))
        throw Unmappable("strides and dilations need one value per image axis");
    if (!strides.empty()) {
        w.sh = strides[0];
        w.sw = strides[1];
    }
    if (!dilations.empty()) {
        w.dh = dilations[0];
        w.dw = dilations[1];
    }
    w.ceil = intAttr(n, "ceil_mode", 0) != 0;
    const std::string autoPad = stringAttr(n, "auto_pad", "NOTSET");
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
        const auto same = [&](long in, long k, long s, long d, long& before, long& after) {
            const long out = (in + s - 1) / s;
            const long total = std::max((out - 1) * s + (k - 1) * d + 1 - in, 0L);
            before = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
            after = total - before;
        };
        same(inH, w.kh, w.sh, w.dh, w.top, w.bottom);
        same(inW, w.kw, w.sw, w.dw, w.left, w.right);
    } else if (autoPad == "NOTSET") {
        const auto pads = intsAttr(n, "pads");
        if (pads.size() == 4) {
            w.top = pads[0];
            w.left = pads[1];
            w.bottom = pads[2];
            w.right = pads[3];
        } else if (!pads.empty()) {
            throw Unmappable("pads for a " + std::to_string(pads.size() / 2) + "-D window");
        }
    } else if (autoPad != "VALID") {
        throw Unmappable("auto_pad " + autoPad);
    }
    // The checker leaves attribute values alone: sizes must be usable before any arithmetic.
    if (std::min({w.kh, w.kw, w.sh, w.sw, w.dh, w.dw}) < 1)
        throw Unmappable("kernel, strides and dilations must be at least 1");
    if (std::min({w.top, w.left, w.bottom, w.right}) < 0)
        throw Unmappable("negative pads");
    // ceil_mode only matters where it adds an output row or column.
    if (w.ceil
        && windowOut(inH, w.kh, w.sh, w.dh, w.top, w.bottom, true)
            == windowOut(inH, w.kh, w.sh, w.dh, w.top, w.bottom, false)
        && windowOut(inW, w.kw, w.sw, w.dw, w.left, w.right, true)
            == windowOut(inW, w.kw, w.sw, w.dw, w.left, w.right, false))
        w.ceil = false;
    return w;
}

/// "valid", "same" (TensorFlow's split: the smaller half before) or [top, left, bottom, right].
nlohmann::json paddingJson(const Window& w, long inH, long inW)
{
    if (!w.top && !w.left && !w.bottom && !w.right)
        return "valid";
    if (w.dh == 1 && w.dw == 1 && !w.ceil) {
        const image::Axis h = image::axis(int(inH), int(w.kh), int(w.sh), true);
        const image::Axis v = image::axis(int(inW), int(w.kw), int(w.sw), true);
        if (h.padBefore == w.top && v.padBefore == w.left
            && h.out == windowOut(inH, w.kh, w.sh, 1, w.top, w.bottom, false)
            && v.out == windowOut(inW, w.kw, w.sw, 1, w.left, w.right, false))
            return "same";
    }
    return nlohmann::json::array({w.top, w.left, w.bottom, w.right});
}

/// Row-major [rows, cols] constant as a matrix.
Matrix matrixOf(const ConstTensor& c, long rows, long cols)
{
    Matrix m(rows, cols);
    for (long r = 0; r < rows; ++r)
        for (long k = 0; k < cols; ++k)
            m(r, k) = Scalar(c.values[std::size_t(r * cols + k)]);
    return m;
}

/// A per-channel / per-unit vector of `n` values: [n], [1, n] or one value broadcast.
Matrix vectorOf(const ConstTensor& c, long n, const std::string& what)
{
    if (long(c.values.size()) != n && c.values.size() != 1)
        throw Unmappable(what + " has " + std::to_string(c.values.size()) + " values, expected "
            + std::to_string(n));
    Matrix v(n, 1);
    for (long i = 0; i < n; ++i)
        v(i, 0) = Scalar(c.values[c.values.size() == 1 ? 0 : std::size_t(i)]);
    return v;
}

} // namespace

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
        out.node = m_builder.add(
            "Reshape", name + " (image)", {{"shape", {v.dims[1], v.dims[2], 1}}}, {v.node});
        return out;
    }
    throw Unmappable("needs an image [N, C, H, W], got " + dimsText(v.dims));
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
    return elementwise(n, v, "Activation", a);
}

void OnnxOpMapper::dense(const onnx::NodeProto& n, const Value& xIn, Matrix w, const Matrix* bias)
{
    Value x = dataValue(xIn, cardName(n));
    if (x.layout == Layout::Image || x.layout == Layout::Nhwc || x.layout == Layout::Raw4)
        throw Unmappable("a matrix product over an image's last axis (flatten it first)");
    const bool perStep = x.layout == Layout::Flat && x.dims.size() == 2 && w.cols() == x.dims.back()
        && x.dims[0] != 1;
    if (perStep) {
        // MatMul of a sequence [N, T, F]: the same Dense at every step (Keras Dense on 3-D).
        x = sequence(x, cardName(n));
        Value out;
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

void OnnxOpMapper::conv(const onnx::NodeProto& n)
{
    const Value x = image(in(n, 0), cardName(n));
    const ConstTensor& wt = constIn(n, 1, "W (the kernels)");
    if (wt.dims.size() != 4)
        throw Unmappable(std::to_string(long(wt.dims.size()) - 2) + "-D convolution");
    const long c = x.dims[0], h = x.dims[1], wd = x.dims[2];
    const long filters = wt.dims[0], cg = wt.dims[1], kh = wt.dims[2], kw = wt.dims[3];
    const long groups = intAttr(n, "group", 1);
    if (cg * groups != c)
        throw Unmappable("kernel channels do not match the input");
    auto kernel = intsAttr(n, "kernel_shape");
    if (kernel.empty())
        kernel = {kh, kw};
    const Window win = windowOf(n, h, wd, kernel);
    // Engine W: filters x (KH * KW * Cg), column (kh * KW + kw) * Cg + ci (Conv2D.h).
    Matrix w(filters, kh * kw * cg);
    std::size_t i = 0;
    for (long o = 0; o < filters; ++o)
        for (long ci = 0; ci < cg; ++ci)
            for (long a = 0; a < kh; ++a)
                for (long b = 0; b < kw; ++b)
                    w(o, (a * kw + b) * cg + ci) = Scalar(wt.values[i++]);
    nlohmann::json attrs {{"filters", filters}, {"kernel", pair(kh, kw)},
        {"stride", pair(win.sh, win.sw)}, {"padding", paddingJson(win, h, wd)},
        {"activation", "identity"}};
    if (win.dh != 1 || win.dw != 1)
        attrs["dilation"] = pair(win.dh, win.dw);
    if (groups != 1)
        attrs["groups"] = groups;
    const bool hasBias = n.input_size() > 2 && !n.input(2).empty();
    attrs["use_bias"] = hasBias;
    Value out;
    out.layout = Layout::Image;
    out.dims = outDims(n);
    out.node = m_builder.add("Conv2D", cardName(n), attrs, {x.node});
    m_builder.setWeight(out.node, "W", std::move(w));
    if (hasBias)
        m_builder.setWeight(out.node, "b", vectorOf(constIn(n, 2, "B (the bias)"), filters, "B"));
    set(n, out);
}

void OnnxOpMapper::pool(const onnx::NodeProto& n, bool max)
{
    const Value x = image(in(n, 0), cardName(n));
    if (n.output_size() > 1 && !n.output(1).empty())
        throw Unmappable("the indices output");
    if (intAttr(n, "storage_order", 0) != 0)
        throw Unmappable("storage_order = 1");
    const Window win = windowOf(n, x.dims[1], x.dims[2], intsAttr(n, "kernel_shape"));
    if (win.dh != 1 || win.dw != 1)
        throw Unmappable("dilated pooling");
    nlohmann::json attrs {{"pool", pair(win.kh, win.kw)}, {"stride", pair(win.sh, win.sw)},
        {"padding", paddingJson(win, x.dims[1], x.dims[2])}};
    if (win.ceil)
        attrs["ceilMode"] = true;
    const bool padded = win.top || win.left || win.bottom || win.right;
    if (!max && padded && intAttr(n, "count_include_pad", 0) != 0)
        attrs["countIncludePad"] = true;
    Value out;
    out.layout = Layout::Image;
    out.dims = outDims(n);
    out.node = m_builder.add(max ? "MaxPool2D" : "AveragePool2D", cardName(n), attrs, {x.node});
    set(n, out);
}

void OnnxOpMapper::batchNorm(const onnx::NodeProto& n)
{
    if (intAttr(n, "training_mode", 0) != 0)
        throw Unmappable("training_mode = 1 (export the model in eval mode)");
    if (intAttr(n, "spatial", 1) != 1)
        throw Unmappable("spatial = 0");
    for (int k = 1; k < n.output_size(); ++k)
        if (!n.output(k).empty() && !m_view.consumers(n.output(k)).empty())
            throw Unmappable("the running statistics outputs are used");
    const Value x = dataValue(in(n, 0), cardName(n));
    long channels = 0;
    if (x.layout == Layout::Image)
        channels = x.dims[0];
    else if (x.layout == Layout::Flat && x.dims.size() == 1)
        channels = x.dims[0];
    else
        throw Unmappable(
            "normalizing " + dimsText(x.dims) + " over axis 1 (only [N, F] and images)");
    Value out = x;
    // ONNX: running = momentum running + (1 - momentum) batch; the engine weighs the batch.
    out.node = m_builder.add("BatchNorm", cardName(n),
        {{"momentum", 1.0 - floatAttr(n, "momentum", 0.9f)},
            {"epsilon", floatAttr(n, "epsilon", 1e-5f)}},
        {x.node});
    m_builder.setWeight(out.node, "gamma", vectorOf(constIn(n, 1, "scale"), channels, "scale"));
    m_builder.setWeight(out.node, "beta", vectorOf(constIn(n, 2, "B"), channels, "B"));
    m_builder.setWeight(
        out.node, "running_mean", vectorOf(constIn(n, 3, "mean"), channels, "mean"));
    m_builder.setWeight(out.node, "running_var", vectorOf(constIn(n, 4, "var"), channels, "var"));
    set(n, out);
}

void OnnxOpMapper::layerNorm(const onnx::NodeProto& n)
{
    const Value x = dataValue(in(n, 0), cardName(n));
    long axis = intAttr(n, "axis", -1);
    const long rank = long(x.dims.size()) + 1;
    if (axis < 0)
        axis += rank;
    long leading = 1; // per-sample dims before the normalized ones
    for (long d = 1; d < axis; ++d)
        leading *= x.dims[std::size_t(d - 1)];
    if (x.layout != Layout::Flat || leading != 1)
        throw Unmappable("normalizing part of a sample (the engine normalizes all its features)");
    Value out = x;
    out.node = m_builder.add(
        "LayerNorm", cardName(n), {{"epsilon", floatAttr(n, "epsilon", 1e-5f)}}, {x.node});
    m_builder.setWeight(out.node, "gamma", vectorOf(constIn(n, 1, "Scale"), x.size(), "Scale"));
    if (n.input_size() > 2 && !n.input(2).empty())
        m_builder.setWeight(out.node, "beta", vectorOf(constIn(n, 2, "B"), x.size(), "B"));
    else
        m_builder.setWeight(out.node, "beta", Matrix::Zero(x.size(), 1));
    set(n, out);
}

void OnnxOpMapper::softmax(const onnx::NodeProto& n, bool log)
{
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

void OnnxOpMapper::concat(const onnx::NodeProto& n)
{
    std::vector<Value> parts;
    for (int i = 0; i < n.input_size(); ++i)
        parts.push_back(dataValue(in(n, i), cardName(n)));
    const Value& first = parts.front();
    long axis = intAttr(n, "axis", 1);
    if (axis < 0)
        axis += long(first.dims.size()) + 1;
    // The engine joins along the last axis of its own layout: channels of an image (ONNX axis 1
    // of NCHW), features of a vector or of each time step.
    const bool imageChannels = first.layout == Layout::Image && axis == 1;
    const bool lastAxis = first.layout == Layout::Flat && axis == long(first.dims.size());
    if (!imageChannels && !lastAxis)
        throw Unmappable(
            "joining along axis " + std::to_string(axis) + " of " + dimsText(first.dims));
    std::vector<NodeId> ids;
    Value out = first;
    out.dims[std::size_t(axis - 1)] = 0;
    for (const Value& p : parts) {
        if (p.layout != first.layout || p.dims.size() != first.dims.size())
            throw Unmappable("joining tensors of different layouts");
        ids.push_back(p.node);
        out.dims[std::size_t(axis - 1)] += p.dims[std::size_t(axis - 1)];
    }
    out.node = m_builder.add("Concatenate", cardName(n), nlohmann::json::object(), ids);
    set(n, out);
}

void OnnxOpMapper::flatten(const onnx::NodeProto& n)
{
    long axis = intAttr(n, "axis", 1);
    const Value x = dataValue(in(n, 0), cardName(n));
    if (axis < 0)
        axis += long(x.dims.size()) + 1;
    if (axis != 1)
        throw Unmappable(
            "flattening from axis " + std::to_string(axis) + " (only axis 1 keeps the batch)");
    Value out;
    out.dims = {x.size()};
    if (x.layout == Layout::Flat) {
        out.node = x.node; // same values in the same order
    } else {
        out.node = m_builder.add("Flatten", cardName(n), nlohmann::json::object(), {x.node});
        const bool reorders
            = x.layout == Layout::Image && x.dims[0] != 1 && x.dims[1] * x.dims[2] != 1;
        if (reorders) {
            out.layout = Layout::ChwFlat;
            out.dims = x.dims;
        }
    }
    set(n, out);
}

namespace {

constexpr std::int64_t kBatch = std::numeric_limits<std::int64_t>::min();

/// The values of a 1-D shape tensor computed the way torch writes x.view(x.size(0), -1):
/// Concat of constants and Unsqueeze(Gather(Shape(t), i)), with kBatch for t's batch axis.
std::optional<std::vector<std::int64_t>> shapeValues(
    const OnnxGraphView& view, const std::string& name, int depth = 0)
{
    if (depth > 16)
        return std::nullopt;
    if (const ConstTensor* c = view.constant(name)) {
        std::vector<std::int64_t> v;
        for (double d : c->values)
            v.push_back(std::int64_t(d));
        return v;
    }
    const onnx::NodeProto* p = view.producer(name);
    if (!p || p->input_size() == 0)
        return std::nullopt;
    const std::string& op = p->op_type();
    if (op == "Shape") {
        const auto d = view.dims(p->input(0));
        if (!d || d->empty() || hasAttr(*p, "start") || hasAttr(*p, "end"))
            return std::nullopt;
        std::vector<std::int64_t> v = *d;
        v[0] = kBatch;
        return v;
    }
    if (op == "Cast" || op == "Identity" || op == "Unsqueeze" || op == "Squeeze")
        return shapeValues(view, p->input(0), depth + 1);
    if (op == "Gather" && p->input_size() == 2) {
        const auto all = shapeValues(view, p->input(0), depth + 1);
        const ConstTensor* index = view.constant(p->input(1));
        if (!all || !index || index->values.size() != 1)
            return std::nullopt;
        long i = long(index->values[0]);
        if (i < 0)
            i += long(all->size());
        if (i < 0 || i >= long(all->size()))
            return std::nullopt;
        return std::vector<std::int64_t> {(*all)[std::size_t(i)]};
    }
    if (op == "Concat") {
        std::vector<std::int64_t> v;
        for (const std::string& part : p->input()) {
            const auto values = shapeValues(view, part, depth + 1);
            if (!values)
                return std::nullopt;
            v.insert(v.end(), values->begin(), values->end());
        }
        return v;
    }
    return std::nullopt;
}

} // namespace

std::vector<long> OnnxOpMapper::reshapeTarget(const onnx::NodeProto& n, const Value& src) const
{
    const auto inferred = m_view.dims(n.output(0));
    if (inferred && !inferred->empty()
        && std::none_of(inferred->begin() + 1, inferred->end(), [](auto d) { return d < 0; }))
        return {inferred->begin() + 1, inferred->end()};
    // Shape inference could not follow the target: evaluate it here.
    const auto shape = n.input_size() > 1 ? shapeValues(m_view, n.input(1)) : std::nullopt;
    if (!shape || shape->empty() || ((*shape)[0] != kBatch && (*shape)[0] != 0))
        throw Unmappable("the target shape is unknown or does not keep the batch axis first");
    std::vector<long> target;
    long known = 1;
    int unknown = -1;
    for (std::size_t i = 1; i < shape->size(); ++i) {
        std::int64_t d = (*shape)[i];
        if (d == 0 && i - 1 < src.dims.size())
            d = src.dims[i - 1];
        if (d == -1 && unknown < 0) {
            unknown = int(target.size());
            target.push_back(1);
            continue;
        }
        if (d <= 0)
            throw Unmappable("the target shape is unknown or does not keep the batch axis first");
        target.push_back(long(d));
        known *= long(d);
    }
    if (unknown >= 0)
        target[std::size_t(unknown)] = known > 0 ? src.size() / known : 0;
    return target;
}

void OnnxOpMapper::reshape(const onnx::NodeProto& n)
{
    const Value& src = in(n, 0);
    const std::vector<long> target = reshapeTarget(n, src);
    long count = 1;
    for (long d : target)
        count *= d;
    if (count != src.size())
        throw Unmappable("reshaping across the batch axis (" + std::to_string(src.size())
            + " values per sample become " + std::to_string(count) + ")");
    if (src.layout == Layout::RnnYh && target.size() == 1) {
        set(n, lastStep(src.recurrent, target[0]));
        return;
    }
    if (src.layout == Layout::RnnSeq || src.layout == Layout::RnnY || src.layout == Layout::RnnYh
        || src.layout == Layout::RnnTimeMajor) {
        Value v = dataValue(src, cardName(n)); // the whole sequence, batch-major
        if (src.layout != Layout::RnnSeq)
            throw Unmappable("reshaping a recurrent layer's time-major output");
        v.dims = target;
        set(n, v);
        return;
    }
    const Value x = dataValue(src, cardName(n));
    Value out;
    out.dims = target;
    if (target.size() == 1) {
        // [N, -1]: a flatten.
        if (x.layout == Layout::Flat || x.layout == Layout::ChwFlat) {
            out = x;
            out.dims = x.layout == Layout::Flat ? target : x.dims;
        } else if (x.layout == Layout::Nhwc || x.layout == Layout::Raw4) {
            out.node = x.node; // already in the engine's order
            if (x.layout == Layout::Nhwc)
                out.node
                    = m_builder.add("Flatten", cardName(n), nlohmann::json::object(), {x.node});
        } else {
            out.node = m_builder.add("Flatten", cardName(n), nlohmann::json::object(), {x.node});
            if (x.dims[0] != 1 && x.dims[1] * x.dims[2] != 1) {
                out.layout = Layout::ChwFlat;
                out.dims = x.dims;
            }
        }
    } else if (x.layout == Layout::Flat && target.size() == 3) {
        out.layout = Layout::Raw4;
        out.node = x.node;
    } else if (x.layout == Layout::Flat && target.size() == 2) {
        out.node = m_builder.add("Reshape", cardName(n), {{"shape", target}}, {x.node});
    } else {
        throw Unmappable("reshaping " + dimsText(x.dims) + " to " + dimsText(target));
    }
    set(n, out);
}

void OnnxOpMapper::transpose(const onnx::NodeProto& n)
{
    const Value& x = in(n, 0);
    const std::vector<std::int64_t> perm = intsAttr(n, "perm");
    const auto is = [&](std::initializer_list<std::int64_t> p) {
        return perm == std::vector<std::int64_t>(p);
    };
    Value out = x;
    if ((x.layout == Layout::Nhwc || x.layout == Layout::Raw4) && is({0, 3, 1, 2})) {
        // [N, H, W, C] -> NCHW: the engine's H x W x C image.
        out.layout = Layout::Image;
        out.dims = {x.dims[2], x.dims[0], x.dims[1]};
        if (x.layout == Layout::Raw4)
            out.node = m_builder.add("Reshape", cardName(n), {{"shape", x.dims}}, {x.node});
    } else if (x.layout == Layout::Image && is({0, 2, 3, 1})) {
        out.layout = Layout::Nhwc;
        out.dims = {x.dims[1], x.dims[2], x.dims[0]};
    } else if (x.layout == Layout::Flat && x.dims.size() == 2 && is({1, 0, 2})) {
        out.layout = Layout::TimeMajor;
    } else if (x.layout == Layout::RnnTimeMajor && is({1, 0, 2})) {
        out.layout = Layout::RnnSeq;
    } else {
        std::string p;
        for (std::int64_t i : perm)
            p += (p.empty() ? "" : ", ") + std::to_string(i);
        throw Unmappable("permutation (" + p + ") of " + dimsText(x.dims));
    }
    set(n, out);
}

void OnnxOpMapper::squeeze(const onnx::NodeProto& n, bool unsqueeze)
{
    std::vector<std::int64_t> axes = intsAttr(n, "axes");
    if (axes.empty() && n.input_size() > 1 && !n.input(1).empty())
        for (double a : constIn(n, 1, "axes").values)
            axes.push_back(std::int64_t(a));
    const Value& x = in(n, 0);
    if (!unsqueeze && x.layout == Layout::RnnY && axes == std::vector<std::int64_t> {1}) {
        Value v = x;
        v.layout = Layout::RnnTimeMajor;
        v.dims = {x.dims[0], x.dims[2]};
        set(n, v);
        return;
    }
    if (!unsqueeze && x.layout == Layout::RnnYh && axes == std::vector<std::int64_t> {0}) {
        set(n, lastStep(x.recurrent, x.dims.back()));
        return;
    }
    Value v = dataValue(x, cardName(n));
    if (v.layout != Layout::Flat)
        throw Unmappable("changing the rank of " + dimsText(v.dims) + " in this layout");
    const std::vector<long> target = outDims(n);
    if (std::any_of(axes.begin(), axes.end(), [](auto a) { return a == 0; }))
        throw Unmappable("squeezing the batch axis");
    v.dims = target; // same values in the same order
    set(n, v);
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
