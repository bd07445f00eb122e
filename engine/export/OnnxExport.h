#pragma once
// ONNX export of trained networks, and reading back the ONNX files NetCanvas wrote.
//
// The model takes "input": float32 [N, F] (one sample per row; F = the input shape's size,
// images flattened in H x W x C order) and gives "output": float32 [N, K], the prediction after
// the loss's output transform (probabilities for the cross-entropies). Our matrices are F x N,
// so a Dense layer y = W x + b becomes Gemm(x, W, b, transB=1) with W stored as [units, in].
// Opset 17, IR version of the linked ONNX (onnx::IR_VERSION). The file passes
// onnx::checker::check_model before it is written.
//
// The input stays the engine's flat vector also for image models: Conv2D, MaxPool2D,
// AveragePool2D and image BatchNorm run on NCHW tensors, reached by Reshape [N, H, W, C] +
// Transpose (and back by Transpose + Reshape [N, -1] where a flat layer follows), so an exported
// model takes exactly the rows `netcanvas-train predict` takes. Conv kernels are stored OIHW
// (engine/export/ExportLayout.h); TensorFlow "same" padding becomes explicit, possibly asymmetric,
// pads. BatchNorm exports its inference form (running mean and variance, epsilon), LayerNorm the
// opset-17 LayerNormalization over the whole sample. Flatten, Reshape and Dropout add no node.
// Exportable layers: Input, Dense, Conv2D, MaxPool2D, AveragePool2D, BatchNorm, LayerNorm,
// Activation, Dropout, Flatten, Reshape, Add, Concatenate (and the Loss's output transform), and
// the sequence layers SimpleRNN, LSTM, GRU, Embedding, TimeDistributed (OnnxExportRecurrent.h).
//
// A model trained on scaled inputs (dataset option "scaling": "standardize" or "minmax") starts
// with that scaling: input -> Sub(shift) -> Mul(scale), the statistics of training as float
// initializers, so the file alone takes the raw rows `netcanvas-train predict` takes.
//
// The project (architecture, training settings and the scaling statistics as its dataset's
// "scalingStats", no weights) and the data shapes (with the class names, where the data has
// them) are stored in metadata_props ("netcanvas.project", "netcanvas.context"), and the weights
// are the graph's initializers, so readNetCanvasOnnx() rebuilds the same engine graph from the file
// alone. That engine graph has no scaling nodes: predict() scales with the stored statistics, once.

#include "graph/Graph.h"
#include "project/Project.h"

#include <filesystem>
#include <string>
#include <vector>

namespace engine {

struct TrainedModel;

/// False when the engine was built without libonnx (NETCANVAS_WITH_ONNX off): every function
/// below then throws InputError saying so.
bool onnxAvailable();

/// Serialized ModelProto of a trained model: its compiled graph with the graph's weights,
/// preceded by model.scaling (none when the identity). model.project supplies the name and the
/// metadata; its weights are not read (the graph's are). Throws InputError whose where() names
/// the node ("nodes 'conv_1'") when a layer has no ONNX equivalent, or "onnx" when the checker
/// rejects the model.
std::string onnxModelBytes(const TrainedModel& model);

/// prepareModel(project, context) (the scaling is the project's stored "scalingStats"), then
/// writes onnxModelBytes() to `file` atomically. Throws InputError.
void exportOnnx(
    const Project& project, const GraphContext& context, const std::filesystem::path& file);

/// What an ONNX file made by NetCanvas holds: the project with its weights (taken from the
/// initializers) and the data shapes it was exported for.
struct OnnxNetCanvasModel {
    Project project;
    GraphContext context;
    long inputFeatures = 0; ///< F of the graph input [N, F]
    std::vector<std::string> classNames; ///< TrainedModel::classNames at export, or empty
};

/// Parses and checks an ONNX file. Throws InputError (where() = the file name) when it is not
/// an ONNX model, fails the checker, or was not exported by NetCanvas.
OnnxNetCanvasModel readNetCanvasOnnx(const std::filesystem::path& file);

} // namespace engine
