#pragma once
// Small helpers shared by OnnxOpMapper's source files (messages, constants as matrices).

#ifdef NETCANVAS_WITH_ONNX

#include "import/OnnxGraphView.h"
#include "import/OnnxOpMapper.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace engine::onnximport {

inline bool near(double a, double b)
{
    return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(b));
}

inline std::string dimsText(const std::vector<long>& dims)
{
    std::string s = "[N";
    for (long d : dims)
        s += ", " + std::to_string(d);
    return s + "]";
}

/// int when both are equal, else [a, b] (the engine's JSON for kernel, stride, pool, dilation).
inline nlohmann::json pair(long a, long b)
{
    return a == b ? nlohmann::json(a) : nlohmann::json::array({a, b});
}

inline Matrix matrixOf(const ConstTensor& c, long rows, long cols)
{
    Matrix m(rows, cols);
    for (long r = 0; r < rows; ++r)
        for (long k = 0; k < cols; ++k)
            m(r, k) = Scalar(c.values[std::size_t(r * cols + k)]);
    return m;
}

/// A per-channel / per-unit vector of `n` values: [n], [1, n] or one value broadcast.
inline Matrix vectorOf(const ConstTensor& c, long n, const std::string& what)
{
    if (long(c.values.size()) != n && c.values.size() != 1)
        throw Unmappable(what + " has " + std::to_string(c.values.size()) + " values, expected "
            + std::to_string(n));
    Matrix v(n, 1);
    for (long i = 0; i < n; ++i)
        v(i, 0) = Scalar(c.values[c.values.size() == 1 ? 0 : std::size_t(i)]);
    return v;
}

} // namespace engine::onnximport

#endif // NETCANVAS_WITH_ONNX
