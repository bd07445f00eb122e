#pragma once
// Loading a trained model for predict and export: a trained project (.json) or an ONNX file that
// NetCanvas exported (.onnx, rebuilt from the project and weights it carries). The work is
// engine::loadTrainedModel (engine/export/Predictor.h), shared with the GUI's Predict dialog.

#include "export/Predictor.h"

#include <string>

namespace cli {

/// A compiled network with its trained weights and input scaling, ready for Mode::Inference.
using LoadedModel = engine::TrainedModel;

/// engine::loadTrainedModel, with its errors as one-line CommandErrors naming the file and the
/// place. A project's shapes come from its dataset when that loads (paths relative to the
/// project file), else from its Input node's declared shape; the input scaling from the
/// project's stored "scalingStats", else from the dataset.
LoadedModel loadModel(const std::string& file);

} // namespace cli
