#pragma once

#include "graph/Layer.h"

namespace engine {

/// Feeds a mini-batch of data into the graph. Its shape attribute may be left empty, in which
/// case the dataset's input shape is used (Graph::check fills it in from the GraphContext).
class Input final : public Layer {
public:
    std::string type() const override { return "Input"; }
    std::pair<int, int> inputArity() const override { return {0, 0}; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    void backward(const std::vector<const Matrix*>&, const Matrix&, const Matrix&,
        const std::vector<Matrix*>&) override
    { }
    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override;
    std::string summary() const override;

    Shape declaredShape() const override { return m_shape; }

private:
    Shape m_shape;
};

} // namespace engine
