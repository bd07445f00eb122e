#include "export/ExportedModel.h"

#include "core/Errors.h"
#include "export/Predictor.h"

namespace engine {

ExportedSizes checkExportable(const TrainedModel& model, const std::string& format)
{
    const Graph& graph = model.graph;
    if (!graph.isCompiled())
        throw InputError(format, "the network must be compiled before export");
    const GraphCheck& check = graph.compiled();
    const ExportedSizes sizes {
        check.shapes.at(check.inputNode).size(), check.shapes.at(check.outputNode).size()};
    if (!model.scaling.isIdentity() && long(model.scaling.shift.size()) != sizes.features)
        throw InputError("dataset.options.scalingStats",
            std::to_string(model.scaling.shift.size()) + " features, the model takes "
                + std::to_string(sizes.features) + " inputs");
    return sizes;
}

} // namespace engine
