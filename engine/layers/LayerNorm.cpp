#include "layers/LayerNorm.h"

#include "graph/Attributes.h"

namespace engine {

Shape LayerNorm::outputShape(const std::vector<Shape>& inputs) const
{
    if (inputs.size() != 1 || inputs[0].empty())
        throw ShapeError("LayerNorm needs one input with a known shape");
    return inputs[0];
}

void LayerNorm::build(const std::vector<Shape>& inputs, Rng&)
{
    const long d = outputShape(inputs).size();
    m_gamma = Matrix::Ones(d, 1);
    m_beta = Matrix::Zero(d, 1);
    m_gradGamma = Matrix::Zero(d, 1);
    m_gradBeta = Matrix::Zero(d, 1);
}

void LayerNorm::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode)
{
    const Matrix& x = *inputs[0];
    const RowVector mean = x.colwise().mean();
    m_xhat = x.rowwise() - mean;
    const RowVector var = m_xhat.array().square().colwise().mean().matrix();
    m_invStd = (var.array() + Scalar(m_epsilon)).rsqrt().matrix();
    m_xhat.array().rowwise() *= m_invStd.row(0).array();
    out.resize(x.rows(), x.cols());
    out.array()
        = (m_xhat.array().colwise() * m_gamma.col(0).array()).colwise() + m_beta.col(0).array();
}

void LayerNorm::backward(const std::vector<const Matrix*>&, const Matrix&, const Matrix& gradOut,
    const std::vector<Matrix*>& gradInputs)
{
    m_gradBeta = gradOut.rowwise().sum();
    m_gradGamma = gradOut.cwiseProduct(m_xhat).rowwise().sum();
    if (!gradInputs[0])
        return;
    const auto d = Scalar(gradOut.rows());
    m_gradXhat = (gradOut.array().colwise() * m_gamma.col(0).array()).matrix();
    const RowVector sum = m_gradXhat.colwise().sum();
    const RowVector dot = m_gradXhat.cwiseProduct(m_xhat).colwise().sum();
    Matrix& gin = *gradInputs[0];
    gin.resize(gradOut.rows(), gradOut.cols());
    gin.array() = ((m_gradXhat.array() * d).rowwise() - sum.array()
                      - m_xhat.array().rowwise() * dot.array())
                      .rowwise()
        * (m_invStd.row(0).array() / d);
}

std::vector<Param> LayerNorm::params()
{
    return {{"gamma", &m_gamma, &m_gradGamma, false}, {"beta", &m_beta, &m_gradBeta, false}};
}

long LayerNorm::paramCountFor(const std::vector<Shape>& inputs) const
{
    return inputs.size() == 1 && !inputs[0].empty() ? 2 * inputs[0].size() : 0;
}

nlohmann::json LayerNorm::attributes() const
{
    return {{"epsilon", m_epsilon}};
}

void LayerNorm::setAttributes(const nlohmann::json& attrs)
{
    attr::read(attrs, attributeSpecs()[0], m_epsilon);
}

std::vector<AttributeSpec> LayerNorm::attributeSpecs() const
{
    return {attr::floatSpec("epsilon", "Epsilon", 1e-12, 1.0, "Added to the variance")};
}

} // namespace engine
