#pragma once
// What the ONNX and PyTorch exporters check and walk alike before each writes its own format.

#include "graph/Graph.h"

#include <string>

namespace engine {

struct TrainedModel;

/// The flat sizes of a model's input and output: an exported model takes [N, features] and
/// gives [N, outputs].
struct ExportedSizes {
    long features = 0;
    long outputs = 0;
};

/// Checks that `model` can be exported and returns its sizes. Throws InputError(format, ...)
/// ("onnx", "pytorch") when the graph is not compiled, and
/// InputError("dataset.options.scalingStats", ...) when the stored input scaling does not have
/// one entry per input feature.
ExportedSizes checkExportable(const TrainedModel& model, const std::string& format);

/// The nodes an exported model computes, in execution order: `input(id)` for the Input node,
/// `layer(id)` for every other node but the Loss.
template <typename OnInput, typename OnLayer>
void forEachExportedNode(const Graph& graph, OnInput&& input, OnLayer&& layer)
{
    for (NodeId id : graph.executionOrder()) {
        const std::string type = graph.layer(id).type();
        if (type == "Input")
            input(id);
        else if (type != "Loss")
            layer(id);
    }
}

} // namespace engine
