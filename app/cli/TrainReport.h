#pragma once
// What a training run reports (CLI.md): the per-epoch progress line, the "final:" line and the
// --summary JSON, shared by a single run (TrainCommand) and the runs of a sweep (SweepCommand);
// and the data loading whose errors name the project file.

#include "core/PathPolicy.h"

#include <nlohmann/json.hpp>

#include <string>

namespace engine {
struct DatasetSplits;
struct EpochStats;
struct Metrics;
struct Project;
struct TrainResult;
} // namespace engine

namespace cli {

/// A number, or null where JSON has none (NaN, infinity: a diverged loss).
nlohmann::ordered_json jsonNumber(double v);
/// {"loss":..,"accuracy":..} (accuracy for classification only).
nlohmann::ordered_json metricsJson(const engine::Metrics& m);

/// "epoch 3/20 train_loss=... val_loss=... samples/s=... elapsed=...s".
std::string progressLine(const engine::EpochStats& e, int totalEpochs);
/// "final: epochs=E train_loss=... stopped=completed"; `tags` ("learningRate=0.1 run=2") go
/// right after "final:".
std::string finalLine(const engine::TrainResult& r, const std::string& tags = {});
/// The --summary facts of one run, in CLI.md's key order.
nlohmann::ordered_json summaryObject(const engine::TrainResult& r);
/// summaryObject() as the text of the --summary file.
std::string summaryJson(const engine::TrainResult& r);

/// Loads and splits the data (a source's own test split, e.g. Fashion-MNIST's, is kept) and
/// reports failures against the project file (dataset settings) or the data file itself (which
/// the dataset loader names at the start of where()). Throws CommandError.
engine::DatasetSplits loadData(const engine::Project& project, const std::string& projectFile,
    const engine::PathPolicy& policy);

} // namespace cli
