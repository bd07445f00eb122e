#pragma once

#include "Optimizer.h"
#include "Schedule.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>

namespace engine {

/// Hyper-parameters of a run, stored in the project under "training".
struct TrainingConfig {
    int epochs = 100;
    int batchSize = 32;
    OptimizerConfig optimizer;
    ScheduleConfig schedule;
    double validationSplit = 0.2; ///< fraction of the data held out for validation
    double testSplit = 0.0;       ///< fraction held out for the final test
    int earlyStoppingPatience = 0;///< epochs without validation improvement; 0 = off
    double earlyStoppingMinDelta = 0.0;
    bool restoreBestWeights = true; ///< on early stop, go back to the best epoch's weights
    std::uint64_t seed = 1;         ///< initial weights, shuffling, dropout, data split

    nlohmann::json toJson() const;
    /// Missing keys keep their defaults; throws InputError with where() relative to "training".
    static TrainingConfig fromJson(const nlohmann::json& j);
};

} // namespace engine
