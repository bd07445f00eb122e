#pragma once

#include "graph/Layer.h"

namespace engine {

/// Marks the network's prediction (its one input) and names the loss to train it with.
/// It computes nothing itself: the Trainer evaluates engine::Loss on its input.
class LossNode final : public Layer {
public:
    std::string type() const override { return "Loss"; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;
    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override;
    std::string summary() const override;

    const std::string& loss() const { return m_loss; }

private:
    std::string m_loss = "softmax_crossentropy";
};

} // namespace engine
