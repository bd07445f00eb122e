#include "layers/ImageGeometry.h"

#include "graph/Attributes.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace engine::image {

Axis slideAxis(int in, int kernel, int stride, int dilation, Padding2D::Mode mode, int before,
    int after, bool ceilMode)
{
    const int span = dilation * (kernel - 1) + 1;
    if (mode == Padding2D::Mode::Same) {
        const int out = (in + stride - 1) / stride;
        const int total = std::max((out - 1) * stride + span - in, 0);
        return {out, total / 2, total - total / 2};
    }
    if (mode == Padding2D::Mode::Valid)
        before = after = 0;
    const int room = in + before + after - span;
    if (room < 0)
        return {0, before, after};
    int out = (ceilMode ? (room + stride - 1) / stride : room / stride) + 1;
    if (ceilMode && (out - 1) * stride >= in + before)
        --out;
    return {out, before, after};
}

Geometry slide(const Shape& in, Size2 kernel, Size2 stride, Size2 dilation,
    const Padding2D& padding, bool ceilMode)
{
    return {slideAxis(in[0], kernel.h, stride.h, dilation.h, padding.mode, padding.top,
                padding.bottom, ceilMode),
        slideAxis(in[1], kernel.w, stride.w, dilation.w, padding.mode, padding.left, padding.right,
            ceilMode)};
}

nlohmann::json toJson(Size2 s)
{
    return s.square() ? nlohmann::json(s.h) : nlohmann::json::array({s.h, s.w});
}

nlohmann::json toJson(const Padding2D& p)
{
    switch (p.mode) {
    case Padding2D::Mode::Valid:
        return "valid";
    case Padding2D::Mode::Same:
        return "same";
    case Padding2D::Mode::Explicit:
        break;
    }
    return nlohmann::json::array({p.top, p.left, p.bottom, p.right});
}

std::string text(Size2 s)
{
    return s.square() ? std::to_string(s.h) : std::to_string(s.h) + "x" + std::to_string(s.w);
}

void read(const nlohmann::json& attrs, const AttributeSpec& spec, Size2& out)
{
    std::vector<int> list {out.h, out.w};
    std::string word;
    attr::readIntList(attrs, spec, list, word);
    out = {list.at(0), list.at(1)};
}

void read(const nlohmann::json& attrs, const AttributeSpec& spec, Padding2D& out)
{
    std::vector<int> list;
    std::string word;
    attr::readIntList(attrs, spec, list, word);
    if (word == "valid")
        out = {};
    else if (word == "same")
        out = {Padding2D::Mode::Same};
    else if (list.size() == 4)
        out = {Padding2D::Mode::Explicit, list[0], list[1], list[2], list[3]};
}

void requireImage(const std::string& layer, const Shape& in)
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
