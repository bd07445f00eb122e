#pragma once
// The run that produced a project's weights, as the project file stores it under "history"
// (docs/project-format.md): per-epoch losses and accuracies, so that a reopened project shows
// its loss curves. Optional: files without it (older ones, untrained projects) stay valid.

#include "training/TrainingConfig.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace engine {

struct EpochStats;

/// One completed epoch of the run.
struct EpochRecord {
    int epoch = 0; ///< 1-based
    double trainLoss = 0; ///< NaN when the loss was not finite (JSON null)
    std::optional<double> trainAccuracy; ///< classification only
    std::optional<double> validationLoss; ///< with a validation set only
    std::optional<double> validationAccuracy;

    static EpochRecord from(const EpochStats& stats);
};

struct TrainingHistory {
    /// Names the run in the loss plot: "lr 0.03, adam, batch 16, seed 1" (runLabel()).
    std::string label;
    /// The training settings the run started with (TrainingConfig::toJson()); null if unknown.
    nlohmann::json settings;
    std::vector<EpochRecord> epochs; ///< in order, epoch 1 first

    bool empty() const { return epochs.empty(); }
    nlohmann::json toJson() const;
    /// Throws InputError with where() like "epochs[3].trainLoss".
    static TrainingHistory fromJson(const nlohmann::json& j);
    /// An empty history that will record a run with `config`.
    static TrainingHistory startedWith(const TrainingConfig& config);
};

/// "lr 0.03, adam, batch 16, seed 1": the settings that tell runs of one project apart.
std::string runLabel(const TrainingConfig& config);

} // namespace engine
