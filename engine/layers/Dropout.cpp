#include "layers/Dropout.h"

#include "graph/Attributes.h"

#include <cstdio>

namespace engine {

Shape Dropout::outputShape(const std::vector<Shape>& inputs) const
{
    if (inputs.size() != 1 || inputs[0].empty())
        throw ShapeError("Dropout needs one input with a known shape");
    return inputs[0];
}

void Dropout::build(const std::vector<Shape>&, Rng& rng)
{
    m_rng.seed(rng.next());
}

void Dropout::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode)
{
    const Matrix& in = *inputs[0];
    if (mode == Mode::Inference || m_rate <= 0) {
        m_mask.resize(0, 0);
        out = in;
        return;
    }
    // Drawn sequentially so the mask depends on the seed only, not on the thread count.
    const Scalar keep = Scalar(1 - m_rate);
    const Scalar scale = Scalar(1) / keep;
    m_mask.resize(in.rows(), in.cols());
    Scalar* m = m_mask.data();
    for (Eigen::Index i = 0; i < m_mask.size(); ++i)
        m[i] = m_rng.uniform() < double(keep) ? scale : Scalar(0);
    out = in.cwiseProduct(m_mask);
}

void Dropout::backward(const std::vector<const Matrix*>&, const Matrix&, const Matrix& gradOut,
    const std::vector<Matrix*>& gradInputs)
{
    if (!gradInputs[0])
        return;
    if (m_mask.size() == gradOut.size())
        *gradInputs[0] = gradOut.cwiseProduct(m_mask);
    else
        *gradInputs[0] = gradOut;
}

nlohmann::json Dropout::attributes() const
{
    return {{"rate", m_rate}};
}

void Dropout::setAttributes(const nlohmann::json& attrs)
{
    attr::read(attrs, attributeSpecs()[0], m_rate);
}

std::vector<AttributeSpec> Dropout::attributeSpecs() const
{
    return {attr::floatSpec(
        "rate", "Drop rate", 0.0, 0.95, "Probability that an activation is zeroed while training")};
}

std::string Dropout::summary() const
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "Dropout %g", m_rate);
    return buf;
}

} // namespace engine
