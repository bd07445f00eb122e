#include "layers/BatchNorm.h"

#include "graph/Attributes.h"

namespace engine {

Shape BatchNorm::outputShape(const std::vector<Shape>& inputs) const
{
    if (inputs.size() != 1 || inputs[0].empty())
        throw ShapeError("BatchNorm needs one input with a known shape");
    if (inputs[0].rank() != 1 && inputs[0].rank() != 3)
        throw ShapeError("BatchNorm needs a feature vector or an image HxWxC, got "
            + inputs[0].toString() + ": add a Flatten or a Reshape");
    return inputs[0];
}

void BatchNorm::build(const std::vector<Shape>& inputs, Rng&)
{
    outputShape(inputs);
    m_channels = channelsOf(inputs[0]);
    m_gamma = Matrix::Ones(m_channels, 1);
    m_beta = Matrix::Zero(m_channels, 1);
    m_gradGamma = Matrix::Zero(m_channels, 1);
    m_gradBeta = Matrix::Zero(m_channels, 1);
    m_runningMean = Matrix::Zero(m_channels, 1);
    m_runningVar = Matrix::Ones(m_channels, 1);
    m_zeroGrad = Matrix::Zero(m_channels, 1);
}

void BatchNorm::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode)
{
    const Matrix& in = *inputs[0];
    const long n = in.size() / m_channels;
    Eigen::Map<const Matrix> x(in.data(), m_channels, n);
    m_lastTrain = mode == Mode::Train;
    if (m_lastTrain) {
        const Matrix mean = x.rowwise().mean();
        m_xhat = x.colwise() - mean.col(0);
        const Matrix var = m_xhat.array().square().rowwise().mean().matrix();
        m_invStd = (var.array() + Scalar(m_epsilon)).rsqrt().matrix();
        const auto m = Scalar(m_momentum);
        const Scalar unbiased = n > 1 ? Scalar(n) / Scalar(n - 1) : Scalar(1);
        m_runningMean = (1 - m) * m_runningMean + m * mean;
        m_runningVar = (1 - m) * m_runningVar + (m * unbiased) * var;
    } else {
        m_xhat = x.colwise() - m_runningMean.col(0);
        m_invStd = (m_runningVar.array() + Scalar(m_epsilon)).rsqrt().matrix();
    }
    m_xhat.array().colwise() *= m_invStd.col(0).array();
    out.resize(in.rows(), in.cols());
    Eigen::Map<Matrix> y(out.data(), m_channels, n);
    y.array()
        = (m_xhat.array().colwise() * m_gamma.col(0).array()).colwise() + m_beta.col(0).array();
}

void BatchNorm::backward(const std::vector<const Matrix*>& inputs, const Matrix&,
    const Matrix& gradOut, const std::vector<Matrix*>& gradInputs)
{
    const long n = gradOut.size() / m_channels;
    Eigen::Map<const Matrix> g(gradOut.data(), m_channels, n);
    m_gradBeta = g.rowwise().sum();
    m_gradGamma = g.cwiseProduct(m_xhat).rowwise().sum();
    if (!gradInputs[0])
        return;
    Matrix& gin = *gradInputs[0];
    gin.resize(inputs[0]->rows(), inputs[0]->cols());
    Eigen::Map<Matrix> dx(gin.data(), m_channels, n);
    const Eigen::Array<Scalar, Eigen::Dynamic, 1> scale = m_gamma.array() * m_invStd.array();
    if (!m_lastTrain) {
        // The running statistics are constants here.
        dx.array() = g.array().colwise() * scale;
        return;
    }
    const auto count = Scalar(n);
    dx.array() = ((g.array() * count).colwise() - m_gradBeta.col(0).array()
                     - m_xhat.array().colwise() * m_gradGamma.col(0).array())
                     .colwise()
        * (scale / count);
}

std::vector<Param> BatchNorm::params()
{
    return {{"gamma", &m_gamma, &m_gradGamma, false, true},
        {"beta", &m_beta, &m_gradBeta, false, true},
        {"running_mean", &m_runningMean, &m_zeroGrad, false, false},
        {"running_var", &m_runningVar, &m_zeroGrad, false, false}};
}

long BatchNorm::paramCountFor(const std::vector<Shape>& inputs) const
{
    // Counted as Keras does: the running statistics are (non-trainable) parameters too.
    return inputs.size() == 1 && !inputs[0].empty() ? 4 * channelsOf(inputs[0]) : 0;
}

nlohmann::json BatchNorm::attributes() const
{
    return {{"momentum", m_momentum}, {"epsilon", m_epsilon}};
}

void BatchNorm::setAttributes(const nlohmann::json& attrs)
{
    const auto specs = attributeSpecs();
    double momentum = m_momentum, epsilon = m_epsilon;
    attr::read(attrs, specs[0], momentum);
    attr::read(attrs, specs[1], epsilon);
    m_momentum = momentum;
    m_epsilon = epsilon;
}

std::vector<AttributeSpec> BatchNorm::attributeSpecs() const
{
    return {attr::floatSpec("momentum", "Momentum", 0.0, 1.0,
                "Weight of each batch in the running statistics (PyTorch convention, 0.1)"),
        attr::floatSpec("epsilon", "Epsilon", 1e-12, 1.0, "Added to the variance")};
}

} // namespace engine
