#include "layers/Conv2D.h"

#include "core/Kernels.h"
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

namespace {

/// Bytes of patches and output one block of samples may take: about a core's L2 cache, so the
/// GEMM reads the patches im2col just wrote, and bias and activation touch the output the GEMM
/// just wrote, while both are still cached.
constexpr long kBlockBytes = 512 * 1024;

/// The deepest window (taps x channels) every kernel table sums faster than GEMM.
constexpr long kShallowWindow = 32;

/// The most weight bytes the wide kernels sum windows directly with: they pass over all the
/// weights once per few output columns, so the weights must stay in a core's L2 cache.
constexpr long kDirectWeightBytes = 256 * 1024;

} // namespace

long Conv2D::samplesPerBlock() const
{
    const long positions = long(m_outH) * m_outW;
    const long window = long(m_kernel.h) * m_kernel.w * m_inC;
    const long perSample = positions * (window + m_filters) * long(sizeof(Scalar));
    return std::max(1L, kBlockBytes / std::max(1L, perSample));
}

namespace {

/// Copies n values; short runs (one grey pixel, one 3-tap kernel row) without a memmove call.
inline void copyValues(const Scalar* src, long n, Scalar* dst)
{
    if (n > 16) {
        std::copy_n(src, n, dst);
        return;
    }
    for (long i = 0; i < n; ++i)
        dst[i] = src[i];
}

} // namespace

void Conv2D::im2col(const Matrix& in, long first, long count, Matrix& patches) const
{
    const long positions = long(m_outH) * m_outW;
    const long window = long(m_kernel.h) * m_kernel.w * m_inC;
    const int cg = m_inC / m_groups;
    patches.resize(window, positions * count);
    Scalar* dst = patches.data();
    // Without groups and dilation along x, a kernel row inside the image is one run of
    // KW * Cin input values, already in patch order.
    const bool rowRuns = m_groups == 1 && m_dilation.w == 1;
    const long run = long(m_kernel.w) * m_inC;
    for (long b = first; b < first + count; ++b) {
        const Scalar* src = in.col(b).data();
        for (int oh = 0; oh < m_outH; ++oh)
            for (int ow = 0; ow < m_outW; ++ow) {
                const int left = ow * m_stride.w - m_padLeft;
                if (rowRuns && left >= 0 && left + m_kernel.w <= m_inW) {
                    for (int kh = 0; kh < m_kernel.h; ++kh) {
                        const int ih = oh * m_stride.h - m_padTop + kh * m_dilation.h;
                        if (ih < 0 || ih >= m_inH)
                            std::fill(dst, dst + run, Scalar(0));
                        else
                            copyValues(src + (long(ih) * m_inW + left) * m_inC, run, dst);
                        dst += run;
                    }
                    continue;
                }
                forEachTap(oh, ow, m_groups, cg, m_kernel, m_stride, m_dilation, m_padTop,
                    m_padLeft, [&](int ih, int iw, int c0) {
                        if (ih < 0 || ih >= m_inH || iw < 0 || iw >= m_inW)
                            std::fill(dst, dst + cg, Scalar(0));
                        else
                            copyValues(src + (long(ih) * m_inW + iw) * m_inC + c0, cg, dst);
                        dst += cg;
                    });
            }
    }
}

