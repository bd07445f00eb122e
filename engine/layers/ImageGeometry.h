#pragma once
// Sliding-window geometry shared by the convolution and pooling layers (TensorFlow conventions).

#include "core/Errors.h"
#include "core/Shape.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace engine::image {

/// Output size and leading padding of a window sliding along one axis.
/// valid: out = floor((in - k) / s) + 1, no padding (0 when k > in).
/// same:  out = ceil(in / s); the total padding max((out - 1) s + k - in, 0) is split with the
///        smaller half before, as TensorFlow does (PyTorch pads symmetrically).
struct Axis {
    int out = 0;
    int padBefore = 0;
};

inline Axis axis(int in, int kernel, int stride, bool same)
{
    if (same) {
        const int out = (in + stride - 1) / stride;
        const int total = std::max((out - 1) * stride + kernel - in, 0);
        return {out, total / 2};
    }
    return {in >= kernel ? (in - kernel) / stride + 1 : 0, 0};
}

/// Checks that `in` is an image H x W x C; the message tells how to get one.
inline void requireImage(const std::string& layer, const Shape& in)
{
    if (in.rank() == 3)
        return;
    std::string hint = "HxWxC";
    const long n = in.size();
    const long side = std::lround(std::sqrt(double(n)));
    if (side * side == n && n > 1)
        hint = std::to_string(side) + "x" + std::to_string(side) + "x1";
    throw ShapeError(layer + " needs an image input HxWxC, got " + in.toString()
        + ": add a Reshape or use Input shape " + hint);
}

} // namespace engine::image
