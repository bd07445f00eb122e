// OnnxOpMapper's sequence operators: RNN / LSTM / GRU, Embedding (Gather on a table), and the
// views torch.onnx.export writes around a batch_first recurrent module: X transposed to
// [T, N, F], a zero initial state built by Shape / Gather / ConstantOfShape, Y squeezed and
// transposed back to [N, T, H], the last step taken with Gather or Slice (or Y_h squeezed).
// The engine keeps W, R and b in ONNX's gate order (layers/RecurrentCommon.h), as the exporter
// writes them (export/OnnxExportRecurrent.h): W and R copy over, b = Wb + Rb except GRU's
// candidate recurrent bias, which the engine keeps apart as "Rb" (linear_before_reset = 1).

#include "import/OnnxOpMapper.h"

#ifdef NETCANVAS_WITH_ONNX

#include <algorithm>
#include <cctype>
#include <limits>

namespace engine::onnximport {

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

bool allZero(const ConstTensor& c)
{
    return std::all_of(c.values.begin(), c.values.end(), [](double v) { return v == 0; });
}

} // namespace

void OnnxOpMapper::requireZeroState(const onnx::NodeProto& n, int index) const
{
    if (index >= n.input_size() || n.input(index).empty())
        return;
    // Zeros, possibly sliced, reshaped or broadcast on the way (one slice per layer of a
    // stacked module): every value is still zero.
    std::string name = n.input(index);
    for (int depth = 0; depth < 16; ++depth) {
        if (const ConstTensor* c = m_view.constant(name)) {
            if (allZero(*c))
                return;
            break;
        }
        const onnx::NodeProto* p = m_view.producer(name);
        if (!p)
            break;
        const std::string& op = p->op_type();
        if (op == "ConstantOfShape") {
            bool zero = true;
            for (const onnx::AttributeProto& a : p->attribute())
                if (a.name() == "value")
                    zero = allZero(tensorValues(a.t()));
            if (zero)
                return;
            break;
        }
        const bool keepsZeros = op == "Slice" || op == "Gather" || op == "Squeeze"
            || op == "Unsqueeze" || op == "Reshape" || op == "Expand" || op == "Tile"
            || op == "Identity" || op == "Cast" || op == "Transpose";
        if (!keepsZeros || p->input_size() == 0)
            break;
        name = p->input(0);
    }
    throw Unmappable("a non-zero initial state (the engine starts from zero)");
}

Value OnnxOpMapper::sequence(const Value& v, const std::string& name)
{
    if (v.layout != Layout::Flat || v.dims.size() != 2)
        throw Unmappable("needs a sequence [N, T, F], got a tensor of rank "
            + std::to_string(v.dims.size() + 1));
    const NodeRecord& r = m_builder.node(v.node);
    const std::vector<long> shape = v.dims;
    const bool hasShape = (r.type == "Input" || r.type == "Reshape")
        && r.attributes.value("shape", std::vector<long>()) == shape;
    const bool sequenceLayer = r.type == "Embedding" || r.type == "TimeDistributed"
        || r.type == "SimpleRNN" || r.type == "LSTM" || r.type == "GRU";
    if (hasShape || sequenceLayer)
        return v;
    Value out = v;
    out.node = reshaped(v.node, shape, name + " (steps)");
    return out;
}

