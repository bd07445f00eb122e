#pragma once
// Sliding-window geometry shared by the convolution and pooling layers: window sizes, strides and
// dilations per axis, TensorFlow "valid"/"same" or explicit (ONNX-style, possibly asymmetric)
// padding, and PyTorch/ONNX ceil mode.

#include "core/Errors.h"
#include "core/Shape.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace engine {
struct AttributeSpec;
}

namespace engine::image {

/// A per-axis setting (kernel, stride, dilation, pool). JSON: n when h == w, else [h, w].
struct Size2 {
    int h = 1;
    int w = 1;
    bool square() const { return h == w; }
    bool operator==(const Size2&) const = default;
};

/// How a window layer pads its input. JSON: "valid", "same" or [top, left, bottom, right].
struct Padding2D {
    enum class Mode {
        Valid, ///< windows lie inside the image
        Same, ///< output = ceil(input / stride); the smaller half of the padding goes before
        Explicit ///< the given amounts (ONNX pads, PyTorch padding)
    };
    Mode mode = Mode::Valid;
    int top = 0, left = 0, bottom = 0, right = 0; ///< Explicit only
    bool operator==(const Padding2D&) const = default;
};

/// One axis of a window sliding over an image: output size and the padding it applies.
struct Axis {
    int out = 0; ///< 0 when not even one window fits
    int padBefore = 0;
    int padAfter = 0;
};

/// The window of `kernel` taps `dilation` apart (spanning dilation (kernel - 1) + 1 pixels) steps
/// by `stride` over `in` pixels padded by `before` and `after` (Explicit; ignored otherwise).
/// valid/explicit: out = floor((in + before + after - span) / stride) + 1; with ceilMode the
/// division rounds up, but (as PyTorch and ONNX Runtime do) a last window that would start in the
/// trailing padding is dropped. same: out = ceil(in / stride), TensorFlow's split of the padding.
Axis slideAxis(int in, int kernel, int stride, int dilation, Padding2D::Mode mode, int before,
    int after, bool ceilMode = false);

/// Both axes of a window layer for an H x W input.
struct Geometry {
    Axis h;
    Axis w;
};
Geometry slide(const Shape& in, Size2 kernel, Size2 stride, Size2 dilation,
    const Padding2D& padding, bool ceilMode = false);

nlohmann::json toJson(Size2 s);
nlohmann::json toJson(const Padding2D& p);
/// "3" or "1x3" for summaries.
std::string text(Size2 s);

/// Reads an IntList spec of length 2 (see attr::readIntList) into `out` if `attrs` has it.
void read(const nlohmann::json& attrs, const AttributeSpec& spec, Size2& out);
/// Reads an IntList spec of length 4 with the choices "valid", "same" into `out`.
void read(const nlohmann::json& attrs, const AttributeSpec& spec, Padding2D& out);

/// Checks that `in` is an image H x W x C; the message tells how to get one.
void requireImage(const std::string& layer, const Shape& in);

} // namespace engine::image
