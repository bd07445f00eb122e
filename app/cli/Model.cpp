#include "Model.h"

#include "Support.h"

#include "core/Errors.h"

namespace cli {

LoadedModel loadModel(const std::string& file)
{
    try {
        return engine::loadTrainedModel(file);
    } catch (const engine::InputError& e) {
        if (e.message().rfind("the project has no trained weights", 0) == 0)
            throw CommandError(file
                + ": weights: the project has no trained weights (train it "
                  "with netcanvas-train PROJECT.json --out MODEL.json)");
        throw CommandError(withFile(file, e.what()));
    }
}

} // namespace cli
