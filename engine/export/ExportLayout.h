#pragma once
// Tensor layouts shared by the ONNX and PyTorch exporters.
//
// The engine keeps an image sample flat in H x W x C order (channel fastest); ONNX and PyTorch
// convolve NCHW tensors with OIHW kernels. The exported models take the engine's flat [N, F]
// input and convert at the image layers (see OnnxExport.h).

#include "core/Types.h"

#include <algorithm>
#include <vector>

namespace engine::exportlayout {

/// A Conv2D weight matrix (filters x (KH * KW * Cg), column (kh * KW + kw) * Cg + ci, Cg the
/// input channels per group) as grouped OIHW [filters, Cg, KH, KW] float values in row-major
/// order: out[((o * Cg + ci) * KH + kh) * KW + kw].
inline std::vector<float> convWeightsOihw(
    const Matrix& w, int kernelH, int kernelW, int channelsPerGroup)
{
    std::vector<float> out;
    out.reserve(std::size_t(w.size()));
    for (Eigen::Index o = 0; o < w.rows(); ++o)
        for (int ci = 0; ci < channelsPerGroup; ++ci)
            for (int kh = 0; kh < kernelH; ++kh)
                for (int kw = 0; kw < kernelW; ++kw)
                    out.push_back(
                        float(w(o, (Eigen::Index(kh) * kernelW + kw) * channelsPerGroup + ci)));
    return out;
}

inline std::vector<float> convWeightsOihw(const Matrix& w, int kernel, int channels)
{
    return convWeightsOihw(w, kernel, kernel, channels);
}

/// Inverse of convWeightsOihw: OIHW values back to the engine's filters x (KH * KW * Cg) matrix.
inline Matrix convWeightsFromOihw(
    const std::vector<float>& oihw, long filters, int kernelH, int kernelW, int channelsPerGroup)
{
    Matrix w(filters, long(kernelH) * kernelW * channelsPerGroup);
    std::size_t i = 0;
    for (long o = 0; o < filters; ++o)
        for (int ci = 0; ci < channelsPerGroup; ++ci)
            for (int kh = 0; kh < kernelH; ++kh)
                for (int kw = 0; kw < kernelW; ++kw)
                    w(o, (Eigen::Index(kh) * kernelW + kw) * channelsPerGroup + ci)
                        = Scalar(oihw[i++]);
    return w;
}

inline Matrix convWeightsFromOihw(
    const std::vector<float>& oihw, long filters, int kernel, int channels)
{
    return convWeightsFromOihw(oihw, filters, kernel, kernel, channels);
}

/// TensorFlow "same"/"valid" padding of a square window over an H x W image, as the amounts
/// before and after each axis (the engine puts the smaller half before, see ImageGeometry.h).
struct Padding {
    int top = 0, left = 0, bottom = 0, right = 0;
    bool any() const { return top || left || bottom || right; }
};

inline Padding windowPadding(
    int inH, int inW, int outH, int outW, int window, int stride, bool same)
{
    if (!same)
        return {};
    const int totalH = std::max((outH - 1) * stride + window - inH, 0);
    const int totalW = std::max((outW - 1) * stride + window - inW, 0);
    return {totalH / 2, totalW / 2, totalH - totalH / 2, totalW - totalW / 2};
}

} // namespace engine::exportlayout
