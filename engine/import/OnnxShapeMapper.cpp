// OnnxOpMapper's layout operators: Concat, Flatten, Reshape, Transpose, Squeeze / Unsqueeze.
// They mostly change what a Value says about its engine node (ImportedValue.h) and add an
// engine Flatten or Reshape only where the engine's shape must change.

#include "import/OnnxOpMapper.h"

#ifdef NETCANVAS_WITH_ONNX

#include "import/MapperSupport.h"

#include <algorithm>
#include <limits>
#include <optional>

namespace engine::onnximport {

void OnnxOpMapper::concat(const onnx::NodeProto& n)
{
    std::vector<Value> parts;
    for (int i = 0; i < n.input_size(); ++i)
        parts.push_back(dataValue(in(n, i), cardName(n)));
    const Value& first = parts.front();
    long axis = intAttr(n, "axis", 1);
    if (axis < 0)
        axis += long(first.dims.size()) + 1;
    // The engine joins along the last axis of its own layout: channels of an image (ONNX axis 1
    // of NCHW), features of a vector or of each time step.
    const bool imageChannels = first.layout == Layout::Image && axis == 1;
    const bool lastAxis = first.layout == Layout::Flat && axis == long(first.dims.size());
    if (!imageChannels && !lastAxis)
        throw Unmappable(
            "joining along axis " + std::to_string(axis) + " of " + dimsText(first.dims));
    std::vector<NodeId> ids;
    Value out = first;
    out.dims[std::size_t(axis - 1)] = 0;
    for (const Value& p : parts) {
        if (p.layout != first.layout || p.dims.size() != first.dims.size())
            throw Unmappable("joining tensors of different layouts");
        ids.push_back(p.node);
        out.dims[std::size_t(axis - 1)] += p.dims[std::size_t(axis - 1)];
    }
    out.node = m_builder.add("Concatenate", cardName(n), nlohmann::json::object(), ids);
    set(n, out);
}

void OnnxOpMapper::flatten(const onnx::NodeProto& n)
{
    long axis = intAttr(n, "axis", 1);
    const Value x = dataValue(in(n, 0), cardName(n));
    if (axis < 0)
        axis += long(x.dims.size()) + 1;
    if (axis != 1)
        throw Unmappable(
            "flattening from axis " + std::to_string(axis) + " (only axis 1 keeps the batch)");
    Value out;
    out.dims = {x.size()};
    if (x.layout == Layout::Flat) {
        out.node = x.node; // same values in the same order
    } else {
        out.node = m_builder.add("Flatten", cardName(n), nlohmann::json::object(), {x.node});
        const bool reorders
            = x.layout == Layout::Image && x.dims[0] != 1 && x.dims[1] * x.dims[2] != 1;
        if (reorders) {
            out.layout = Layout::ChwFlat;
            out.dims = x.dims;
        }
    }
    set(n, out);
}

namespace {

constexpr std::int64_t kBatch = std::numeric_limits<std::int64_t>::min();

/// The values of a 1-D shape tensor computed the way torch writes x.view(x.size(0), -1):
/// Concat of constants and Unsqueeze(Gather(Shape(t), i)), with kBatch for t's batch axis.
std::optional<std::vector<std::int64_t>> shapeValues(
    const OnnxGraphView& view, const std::string& name, int depth = 0)
{
    if (depth > 16)
        return std::nullopt;
    if (const ConstTensor* c = view.constant(name)) {
        std::vector<std::int64_t> v;
        for (double d : c->values)
            v.push_back(std::int64_t(d));
        return v;
    }
    const onnx::NodeProto* p = view.producer(name);
    if (!p || p->input_size() == 0)
        return std::nullopt;
    const std::string& op = p->op_type();
    if (op == "Shape") {
        const auto d = view.dims(p->input(0));
        if (!d || d->empty() || hasAttr(*p, "start") || hasAttr(*p, "end"))
            return std::nullopt;
        std::vector<std::int64_t> v = *d;
        v[0] = kBatch;
        return v;
    }
    if (op == "Cast" || op == "Identity" || op == "Unsqueeze" || op == "Squeeze")
        return shapeValues(view, p->input(0), depth + 1);
    if (op == "Gather" && p->input_size() == 2) {
        const auto all = shapeValues(view, p->input(0), depth + 1);
        const ConstTensor* index = view.constant(p->input(1));
        if (!all || !index || index->values.size() != 1)
            return std::nullopt;
        long i = long(index->values[0]);
        if (i < 0)
            i += long(all->size());
        if (i < 0 || i >= long(all->size()))
            return std::nullopt;
        return std::vector<std::int64_t> {(*all)[std::size_t(i)]};
    }
    if (op == "Concat") {
        std::vector<std::int64_t> v;
        for (const std::string& part : p->input()) {
            const auto values = shapeValues(view, part, depth + 1);
            if (!values)
                return std::nullopt;
            v.insert(v.end(), values->begin(), values->end());
        }
        return v;
    }
    return std::nullopt;
}

} // namespace

std::vector<long> OnnxOpMapper::reshapeTarget(const onnx::NodeProto& n, const Value& src) const
{
    const auto inferred = m_view.dims(n.output(0));
    if (inferred && !inferred->empty()
        && std::none_of(inferred->begin() + 1, inferred->end(), [](auto d) { return d < 0; }))
        return {inferred->begin() + 1, inferred->end()};
    // Shape inference could not follow the target: evaluate it here.
    const auto shape = n.input_size() > 1 ? shapeValues(m_view, n.input(1)) : std::nullopt;
    if (!shape || shape->empty() || ((*shape)[0] != kBatch && (*shape)[0] != 0))
        throw Unmappable("the target shape is unknown or does not keep the batch axis first");
    std::vector<long> target;
    long known = 1;
    int unknown = -1;
    for (std::size_t i = 1; i < shape->size(); ++i) {
        std::int64_t d = (*shape)[i];
        if (d == 0 && i - 1 < src.dims.size())
            d = src.dims[i - 1];
        if (d == -1 && unknown < 0) {
            unknown = int(target.size());
            target.push_back(1);
            continue;
        }
        if (d <= 0)
            throw Unmappable("the target shape is unknown or does not keep the batch axis first");
        target.push_back(long(d));
        known *= long(d);
    }
    if (unknown >= 0)
        target[std::size_t(unknown)] = known > 0 ? src.size() / known : 0;
    return target;
}

void OnnxOpMapper::reshape(const onnx::NodeProto& n)
{
    const Value& src = in(n, 0);
    const std::vector<long> target = reshapeTarget(n, src);
    long count = 1;
    for (long d : target)
        count *= d;
    if (src.layout == Layout::Flat && target.size() == 1 && target[0] > 0
        && src.size() % target[0] == 0 && src.size() > target[0]) {
        // [N, T, F] or [N, T * F] -> [N * T, F]: one row per step, for a Gemm on every step.
        Value v = src;
        v.layout = Layout::StepRows;
        v.dims = {src.size() / target[0], target[0]};
        set(n, v);
        return;
    }
    if (src.layout == Layout::StepRows) {
        // [N * T, U] -> [N, T * U] (or [N, T, U]): the steps back in one sample.
        if (count != src.size())
            throw Unmappable("reshaping per-step rows to " + dimsText(target));
        Value v = src;
        v.layout = Layout::Flat;
        v.dims = target;
        set(n, v);
        return;
    }
    if (count != src.size())
        throw Unmappable("reshaping across the batch axis (" + std::to_string(src.size())
            + " values per sample become " + std::to_string(count) + ")");
    if (src.layout == Layout::RnnYh && target.size() == 1) {
        set(n, lastStep(src.recurrent, target[0]));
        return;
    }
    if (src.layout == Layout::RnnSeq || src.layout == Layout::RnnY || src.layout == Layout::RnnYh
        || src.layout == Layout::RnnTimeMajor) {
        Value v = dataValue(src, cardName(n)); // the whole sequence, batch-major
        if (src.layout != Layout::RnnSeq)
            throw Unmappable("reshaping a recurrent layer's time-major output");
        v.dims = target;
        set(n, v);
        return;
    }
    const Value x = dataValue(src, cardName(n));
    Value out;
    out.dims = target;
    if (target.size() == 1) {
        // [N, -1]: a flatten.
        if (x.layout == Layout::Flat || x.layout == Layout::ChwFlat) {
            out = x;
            out.dims = x.layout == Layout::Flat ? target : x.dims;
        } else if (x.layout == Layout::Nhwc || x.layout == Layout::Raw4) {
            out.node = x.node; // already in the engine's order
            if (x.layout == Layout::Nhwc)
                out.node
                    = m_builder.add("Flatten", cardName(n), nlohmann::json::object(), {x.node});
        } else {
            out.node = m_builder.add("Flatten", cardName(n), nlohmann::json::object(), {x.node});
            if (x.dims[0] != 1 && x.dims[1] * x.dims[2] != 1) {
                out.layout = Layout::ChwFlat;
                out.dims = x.dims;
            }
        }
    } else if (x.layout == Layout::Flat && target.size() == 3) {
        out.layout = Layout::Raw4;
        out.node = x.node;
    } else if (x.layout == Layout::Flat && target.size() == 2) {
        out.node = reshaped(x.node, target, cardName(n));
    } else {
        throw Unmappable("reshaping " + dimsText(x.dims) + " to " + dimsText(target));
    }
    set(n, out);
}

void OnnxOpMapper::transpose(const onnx::NodeProto& n)
{
    const Value& x = in(n, 0);
    const std::vector<std::int64_t> perm = intsAttr(n, "perm");
    const auto is = [&](std::initializer_list<std::int64_t> p) {
        return perm == std::vector<std::int64_t>(p);
    };
    Value out = x;
    if ((x.layout == Layout::Nhwc || x.layout == Layout::Raw4) && is({0, 3, 1, 2})) {
        // [N, H, W, C] -> NCHW: the engine's H x W x C image.
        out.layout = Layout::Image;
        out.dims = {x.dims[2], x.dims[0], x.dims[1]};
        if (x.layout == Layout::Raw4)
            out.node = reshaped(x.node, x.dims, cardName(n));
    } else if (x.layout == Layout::Image && is({0, 2, 3, 1})) {
        out.layout = Layout::Nhwc;
        out.dims = {x.dims[1], x.dims[2], x.dims[0]};
    } else if (x.layout == Layout::Flat && x.dims.size() == 2 && is({1, 0, 2})) {
        out.layout = Layout::TimeMajor;
    } else if (x.layout == Layout::RnnTimeMajor && is({1, 0, 2})) {
        out.layout = Layout::RnnSeq;
    } else if (x.layout == Layout::RnnY && is({2, 0, 1, 3})) {
        // Y [T, 1, N, H] -> [N, T, 1, H] (NetCanvas's own export): the sequence, batch-major.
        out.layout = Layout::RnnSeq;
        out.dims = {x.dims[0], x.dims[2]};
    } else {
        std::string p;
        for (std::int64_t i : perm)
            p += (p.empty() ? "" : ", ") + std::to_string(i);
        throw Unmappable("permutation (" + p + ") of " + dimsText(x.dims));
    }
    set(n, out);
}

void OnnxOpMapper::squeeze(const onnx::NodeProto& n, bool unsqueeze)
{
    std::vector<std::int64_t> axes = intsAttr(n, "axes");
    if (axes.empty() && n.input_size() > 1 && !n.input(1).empty())
        for (double a : constIn(n, 1, "axes").values)
            axes.push_back(std::int64_t(a));
    const Value& x = in(n, 0);
    if (!unsqueeze && x.layout == Layout::RnnY && axes == std::vector<std::int64_t> {1}) {
        Value v = x;
        v.layout = Layout::RnnTimeMajor;
        v.dims = {x.dims[0], x.dims[2]};
        set(n, v);
        return;
    }
    if (!unsqueeze && x.layout == Layout::RnnYh && axes == std::vector<std::int64_t> {0}) {
        set(n, lastStep(x.recurrent, x.dims.back()));
        return;
    }
    Value v = dataValue(x, cardName(n));
    if (v.layout != Layout::Flat)
        throw Unmappable("changing the rank of " + dimsText(v.dims) + " in this layout");
    const std::vector<long> target = outDims(n);
    if (std::any_of(axes.begin(), axes.end(), [](auto a) { return a == 0; }))
        throw Unmappable("squeezing the batch axis");
    v.dims = target; // same values in the same order
    set(n, v);
}

} // namespace engine::onnximport

#endif // NETCANVAS_WITH_ONNX
