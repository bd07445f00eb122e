#pragma once
// PyTorch script export of the sequence layers, a hook of PyTorchExport.cpp's emitter: SimpleRNN,
// LSTM and GRU as nn.RNN / nn.LSTM / nn.GRU (batch_first), Embedding as nn.Embedding (weight =
// E^T, ids rounded as the engine does) and TimeDistributed as nn.Linear on [N, T, F]. PyTorch
// stacks the gates in another order than ONNX and the engine (LSTM: i f g o instead of i o f c;
// GRU: r z n instead of z r h), so the blocks are reordered here; bias_hh is zero except GRU's
// candidate bias (the engine's "Rb").

#include "graph/Activations.h"
#include "graph/Graph.h"

#include <functional>
#include <string>
#include <vector>

namespace engine::pytorchrecurrent {

struct Tensor {
    std::string key; ///< state-dict key within the module, e.g. "weight_ih_l0"
    std::vector<long> dims;
    std::vector<float> values; ///< row-major
};

struct Module {
    std::string constructor; ///< e.g. "nn.LSTM(32, 128, batch_first=True)"
    std::vector<Tensor> tensors;
    std::string expression; ///< the flat output ([N, H], [N, T*H], [N, T*units]) of `input`
};

/// Python expression of f(e) for an activation (PyTorchExport.cpp's, passed in).
using ActivationExpr
    = std::function<std::string(ActivationKind kind, double alpha, const std::string& e)>;

/// True for "SimpleRNN", "LSTM", "GRU", "Embedding", "TimeDistributed".
bool handles(const std::string& type);

/// The module of node `id` of the compiled `graph`, called as `self.<name>` on the Python
/// variable `input` holding the flat [N, T*F] input; `activation` writes TimeDistributed's
/// activation (a softmax over dim=-1 of [N, T, units] normalizes each step, as the engine does).
Module module(const Graph& graph, NodeId id, const std::string& name, const std::string& input,
    const ActivationExpr& activation);

} // namespace engine::pytorchrecurrent
