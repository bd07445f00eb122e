#pragma once
// ONNX export of the sequence layers, as a hook of OnnxExport.cpp's emitter: SimpleRNN, LSTM and
// GRU with ONNX's own RNN, LSTM and GRU operators, Embedding as Gather and TimeDistributed as one
// Gemm over all steps. The engine already stores W, R and b in ONNX's gate order
// (RecurrentCommon.h), so the weights are copied as they are: W and R as [G*H, F] and [G*H, H]
// initializers (recorded for readNetCanvasOnnx, like every other weight), unsqueezed to ONNX's
// [1, G*H, .] inside the graph; B = [b, Rb] with Rb zero except GRU's candidate bias.
// The flat input [N, T*F] is reshaped to [N, T, F] and transposed to ONNX's [T, N, F]; the
// output is Y_h as [N, H], or Y ([T, 1, N, H]) transposed back to the flat [N, T*H].
// GRU uses linear_before_reset = 1 (the engine's and PyTorch's candidate r * (R_h h + Rb_h)).
// Embedding rounds the float ids (Round + Cast, as the engine's lround within 1e-3) and gathers
// rows of E^T (E is stored as the engine's units x vocab initializer, transposed in the graph);
// TimeDistributed views [N, T*F] as [N*T, F] (time-major samples), so its Dense is one
// Gemm(transB = 1) + activation (a Softmax normalizes each step) and a Reshape back.

#include "graph/Activations.h"
#include "graph/Graph.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace onnx {
class GraphProto;
}

namespace engine::onnxrecurrent {

/// What the hook needs of the exporter: the graph being written, its unique-name source, and
/// the table of initializer name -> {"node", "param"} that readNetCanvasOnnx() maps back.
struct Sink {
    onnx::GraphProto& graph;
    std::function<std::string(const std::string&)> fresh; ///< unique tensor name from a stem
    nlohmann::json& weightNames;
    /// f(in) as ONNX nodes on a [rows, features] tensor; returns the output (named from stem).
    std::function<std::string(
        ActivationKind kind, double alpha, const std::string& in, const std::string& stem)>
        activation;
};

/// True for the layer types emit() handles: "SimpleRNN", "LSTM", "GRU", "Embedding",
/// "TimeDistributed".
bool handles(const std::string& type);

/// Emits node `id` of the compiled `graph` reading the flat [N, T*F] tensor `input`; returns
/// the name of its flat output ([N, H] or [N, T*H] for the recurrent layers, [N, T*units] for
/// Embedding and TimeDistributed). `stem` names the node's tensors.
std::string emit(
    Sink& sink, const Graph& graph, NodeId id, const std::string& input, const std::string& stem);

} // namespace engine::onnxrecurrent
