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
// [N, features] float32 raw inputs and returns the raw prediction; predict() applies the
// transform. A model trained on scaled inputs keeps the statistics as the registered buffers
// `input_shift` and `input_scale` and starts forward() with x = (x - input_shift) * input_scale,
// so the script takes the raw rows `netcanvas-train predict` takes.

#include "graph/Graph.h"
#include "project/Project.h"

#include <filesystem>
#include <string>

namespace engine {

struct TrainedModel;

/// The Python source for a trained model: its compiled graph with the graph's weights, preceded
/// by model.scaling (none when the identity). model.project gives the name and description.
/// Throws InputError whose where() names the node ("nodes 'conv_1'") when a layer has no
/// PyTorch mapping here.
std::string pytorchScript(const TrainedModel& model);

/// prepareModel(project, context) (the scaling is the project's stored "scalingStats"), then
/// writes pytorchScript() to `file` atomically. Throws InputError.
void exportPyTorch(
    const Project& project, const GraphContext& context, const std::filesystem::path& file);

} // namespace engine
