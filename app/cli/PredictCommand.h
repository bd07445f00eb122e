#pragma once

#include "Options.h"

#include <iosfwd>

namespace cli {

/// netcanvas-train predict: loads a trained project, predicts every row of the input CSV
/// (engine::readPredictionCsv: a header row is optional; errors name the row and column) and
/// writes one CSV row per sample (after the loss's output transform, plus the predicted class
/// in a "label" column for classification) to the output file or `out`.
int runPredict(const PredictOptions& options, std::ostream& out);

} // namespace cli
