#include "layers/LossNode.h"

#include "graph/Attributes.h"
#include "graph/Loss.h"

namespace engine {

Shape LossNode::outputShape(const std::vector<Shape>& inputs) const
{
    if (inputs.size() != 1 || inputs[0].empty())
        throw ShapeError("Loss needs one input: the network's prediction");
    return inputs[0];
}

void LossNode::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode)
{
    out = *inputs[0];
}

void LossNode::backward(const std::vector<const Matrix*>&, const Matrix&, const Matrix& gradOut,
    const std::vector<Matrix*>& gradInputs)
{
    if (gradInputs[0])
        *gradInputs[0] = gradOut;
}

nlohmann::json LossNode::attributes() const
{
    return {{"loss", m_loss}};
}

void LossNode::setAttributes(const nlohmann::json& attrs)
{
    attr::read(attrs, attributeSpecs()[0], m_loss);
}

std::vector<AttributeSpec> LossNode::attributeSpecs() const
{
    return {attr::choiceSpec("loss", "Loss", Loss::types(),
        "Cross-entropies take logits: no softmax/sigmoid layer before them")};
}

std::string LossNode::summary() const
{
    return Loss::label(m_loss);
}

} // namespace engine
