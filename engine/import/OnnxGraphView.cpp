#include "import/OnnxGraphView.h"

#ifdef NETCANVAS_WITH_ONNX

#include "core/Errors.h"

#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

namespace engine::onnximport {

std::int64_t ConstTensor::count() const
{
    return std::accumulate(dims.begin(), dims.end(), std::int64_t(1), std::multiplies<>());
}

std::optional<double> ConstTensor::scalar() const
{
    if (values.size() != 1)
        return std::nullopt;
    return values[0];
}

namespace {

template <typename T> void appendRaw(const std::string& raw, std::vector<double>& out)
{
    const std::size_t n = raw.size() / sizeof(T);
    for (std::size_t i = 0; i < n; ++i) {
        T v;
        std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
        out.push_back(double(v));
    }
}

} // namespace

ConstTensor tensorValues(const onnx::TensorProto& t)
{
    ConstTensor c;
    c.dims.assign(t.dims().begin(), t.dims().end());
    const std::string& raw = t.raw_data();
    using TP = onnx::TensorProto;
    switch (t.data_type()) {
    case TP::FLOAT:
        if (!raw.empty())
            appendRaw<float>(raw, c.values);
        else
            c.values.assign(t.float_data().begin(), t.float_data().end());
        break;
    case TP::DOUBLE:
        if (!raw.empty())
            appendRaw<double>(raw, c.values);
        else
            c.values.assign(t.double_data().begin(), t.double_data().end());
        break;
    case TP::INT64:
        if (!raw.empty())
            appendRaw<std::int64_t>(raw, c.values);
        else
            for (std::int64_t v : t.int64_data())
                c.values.push_back(double(v));
        break;
    case TP::INT32:
    case TP::INT16:
    case TP::INT8:
    case TP::UINT8:
    case TP::BOOL:
        if (!raw.empty()) {
            if (t.data_type() == TP::INT32)
                appendRaw<std::int32_t>(raw, c.values);
            else if (t.data_type() == TP::INT16)
                appendRaw<std::int16_t>(raw, c.values);
            else if (t.data_type() == TP::INT8)
                appendRaw<std::int8_t>(raw, c.values);
            else
                appendRaw<std::uint8_t>(raw, c.values);
        } else {
            for (std::int32_t v : t.int32_data())
                c.values.push_back(double(v));
        }
        break;
    default:
        throw InputError("initializer " + t.name(),
            "element type " + std::to_string(t.data_type()) + " is not a supported number type");
    }
    if (std::int64_t(c.values.size()) != c.count())
        throw InputError("initializer " + t.name(),
            "holds " + std::to_string(c.values.size()) + " values, its dims need "
                + std::to_string(c.count()));
    return c;
}

const onnx::AttributeProto* findAttr(const onnx::NodeProto& n, const std::string& name)
{
    for (const onnx::AttributeProto& a : n.attribute())
        if (a.name() == name)
            return &a;
    return nullptr;
}

bool hasAttr(const onnx::NodeProto& n, const std::string& name)
{
    return findAttr(n, name) != nullptr;
}

std::int64_t intAttr(const onnx::NodeProto& n, const std::string& name, std::int64_t fallback)
{
    const onnx::AttributeProto* a = findAttr(n, name);
    return a ? a->i() : fallback;
}

float floatAttr(const onnx::NodeProto& n, const std::string& name, float fallback)
{
    const onnx::AttributeProto* a = findAttr(n, name);
    return a ? a->f() : fallback;
}

std::string stringAttr(
    const onnx::NodeProto& n, const std::string& name, const std::string& fallback)
{
    const onnx::AttributeProto* a = findAttr(n, name);
    return a ? a->s() : fallback;
}

std::vector<std::int64_t> intsAttr(const onnx::NodeProto& n, const std::string& name)
{
    const onnx::AttributeProto* a = findAttr(n, name);
    if (!a)
        return {};
    return {a->ints().begin(), a->ints().end()};
}

namespace {

std::int64_t normalizedAxis(std::int64_t axis, std::size_t rank)
{
    return axis < 0 ? axis + std::int64_t(rank) : axis;
}

/// Row-major strides of `dims`.
std::vector<std::int64_t> stridesOf(const std::vector<std::int64_t>& dims)
{
    std::vector<std::int64_t> s(dims.size(), 1);
    for (std::size_t i = dims.size(); i-- > 1;)
        s[i - 1] = s[i] * dims[i];
    return s;
}

std::optional<ConstTensor> transposed(const ConstTensor& in, std::vector<std::int64_t> perm)
{
    const std::size_t rank = in.dims.size();
    if (perm.empty())
        for (std::size_t i = rank; i-- > 0;)
            perm.push_back(std::int64_t(i));
    std::vector<std::int64_t> sorted = perm;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i)
        if (sorted[i] != std::int64_t(i))
            return std::nullopt;
    if (perm.size() != rank)
        return std::nullopt;
    ConstTensor out;
    for (std::int64_t p : perm)
        out.dims.push_back(in.dims[std::size_t(p)]);
    const auto inStrides = stridesOf(in.dims);
    out.values.resize(in.values.size());
    std::vector<std::int64_t> index(rank, 0);
    for (std::size_t i = 0; i < out.values.size(); ++i) {
        std::int64_t src = 0;
        for (std::size_t d = 0; d < rank; ++d)
            src += index[d] * inStrides[std::size_t(perm[d])];
        out.values[i] = in.values[std::size_t(src)];
        for (std::size_t d = rank; d-- > 0;) {
            if (++index[d] < out.dims[d])
                break;
            index[d] = 0;
        }
    }
    return out;
}

/// Element-wise a op b where one side is a single value or both have the same size.
std::optional<ConstTensor> elementwise(
    const ConstTensor& a, const ConstTensor& b, const std::string& op)
{
    if (a.values.size() != b.values.size() && a.values.size() != 1 && b.values.size() != 1)
        return std::nullopt;
    ConstTensor out = a.values.size() >= b.values.size() ? a : b;
    for (std::size_t i = 0; i < out.values.size(); ++i) {
        const double x = a.values[a.values.size() == 1 ? 0 : i];
        const double y = b.values[b.values.size() == 1 ? 0 : i];
        out.values[i] = op == "Add" ? x + y : op == "Sub" ? x - y : op == "Mul" ? x * y : x / y;
    }
    return out;
}

} // namespace

