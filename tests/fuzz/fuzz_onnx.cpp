// ONNX models for predict (engine/Predictor.*): the bytes are a .onnx file loaded as
// `netcanvas-train predict` and the window's Predict dialog load a model (readNetCanvasOnnx, then
// the graph compiled with the file's weights); a model that loads predicts two samples of zeros.

#include "FuzzSupport.h"
#include "export/Predictor.h"

#include <optional>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto file = fuzz::writeInputFile("model.onnx", data, size);
    std::optional<engine::TrainedModel> model;
    if (!fuzz::expectOnlyInputErrors(
            "loadTrainedModel", [&] { model.emplace(engine::loadTrainedModel(file)); }))
        return 0;
    // Bounded so that a model with an absurd input size is not a fuzzing slowdown.
    if (model->inputs() <= 0 || model->inputs() > 100000)
        return 0;
    fuzz::expectOnlyInputErrors("predict", [&] {
        const engine::Matrix x = engine::Matrix::Zero(model->inputs(), 2);
        engine::predictionsCsv(engine::predict(*model, x));
    });
    return 0;
}
