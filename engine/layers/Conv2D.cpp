#include "layers/Conv2D.h"

#include "core/Parallel.h"
#include "graph/Attributes.h"
#include "layers/ImageGeometry.h"
#include "layers/WeightLayerCommon.h"

#include <algorithm>

namespace engine {

image::Geometry Conv2D::geometryFor(const Shape& in) const
{
    return image::slide(in, m_kernel, m_stride, m_dilation, m_padding);
}

Shape Conv2D::outputShape(const std::vector<Shape>& inputs) const
{
    if (inputs.size() != 1 || inputs[0].empty())
        throw ShapeError("Conv2D needs one input with a known shape");
    const Shape& in = inputs[0];
    image::requireImage("Conv2D", in);
    if (in[2] % m_groups != 0 || m_filters % m_groups != 0)
        throw ShapeError("Conv2D groups " + std::to_string(m_groups) + " must divide both its "
            + std::to_string(in[2]) + " input channels (" + in.toString() + ") and its "
            + std::to_string(m_filters) + " filters");
    const auto g = geometryFor(in);
    if (g.h.out < 1 || g.w.out < 1) {
        std::string k = std::to_string(m_kernel.h) + "x" + std::to_string(m_kernel.w);
        if (m_dilation != image::Size2 {1, 1})
            k += " (dilation " + image::text(m_dilation) + ")";
        throw ShapeError("Conv2D kernel " + k + " is larger than its " + in.toString()
            + " input: use padding \"same\" or a smaller kernel");
    }
    return Shape {g.h.out, g.w.out, m_filters};
}

Initializer Conv2D::effectiveInitializer() const
{
    return weightlayer::resolveInitializer(m_initializer, m_activation);
}

void Conv2D::build(const std::vector<Shape>& inputs, Rng& rng)
{
    const Shape out = outputShape(inputs);
    const Shape& in = inputs[0];
    m_inH = in[0];
    m_inW = in[1];
    m_inC = in[2];
    m_outH = out[0];
    m_outW = out[1];
    const auto g = geometryFor(in);
    m_padTop = g.h.padBefore;
    m_padLeft = g.w.padBefore;
    const long window = windowPerGroup();
    m_w.resize(m_filters, window);
    // Each input channel feeds the KH x KW taps of its group's filters.
    initialize(m_w, effectiveInitializer(), window,
        long(m_kernel.h) * m_kernel.w * filtersPerGroup(), rng);
    m_b = m_useBias ? Matrix::Zero(m_filters, 1) : Matrix();
    m_gradW = Matrix::Zero(m_w.rows(), m_w.cols());
    m_gradB = Matrix::Zero(m_b.rows(), m_b.cols());
}

namespace {

/// Calls visit(ih, iw, c0) for every tap of output pixel (oh, ow), in the patch row order (group,
/// kh, kw); c0 is the group's first channel, ih/iw may lie outside the image.
template <typename Visit>
void forEachTap(int oh, int ow, int groups, int channelsPerGroup, image::Size2 kernel,
    image::Size2 stride, image::Size2 dilation, int padTop, int padLeft, Visit&& visit)
{
    for (int g = 0; g < groups; ++g)
        for (int kh = 0; kh < kernel.h; ++kh) {
            const int ih = oh * stride.h - padTop + kh * dilation.h;
            for (int kw = 0; kw < kernel.w; ++kw)
                visit(ih, ow * stride.w - padLeft + kw * dilation.w, g * channelsPerGroup);
        }
}

} // namespace

void Conv2D::im2col(const Matrix& in)
{
    const long batch = in.cols();
    const long positions = long(m_outH) * m_outW;
    const long window = long(m_kernel.h) * m_kernel.w * m_inC;
    const int cg = m_inC / m_groups;
    m_patches.resize(window, positions * batch);
    // Each sample fills only its own block of columns, so samples run in parallel.
    parallelRanges(batch, positions * window, [&](long begin, long end) {
        for (long b = begin; b < end; ++b) {
            const Scalar* src = in.col(b).data();
            Scalar* dst = m_patches.data() + b * positions * window;
            for (int oh = 0; oh < m_outH; ++oh)
                for (int ow = 0; ow < m_outW; ++ow)
                    forEachTap(oh, ow, m_groups, cg, m_kernel, m_stride, m_dilation, m_padTop,
                        m_padLeft, [&](int ih, int iw, int c0) {
                            if (ih < 0 || ih >= m_inH || iw < 0 || iw >= m_inW)
                                std::fill(dst, dst + cg, Scalar(0));
                            else
                                std::copy_n(src + (long(ih) * m_inW + iw) * m_inC + c0, cg, dst);
                            dst += cg;
                        });
        }
    });
}

void Conv2D::col2im(const Matrix& gradPatches, Matrix& gradIn) const
{
    const long batch = gradPatches.cols() / (long(m_outH) * m_outW);
    const long positions = long(m_outH) * m_outW;
    const long window = long(m_kernel.h) * m_kernel.w * m_inC;
    const int cg = m_inC / m_groups;
    gradIn.resize(long(m_inH) * m_inW * m_inC, batch);
    // Each thread zeroes its own samples right before adding into them (still in cache).
    parallelRanges(batch, positions * window, [&](long begin, long end) {
        for (long b = begin; b < end; ++b) {
            Scalar* dst = gradIn.col(b).data();
            std::fill(dst, dst + gradIn.rows(), Scalar(0));
            const Scalar* src = gradPatches.data() + b * positions * window;
            for (int oh = 0; oh < m_outH; ++oh)
                for (int ow = 0; ow < m_outW; ++ow)
                    forEachTap(oh, ow, m_groups, cg, m_kernel, m_stride, m_dilation, m_padTop,
                        m_padLeft, [&](int ih, int iw, int c0) {
                            if (ih >= 0 && ih < m_inH && iw >= 0 && iw < m_inW) {
                                Scalar* d = dst + (long(ih) * m_inW + iw) * m_inC + c0;
                                for (int c = 0; c < cg; ++c)
                                    d[c] += src[c];
                            }
                            src += cg;
                        });
        }
    });
}

void Conv2D::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode)
{
    const Matrix& in = *inputs[0];
    const long batch = in.cols();
    const long positions = long(m_outH) * m_outW;
    im2col(in);
    Matrix& z = m_activation == ActivationKind::Identity ? out : m_z;
    z.resize(positions * m_filters, batch);
    // filters x (positions * batch) is the same memory as (positions * filters) x batch.
    Eigen::Map<Matrix> zView(z.data(), m_filters, positions * batch);
    if (m_groups == 1) {
        zView.noalias() = m_w * m_patches;
    } else {
        const long fg = filtersPerGroup(), wg = windowPerGroup();
        for (long g = 0; g < m_groups; ++g)
            zView.middleRows(g * fg, fg).noalias()
                = m_w.middleRows(g * fg, fg) * m_patches.middleRows(g * wg, wg);
    }
    addBiasAndActivate(m_activation, Scalar(m_alpha), m_b, z, out);
}