OnnxGraphView::OnnxGraphView(onnx::ModelProto model)
    : m_model(std::move(model))
{
    for (const onnx::OperatorSetIdProto& o : m_model.opset_import())
        if (o.domain().empty() || o.domain() == "ai.onnx")
            m_opset = int(o.version());
    const onnx::GraphProto& g = m_model.graph();
    for (const onnx::NodeProto& n : g.node()) {
        for (const std::string& out : n.output())
            m_producers[out] = &n;
        for (const std::string& in : n.input())
            if (!in.empty())
                m_consumers[in].push_back(&n);
    }
    for (const onnx::TensorProto& t : g.initializer())
        m_constants[t.name()] = tensorValues(t);
    inferShapes();
    foldConstants();
}

std::vector<const onnx::ValueInfoProto*> OnnxGraphView::dataInputs() const
{
    std::vector<const onnx::ValueInfoProto*> inputs;
    for (const onnx::ValueInfoProto& v : graph().input())
        if (!m_constants.count(v.name()))
            inputs.push_back(&v);
    return inputs;
}

const ConstTensor* OnnxGraphView::constant(const std::string& name) const
{
    const auto it = m_constants.find(name);
    return it == m_constants.end() ? nullptr : &it->second;
}

std::optional<std::vector<std::int64_t>> OnnxGraphView::dims(const std::string& name) const
{
    if (const ConstTensor* c = constant(name))
        return c->dims;
    const auto it = m_dims.find(name);
    if (it == m_dims.end())
        return std::nullopt;
    return it->second;
}

int OnnxGraphView::elementType(const std::string& name) const
{
    const auto it = m_types.find(name);
    return it == m_types.end() ? 0 : it->second;
}

const onnx::NodeProto* OnnxGraphView::producer(const std::string& name) const
{
    const auto it = m_producers.find(name);
    return it == m_producers.end() ? nullptr : it->second;
}

std::vector<const onnx::NodeProto*> OnnxGraphView::consumers(const std::string& name) const
{
    const auto it = m_consumers.find(name);
    return it == m_consumers.end() ? std::vector<const onnx::NodeProto*>() : it->second;
}

bool OnnxGraphView::folded(const onnx::NodeProto& node) const
{
    return m_folded.count(&node) > 0;
}

namespace {

/// False for nodes ONNX 1.12's shape inference cannot take: a window op with a stride,
/// dilation or kernel size below 1 divides by zero there (the checker lets them through). The
/// mapper refuses such nodes itself.
bool safeForShapeInference(const onnx::NodeProto& n)
{
    for (const char* name : {"strides", "dilations", "kernel_shape"})
        for (std::int64_t v : intsAttr(n, name))
            if (v < 1)
                return false;
    return true;
}

} // namespace

void OnnxGraphView::inferShapes()
{
    onnx::ModelProto copy = m_model;
    copy.mutable_graph()->clear_node();
    for (const onnx::NodeProto& n : graph().node())
        if (safeForShapeInference(n))
            *copy.mutable_graph()->add_node() = n;
    try {
        onnx::shape_inference::InferShapes(
            copy, onnx::OpSchemaRegistry::Instance(), onnx::ShapeInferenceOptions(false, 0, true));
    } catch (const std::exception&) {
        // Partial results are still useful; mappers refuse where a shape stays unknown.
    }
    const auto record = [this](const onnx::ValueInfoProto& v) {
        if (!v.type().has_tensor_type())
            return;
        const onnx::TypeProto_Tensor& t = v.type().tensor_type();
        m_types[v.name()] = t.elem_type();
        if (!t.has_shape())
            return;
        std::vector<std::int64_t> d;
        for (const onnx::TensorShapeProto_Dimension& dim : t.shape().dim())
            d.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
        m_dims[v.name()] = d;
    };
    for (const onnx::ValueInfoProto& v : copy.graph().input())
        record(v);
    for (const onnx::ValueInfoProto& v : copy.graph().value_info())
        record(v);
    for (const onnx::ValueInfoProto& v : copy.graph().output())
        record(v);
}

