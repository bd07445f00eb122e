#include "layers/TimeDistributed.h"

#include <nlohmann/json.hpp>

namespace engine {

namespace {
using ConstMap = Eigen::Map<const Matrix>;
} // namespace

Shape TimeDistributed::outputShape(const std::vector<Shape>& inputs) const
{
    if (inputs.size() != 1 || inputs[0].empty())
        throw ShapeError("TimeDistributed needs one input with a known shape");
    if (!inputs[0].isSequence())
        throw ShapeError("TimeDistributed needs a sequence input TxF (time steps x features), got "
            + inputs[0].toString() + ": use Dense for a feature vector");
    return Shape {inputs[0].steps(), m_dense.units()};
}

void TimeDistributed::build(const std::vector<Shape>& inputs, Rng& rng)
{
    m_steps = inputs.at(0).steps();
    m_features = inputs.at(0).stepFeatures();
    m_dense.build({Shape {m_features}}, rng);
}

void TimeDistributed::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode)
{
    const Matrix& in = *inputs[0];
    const long tn = long(m_steps) * in.cols();
    m_in = ConstMap(in.data(), m_features, tn);
    m_dense.forward({&m_in}, m_out, mode);
    out = ConstMap(m_out.data(), long(m_steps) * m_dense.units(), in.cols());
}

void TimeDistributed::backward(const std::vector<const Matrix*>& inputs, const Matrix&,
    const Matrix& gradOut, const std::vector<Matrix*>& gradInputs)
{
    const Matrix& in = *inputs[0];
    const long tn = long(m_steps) * in.cols();
    m_gradOut = ConstMap(gradOut.data(), m_dense.units(), tn);
    m_dense.backward({&m_in}, m_out, m_gradOut, {gradInputs[0] ? &m_gradIn : nullptr});
    if (gradInputs[0])
        *gradInputs[0] = ConstMap(m_gradIn.data(), in.rows(), in.cols());
}

long TimeDistributed::paramCountFor(const std::vector<Shape>& inputs) const
{
    if (inputs.empty() || inputs[0].empty())
        return 0;
    return m_dense.paramCountFor({Shape {inputs[0].stepFeatures()}});
}

std::optional<Layer::WeightWork> TimeDistributed::weightWorkFor(
    const std::vector<Shape>& inputs) const
{
    if (inputs.empty() || inputs[0].empty())
        return std::nullopt;
    // The Dense once per time step.
    const auto perStep = m_dense.weightWorkFor({Shape {inputs[0].stepFeatures()}});
    const double steps = inputs[0].steps();
    return WeightWork {steps * perStep->forward, steps * perStep->parameterGradients,
        steps * perStep->inputGradient};
}

nlohmann::json TimeDistributed::attributes() const
{
    return m_dense.attributes();
}

void TimeDistributed::setAttributes(const nlohmann::json& attrs)
{
    m_dense.setAttributes(attrs);
}

std::string TimeDistributed::summary() const
{
    return m_dense.summary() + " per step";
}

} // namespace engine
