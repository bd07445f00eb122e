#pragma once

#include "Options.h"

#include "Types.h"

#include <iosfwd>
#include <string>

namespace cli {

/// Samples read from a CSV file: one sample per row, so x is (columns x rows) in the engine's
/// features x batch layout.
struct CsvSamples {
    engine::Matrix x;
    bool hadHeader = false;
};

/// Parses CSV text of numbers (comma-separated; blank lines ignored). A first row that is not
/// all numbers is taken as a header. Every data row must have `expectedColumns` values.
/// Throws CommandError "<fileName>: row R, column C: ..." (rows and columns count from 1, as in
/// a spreadsheet; rows are lines of the file).
CsvSamples parseCsv(const std::string& text, long expectedColumns, const std::string& fileName);

/// netcanvas-train predict: loads a trained project, predicts every row of the input CSV and
/// writes one CSV row per sample (after the loss's output transform, plus the predicted class
/// in a "label" column for classification) to the output file or `out`.
int runPredict(const PredictOptions& options, std::ostream& out);

} // namespace cli
