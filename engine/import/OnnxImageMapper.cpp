// OnnxOpMapper's image operators: Conv, MaxPool / AveragePool (ONNX windows as the engine's
// kernel, stride, padding "valid" / "same" / [top, left, bottom, right], dilation, groups,
// ceilMode and countIncludePad), BatchNormalization and LayerNormalization.

#include "import/OnnxOpMapper.h"

#ifdef NETCANVAS_WITH_ONNX

#include "import/MapperSupport.h"
#include "layers/ImageGeometry.h"

#include <algorithm>

namespace engine::onnximport {

namespace {

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
        const image::Axis h
            = image::slideAxis(int(inH), int(w.kh), int(w.sh), 1, image::Padding2D::Mode::Same, 0, 0);
        const image::Axis v
            = image::slideAxis(int(inW), int(w.kw), int(w.sw), 1, image::Padding2D::Mode::Same, 0, 0);
        if (h.padBefore == w.top && v.padBefore == w.left
            && h.out == windowOut(inH, w.kh, w.sh, 1, w.top, w.bottom, false)
            && v.out == windowOut(inW, w.kw, w.sw, 1, w.left, w.right, false))
            return "same";
    }
    return nlohmann::json::array({w.top, w.left, w.bottom, w.right});
}

/// Row-major [rows, cols] constant as a matrix.
} // namespace

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

} // namespace engine::onnximport

#endif // NETCANVAS_WITH_ONNX
