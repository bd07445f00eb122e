#pragma once

#include "graph/Layer.h"
#include "layers/ImageGeometry.h"

namespace engine {

/// Shared settings and geometry of the 2-D window pooling layers: windows of `pool` pixels
/// (P or [PH, PW]), `stride` (S or [SH, SW]; 0 means "equal to the pool size" on that axis),
/// TensorFlow "valid"/"same" or explicit [top, left, bottom, right] padding, and `ceilMode`
/// (round the output size up, as PyTorch/ONNX ceil_mode; see image::slideAxis). Channels are
/// pooled independently: input H x W x C, output Hout x Wout x C.
class Pool2D : public Layer {
public:
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void build(const std::vector<Shape>& inputs, Rng& rng) override;
    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override;
    std::string summary() const override;

    image::Size2 pool() const { return m_pool; }
    image::Size2 effectiveStride() const
    {
        return {m_stride.h > 0 ? m_stride.h : m_pool.h, m_stride.w > 0 ? m_stride.w : m_pool.w};
    }
    const image::Padding2D& padding() const { return m_padding; }
    bool ceilMode() const { return m_ceilMode; }
    /// Output size and the padding applied on each side for an input of shape `in`.
    image::Geometry geometryFor(const Shape& in) const;

protected:
    virtual std::string label() const = 0;

    /// Calls visit(p, h0, h1, w0, w1, padded) for every output pixel p = oh * outW + ow with its
    /// window clipped to the image (rows [h0, h1), columns [w0, w1)) and the number of its cells
    /// inside the padded image (what count_include_pad divides by).
    template <typename Visit> void forEachWindow(Visit&& visit) const;

    image::Size2 m_pool {2, 2};
    image::Size2 m_stride {0, 0};
    image::Padding2D m_padding;
    bool m_ceilMode = false;
    int m_inH = 0, m_inW = 0, m_channels = 0, m_outH = 0, m_outW = 0;
    image::Geometry m_geometry;
};

/// y = max over the window; padding never wins (it counts as -inf).
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

/// y = mean over the pixels of the window that lie inside the image (TensorFlow's "same" and
/// ONNX's count_include_pad = 0), or with `countIncludePad` over the window's cells inside the
/// padded image, padded zeros included (PyTorch's default, ONNX count_include_pad = 1).
class AveragePool2D final : public Pool2D {
public:
    std::string type() const override { return "AveragePool2D"; }
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;
    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override;

    bool countIncludePad() const { return m_countIncludePad; }

protected:
    std::string label() const override { return "AvgPool"; }

private:
    bool m_countIncludePad = false;
};

/// Pools each channel over the whole image: input H x W x C, output the C values (a vector).
class GlobalPool2D : public Layer {
public:
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void build(const std::vector<Shape>& inputs, Rng& rng) override;

protected:
    long m_pixels = 0;
    int m_channels = 0;
};

/// y[c] = mean over all pixels of x[., ., c]; dL/dx[., ., c] = dL/dy[c] / (H W).
class GlobalAveragePool2D final : public GlobalPool2D {
public:
    std::string type() const override { return "GlobalAveragePool2D"; }
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;
};

/// y[c] = max over all pixels of x[., ., c]; the gradient goes to the (first) maximum.
class GlobalMaxPool2D final : public GlobalPool2D {
public:
    std::string type() const override { return "GlobalMaxPool2D"; }
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;

private:
    std::vector<long> m_argmax; // input row of each output element
};

} // namespace engine
