#include "layers/Reshape.h"

#include "graph/Attributes.h"

namespace engine {

Shape Flatten::outputShape(const std::vector<Shape>& inputs) const
{
    if (inputs.size() != 1 || inputs[0].empty())
        throw ShapeError("Flatten needs one input with a known shape");
    return Shape {int(inputs[0].size())};
}

void Flatten::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode)
{
    out = *inputs[0];
}

void Flatten::backward(const std::vector<const Matrix*>&, const Matrix&, const Matrix& gradOut,
    const std::vector<Matrix*>& gradInputs)
{
    if (gradInputs[0])
        *gradInputs[0] = gradOut;
}

Shape Reshape::outputShape(const std::vector<Shape>& inputs) const
{
    if (inputs.size() != 1 || inputs[0].empty())
        throw ShapeError("Reshape needs one input with a known shape");
    if (m_shape.empty())
        throw ShapeError("Reshape needs a target shape such as [28, 28, 1]");
    if (inputs[0].size() != m_shape.size())
        throw ShapeError("Reshape to " + m_shape.toString() + " needs "
            + std::to_string(m_shape.size()) + " values per sample, its input "
            + inputs[0].toString() + " has " + std::to_string(inputs[0].size()));
    return m_shape;
}

void Reshape::forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode)
{
    out = *inputs[0];
}

void Reshape::backward(const std::vector<const Matrix*>&, const Matrix&, const Matrix& gradOut,
    const std::vector<Matrix*>& gradInputs)
{
    if (gradInputs[0])
        *gradInputs[0] = gradOut;
}

nlohmann::json Reshape::attributes() const
{
    return {{"shape", m_shape.dims()}};
}

void Reshape::setAttributes(const nlohmann::json& attrs)
{
    std::vector<int> dims = m_shape.dims();
    attr::read(attrs, attributeSpecs()[0], dims);
    m_shape = Shape(std::move(dims));
}

std::vector<AttributeSpec> Reshape::attributeSpecs() const
{
    return {attr::shapeSpec("shape", "Shape", "Target shape per sample, e.g. [28, 28, 1]")};
}

std::string Reshape::summary() const
{
    return "Reshape " + m_shape.toString();
}

} // namespace engine
