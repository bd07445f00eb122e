#include "layers/Pooling.h"

#include "core/Kernels.h"
#include "core/Parallel.h"
#include "graph/Attributes.h"

#include <algorithm>

namespace engine {

image::Geometry Pool2D::geometryFor(const Shape& in) const
{
    return image::slide(in, m_pool, effectiveStride(), {1, 1}, m_padding, m_ceilMode);
}

Shape Pool2D::outputShape(const std::vector<Shape>& inputs) const
{
    const std::string name = type();
    if (inputs.size() != 1 || inputs[0].empty())
        throw ShapeError(name + " needs one input with a known shape");
    const Shape& in = inputs[0];
    image::requireImage(name, in);
    const std::string window = std::to_string(m_pool.h) + "x" + std::to_string(m_pool.w);
    const auto& p = m_padding;
    // A window lying wholly in the padding would have nothing to pool.
    if (std::max(p.top, p.bottom) >= m_pool.h || std::max(p.left, p.right) >= m_pool.w)
        throw ShapeError(name + " padding " + image::toJson(p).dump() + " must be smaller than its "
            + window + " window on each side");
    const auto g = geometryFor(in);
    if (g.h.out < 1 || g.w.out < 1)
        throw ShapeError(name + " window " + window + " is larger than its " + in.toString()
            + " input: use padding \"same\" or a smaller pool");
    return Shape {g.h.out, g.w.out, in[2]};
}

void Pool2D::build(const std::vector<Shape>& inputs, Rng&)
{
    const Shape out = outputShape(inputs);
    const Shape& in = inputs[0];
    m_inH = in[0];
    m_inW = in[1];
    m_channels = in[2];
    m_outH = out[0];
    m_outW = out[1];
    m_geometry = geometryFor(in);
}

nlohmann::json Pool2D::attributes() const
{
    return {{"pool", image::toJson(m_pool)}, {"stride", image::toJson(m_stride)},
        {"padding", image::toJson(m_padding)}, {"ceilMode", m_ceilMode}};
}

void Pool2D::setAttributes(const nlohmann::json& attrs)
{
    const auto specs = Pool2D::attributeSpecs();
    image::Size2 pool = m_pool, stride = m_stride;
    image::Padding2D padding = m_padding;
    bool ceilMode = m_ceilMode;
    image::read(attrs, specs[0], pool);
    image::read(attrs, specs[1], stride);
    image::read(attrs, specs[2], padding);
    attr::read(attrs, specs[3], ceilMode);
    m_pool = pool;
    m_stride = stride;
    m_padding = padding;
    m_ceilMode = ceilMode;
}

std::vector<AttributeSpec> Pool2D::attributeSpecs() const
{
    return {attr::intListSpec(
                "pool", "Pool size", 2, 1, 16, {}, "Window size: P for P x P, or \"PH, PW\""),
        attr::intListSpec("stride", "Stride", 2, 0, 16, {},
            "Step between windows: S, or \"SH, SW\"; 0 = pool size"),
        attr::intListSpec("padding", "Padding", 4, 0, 15, {"valid", "same"},
            "valid: windows inside the image; same: output = ceil(input / stride); or cells to "
            "add \"top, left, bottom, right\" (smaller than the window)"),
        attr::boolSpec("ceilMode", "Ceil mode",
            "Round the output size up: a last, partial window at the bottom and right edges")};
}

std::string Pool2D::summary() const
{
    std::string s = label() + " " + std::to_string(m_pool.h) + "x" + std::to_string(m_pool.w);
    if (effectiveStride() != m_pool)
        s += " /" + image::text(effectiveStride());
    return s;
}

template <typename Visit> void Pool2D::forEachWindow(Visit&& visit) const
{
    const image::Size2 stride = effectiveStride();
    const int padTop = m_geometry.h.padBefore, padLeft = m_geometry.w.padBefore;
    const int paddedH = m_inH + m_geometry.h.padAfter, paddedW = m_inW + m_geometry.w.padAfter;
    for (int oh = 0; oh < m_outH; ++oh) {
        const int top = oh * stride.h - padTop;
        const int h0 = std::max(top, 0), h1 = std::min(top + m_pool.h, m_inH);
        const int rows = std::min(top + m_pool.h, paddedH) - std::max(top, -padTop);
        for (int ow = 0; ow < m_outW; ++ow) {
            const int left = ow * stride.w - padLeft;
            const int w0 = std::max(left, 0), w1 = std::min(left + m_pool.w, m_inW);
            const int cols = std::min(left + m_pool.w, paddedW) - std::max(left, -padLeft);
            visit(long(oh) * m_outW + ow, h0, h1, w0, w1, rows * cols);
        }
    }
}

void MaxPool2D::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode)
{
    const Matrix& in = *inputs[0];
    const long batch = in.cols();
    const int c = m_channels;
    out.resize(long(m_outH) * m_outW * c, batch);
    if (mode == Mode::Inference) {
        // Nothing goes backward: the maxima without their argmax.
        m_argmax.clear();
        const auto maxPoolWindowValues = kernels().maxPoolWindowValues;
        parallelRanges(batch, in.rows(), [&](long begin, long end) {
            for (long b = begin; b < end; ++b) {
                const Scalar* src = in.col(b).data();
                Scalar* dst = out.col(b).data();
                forEachWindow([&](long p, int h0, int h1, int w0, int w1, int) {
                    maxPoolWindowValues(src + (h0 * m_inW + w0) * c, h1 - h0, w1 - w0,
                        long(m_inW) * c, c, dst + p * c);
                });
            }
        });
        return;
    }
    m_argmax.resize(std::size_t(out.size()));
    const auto maxPoolWindow = kernels().maxPoolWindow;
    parallelRanges(batch, in.rows() * 2, [&](long begin, long end) {
        for (long b = begin; b < end; ++b) {
            const Scalar* src = in.col(b).data();
            Scalar* dst = out.col(b).data();
            int* arg = m_argmax.data() + b * out.rows();
            forEachWindow([&](long p, int h0, int h1, int w0, int w1, int) {
                const int at = (h0 * m_inW + w0) * c;
                maxPoolWindow(
                    src + at, h1 - h0, w1 - w0, long(m_inW) * c, c, at, dst + p * c, arg + p * c);
            });
        }
    });
}

