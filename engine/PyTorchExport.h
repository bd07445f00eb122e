#pragma once
// Export of a trained network as a runnable PyTorch script, for users who move on to PyTorch.
//
// The script defines `class Net(nn.Module)` mirroring the DAG (one attribute per Dense,
// Conv2D, BatchNorm, LayerNorm and Dropout node; forward() in the engine's topological order;
// the same layers as the ONNX export, with the same flat input: image layers convert to NCHW
// with _to_nchw() and back with _to_flat(), "same" padding is an explicit F.pad, average
// pooling over edge windows counts only the pixels inside the image), embeds the weights as
// base64 little-endian float32 loaded with torch.tensor into a state dict, and has a __main__:
//   python3 model.py [--input X.csv]
// prints one CSV row of predictions per input row (after the loss's output transform, like
// `netcanvas-train predict`), or the module when no input is given. forward() takes
// [N, features] float32 and returns the raw prediction; predict() applies the transform.

#include "Graph.h"
#include "Project.h"

#include <filesystem>
#include <string>

namespace engine {

/// The Python source for a compiled graph with trained weights. `project` gives the name and
/// description. Throws InputError whose where() names the node ("nodes 'conv_1'") when a layer
/// has no PyTorch mapping here.
std::string pytorchScript(const Graph& graph, const GraphContext& context, const Project& project);

/// Builds and compiles the project's graph for `context`, loads project.weights (all required)
/// and writes the script to `file` atomically. Throws InputError.
void exportPyTorch(
    const Project& project, const GraphContext& context, const std::filesystem::path& file);

} // namespace engine