void Conv2D::backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
    const Matrix& gradOut, const std::vector<Matrix*>& gradInputs)
{
    const long batch = inputs[0]->cols();
    const long positions = long(m_outH) * m_outW;
    const Matrix* gradZ = &gradOut;
    if (m_activation != ActivationKind::Identity) {
        activationBackward(m_activation, Scalar(m_alpha), m_z, out, gradOut, m_gradZ);
        gradZ = &m_gradZ;
    }
    Eigen::Map<const Matrix> g(gradZ->data(), m_filters, positions * batch);
    // Per group: dL/dW_g = G_g * patches_g^T, dL/dpatches_g = W_g^T * G_g.
    const long fg = filtersPerGroup(), wg = windowPerGroup();
    for (long k = 0; k < m_groups; ++k)
        m_gradW.middleRows(k * fg, fg).noalias()
            = g.middleRows(k * fg, fg) * m_patches.middleRows(k * wg, wg).transpose();
    if (m_useBias)
        m_gradB = g.rowwise().sum();
    if (gradInputs[0]) {
        m_gradPatches.resize(m_patches.rows(), m_patches.cols());
        for (long k = 0; k < m_groups; ++k)
            m_gradPatches.middleRows(k * wg, wg).noalias()
                = m_w.middleRows(k * fg, fg).transpose() * g.middleRows(k * fg, fg);
        col2im(m_gradPatches, *gradInputs[0]);
    }
}

