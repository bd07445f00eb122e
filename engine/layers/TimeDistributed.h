#pragma once

#include "layers/Dense.h"

namespace engine {

/// A Dense layer applied to every time step of a sequence with shared weights:
/// {t, f} -> {t, units}, y_k = f(W x_k + b) for each step k. Attributes and parameters are the
/// Dense layer's (W: units x f). Time-major columns make all steps of the batch one GEMM: the
/// input viewed as f x (t * batch).
class TimeDistributed final : public Layer {
public:
    std::string type() const override { return "TimeDistributed"; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void build(const std::vector<Shape>& inputs, Rng& rng) override;
    // in: t*f x batch; out: t*units x batch
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;
    std::vector<Param> params() override { return m_dense.params(); }
    long paramCountFor(const std::vector<Shape>& inputs) const override;
    std::optional<WeightWork> weightWorkFor(const std::vector<Shape>& inputs) const override;
    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override { return m_dense.attributeSpecs(); }
    std::string summary() const override;

    const Dense& dense() const { return m_dense; }

private:
    Dense m_dense;
    int m_steps = 0;
    int m_features = 0;
    Matrix m_in, m_out, m_gradOut, m_gradIn; // the f x (t*batch) views, as matrices
};

} // namespace engine
