#include "layers/Pooling.h"

#include "core/Parallel.h"
#include "graph/Attributes.h"
#include "layers/ImageGeometry.h"

#include <algorithm>
#include <limits>

namespace engine {

Shape Pool2D::outputShape(const std::vector<Shape>& inputs) const
{
    const std::string name = type();
    if (inputs.size() != 1 || inputs[0].empty())
        throw ShapeError(name + " needs one input with a known shape");
    const Shape& in = inputs[0];
    image::requireImage(name, in);
    const bool same = m_padding == "same";
    const auto h = image::axis(in[0], m_pool, effectiveStride(), same);
    const auto w = image::axis(in[1], m_pool, effectiveStride(), same);
    if (h.out < 1 || w.out < 1) {
        const std::string p = std::to_string(m_pool);
        throw ShapeError(name + " window " + p + "x" + p + " is larger than its " + in.toString()
            + " input: use padding \"same\" or a smaller pool");
    }
    return Shape {h.out, w.out, in[2]};
}

void Pool2D::build(const std::vector<Shape>& inputs, Rng&)
{
    const Shape out = outputShape(inputs);
    const Shape& in = inputs[0];
    const bool same = m_padding == "same";
    m_inH = in[0];
    m_inW = in[1];
    m_channels = in[2];
    m_outH = out[0];
    m_outW = out[1];
    m_padTop = image::axis(m_inH, m_pool, effectiveStride(), same).padBefore;
    m_padLeft = image::axis(m_inW, m_pool, effectiveStride(), same).padBefore;
}

nlohmann::json Pool2D::attributes() const
{
    return {{"pool", m_pool}, {"stride", m_stride}, {"padding", m_padding}};
}

void Pool2D::setAttributes(const nlohmann::json& attrs)
{
    const auto specs = attributeSpecs();
    int pool = m_pool, stride = m_stride;
    std::string padding = m_padding;
    attr::read(attrs, specs[0], pool);
    attr::read(attrs, specs[1], stride);
    attr::read(attrs, specs[2], padding);
    m_pool = pool;
    m_stride = stride;
    m_padding = padding;
}

std::vector<AttributeSpec> Pool2D::attributeSpecs() const
{
    return {attr::intSpec("pool", "Pool size", 1, 16, "Window size P (P x P)"),
        attr::intSpec("stride", "Stride", 0, 16, "Step between windows; 0 = pool size"),
        attr::choiceSpec("padding", "Padding", {"valid", "same"},
            "valid: windows inside the image; same: output = ceil(input / stride)")};
}

std::string Pool2D::summary() const
{
    const std::string p = std::to_string(m_pool);
    std::string s = label() + " " + p + "x" + p;
    if (effectiveStride() != m_pool)
        s += " /" + std::to_string(effectiveStride());
    return s;
}

namespace {

/// Calls visit(p, h0, h1, w0, w1) for every output pixel p = oh * outW + ow with its window
/// clipped to the image: rows [h0, h1), columns [w0, w1).
template <typename Visit>
void forEachWindow(int outH, int outW, int inH, int inW, int pool, int stride, int padTop,
    int padLeft, Visit&& visit)
{
    for (int oh = 0; oh < outH; ++oh) {
        const int top = oh * stride - padTop;
        const int h0 = std::max(top, 0), h1 = std::min(top + pool, inH);
        for (int ow = 0; ow < outW; ++ow) {
            const int left = ow * stride - padLeft;
            const int w0 = std::max(left, 0), w1 = std::min(left + pool, inW);
            visit(long(oh) * outW + ow, h0, h1, w0, w1);
        }
    }
}

} // namespace

void MaxPool2D::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode)
{
    const Matrix& in = *inputs[0];
    const long batch = in.cols();
    const int c = m_channels;
    out.resize(long(m_outH) * m_outW * c, batch);
    m_argmax.resize(std::size_t(out.size()));
    const int stride = effectiveStride();
    parallelRanges(batch, in.rows() * 2, [&](long begin, long end) {
        for (long b = begin; b < end; ++b) {
            const Scalar* src = in.col(b).data();
            Scalar* dst = out.col(b).data();
            int* arg = m_argmax.data() + b * out.rows();
            forEachWindow(m_outH, m_outW, m_inH, m_inW, m_pool, stride, m_padTop, m_padLeft,
                [&](long p, int h0, int h1, int w0, int w1) {
                    Scalar* o = dst + p * c;
                    int* a = arg + p * c;
                    std::fill(o, o + c, -std::numeric_limits<Scalar>::infinity());
                    std::fill(a, a + c, (h0 * m_inW + w0) * c);
                    for (int h = h0; h < h1; ++h)
                        for (int w = w0; w < w1; ++w) {
                            const int row = (h * m_inW + w) * c;
                            for (int k = 0; k < c; ++k)
                                if (src[row + k] > o[k]) {
                                    o[k] = src[row + k];
                                    a[k] = row + k;
                                }
                        }
                });
        }
    });
}

void MaxPool2D::backward(const std::vector<const Matrix*>& inputs, const Matrix&,
    const Matrix& gradOut, const std::vector<Matrix*>& gradInputs)
{
    if (!gradInputs[0])
        return;
    Matrix& gin = *gradInputs[0];
    gin.setZero(inputs[0]->rows(), gradOut.cols());
    const long rows = gradOut.rows();
    parallelRanges(gradOut.cols(), rows, [&](long begin, long end) {
        for (long b = begin; b < end; ++b) {
            const int* a = m_argmax.data() + b * rows;
            const Scalar* g = gradOut.col(b).data();
            Scalar* d = gin.col(b).data();
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
    const int stride = effectiveStride();
    parallelRanges(batch, in.rows() * 2, [&](long begin, long end) {
        for (long b = begin; b < end; ++b) {
            const Scalar* src = in.col(b).data();
            Scalar* dst = out.col(b).data();
            forEachWindow(m_outH, m_outW, m_inH, m_inW, m_pool, stride, m_padTop, m_padLeft,
                [&](long p, int h0, int h1, int w0, int w1) {
                    Scalar* o = dst + p * c;
                    std::fill(o, o + c, Scalar(0));
                    for (int h = h0; h < h1; ++h)
                        for (int w = w0; w < w1; ++w) {
                            const Scalar* s = src + (h * m_inW + w) * c;
                            for (int k = 0; k < c; ++k)
                                o[k] += s[k];
                        }
                    const Scalar inv = Scalar(1) / Scalar((h1 - h0) * (w1 - w0));
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
    gin.setZero(inputs[0]->rows(), gradOut.cols());
    const int c = m_channels;
    const int stride = effectiveStride();
    parallelRanges(gradOut.cols(), gin.rows() * 2, [&](long begin, long end) {
        for (long b = begin; b < end; ++b) {
            const Scalar* g = gradOut.col(b).data();
            Scalar* d = gin.col(b).data();
            forEachWindow(m_outH, m_outW, m_inH, m_inW, m_pool, stride, m_padTop, m_padLeft,
                [&](long p, int h0, int h1, int w0, int w1) {
                    const Scalar inv = Scalar(1) / Scalar((h1 - h0) * (w1 - w0));
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

} // namespace engine
