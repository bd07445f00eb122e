#include "export/OnnxExportRecurrent.h"

#ifdef NETCANVAS_WITH_ONNX

#include "layers/Dense.h"
#include "layers/Embedding.h"
#include "layers/RecurrentCommon.h"
#include "layers/TimeDistributed.h"

#include <onnx/checker.h> // defines ONNX_API, which onnx-ml.pb.h expects
#include <onnx/onnx-ml.pb.h>

#include "export/OnnxAttributes.h"

#include <cstdint>
#include <vector>

namespace engine::onnxrecurrent {

namespace {

class Writer {
public:
    explicit Writer(Sink& sink)
        : m_sink(sink)
    { }

    onnx::NodeProto* node(const std::string& op, const std::vector<std::string>& inputs,
        const std::string& stem, int outputs = 1)
    {
        onnx::NodeProto* n = m_sink.graph.add_node();
        n->set_op_type(op);
        for (const std::string& in : inputs)
            n->add_input(in);
        for (int i = 0; i < outputs; ++i)
            n->add_output(m_sink.fresh(outputs == 1 ? stem : stem + "." + std::to_string(i)));
        n->set_name(n->output(0) + "/" + op);
        return n;
    }

    std::string int64s(const std::string& stem, const std::vector<std::int64_t>& values)
    {
        onnx::TensorProto* t = m_sink.graph.add_initializer();
        t->set_name(m_sink.fresh(stem));
        t->set_data_type(onnx::TensorProto::INT64);
        t->add_dims(std::int64_t(values.size()));
        for (std::int64_t v : values)
            t->add_int64_data(v);
        return t->name();
    }

    /// Row-major float initializer of `m`: [rows] for a bias, else [rows, cols] (also when
    /// cols is 1: a W over one feature stays 2-D). With `node` >= 0 it is recorded as
    /// parameter `param` of that node.
    std::string matrix(const std::string& stem, const Matrix& m, bool bias, NodeId node = -1,
        const std::string& param = {})
    {
        onnx::TensorProto* t = m_sink.graph.add_initializer();
        t->set_name(m_sink.fresh(stem));
        t->set_data_type(onnx::TensorProto::FLOAT);
        t->add_dims(m.rows());
        if (!bias)
            t->add_dims(m.cols());
        for (Eigen::Index r = 0; r < m.rows(); ++r)
            for (Eigen::Index c = 0; c < m.cols(); ++c)
                t->add_float_data(static_cast<float>(m(r, c)));
        if (node >= 0)
            m_sink.weightNames[t->name()] = {{"node", node}, {"param", param}};
        return t->name();
    }

