#pragma once

#include "graph/Activations.h"
#include "graph/Initializer.h"
#include "graph/Layer.h"
#include "layers/ImageGeometry.h"

namespace engine {

/// 2-D convolution (cross-correlation, as in every framework) with an optional fused activation:
/// y = f(W * x + b). Kernel KH x KW, stride and dilation per axis, padding TensorFlow "valid" /
/// "same" or explicit [top, left, bottom, right] (asymmetric allowed, zeros), and `groups`:
/// the Cin input channels and the filters split into `groups` equal groups, filter o seeing only
/// the Cg = Cin / groups channels of its group g = o / (filters / groups) (groups == Cin is a
/// depthwise convolution with filters / Cin filters per channel).
///
/// Input H x W x Cin, output Hout x Wout x filters (channel fastest, like every image here).
/// Weights W: filters x (KH * KW * Cg), column index (kh * KW + kw) * Cg + ci, ci counted within
/// the filter's group (channel g * Cg + ci of the input): one row per filter holding its window
/// in the image layout. That is ONNX/PyTorch's grouped OIHW weight [filters, Cg, KH, KW] as
/// W_oihw[o][ci][kh][kw] = W(o, (kh * KW + kw) * Cg + ci). b: filters x 1.
/// Tap (kh, kw) of output pixel (oh, ow) reads input pixel
/// (oh * SH - padTop + kh * DH, ow * SW - padLeft + kw * DW), zero outside the image.
///
/// Forward gathers the windows of a block of samples into one matrix (im2col), rows ordered
/// group by group, so each group's convolution is one GEMM whose result already is the output in
/// the engine's layout. Blocks are sized to stay in cache and run on separate threads.
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
    std::optional<WeightWork> weightWorkFor(const std::vector<Shape>& inputs) const override;
    nlohmann::json attributes() const override;
    void setAttributes(const nlohmann::json& attrs) override;
    std::vector<AttributeSpec> attributeSpecs() const override;
    std::string summary() const override;

    int filters() const { return m_filters; }
    image::Size2 kernel() const { return m_kernel; }
    image::Size2 stride() const { return m_stride; }
    image::Size2 dilation() const { return m_dilation; }
    int groups() const { return m_groups; }
    const image::Padding2D& padding() const { return m_padding; }
    /// Output size and the padding applied on each side for an input of shape `in`.
    image::Geometry geometryFor(const Shape& in) const;
    ActivationKind activation() const { return m_activation; }
    bool useBias() const { return m_useBias; }
    /// "auto" picks He for the ReLU family, Glorot otherwise.
    Initializer effectiveInitializer() const;

private:
    /// Buffers of one worker thread, reused from batch to batch.
    struct Scratch {
        // window x (positions * samples of the block); directForward: the padded image
        Matrix patches;
        Matrix gradZ; // filters x (positions * samples), fused ReLU only
        Matrix gradPatches; // window x (positions * samples)
        Matrix gradW, gradB;
    };
    /// Samples whose patches and outputs fit in about one core's L2 cache (at least 1).
    long samplesPerBlock() const;
    /// patches = the windows of samples [first, first + count) of in.
    void im2col(const Matrix& in, long first, long count, Matrix& patches) const;
    /// Sets the columns [first, first + count) of gradIn to the sum of gradPatches' windows.
    void col2im(const Matrix& gradPatches, long first, long count, Matrix& gradIn) const;
    /// True when no window reaches into the padding (every tap reads the image).
    bool windowsInsideImage() const;
    /// Rows and columns of the image directForward reads: the input itself when
    /// windowsInsideImage(), else the part the windows cover, padding included.
    image::Size2 directImageSize() const;
    /// Where directForward's kernel reads tap t of a window, from the window's first value in
    /// an image of directImageSize().
    std::vector<long> windowTaps() const;
    /// True when forward sums each window in registers (directForward) rather than through
    /// im2col and GEMM: groups == 1, and a window shallow enough or weights small enough.
    bool sumsWindowsDirectly() const;
    /// z = the block's pre-activations (with the bias; with relu, max(., 0)), each window read
    /// from the image in place (ElementwiseKernels::windowProduct); a padded input is first
    /// copied into padded, with zeros around it.
    void directForward(const Matrix& in, long first, long count, const std::vector<long>& taps,
        Scalar* z, bool relu, Matrix& padded) const;
    /// Worker w's buffers (created on first use).
    Scratch& scratch(int worker);
    /// Rows of W (and of the output per pixel) and of the patches belonging to group g.
    long filtersPerGroup() const { return m_filters / m_groups; }
    long windowPerGroup() const { return long(m_kernel.h) * m_kernel.w * (m_inC / m_groups); }

    int m_filters = 8;
    image::Size2 m_kernel {3, 3};
    image::Size2 m_stride {1, 1};
    image::Size2 m_dilation {1, 1};
    int m_groups = 1;
    image::Padding2D m_padding;
    ActivationKind m_activation = ActivationKind::Identity;
    double m_alpha = 0.01;
    bool m_useBias = true;
    std::string m_initializer = "auto";

    // Geometry, set by build().
    int m_inH = 0, m_inW = 0, m_inC = 0, m_outH = 0, m_outW = 0, m_padTop = 0, m_padLeft = 0;

    Matrix m_w, m_b, m_gradW, m_gradB;
    Matrix m_z; // pre-activation, when the activation is not identity
    Matrix m_gradZ;
    std::vector<Scratch> m_scratch; // one per worker thread
};

} // namespace engine
