#include "layers/Input.h"

#include "graph/Attributes.h"

namespace engine {

Shape Input::outputShape(const std::vector<Shape>&) const
{
    return m_shape;
}

void Input::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode)
{
    if (!inputs.empty())
        out = *inputs.front();
}

nlohmann::json Input::attributes() const
{
    return {{"shape", m_shape.dims()}};
}

void Input::setAttributes(const nlohmann::json& attrs)
{
    std::vector<int> dims = m_shape.dims();
    attr::read(attrs, attributeSpecs()[0], dims);
    m_shape = Shape(dims);
}

std::vector<AttributeSpec> Input::attributeSpecs() const
{
    return {attr::shapeSpec(
        "shape", "Shape", "Per-sample shape, e.g. 2 or 28x28x1. Empty: taken from the dataset.")};
}

std::string Input::summary() const
{
    return m_shape.empty() ? "Input (from dataset)" : "Input " + m_shape.toString();
}

} // namespace engine
