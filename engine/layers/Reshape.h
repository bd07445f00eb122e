#pragma once

#include "graph/Layer.h"

namespace engine {

/// Flattens any input to a feature vector: shape {h, w, c} -> {h * w * c}. The data is unchanged
/// (a sample already is one column), only the shape the next layers see.
class Flatten final : public Layer {
public:
    std::string type() const override { return "Flatten"; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    bool passesValuesThrough() const override { return true; }
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;
};

/// Gives the input a new shape with the same number of values, e.g. 784 -> 28x28x1, so one
/// dataset layout serves both MLPs and CNNs. The data is unchanged.
class Reshape final : public Layer {
public:
    std::string type() const override { return "Reshape"; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    bool passesValuesThrough() const override { return true; }
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;
    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override;
    std::string summary() const override;

    const Shape& targetShape() const { return m_shape; }

private:
    Shape m_shape {28, 28, 1};
};

} // namespace engine