long Conv2D::paramCountFor(const std::vector<Shape>& inputs) const
{
    if (inputs.size() != 1 || inputs[0].rank() != 3)
        return 0;
    return long(m_filters) * m_kernel.h * m_kernel.w * (inputs[0][2] / m_groups)
        + (m_useBias ? m_filters : 0);
}

std::vector<Param> Conv2D::params()
{
    return weightlayer::weightAndBias(m_w, m_gradW, m_b, m_gradB, m_useBias);
}

nlohmann::json Conv2D::attributes() const
{
    nlohmann::json j {{"filters", m_filters}, {"kernel", image::toJson(m_kernel)},
        {"stride", image::toJson(m_stride)}, {"padding", image::toJson(m_padding)},
        {"dilation", image::toJson(m_dilation)}, {"groups", m_groups},
        {"activation", activationName(m_activation)}, {"use_bias", m_useBias},
        {"initializer", m_initializer}};
    if (m_activation == ActivationKind::LeakyReLU || m_activation == ActivationKind::ELU)
        j["alpha"] = m_alpha;
    return j;
}

void Conv2D::setAttributes(const nlohmann::json& attrs)
{
    const auto specs = attributeSpecs();
    int filters = m_filters, groups = m_groups;
    image::Size2 kernel = m_kernel, stride = m_stride, dilation = m_dilation;
    image::Padding2D padding = m_padding;
    std::string activation = activationName(m_activation);
    double alpha = m_alpha;
    bool useBias = m_useBias;
    std::string init = m_initializer;
    attr::read(attrs, specs[0], filters);
    image::read(attrs, specs[1], kernel);
    image::read(attrs, specs[2], stride);
    image::read(attrs, specs[3], padding);
    image::read(attrs, specs[4], dilation);
    attr::read(attrs, specs[5], groups);
    attr::read(attrs, specs[6], activation);
    attr::read(attrs, specs[7], alpha);
    attr::read(attrs, specs[8], useBias);
    attr::read(attrs, specs[9], init);
    // Assign only once everything parsed, so a bad value changes nothing.
    m_filters = filters;
    m_kernel = kernel;
    m_stride = stride;
    m_padding = padding;
    m_dilation = dilation;
    m_groups = groups;
    m_activation = *activationFromName(activation);
    m_alpha = alpha;
    m_useBias = useBias;
    m_initializer = init;
}

std::vector<AttributeSpec> Conv2D::attributeSpecs() const
{
    return {attr::intSpec("filters", "Filters", 1, 4096, "Number of output channels"),
        attr::intListSpec(
            "kernel", "Kernel", 2, 1, 31, {}, "Window size: K for K x K, or \"KH, KW\""),
        attr::intListSpec(
            "stride", "Stride", 2, 1, 16, {}, "Step between windows: S, or \"SH, SW\""),
        attr::intListSpec("padding", "Padding", 4, 0, 64, {"valid", "same"},
            "valid: windows inside the image; same: zero-pad so output = ceil(input / stride); "
            "or zeros to add \"top, left, bottom, right\""),
        attr::intListSpec("dilation", "Dilation", 2, 1, 16, {},
            "Spacing of the kernel taps: D, or \"DH, DW\" (1 = adjacent pixels)"),
        attr::intSpec("groups", "Groups", 1, 4096,
            "Split channels and filters into this many independent groups; = input channels "
            "for a depthwise convolution"),
        attr::choiceSpec("activation", "Activation", activationNames(), "Applied to W * x + b"),
        attr::floatSpec("alpha", "Alpha", 0.0, 10.0, "Leaky ReLU slope / ELU scale"),
        attr::boolSpec("use_bias", "Bias", "Add a learned bias per filter"),
        weightlayer::initializerSpec()};
}

std::string Conv2D::summary() const
{
    std::string s = "Conv2D " + std::to_string(m_filters) + " " + std::to_string(m_kernel.h) + "x"
        + std::to_string(m_kernel.w);
    if (m_stride != image::Size2 {1, 1})
        s += " /" + image::text(m_stride);
    if (m_dilation != image::Size2 {1, 1})
        s += " dilation " + image::text(m_dilation);
    if (m_groups != 1)
        s += ", " + std::to_string(m_groups) + " groups";
    if (m_activation != ActivationKind::Identity)
        s += ", " + activationLabel(m_activation);
    return s;
}

} // namespace engine