    /// [d0, ...] -> [1, d0, ...] (the num_directions axis).
    std::string withDirections(const std::string& tensor, const std::string& stem)
    {
        if (m_axis0.empty())
            m_axis0 = int64s(stem + ".axis0", {0});
        return node("Unsqueeze", {tensor, m_axis0}, stem)->output(0);
    }

private:
    Sink& m_sink;
    std::string m_axis0;
};

/// [N, T*F] -> [N*T, F] Gemm -> activation -> [N, T*units].
std::string timeDistributed(
    Sink& sink, const Graph& graph, NodeId id, const std::string& input, const std::string& stem)
{
    const auto& dense = static_cast<const TimeDistributed&>(graph.layer(id)).dense();
    const auto weights = graph.weights().at(id); // weights() returns a copy
    const Shape& in = graph.compiled().shapes.at(graph.inputsOf(id).at(0));
    Writer w(sink);
    const std::string stepShape = w.int64s(stem + ".step_shape", {-1, in.stepFeatures()});
    const std::string steps = w.node("Reshape", {input, stepShape}, stem + ".steps")->output(0);
    std::vector<std::string> gemmInputs {
        steps, w.matrix(stem + ".W", weights.at("W"), false, id, "W")};
    if (weights.count("b"))
        gemmInputs.push_back(w.matrix(stem + ".b", weights.at("b"), true, id, "b"));
    onnx::NodeProto* gemm = w.node("Gemm", gemmInputs, stem + ".linear");
    onnxattr::setInt(gemm, "transB", 1);
    const std::string activated = sink.activation(dense.activation(),
        dense.attributes().value("alpha", 0.01), gemm->output(0), stem + ".activated");
    const std::string flatShape
        = w.int64s(stem + ".flat_shape", {-1, long(in.steps()) * dense.units()});
    return w.node("Reshape", {activated, flatShape}, stem)->output(0);
}

/// [N, T] float ids -> Round -> int64 -> Gather(E^T) [N, T, units] -> [N, T*units].
std::string embedding(
    Sink& sink, const Graph& graph, NodeId id, const std::string& input, const std::string& stem)
{
    const auto& layer = static_cast<const Embedding&>(graph.layer(id));
    const Shape& in = graph.compiled().shapes.at(graph.inputsOf(id).at(0));
    Writer w(sink);
    const std::string rounded = w.node("Round", {input}, stem + ".rounded")->output(0);
    onnx::NodeProto* ids = w.node("Cast", {rounded}, stem + ".ids");
    onnxattr::setInt(ids, "to", onnx::TensorProto::INT64);
    const std::string e = w.matrix(stem + ".E", graph.weights().at(id).at("E"), false, id, "E");
    onnx::NodeProto* table = w.node("Transpose", {e}, stem + ".table");
    onnxattr::setInts(table, "perm", {1, 0});
    onnx::NodeProto* gather = w.node("Gather", {table->output(0), ids->output(0)}, stem + ".rows");
    onnxattr::setInt(gather, "axis", 0);
    const std::string flatShape
        = w.int64s(stem + ".flat_shape", {-1, long(in.steps()) * layer.units()});
    return w.node("Reshape", {gather->output(0), flatShape}, stem)->output(0);
}

std::string recurrent(
    Sink& sink, const Graph& graph, NodeId id, const std::string& input, const std::string& stem)
{
    const auto& layer = static_cast<const RecurrentLayer&>(graph.layer(id));
    const std::string type = layer.type();
    const auto weights = graph.weights().at(id); // weights() returns a copy
    const Shape& in = graph.compiled().shapes.at(graph.inputsOf(id).at(0));
    const long steps = in.steps();
    const long features = in.stepFeatures();
    const long h = layer.units();
    const long gh = long(layer.gateCount()) * h;
    Writer w(sink);

    // [N, T*F] -> [N, T, F] -> [T, N, F]
    const std::string shape = w.int64s(stem + ".seq_shape", {0, steps, features});
    const std::string batchMajor = w.node("Reshape", {input, shape}, stem + ".seq")->output(0);
    onnx::NodeProto* toTime = w.node("Transpose", {batchMajor}, stem + ".time_major");
    onnxattr::setInts(toTime, "perm", {1, 0, 2});

    const std::string wName = w.matrix(stem + ".W", weights.at("W"), false, id, "W");
    const std::string rName = w.matrix(stem + ".R", weights.at("R"), false, id, "R");
    const std::string bName = w.matrix(stem + ".b", weights.at("b"), true, id, "b");
    // B = [Wb; Rb]: the engine's single bias is Wb; Rb is zero except GRU's candidate bias.
    std::vector<std::string> parts {bName};
    if (type == "GRU") {
        parts.push_back(w.matrix(stem + ".Rb_zr", Matrix::Zero(2 * h, 1), true));
        parts.push_back(w.matrix(stem + ".Rb", weights.at("Rb"), true, id, "Rb"));
    } else {
        parts.push_back(w.matrix(stem + ".Rb", Matrix::Zero(gh, 1), true));
    }
    onnx::NodeProto* cat = w.node("Concat", parts, stem + ".B_flat");
    onnxattr::setInt(cat, "axis", 0);

    const std::string op = type == "SimpleRNN" ? "RNN" : type;
    onnx::NodeProto* rnn = w.node(op,
        {toTime->output(0), w.withDirections(wName, stem + ".W3"),
            w.withDirections(rName, stem + ".R3"), w.withDirections(cat->output(0), stem + ".B")},
        stem + ".rnn", 2);
    onnxattr::setInt(rnn, "hidden_size", h);
    if (type == "GRU")
        onnxattr::setInt(rnn, "linear_before_reset", 1); // PyTorch's GRU, and the engine's

    if (!layer.returnSequences()) {
        // Y_h [1, N, H] -> [N, H]
        const std::string flatShape = w.int64s(stem + ".last_shape", {-1, h});
        return w.node("Reshape", {rnn->output(1), flatShape}, stem)->output(0);
    }
    // Y [T, 1, N, H] -> [N, T, 1, H] -> [N, T*H]
    onnx::NodeProto* back = w.node("Transpose", {rnn->output(0)}, stem + ".batch_major");
    onnxattr::setInts(back, "perm", {2, 0, 1, 3});
    const std::string flatShape = w.int64s(stem + ".flat_shape", {0, -1});
    return w.node("Reshape", {back->output(0), flatShape}, stem)->output(0);
}

} // namespace

bool handles(const std::string& type)
{
    return type == "SimpleRNN" || type == "LSTM" || type == "GRU" || type == "Embedding"
        || type == "TimeDistributed";
}

std::string emit(
    Sink& sink, const Graph& graph, NodeId id, const std::string& input, const std::string& stem)
{
    const std::string type = graph.layer(id).type();
    if (type == "Embedding")
        return embedding(sink, graph, id, input, stem);
    if (type == "TimeDistributed")
        return timeDistributed(sink, graph, id, input, stem);
    return recurrent(sink, graph, id, input, stem);
}

} // namespace engine::onnxrecurrent

#else // NETCANVAS_WITH_ONNX

namespace engine::onnxrecurrent {

bool handles(const std::string&)
{
    return false;
}

std::string emit(Sink&, const Graph&, NodeId, const std::string&, const std::string&)
{
    return {};
}

} // namespace engine::onnxrecurrent

#endif // NETCANVAS_WITH_ONNX