void Conv2D::col2im(const Matrix& gradPatches, long first, long count, Matrix& gradIn) const
{
    const int cg = m_inC / m_groups;
    const Scalar* src = gradPatches.data();
    for (long b = first; b < first + count; ++b) {
        Scalar* dst = gradIn.col(b).data();
        std::fill(dst, dst + gradIn.rows(), Scalar(0));
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
}

bool Conv2D::windowsInsideImage() const
{
    return m_padTop == 0 && m_padLeft == 0
        && long(m_outH - 1) * m_stride.h + long(m_kernel.h - 1) * m_dilation.h < m_inH
        && long(m_outW - 1) * m_stride.w + long(m_kernel.w - 1) * m_dilation.w < m_inW;
}

image::Size2 Conv2D::directImageSize() const
{
    if (windowsInsideImage())
        return {m_inH, m_inW};
    return {(m_outH - 1) * m_stride.h + (m_kernel.h - 1) * m_dilation.h + 1,
        (m_outW - 1) * m_stride.w + (m_kernel.w - 1) * m_dilation.w + 1};
}

std::vector<long> Conv2D::windowTaps() const
{
    const long window = long(m_kernel.h) * m_kernel.w * m_inC;
    const long width = directImageSize().w;
    std::vector<long> taps(std::size_t(window), 0);
    // In patch row order (kh, kw, channel), each tap's place in the image from the window's
    // first value.
    std::size_t t = 0;
    for (int kh = 0; kh < m_kernel.h; ++kh)
        for (int kw = 0; kw < m_kernel.w; ++kw)
            for (int c = 0; c < m_inC; ++c)
                taps[t++] = (long(kh) * m_dilation.h * width + long(kw) * m_dilation.w) * m_inC + c;
    return taps;
}

bool Conv2D::sumsWindowsDirectly() const
{
    if (m_groups != 1)
        return false;
    const long window = long(m_kernel.h) * m_kernel.w * m_inC;
    if (window <= kShallowWindow)
        return true;
    // Deeper windows need the wide kernels' registers, and weights that stay in the L2 cache
    // while each group of columns passes over all of them.
    return kernels().level != SimdLevel::Baseline
        && window * m_filters * long(sizeof(Scalar)) <= kDirectWeightBytes;
}

void Conv2D::directForward(const Matrix& in, long first, long count, const std::vector<long>& taps,
    Scalar* z, bool relu, Matrix& padded) const
{
    const ElementwiseKernels& kern = kernels();
    const long window = long(taps.size());
    const Scalar* bias = m_useBias ? m_b.data() : nullptr;
    const bool inside = windowsInsideImage();
    const image::Size2 size = directImageSize();
    const long rowValues = long(size.w) * m_inC;
    if (!inside)
        padded.setZero(rowValues * size.h, 1);
    const long positions = long(m_outH) * m_outW;
    for (long b = first; b < first + count; ++b) {
        const Scalar* image = in.col(b).data();
        if (!inside) {
            // The rows and columns the windows cover; the padding stays zero. Padded column
            // iw + padLeft holds the image's column iw.
            const long columns = std::min(m_inW, size.w - m_padLeft);
            for (int r = 0; r < size.h; ++r) {
                const int ih = r - m_padTop;
                if (ih >= 0 && ih < m_inH && columns > 0)
                    std::copy_n(image + long(ih) * m_inW * m_inC, columns * m_inC,
                        padded.data() + long(r) * rowValues + long(m_padLeft) * m_inC);
            }
            image = padded.data();
        }
        for (int oh = 0; oh < m_outH; ++oh) {
            const Scalar* row = image + long(oh) * m_stride.h * rowValues;
            Scalar* dst = z + ((b - first) * positions + long(oh) * m_outW) * m_filters;
            kern.windowProduct(m_w.data(), row, taps.data(), long(m_stride.w) * m_inC, bias, dst,
                m_filters, window, m_outW, relu);
        }
    }
}

Conv2D::Scratch& Conv2D::scratch(int worker)
{
    if (m_scratch.size() <= std::size_t(worker))
        m_scratch.resize(std::size_t(worker) + 1);
    return m_scratch[std::size_t(worker)];
}

void Conv2D::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode)
{
    const Matrix& in = *inputs[0];
    const long batch = in.cols();
    const long positions = long(m_outH) * m_outW;
    const long window = long(m_kernel.h) * m_kernel.w * m_inC;
    const bool fusedRelu = m_activation == ActivationKind::ReLU;
    // Inference keeps no pre-activation for backward: ReLU runs in place on the output, which
    // saves writing (and later evicting) a second tensor the size of the output.
    const bool reluInPlace = fusedRelu && mode == Mode::Inference;
    Matrix& z = m_activation == ActivationKind::Identity || reluInPlace ? out : m_z;
    z.resize(positions * m_filters, batch);
    if (fusedRelu)
        out.resize(z.rows(), batch);
    const long block = samplesPerBlock();
    const long fg = filtersPerGroup(), wg = windowPerGroup();
    scratch(threadCount() - 1);
    const ElementwiseKernels& kern = kernels();
    // Summing each window in registers beats im2col and GEMM for small images: GEMM reaches
    // a quarter of its speed on a first conv's few taps (9.6 GFLOP/s for 32 x 9 filters on an
    // AVX2 AMD EPYC) and on the second conv's 64 x 288 weights with a few samples' columns it
    // ran at 26-32 GFLOP/s where the window kernel reaches 40, without writing the patches.
    const bool direct = sumsWindowsDirectly();
    const std::vector<long> taps = direct ? windowTaps() : std::vector<long>();
    // Blocks of samples run on separate threads, each with its own patches buffer and a
    // single-threaded GEMM (BLAS called inside a parallel region stays on the calling thread).
    // Each thread takes an equal share of the samples, in blocks: shares of whole blocks left
    // one thread a block more than the other in the small batches predict() passes (22 samples
    // of the Fashion CNN in blocks of 3: 12 and 10).
    parallelWorkers(batch, positions * window * m_filters, [&](long begin, long end, int worker) {
        Matrix& patches = m_scratch[std::size_t(worker)].patches;
        for (long first = begin; first < end; first += block) {
            const long count = std::min(block, end - first);
            // filters x (positions * count) is the same memory as the block's columns.
            const long offset = first * positions * m_filters;
            Eigen::Map<Matrix> zBlock(z.data() + offset, m_filters, positions * count);
            if (direct) {
                directForward(in, first, count, taps, zBlock.data(), reluInPlace, patches);
                if (fusedRelu && !reluInPlace)
                    kern.reluForward(zBlock.data(), out.data() + offset, zBlock.size());
                continue;
            }
            im2col(in, first, count, patches);
            for (long g = 0; g < m_groups; ++g)
                zBlock.middleRows(g * fg, fg).noalias()
                    = m_w.middleRows(g * fg, fg) * patches.middleRows(g * wg, wg);
            if (reluInPlace) {
                if (m_useBias)
                    kern.addBias(zBlock.data(), m_b.data(), m_filters, positions * count);
                kern.reluForward(zBlock.data(), zBlock.data(), zBlock.size());
            } else if (m_useBias && fusedRelu)
                kern.addBiasRelu(
                    zBlock.data(), m_b.data(), out.data() + offset, m_filters, positions * count);
            else if (fusedRelu)
                kern.reluForward(zBlock.data(), out.data() + offset, zBlock.size());
            else if (m_useBias)
                kern.addBias(zBlock.data(), m_b.data(), m_filters, positions * count);
        }
    });
    if (!fusedRelu && m_activation != ActivationKind::Identity)
        activationForward(m_activation, Scalar(m_alpha), m_z, out);
}

