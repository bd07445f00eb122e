#include "export/PyTorchExportRecurrent.h"

#include "layers/Dense.h"
#include "layers/Embedding.h"
#include "layers/RecurrentCommon.h"
#include "layers/TimeDistributed.h"

#include <nlohmann/json.hpp>

namespace engine::pytorchrecurrent {

namespace {

/// Rows of `m` regrouped as the gate blocks `order` (indices of ONNX blocks of `units` rows):
/// [rows] for a bias, else [rows, cols] (also for one column: a weight over one feature).
Tensor reordered(const std::string& key, const Matrix& m, const std::vector<int>& order, long units,
    bool bias = false)
{
    Tensor t {key, {}, {}};
    t.dims.push_back(long(order.size()) * units);
    if (!bias)
        t.dims.push_back(m.cols());
    for (int block : order)
        for (long r = block * units; r < (block + 1) * units; ++r)
            for (Eigen::Index c = 0; c < m.cols(); ++c)
                t.values.push_back(float(m(r, c)));
    return t;
}

Tensor transposed(const std::string& key, const Matrix& m)
{
    Tensor t {key, {long(m.cols()), long(m.rows())}, {}};
    for (Eigen::Index c = 0; c < m.cols(); ++c)
        for (Eigen::Index r = 0; r < m.rows(); ++r)
            t.values.push_back(float(m(r, c)));
    return t;
}

Module embedding(const Graph& graph, NodeId id, const std::string& name, const std::string& input)
{
    const auto& layer = static_cast<const Embedding&>(graph.layer(id));
    Module m;
    m.constructor = "nn.Embedding(" + std::to_string(layer.vocabSize()) + ", "
        + std::to_string(layer.units()) + ")";
    m.tensors.push_back(transposed("weight", graph.weights().at(id).at("E")));
    m.expression
        = "self." + name + "(" + input + ".round().long()).reshape(" + input + ".shape[0], -1)";
    return m;
}

Module timeDistributed(const Graph& graph, NodeId id, const std::string& name,
    const std::string& input, const ActivationExpr& activation)
{
    const auto& dense = static_cast<const TimeDistributed&>(graph.layer(id)).dense();
    const auto weights = graph.weights().at(id); // weights() returns a copy
    const Shape& in = graph.compiled().shapes.at(graph.inputsOf(id).at(0));
    const bool bias = weights.count("b") > 0;
    Module m;
    m.constructor = "nn.Linear(" + std::to_string(in.stepFeatures()) + ", "
        + std::to_string(dense.units()) + ", bias=" + (bias ? "True" : "False") + ")";
    m.tensors.push_back(reordered("weight", weights.at("W"), {0}, dense.units()));
    if (bias)
        m.tensors.push_back(reordered("bias", weights.at("b"), {0}, dense.units(), true));
    const std::string steps = "self." + name + "(" + input + ".reshape(" + input + ".shape[0], "
        + std::to_string(in.steps()) + ", " + std::to_string(in.stepFeatures()) + "))";
    m.expression = activation(dense.activation(), dense.attributes().value("alpha", 0.01), steps)
        + ".reshape(" + input + ".shape[0], -1)";
    return m;
}

} // namespace

bool handles(const std::string& type)
{
    return type == "SimpleRNN" || type == "LSTM" || type == "GRU" || type == "Embedding"
        || type == "TimeDistributed";
}

Module module(const Graph& graph, NodeId id, const std::string& name, const std::string& input,
    const ActivationExpr& activation)
{
    const std::string kind = graph.layer(id).type();
    if (kind == "Embedding")
        return embedding(graph, id, name, input);
    if (kind == "TimeDistributed")
        return timeDistributed(graph, id, name, input, activation);

    const auto& layer = static_cast<const RecurrentLayer&>(graph.layer(id));
    const std::string type = layer.type();
    const auto weights = graph.weights().at(id);
    const Shape& in = graph.compiled().shapes.at(graph.inputsOf(id).at(0));
    const long h = layer.units();

    // PyTorch's block order, as indices of the engine's (ONNX) blocks.
    std::vector<int> order {0};
    std::string cls = "nn.RNN";
    if (type == "LSTM") {
        order = {0, 2, 3, 1}; // i f g o  <-  i o f c
        cls = "nn.LSTM";
    } else if (type == "GRU") {
        order = {1, 0, 2}; // r z n  <-  z r h
        cls = "nn.GRU";
    }
    Module m;
    m.constructor = cls + "(" + std::to_string(in.stepFeatures()) + ", " + std::to_string(h)
        + ", batch_first=True)";
    m.tensors.push_back(reordered("weight_ih_l0", weights.at("W"), order, h));
    m.tensors.push_back(reordered("weight_hh_l0", weights.at("R"), order, h));
    m.tensors.push_back(reordered("bias_ih_l0", weights.at("b"), order, h, true));
    Matrix hhBias = Matrix::Zero(long(order.size()) * h, 1);
    if (type == "GRU")
        hhBias.bottomRows(h) = weights.at("Rb");
    m.tensors.push_back(reordered("bias_hh_l0", hhBias, order, h, true));

    const std::string call = "self." + name + "(" + input + ".reshape(-1, "
        + std::to_string(in.steps()) + ", " + std::to_string(in.stepFeatures()) + "))[0]";
    m.expression = layer.returnSequences() ? call + ".reshape(" + input + ".shape[0], -1)"
                                           : call + "[:, -1, :]";
    return m;
}

} // namespace engine::pytorchrecurrent
