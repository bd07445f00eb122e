#pragma once

#include "graph/Layer.h"

namespace engine {

/// Layer normalization [Ba et al. 2016]: each sample is normalized over all its features,
/// y = gamma * (x - mu) / sqrt(var + eps) + beta, with gamma and beta per feature. Works the same
/// in training and inference (no batch statistics).
class LayerNorm final : public Layer {
public:
    std::string type() const override { return "LayerNorm"; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void build(const std::vector<Shape>& inputs, Rng& rng) override;
    // in, out: D x batch
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    // dL/dx = 1 / (D sigma) (D dxhat - sum dxhat - xhat sum(dxhat xhat)), dxhat = gamma g
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;
    std::vector<Param> params() override;
    long paramCountFor(const std::vector<Shape>& inputs) const override;
    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override;
    std::string summary() const override { return "LayerNorm"; }

private:
    double m_epsilon = 1e-5;
    Matrix m_gamma, m_beta, m_gradGamma, m_gradBeta;
    Matrix m_xhat; // D x batch
    Matrix m_invStd; // 1 x batch
    Matrix m_gradXhat;
};

} // namespace engine