void MaxPool2D::backward(const std::vector<const Matrix*>& inputs, const Matrix&,
    const Matrix& gradOut, const std::vector<Matrix*>& gradInputs)
{
    if (!gradInputs[0])
        return;
    if (m_argmax.size() != std::size_t(gradOut.size())) {
        // The last forward was an inference one, which keeps no argmax: find them again rather
        // than read past the end (a caller may go backward after predicting, as the tests do).
        Matrix maxima;
        forward(inputs, maxima, Mode::Train);
    }
    Matrix& gin = *gradInputs[0];
    gin.resize(inputs[0]->rows(), gradOut.cols());
    const long rows = gradOut.rows();
    // Each thread zeroes its own samples right before scattering into them (still in cache).
    parallelRanges(gradOut.cols(), gin.rows(), [&](long begin, long end) {
        for (long b = begin; b < end; ++b) {
            const int* a = m_argmax.data() + b * rows;
            const Scalar* g = gradOut.col(b).data();
            Scalar* d = gin.col(b).data();
            std::fill(d, d + gin.rows(), Scalar(0));
            for (long i = 0; i < rows; ++i)
                d[a[i]] += g[i];
        }
    });
}

void AveragePool2D::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode)
{
    const Matrix& in = *inputs[0];
    const long batch = in.cols();
    const int c = m_channels;
    out.resize(long(m_outH) * m_outW * c, batch);
    parallelRanges(batch, in.rows() * 2, [&](long begin, long end) {
        for (long b = begin; b < end; ++b) {
            const Scalar* src = in.col(b).data();
            Scalar* dst = out.col(b).data();
            forEachWindow([&](long p, int h0, int h1, int w0, int w1, int padded) {
                Scalar* o = dst + p * c;
                std::fill(o, o + c, Scalar(0));
                for (int h = h0; h < h1; ++h)
                    for (int w = w0; w < w1; ++w) {
                        const Scalar* s = src + (h * m_inW + w) * c;
                        for (int k = 0; k < c; ++k)
                            o[k] += s[k];
                    }
                const int count = m_countIncludePad ? padded : (h1 - h0) * (w1 - w0);
                const Scalar inv = Scalar(1) / Scalar(count);
                for (int k = 0; k < c; ++k)
                    o[k] *= inv;
            });
        }
    });
}

