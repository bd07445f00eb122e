#include "PredictCommand.h"

#include "Model.h"
#include "Support.h"
#include "TrainCommand.h"

#include "core/Errors.h"
#include "core/Parallel.h"
#include "export/Predictor.h"

#include <ostream>
#include <string>

namespace cli {

int runPredict(const PredictOptions& o, std::ostream& out)
{
    if (o.threads)
        engine::setThreadCount(*o.threads);

    LoadedModel model = loadModel(o.model);
    std::string csv;
    try {
        const engine::PredictionInputs samples = engine::readPredictionCsv(o.input, model.inputs());
        csv = engine::predictionsCsv(engine::predict(model, samples.x));
    } catch (const engine::InputError& e) {
        throw CommandError(withFile(o.input, e.what()));
    }

    if (o.output.empty())
        out << csv << std::flush;
    else
        writeFileAtomically(o.output, csv);
    return ExitOk;
}

} // namespace cli
