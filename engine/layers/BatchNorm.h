#pragma once

#include "graph/Layer.h"

namespace engine {

/// Batch normalization [Ioffe & Szegedy 2015]: y = gamma * (x - mu) / sqrt(var + eps) + beta,
/// per feature for vector inputs {n} and per channel for images {h, w, c} (statistics over the
/// batch and all pixels).
///
/// Mode::Train normalizes with the batch's mean and (biased) variance and updates the running
/// statistics as PyTorch does: running = (1 - momentum) running + momentum batch, with the
/// unbiased batch variance. Mode::Inference normalizes with the running statistics.
/// Params: gamma, beta (trained, not regularized) and running_mean, running_var (saved with the
/// weights, Param::trainable = false, gradients always zero).
class BatchNorm final : public Layer {
public:
    std::string type() const override { return "BatchNorm"; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void build(const std::vector<Shape>& inputs, Rng& rng) override;
    // in, out: (features) x batch, seen as channels x (pixels * batch)
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    // Train: dL/dx = gamma / (N sigma) (N g - sum g - xhat sum(g xhat)), N = pixels * batch
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;
    std::vector<Param> params() override;
    long paramCountFor(const std::vector<Shape>& inputs) const override;
    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override;
    std::string summary() const override { return "BatchNorm"; }

private:
    static long channelsOf(const Shape& s) { return s.rank() == 3 ? s[2] : s.size(); }

    double m_momentum = 0.1;
    double m_epsilon = 1e-5;

    long m_channels = 0;
    Matrix m_gamma, m_beta, m_gradGamma, m_gradBeta;
    Matrix m_runningMean, m_runningVar, m_zeroGrad;
    Matrix m_xhat; // channels x (pixels * batch), from the last forward
    Matrix m_invStd; // channels x 1, 1 / sqrt(var + eps) used by the last forward
    bool m_lastTrain = true;
};

} // namespace engine
