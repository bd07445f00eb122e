#pragma once

#include "graph/Activations.h"
#include "graph/Layer.h"

namespace engine {

/// Element-wise (softmax: per-sample) activation as its own graph node: out = f(in).
class Activation final : public Layer {
public:
    std::string type() const override { return "Activation"; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;
    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override;
    std::string summary() const override { return activationLabel(m_kind); }

    ActivationKind kind() const { return m_kind; }
    double alpha() const { return m_alpha; }

private:
    ActivationKind m_kind = ActivationKind::ReLU;
    double m_alpha = 0.01;
};

} // namespace engine
