#include "layers/Activation.h"

#include "graph/Attributes.h"

namespace engine {

Shape Activation::outputShape(const std::vector<Shape>& inputs) const
{
    if (inputs.size() != 1 || inputs[0].empty())
        throw ShapeError(activationLabel(m_kind) + " needs one input with a known shape");
    return inputs[0];
}

void Activation::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode)
{
    activationForward(m_kind, Scalar(m_alpha), *inputs[0], out);
}

void Activation::backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
    const Matrix& gradOut, const std::vector<Matrix*>& gradInputs)
{
    if (gradInputs[0])
        activationBackward(m_kind, Scalar(m_alpha), *inputs[0], out, gradOut, *gradInputs[0]);
}

nlohmann::json Activation::attributes() const
{
    nlohmann::json j {{"function", activationName(m_kind)}};
    if (m_kind == ActivationKind::LeakyReLU || m_kind == ActivationKind::ELU)
        j["alpha"] = m_alpha;
    return j;
}

void Activation::setAttributes(const nlohmann::json& attrs)
{
    const auto specs = attributeSpecs();
    std::string name = activationName(m_kind);
    double alpha = m_alpha;
    attr::read(attrs, specs[0], name);
    attr::read(attrs, specs[1], alpha);
    m_kind = *activationFromName(name);
    m_alpha = alpha;
}

std::vector<AttributeSpec> Activation::attributeSpecs() const
{
    return {attr::choiceSpec("function", "Function", activationNames()),
        attr::floatSpec("alpha", "Alpha", 0.0, 10.0, "Leaky ReLU slope / ELU scale")};
}

} // namespace engine