void OnnxOpMapper::recurrent(const onnx::NodeProto& n)
{
    const std::string& op = n.op_type();
    if (stringAttr(n, "direction", "forward") != "forward")
        throw Unmappable("direction " + stringAttr(n, "direction") + " (only forward maps)");
    if (intAttr(n, "layout", 0) != 0)
        throw Unmappable("layout = 1");
    if (hasAttr(n, "clip"))
        throw Unmappable("cell clipping");
    if (intAttr(n, "input_forget", 0) != 0)
        throw Unmappable("input_forget = 1");
    if (op == "LSTM" && n.input_size() > 7 && !n.input(7).empty())
        throw Unmappable("peephole weights");
    if (op == "GRU" && intAttr(n, "linear_before_reset", 0) != 1)
        throw Unmappable("linear_before_reset = 0 (the engine, like PyTorch, resets after R h)");
    const std::vector<std::string> defaults = op == "RNN" ? std::vector<std::string> {"tanh"}
        : op == "LSTM" ? std::vector<std::string> {"sigmoid", "tanh", "tanh"}
                       : std::vector<std::string> {"sigmoid", "tanh"};
    for (const onnx::AttributeProto& a : n.attribute())
        if (a.name() == "activations") {
            std::vector<std::string> acts;
            for (const std::string& s : a.strings())
                acts.push_back(lower(s));
            if (acts != defaults)
                throw Unmappable("non-default activations");
        }
    if (n.input_size() > 4 && !n.input(4).empty())
        throw Unmappable("sequence_lens (sequences of different lengths)");
    requireZeroState(n, 5);
    if (op == "LSTM")
        requireZeroState(n, 6);

    // X: [T, N, F], a batch-major sequence transposed, or the previous layer's Y squeezed.
    const Value& x = in(n, 0);
    Value source;
    if (x.layout == Layout::TimeMajor) {
        source = x;
        source.layout = Layout::Flat;
        source = sequence(source, cardName(n));
    } else if (x.layout == Layout::RnnTimeMajor) {
        Recurrent& previous = m_recurrent.at(std::size_t(x.recurrent));
        previous.sequenceUsed = true;
        source.node = previous.node;
        source.dims = x.dims;
    } else {
        throw Unmappable("X must be a sequence in time-major order [T, N, F]");
    }
    const long steps = source.dims[0];
    const long features = source.dims[1];
    const int gates = op == "RNN" ? 1 : op == "LSTM" ? 4 : 3;
    const ConstTensor& wt = constIn(n, 1, "W");
    const ConstTensor& rt = constIn(n, 2, "R");
    const long h = intAttr(n, "hidden_size", wt.dims.size() == 3 ? wt.dims[1] / gates : 0);
    const long gh = gates * h;
    if (wt.dims != std::vector<std::int64_t> {1, gh, features}
        || rt.dims != std::vector<std::int64_t> {1, gh, h})
        throw Unmappable("W or R does not have the shape [1, gates * hidden, ...]");
    Matrix w(gh, features), r(gh, h);
    for (long i = 0; i < gh; ++i) {
        for (long f = 0; f < features; ++f)
            w(i, f) = Scalar(wt.values[std::size_t(i * features + f)]);
        for (long k = 0; k < h; ++k)
            r(i, k) = Scalar(rt.values[std::size_t(i * h + k)]);
    }
    Matrix b = Matrix::Zero(gh, 1), rb = Matrix::Zero(h, 1);
    if (n.input_size() > 3 && !n.input(3).empty()) {
        const ConstTensor& bt = constIn(n, 3, "B");
        if (long(bt.values.size()) != 2 * gh)
            throw Unmappable("B does not have the shape [1, 2 * gates * hidden]");
        for (long i = 0; i < gh; ++i) {
            const double wb = bt.values[std::size_t(i)];
            const double recurrentBias = bt.values[std::size_t(gh + i)];
            const bool candidate = op == "GRU" && i >= 2 * h;
            b(i, 0) = Scalar(candidate ? wb : wb + recurrentBias);
            if (candidate)
                rb(i - 2 * h, 0) = Scalar(recurrentBias);
        }
    }
    const std::string type = op == "RNN" ? "SimpleRNN" : op;
    Recurrent rec;
    rec.node = m_builder.add(
        type, cardName(n), {{"units", h}, {"return_sequences", false}}, {source.node});
    rec.steps = steps;
    rec.units = h;
    m_builder.setWeight(rec.node, "W", std::move(w));
    m_builder.setWeight(rec.node, "R", std::move(r));
    m_builder.setWeight(rec.node, "b", std::move(b));
    if (op == "GRU")
        m_builder.setWeight(rec.node, "Rb", std::move(rb));
    m_recurrent.push_back(rec);
    const int index = int(m_recurrent.size()) - 1;

    Value y;
    y.layout = Layout::RnnY;
    y.node = rec.node;
    y.recurrent = index;
    y.dims = {steps, 1, h}; // [T, 1, N, H] without N
    if (n.output_size() > 0 && !n.output(0).empty())
        set(n, y, 0);
    Value yh = y;
    yh.layout = Layout::RnnYh;
    yh.dims = {1, h};
    if (n.output_size() > 1 && !n.output(1).empty())
        set(n, yh, 1);
}