void Conv2D::backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
    const Matrix& gradOut, const std::vector<Matrix*>& gradInputs)
{
    const Matrix& in = *inputs[0];
    const long batch = in.cols();
    const long positions = long(m_outH) * m_outW;
    const long window = long(m_kernel.h) * m_kernel.w * m_inC;
    const bool fusedRelu = m_activation == ActivationKind::ReLU;
    // dL/dz of the whole batch, unless ReLU's is computed block by block below.
    const Matrix* gradZ = &gradOut;
    if (m_activation != ActivationKind::Identity && !fusedRelu) {
        activationBackward(m_activation, Scalar(m_alpha), m_z, out, gradOut, m_gradZ);
        gradZ = &m_gradZ;
    }
    Matrix* gradIn = gradInputs[0];
    if (gradIn)
        gradIn->resize(long(m_inH) * m_inW * m_inC, batch);
    const long block = samplesPerBlock();
    const long blocks = (batch + block - 1) / block;
    const long fg = filtersPerGroup(), wg = windowPerGroup();
    const int workers = threadCount();
    scratch(workers - 1);
    for (int w = 0; w < workers; ++w) {
        m_scratch[std::size_t(w)].gradW.setZero(m_w.rows(), m_w.cols());
        m_scratch[std::size_t(w)].gradB.setZero(m_filters, 1);
    }
    const ElementwiseKernels& kern = kernels();
    // Per block (patches recomputed, cheaper than keeping the whole batch's): with G the
    // block's dL/dz, filters x (positions * count), per group dL/dW_g += G_g * patches_g^T,
    // dL/db += rowsum(G), dL/dpatches_g = W_g^T * G_g, then col2im into the block's samples.
    // Each worker sums its own dL/dW; the sums are added in worker order below.
    parallelWorkers(
        blocks, block * positions * window * m_filters * 2, [&](long begin, long end, int worker) {
            Scratch& s = m_scratch[std::size_t(worker)];
            for (long k = begin; k < end; ++k) {
                const long first = k * block, count = std::min(block, batch - first);
                const long offset = first * positions * m_filters;
                const long n = positions * count;
                const Scalar* g = gradZ->data() + offset;
                if (fusedRelu) {
                    s.gradZ.resize(m_filters, n);
                    kern.reluBackward(m_z.data() + offset, gradOut.data() + offset, s.gradZ.data(),
                        s.gradZ.size());
                    g = s.gradZ.data();
                }
                Eigen::Map<const Matrix> G(g, m_filters, n);
                im2col(in, first, count, s.patches);
                for (long q = 0; q < m_groups; ++q)
                    s.gradW.middleRows(q * fg, fg).noalias()
                        += G.middleRows(q * fg, fg) * s.patches.middleRows(q * wg, wg).transpose();
                if (m_useBias)
                    s.gradB.noalias() += G.rowwise().sum();
                if (gradIn) {
                    s.gradPatches.resize(window, n);
                    for (long q = 0; q < m_groups; ++q)
                        s.gradPatches.middleRows(q * wg, wg).noalias()
                            = m_w.middleRows(q * fg, fg).transpose() * G.middleRows(q * fg, fg);
                    col2im(s.gradPatches, first, count, *gradIn);
                }
            }
        });
    m_gradW = m_scratch[0].gradW;
    m_gradB = m_useBias ? m_scratch[0].gradB : Matrix();
    for (int w = 1; w < workers; ++w) {
        m_gradW += m_scratch[std::size_t(w)].gradW;
        if (m_useBias)
            m_gradB += m_scratch[std::size_t(w)].gradB;
    }
}

long Conv2D::paramCountFor(const std::vector<Shape>& inputs) const
{
    if (inputs.size() != 1 || inputs[0].rank() != 3)
        return 0;
    return long(m_filters) * m_kernel.h * m_kernel.w * (inputs[0][2] / m_groups)
        + (m_useBias ? m_filters : 0);
}

std::optional<Layer::WeightWork> Conv2D::weightWorkFor(const std::vector<Shape>& inputs) const
{
    if (inputs.size() != 1 || inputs[0].rank() != 3)
        return std::nullopt;
    // Each filter tap once per output position, in each of the three products.
    const auto g = geometryFor(inputs[0]);
    const double positions = double(g.h.out) * double(g.w.out);
    const double products
        = positions * double(m_filters) * m_kernel.h * m_kernel.w * double(inputs[0][2] / m_groups);
    const double all = products + (m_useBias ? positions * m_filters : 0);
    return WeightWork {all, all, products};
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
