#pragma once

#include "graph/Activations.h"
#include "graph/Initializer.h"
#include "graph/Layer.h"

namespace engine {

/// 2-D convolution (cross-correlation, as in every framework) with an optional fused activation:
/// y = f(W * x + b), square kernels, TensorFlow "valid"/"same" padding.
///
/// Input H x W x Cin, output Hout x Wout x filters (channel fastest, like every image here).
/// Weights W: filters x (kernel * kernel * Cin), column index (kh * kernel + kw) * Cin + ci, i.e.
/// one row per filter holding its K x K x Cin window in the image layout; exporters map it to
/// ONNX/PyTorch OIHW as W_oihw[o][ci][kh][kw] = W(o, (kh * K + kw) * Cin + ci). b: filters x 1.
///
/// Forward gathers the windows of the whole batch into one matrix (im2col), so the convolution is
/// a single GEMM whose result already is the output in the engine's layout.
class Conv2D final : public Layer {
public:
    std::string type() const override { return "Conv2D"; }
    Shape outputShape(const std::vector<Shape>& inputs) const override;
    void build(const std::vector<Shape>& inputs, Rng& rng) override;
    // in: (H*W*Cin) x batch; out: (Hout*Wout*filters) x batch
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, Mode mode) override;
    // dL/dW = G * patches^T; dL/db = rowsum(G); dL/din = col2im(W^T * G), G: filters x (HW*batch)
    void backward(const std::vector<const Matrix*>& inputs, const Matrix& out,
        const Matrix& gradOut, const std::vector<Matrix*>& gradInputs) override;
    std::vector<Param> params() override;
    long paramCountFor(const std::vector<Shape>& inputs) const override;
    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override;
    std::string summary() const override;

    int filters() const { return m_filters; }
    int kernel() const { return m_kernel; }
    int stride() const { return m_stride; }
    bool samePadding() const { return m_padding == "same"; }
    ActivationKind activation() const { return m_activation; }
    bool useBias() const { return m_useBias; }
    /// "auto" picks He for the ReLU family, Glorot otherwise.
    Initializer effectiveInitializer() const;

private:
    void im2col(const Matrix& in);
    void col2im(const Matrix& gradPatches, Matrix& gradIn) const;

    int m_filters = 8;
    int m_kernel = 3;
    int m_stride = 1;
    std::string m_padding = "valid";
    ActivationKind m_activation = ActivationKind::Identity;
    double m_alpha = 0.01;
    bool m_useBias = true;
    std::string m_initializer = "auto";

    // Geometry, set by build().
    int m_inH = 0, m_inW = 0, m_inC = 0, m_outH = 0, m_outW = 0, m_padTop = 0, m_padLeft = 0;

    Matrix m_w, m_b, m_gradW, m_gradB;
    Matrix m_patches; // (K*K*Cin) x (Hout*Wout*batch), column b*Hout*Wout + p
    Matrix m_z; // pre-activation, when the activation is not identity
    Matrix m_gradZ;
    Matrix m_gradPatches;
};

} // namespace engine