Value OnnxOpMapper::lastStep(int recurrent, long units)
{
    Recurrent& r = m_recurrent.at(std::size_t(recurrent));
    r.lastUsed = true;
    Value v;
    v.node = r.node;
    v.dims = {units};
    return v;
}

void OnnxOpMapper::gather(const onnx::NodeProto& n)
{
    long axis = intAttr(n, "axis", 0);
    if (const ConstTensor* table = m_view.constant(n.input(0))) {
        // A lookup in a learned table: an Embedding.
        const Value& ids = in(n, 1);
        if (axis != 0 || table->dims.size() != 2)
            throw Unmappable("a lookup along axis " + std::to_string(axis) + " of a constant");
        if (ids.layout != Layout::Flat || ids.dims.size() != 1)
            throw Unmappable("token ids must be a sequence [N, T]");
        const long vocab = table->dims[0], units = table->dims[1];
        Value out;
        out.dims = {ids.dims[0], units};
        out.node = m_builder.add(
            "Embedding", cardName(n), {{"vocab_size", vocab}, {"units", units}}, {ids.node});
        Matrix e(units, vocab);
        for (long v = 0; v < vocab; ++v)
            for (long u = 0; u < units; ++u)
                e(u, v) = Scalar(table->values[std::size_t(v * units + u)]);
        m_builder.setWeight(out.node, "E", std::move(e));
        set(n, out);
        return;
    }
    const Value& x = in(n, 0);
    const std::optional<double> index = constIn(n, 1, "the index").scalar();
    if (!index)
        throw Unmappable("gathering several indices");
    const auto isLast = [&](long size) { return *index == -1 || *index == double(size - 1); };
    if (x.layout == Layout::RnnSeq && axis == 1 && isLast(x.dims[0])) {
        set(n, lastStep(x.recurrent, x.dims[1]));
        return;
    }
    if (x.layout == Layout::RnnTimeMajor && axis == 0 && isLast(x.dims[0])) {
        set(n, lastStep(x.recurrent, x.dims[1]));
        return;
    }
    if (x.layout == Layout::RnnYh && axis == 0 && (*index == 0 || *index == -1)) {
        set(n, lastStep(x.recurrent, x.dims[1]));
        return;
    }
    throw Unmappable("selecting index " + std::to_string(long(*index)) + " along axis "
        + std::to_string(axis) + " (only a recurrent layer's last step maps)");
}

void OnnxOpMapper::slice(const onnx::NodeProto& n)
{
    std::vector<std::int64_t> starts, ends, axes, steps;
    if (m_view.opset() < 10) {
        starts = intsAttr(n, "starts");
        ends = intsAttr(n, "ends");
        axes = intsAttr(n, "axes");
    } else {
        const auto ints = [&](int i, const std::string& what) {
            std::vector<std::int64_t> v;
            if (i < n.input_size() && !n.input(i).empty())
                for (double d : constIn(n, i, what).values)
                    v.push_back(d >= 9.2e18 ? std::numeric_limits<std::int64_t>::max()
                            : d <= -9.2e18  ? std::numeric_limits<std::int64_t>::min()
                                            : std::int64_t(d));
            return v;
        };
        starts = ints(1, "starts");
        ends = ints(2, "ends");
        axes = ints(3, "axes");
        steps = ints(4, "steps");
    }
    const Value& x = in(n, 0);
    if (x.layout == Layout::RnnSeq && starts.size() == 1 && axes == std::vector<std::int64_t> {1}
        && (steps.empty() || steps[0] == 1)) {
        const long t = x.dims[0];
        const bool last = (starts[0] == -1 || starts[0] == t - 1) && ends[0] >= t;
        if (last) {
            Value v = lastStep(x.recurrent, x.dims[1]);
            v.dims = {1, x.dims[1]};
            set(n, v);
            return;
        }
    }
    throw Unmappable("slicing (only a recurrent layer's last step maps)");
}

void OnnxOpMapper::settleRecurrentOutputs()
{
    for (const Recurrent& r : m_recurrent) {
        NodeRecord& node = m_builder.node(r.node);
        if (r.lastUsed && r.sequenceUsed)
            throw Unmappable("both the last state and the whole sequence of recurrent layer '"
                + node.name + "' are used");
        node.attributes["return_sequences"] = r.sequenceUsed;
    }
}

} // namespace engine::onnximport

#endif // NETCANVAS_WITH_ONNX
