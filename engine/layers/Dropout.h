#pragma once

#include "graph/Layer.h"

namespace engine {

/// Inverted dropout [Srivastava et al. 2014]: while training, each element is zeroed with
/// probability `rate` and the survivors are scaled by 1 / (1 - rate), so inference is identity.
class Dropout final : public Layer {
public:
    std::string type() const override { return "Dropout"; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void build(const std::vector<Shape>& inputs, Rng& rng) override;
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;
    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override;
    std::string summary() const override;
    std::string randomState() const override { return m_rng.state(); }
    bool setRandomState(const std::string& state) override { return m_rng.setState(state); }

    double rate() const { return m_rate; }

private:
    double m_rate = 0.5;
    Rng m_rng;
    Matrix m_mask; // scaled keep-mask of the last training forward; empty after inference
};

} // namespace engine
