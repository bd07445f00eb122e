#pragma once
// Loading a trained model for predict and export: a trained project (.json) or an ONNX file that
// NetCanvas exported (.onnx, rebuilt from the project and weights it carries).

#include "Graph.h"
#include "Loss.h"
#include "Project.h"

#include <memory>
#include <string>

namespace cli {

/// A compiled network with its trained weights, ready for Mode::Inference forward passes.
struct LoadedModel {
    engine::Project project;
    engine::Graph graph;
    engine::GraphContext context; ///< data shapes the graph is compiled for
    bool classification = false;
    std::unique_ptr<engine::Loss> loss; ///< never null
    /// The input scaling of training, to apply to new inputs (identity when there was none).
    engine::FeatureScaling scaling;
};

/// Throws CommandError naming the file and the place for anything unreadable, untrained or
/// inconsistent. A project's shapes come from its dataset when that loads (paths relative to
/// the project file), else from its Input node's declared shape. The input scaling comes from
/// the project's stored "scalingStats", else from the dataset when it loads; a model trained on
/// scaled inputs without either is refused.
LoadedModel loadModel(const std::string& file);

} // namespace cli