void AveragePool2D::backward(const std::vector<const Matrix*>& inputs, const Matrix&,
    const Matrix& gradOut, const std::vector<Matrix*>& gradInputs)
{
    if (!gradInputs[0])
        return;
    Matrix& gin = *gradInputs[0];
    gin.resize(inputs[0]->rows(), gradOut.cols());
    const int c = m_channels;
    parallelRanges(gradOut.cols(), gin.rows() * 2, [&](long begin, long end) {
        for (long b = begin; b < end; ++b) {
            const Scalar* g = gradOut.col(b).data();
            Scalar* d = gin.col(b).data();
            std::fill(d, d + gin.rows(), Scalar(0));
            forEachWindow([&](long p, int h0, int h1, int w0, int w1, int padded) {
                const int count = m_countIncludePad ? padded : (h1 - h0) * (w1 - w0);
                const Scalar inv = Scalar(1) / Scalar(count);
                const Scalar* go = g + p * c;
                for (int h = h0; h < h1; ++h)
                    for (int w = w0; w < w1; ++w) {
                        Scalar* di = d + (h * m_inW + w) * c;
                        for (int k = 0; k < c; ++k)
                            di[k] += go[k] * inv;
                    }
            });
        }
    });
}

nlohmann::json AveragePool2D::attributes() const
{
    nlohmann::json j = Pool2D::attributes();
    j["countIncludePad"] = m_countIncludePad;
    return j;
}

void AveragePool2D::setAttributes(const nlohmann::json& attrs)
{
    bool include = m_countIncludePad;
    attr::read(attrs, attributeSpecs().back(), include);
    Pool2D::setAttributes(attrs);
    m_countIncludePad = include;
}

std::vector<AttributeSpec> AveragePool2D::attributeSpecs() const
{
    auto specs = Pool2D::attributeSpecs();
    specs.push_back(attr::boolSpec("countIncludePad", "Count padding",
        "Divide by the whole window, padded zeros included (PyTorch's default); otherwise by the "
        "pixels inside the image"));
    return specs;
}

Shape GlobalPool2D::outputShape(const std::vector<Shape>& inputs) const
{
    const std::string name = type();
    if (inputs.size() != 1 || inputs[0].empty())
        throw ShapeError(name + " needs one input with a known shape");
    image::requireImage(name, inputs[0]);
    return Shape {inputs[0][2]};
}

void GlobalPool2D::build(const std::vector<Shape>& inputs, Rng&)
{
    outputShape(inputs);
    m_pixels = long(inputs[0][0]) * inputs[0][1];
    m_channels = inputs[0][2];
}

void GlobalAveragePool2D::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode)
{
    const Matrix& in = *inputs[0];
    // A sample's column is the C x (H W) matrix of its pixels: average its columns.
    out.resize(m_channels, in.cols());
    for (long b = 0; b < in.cols(); ++b)
        out.col(b)
            = Eigen::Map<const Matrix>(in.col(b).data(), m_channels, m_pixels).rowwise().mean();
}

void GlobalAveragePool2D::backward(const std::vector<const Matrix*>& inputs, const Matrix&,
    const Matrix& gradOut, const std::vector<Matrix*>& gradInputs)
{
    if (!gradInputs[0])
        return;
    Matrix& gin = *gradInputs[0];
    gin.resize(inputs[0]->rows(), gradOut.cols());
    const Scalar inv = Scalar(1) / Scalar(m_pixels);
    for (long b = 0; b < gradOut.cols(); ++b)
        Eigen::Map<Matrix>(gin.col(b).data(), m_channels, m_pixels).colwise()
            = gradOut.col(b) * inv;
}

void GlobalMaxPool2D::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode)
{
    const Matrix& in = *inputs[0];
    out.resize(m_channels, in.cols());
    m_argmax.resize(std::size_t(out.size()));
    for (long b = 0; b < in.cols(); ++b) {
        const Eigen::Map<const Matrix> pixels(in.col(b).data(), m_channels, m_pixels);
        for (int c = 0; c < m_channels; ++c) {
            Eigen::Index at = 0;
            out(c, b) = pixels.row(c).maxCoeff(&at);
            m_argmax[std::size_t(b * m_channels + c)] = long(at) * m_channels + c;
        }
    }
}

void GlobalMaxPool2D::backward(const std::vector<const Matrix*>& inputs, const Matrix&,
    const Matrix& gradOut, const std::vector<Matrix*>& gradInputs)
{
    if (!gradInputs[0])
        return;
    Matrix& gin = *gradInputs[0];
    gin.setZero(inputs[0]->rows(), gradOut.cols());
    for (long b = 0; b < gradOut.cols(); ++b)
        for (int c = 0; c < m_channels; ++c)
            gin(m_argmax[std::size_t(b * m_channels + c)], b) += gradOut(c, b);
}

} // namespace engine
