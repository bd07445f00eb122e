#pragma once

#include "graph/Layer.h"

namespace engine {

/// Element-wise sum of two or more inputs of the same shape (residual connections).
class Add final : public Layer {
public:
    std::string type() const override { return "Add"; }
    std::pair<int, int> inputArity() const override { return {2, -1}; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;
};

/// Joins inputs along the last (feature / channel) axis; all other dimensions must agree.
class Concatenate final : public Layer {
public:
    std::string type() const override { return "Concatenate"; }
    std::pair<int, int> inputArity() const override { return {2, -1}; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void build(const std::vector<Shape>& inputs, Rng& rng) override;
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;

private:
    std::vector<long> m_channels; // last-axis size of each input
    long m_positions = 1; // product of the other axes
};

} // namespace engine