void OnnxGraphView::foldConstants()
{
    for (const onnx::NodeProto& n : graph().node()) {
        const std::string& op = n.op_type();
        std::optional<ConstTensor> out;
        if (op == "Constant") {
            for (const onnx::AttributeProto& a : n.attribute()) {
                ConstTensor c;
                if (a.name() == "value")
                    c = tensorValues(a.t());
                else if (a.name() == "value_float")
                    c.values = {a.f()};
                else if (a.name() == "value_int")
                    c.values = {double(a.i())};
                else if (a.name() == "value_floats") {
                    c.values.assign(a.floats().begin(), a.floats().end());
                    c.dims = {std::int64_t(c.values.size())};
                } else if (a.name() == "value_ints") {
                    for (std::int64_t v : a.ints())
                        c.values.push_back(double(v));
                    c.dims = {std::int64_t(c.values.size())};
                } else {
                    continue;
                }
                out = std::move(c);
            }
        } else {
            std::vector<const ConstTensor*> in;
            bool allConstant = n.input_size() > 0;
            for (const std::string& name : n.input()) {
                const ConstTensor* c = name.empty() ? nullptr : constant(name);
                if (!name.empty() && !c)
                    allConstant = false;
                in.push_back(c);
            }
            if (!allConstant || !in[0])
                continue;
            const ConstTensor& x = *in[0];
            if (op == "Identity" || op == "Cast") {
                out = x;
            } else if (op == "Transpose") {
                out = transposed(x, intsAttr(n, "perm"));
            } else if (op == "Sqrt" || op == "Neg") {
                out = x;
                for (double& v : out->values)
                    v = op == "Sqrt" ? std::sqrt(v) : -v;
            } else if ((op == "Add" || op == "Sub" || op == "Mul" || op == "Div") && in.size() == 2
                && in[1]) {
                out = elementwise(x, *in[1], op);
            } else if (op == "Concat"
                && normalizedAxis(intAttr(n, "axis", 0), x.dims.size()) == 0) {
                // Along the first axis the values simply follow each other (a bias [Wb; Rb]).
                out = x;
                for (std::size_t i = 1; i < in.size(); ++i) {
                    if (in[i]->dims.size() != x.dims.size() || x.dims.empty()) {
                        out.reset();
                        break;
                    }
                    out->values.insert(
                        out->values.end(), in[i]->values.begin(), in[i]->values.end());
                    out->dims[0] += in[i]->dims[0];
                }
            } else if (op == "Unsqueeze" || op == "Squeeze" || op == "Reshape" || op == "Flatten") {
                // Same values; the dims come from shape inference.
                const auto d = dims(n.output(0));
                if (d && std::none_of(d->begin(), d->end(), [](auto v) { return v < 0; })) {
                    out = x;
                    out->dims = *d;
                }
            }
        }
        if (out && out->count() != std::int64_t(out->values.size()))
            out.reset(); // inconsistent inferred dims: leave it to the mapper to refuse
        if (out && n.output_size() == 1) {
            m_constants[n.output(0)] = std::move(*out);
            m_folded.insert(&n);
        }
    }
}

namespace {

/// The inputs through which data flows into the model's output; the others (a Reshape's
/// target, a recurrent layer's lengths and initial states) are read by the mapper itself.
std::vector<int> dataInputIndices(const onnx::NodeProto& n)
{
    const std::string& op = n.op_type();
    if (op == "Reshape" || op == "Pad" || op == "RNN" || op == "LSTM" || op == "GRU"
        || op == "Slice" || op == "Squeeze" || op == "Unsqueeze" || op == "Clip" || op == "Dropout")
        return {0};
    std::vector<int> all(std::size_t(n.input_size()));
    std::iota(all.begin(), all.end(), 0);
    return all;
}

} // namespace

std::vector<const onnx::NodeProto*> OnnxGraphView::liveNodes() const
{
    std::set<std::string> needed;
    if (graph().output_size() > 0)
        needed.insert(graph().output(0).name());
    std::vector<const onnx::NodeProto*> live;
    const auto& nodes = graph().node();
    for (int i = nodes.size(); i-- > 0;) {
        const onnx::NodeProto& n = nodes[i];
        if (folded(n))
            continue;
        const bool used = std::any_of(n.output().begin(), n.output().end(),
            [&](const std::string& o) { return needed.count(o) > 0; });
        if (!used)
            continue;
        live.push_back(&n);
        for (int k : dataInputIndices(n))
            if (k < n.input_size() && !n.input(k).empty() && !constant(n.input(k)))
                needed.insert(n.input(k));
    }
    std::reverse(live.begin(), live.end());
    return live;
}

} // namespace engine::onnximport

#endif // NETCANVAS_WITH_ONNX
