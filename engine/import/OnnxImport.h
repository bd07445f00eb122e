#pragma once
// Import of any ONNX model (opset 6-17; PyTorch's torch.onnx.export, Keras through tf2onnx,
// NetCanvas's own export) as an ordinary trained project: cards named after the ONNX nodes,
// weights loaded, positions laid out left to right.
//
// Operators and what they become:
//   Gemm (alpha, beta, transB), MatMul (+ Add of a constant bias) -> Dense
//   Conv (pads, strides, dilations, group) -> Conv2D; MaxPool / AveragePool (pads, ceil_mode,
//   count_include_pad) -> MaxPool2D / AveragePool2D; GlobalAveragePool / GlobalMaxPool ->
//   GlobalAveragePool2D / GlobalMaxPool2D; BatchNormalization (inference statistics) ->
//   BatchNorm; LayerNormalization over the whole sample -> LayerNorm
//   Relu, Sigmoid, Tanh, LeakyRelu, Elu, Gelu and its Erf form x 0.5 (1 + erf(x / sqrt 2)),
//   Softmax / LogSoftmax over a whole sample, Clip(0, 6) / Clip(0, inf) -> Activation
//   Flatten, Reshape, Transpose between NCHW and NHWC -> Flatten / Reshape (or nothing)
//   Add of two tensors -> Add; Concat on channels or features -> Concatenate
//   Dropout, Identity -> dropped
//   RNN, LSTM, GRU (forward, zero initial state, with torch.onnx.export's batch_first views)
//   -> SimpleRNN, LSTM, GRU; Gather on a constant table -> Embedding
//   (input - shift) * scale at the input -> the dataset's input scaling ("scalingStats")
// Layout: an NCHW input [N, C, H, W] becomes the Input H x W x C (samples are handed over as
// H x W x C rows, and image outputs come out H x W x C); a Dense after a Flatten of an image
// gets its weight columns permuted to the engine's order. [N, T, F] becomes T x F.
// Output: a final Softmax becomes the loss softmax_crossentropy (the Dense before it gives the
// logits), a final Sigmoid of one unit binary_crossentropy, anything else mse; so predict()
// gives what the ONNX model gives.
// Anything else refuses the whole import, naming every node that does not map.

#include "project/Project.h"

#include <filesystem>

namespace engine {

/// Reads `file` and returns the project with its weights (dataset: none; the Input node states
/// the shape). Throws InputError whose what() starts with the file's path: "model.onnx: cannot
/// import 2 nodes: /up/DepthToSpace (DepthToSpace), /head/Softplus (Softplus)", or the reason
/// the file is not a usable ONNX model.
Project importOnnx(const std::filesystem::path& file);

} // namespace engine
