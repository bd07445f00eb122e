#pragma once

#include "graph/Activations.h"
#include "graph/Initializer.h"
#include "graph/Layer.h"

namespace engine {

/// Fully connected layer with an optional fused activation: y = f(W x + b).
/// W: units x inSize, b: units x 1. Any input shape is flattened.
class Dense final : public Layer {
public:
    std::string type() const override { return "Dense"; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void build(const std::vector<Shape>& inputs, Rng& rng) override;
    // in: inSize x batch; out: units x batch
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    // dL/dW = dL/dz * in^T;  dL/db = rowsum(dL/dz);  dL/din = W^T * dL/dz
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;
    std::vector<Param> params() override;
    long paramCountFor(const std::vector<Shape>& inputs) const override;
    std::optional<WeightWork> weightWorkFor(const std::vector<Shape>& inputs) const override;
    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override;
    std::string summary() const override;

    int units() const { return m_units; }
    ActivationKind activation() const { return m_activation; }
    bool useBias() const { return m_useBias; }
    /// The initializer actually used: "auto" picks He for the ReLU family, Glorot otherwise.
    Initializer effectiveInitializer() const;
    /// z = W x + b of the last forward() (units x batch) when the activation is fused (not
    /// identity); with the identity activation the output itself is z and this is not updated.
    /// Read by the step-through trace, so it shows the layer's own numbers.
    const Matrix& preActivation() const { return m_z; }

private:
    int m_units = 8;
    ActivationKind m_activation = ActivationKind::Identity;
    double m_alpha = 0.01; // leaky ReLU slope / ELU scale
    bool m_useBias = true;
    std::string m_initializer = "auto";

    Matrix m_w, m_b, m_gradW, m_gradB;
    Matrix m_z; // pre-activation, kept for backward when the activation is not identity
    Matrix m_gradZ;
};

} // namespace engine
