#include "layers/Conv2D.h"

#include "core/Parallel.h"
#include "graph/Attributes.h"
#include "layers/ImageGeometry.h"
#include "layers/WeightLayerCommon.h"

#include <algorithm>

namespace engine {

Shape Conv2D::outputShape(const std::vector<Shape>& inputs) const
{
    if (inputs.size() != 1 || inputs[0].empty())
        throw ShapeError("Conv2D needs one input with a known shape");
    const Shape& in = inputs[0];
    image::requireImage("Conv2D", in);
    const bool same = samePadding();
    const auto h = image::axis(in[0], m_kernel, m_stride, same);
    const auto w = image::axis(in[1], m_kernel, m_stride, same);
    if (h.out < 1 || w.out < 1) {
        const std::string k = std::to_string(m_kernel) + "x" + std::to_string(m_kernel);
        throw ShapeError("Conv2D kernel " + k + " is larger than its " + in.toString()
            + " input: use padding \"same\" or a smaller kernel");
    }
    return Shape {h.out, w.out, m_filters};
}

Initializer Conv2D::effectiveInitializer() const
{
    return weightlayer::resolveInitializer(m_initializer, m_activation);
}

void Conv2D::build(const std::vector<Shape>& inputs, Rng& rng)
{
    const Shape out = outputShape(inputs);
    const Shape& in = inputs[0];
    const bool same = samePadding();
    m_inH = in[0];
    m_inW = in[1];
    m_inC = in[2];
    m_outH = out[0];
    m_outW = out[1];
    m_padTop = image::axis(m_inH, m_kernel, m_stride, same).padBefore;
    m_padLeft = image::axis(m_inW, m_kernel, m_stride, same).padBefore;
    const long window = long(m_kernel) * m_kernel * m_inC;
    m_w.resize(m_filters, window);
    initialize(m_w, effectiveInitializer(), window, long(m_kernel) * m_kernel * m_filters, rng);
    m_b = m_useBias ? Matrix::Zero(m_filters, 1) : Matrix();
    m_gradW = Matrix::Zero(m_w.rows(), m_w.cols());
    m_gradB = Matrix::Zero(m_b.rows(), m_b.cols());
}

void Conv2D::im2col(const Matrix& in)
{
    const long batch = in.cols();
    const long positions = long(m_outH) * m_outW;
    const long window = long(m_kernel) * m_kernel * m_inC;
    m_patches.resize(window, positions * batch);
    // Each sample fills only its own block of columns, so samples run in parallel.
    parallelRanges(batch, positions * window, [&](long begin, long end) {
        for (long b = begin; b < end; ++b) {
            const Scalar* src = in.col(b).data();
            Scalar* dst = m_patches.data() + b * positions * window;
            for (int oh = 0; oh < m_outH; ++oh) {
                for (int ow = 0; ow < m_outW; ++ow) {
                    for (int kh = 0; kh < m_kernel; ++kh) {
                        const int ih = oh * m_stride - m_padTop + kh;
                        for (int kw = 0; kw < m_kernel; ++kw) {
                            const int iw = ow * m_stride - m_padLeft + kw;
                            if (ih < 0 || ih >= m_inH || iw < 0 || iw >= m_inW)
                                std::fill(dst, dst + m_inC, Scalar(0));
                            else
                                std::copy_n(src + (long(ih) * m_inW + iw) * m_inC, m_inC, dst);
                            dst += m_inC;
                        }
                    }
                }
            }
        }
    });
}

void Conv2D::col2im(const Matrix& gradPatches, Matrix& gradIn) const
{
    const long batch = gradPatches.cols() / (long(m_outH) * m_outW);
    const long positions = long(m_outH) * m_outW;
    const long window = long(m_kernel) * m_kernel * m_inC;
    gradIn.setZero(long(m_inH) * m_inW * m_inC, batch);
    parallelRanges(batch, positions * window, [&](long begin, long end) {
        for (long b = begin; b < end; ++b) {
            Scalar* dst = gradIn.col(b).data();
            const Scalar* src = gradPatches.data() + b * positions * window;
            for (int oh = 0; oh < m_outH; ++oh) {
                for (int ow = 0; ow < m_outW; ++ow) {
                    for (int kh = 0; kh < m_kernel; ++kh) {
                        const int ih = oh * m_stride - m_padTop + kh;
                        for (int kw = 0; kw < m_kernel; ++kw) {
                            const int iw = ow * m_stride - m_padLeft + kw;
                            if (ih >= 0 && ih < m_inH && iw >= 0 && iw < m_inW) {
                                Scalar* d = dst + (long(ih) * m_inW + iw) * m_inC;
                                for (int c = 0; c < m_inC; ++c)
                                    d[c] += src[c];
                            }
                            src += m_inC;
                        }
                    }
                }
            }
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
    zView.noalias() = m_w * m_patches;
    if (m_useBias)
        zView.colwise() += m_b.col(0);
    if (m_activation != ActivationKind::Identity)
        activationForward(m_activation, Scalar(m_alpha), m_z, out);
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
    m_gradW.noalias() = g * m_patches.transpose();
    if (m_useBias)
        m_gradB = g.rowwise().sum();
    if (gradInputs[0]) {
        m_gradPatches.resize(m_patches.rows(), m_patches.cols());
        m_gradPatches.noalias() = m_w.transpose() * g;
        col2im(m_gradPatches, *gradInputs[0]);
    }
}

long Conv2D::paramCountFor(const std::vector<Shape>& inputs) const
{
    if (inputs.size() != 1 || inputs[0].rank() != 3)
        return 0;
    return long(m_filters) * m_kernel * m_kernel * inputs[0][2] + (m_useBias ? m_filters : 0);
}

std::vector<Param> Conv2D::params()
{
    return weightlayer::weightAndBias(m_w, m_gradW, m_b, m_gradB, m_useBias);
}

nlohmann::json Conv2D::attributes() const
{
    nlohmann::json j {{"filters", m_filters}, {"kernel", m_kernel}, {"stride", m_stride},
        {"padding", m_padding}, {"activation", activationName(m_activation)},
        {"use_bias", m_useBias}, {"initializer", m_initializer}};
    if (m_activation == ActivationKind::LeakyReLU || m_activation == ActivationKind::ELU)
        j["alpha"] = m_alpha;
    return j;
}

void Conv2D::setAttributes(const nlohmann::json& attrs)
{
    const auto specs = attributeSpecs();
    int filters = m_filters, kernel = m_kernel, stride = m_stride;
    std::string padding = m_padding, activation = activationName(m_activation);
    double alpha = m_alpha;
    bool useBias = m_useBias;
    std::string init = m_initializer;
    attr::read(attrs, specs[0], filters);
    attr::read(attrs, specs[1], kernel);
    attr::read(attrs, specs[2], stride);
    attr::read(attrs, specs[3], padding);
    attr::read(attrs, specs[4], activation);
    attr::read(attrs, specs[5], alpha);
    attr::read(attrs, specs[6], useBias);
    attr::read(attrs, specs[7], init);
    // Assign only once everything parsed, so a bad value changes nothing.
    m_filters = filters;
    m_kernel = kernel;
    m_stride = stride;
    m_padding = padding;
    m_activation = *activationFromName(activation);
    m_alpha = alpha;
    m_useBias = useBias;
    m_initializer = init;
}

std::vector<AttributeSpec> Conv2D::attributeSpecs() const
{
    return {attr::intSpec("filters", "Filters", 1, 4096, "Number of output channels"),
        attr::intSpec("kernel", "Kernel", 1, 15, "Window size K (K x K)"),
        attr::intSpec("stride", "Stride", 1, 8, "Step between windows"),
        attr::choiceSpec("padding", "Padding", {"valid", "same"},
            "valid: windows inside the image; same: zero-pad so output = ceil(input / stride)"),
        attr::choiceSpec("activation", "Activation", activationNames(), "Applied to W * x + b"),
        attr::floatSpec("alpha", "Alpha", 0.0, 10.0, "Leaky ReLU slope / ELU scale"),
        attr::boolSpec("use_bias", "Bias", "Add a learned bias per filter"),
        weightlayer::initializerSpec()};
}

std::string Conv2D::summary() const
{
    const std::string k = std::to_string(m_kernel);
    std::string s = "Conv2D " + std::to_string(m_filters) + " " + k + "x" + k;
    if (m_stride != 1)
        s += " /" + std::to_string(m_stride);
    if (m_activation != ActivationKind::Identity)
        s += ", " + activationLabel(m_activation);
    return s;
}

} // namespace engine
