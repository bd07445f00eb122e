#pragma once

#include "graph/Layer.h"

namespace engine {

/// Shared settings and geometry of the 2-D pooling layers: square windows of `pool` pixels,
/// `stride` (0 means "equal to pool"), TensorFlow "valid"/"same" padding. Channels are pooled
/// independently: input H x W x C, output Hout x Wout x C.
class Pool2D : public Layer {
public:
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void build(const std::vector<Shape>& inputs, Rng& rng) override;
    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override;
    std::string summary() const override;

    int pool() const { return m_pool; }
    int effectiveStride() const { return m_stride > 0 ? m_stride : m_pool; }

protected:
    virtual std::string label() const = 0;

    int m_pool = 2;
    int m_stride = 0;
    std::string m_padding = "valid";
    int m_inH = 0, m_inW = 0, m_channels = 0, m_outH = 0, m_outW = 0, m_padTop = 0, m_padLeft = 0;
};

/// y = max over the window (padding never wins: only pixels inside the image count).
/// Backward routes each gradient to the input that was the maximum (the first one on ties).
class MaxPool2D final : public Pool2D {
public:
    std::string type() const override { return "MaxPool2D"; }
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;

protected:
    std::string label() const override { return "MaxPool"; }

private:
    std::vector<int> m_argmax; // input row of each output element, out.size() entries
};

/// y = mean over the pixels of the window that lie inside the image (TensorFlow's "same"
/// padding does not count the padded zeros).
class AveragePool2D final : public Pool2D {
public:
    std::string type() const override { return "AveragePool2D"; }
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;

protected:
    std::string label() const override { return "AvgPool"; }
};

} // namespace engine
