#pragma once

#include "training/Optimizer.h"
#include "training/Schedule.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <span>

namespace engine {

/// Hyper-parameters of a run, stored in the project under "training".
struct TrainingConfig {
    int epochs = 100;
    int batchSize = 32;
    OptimizerConfig optimizer;
    ScheduleConfig schedule;
    double validationSplit = 0.2; ///< fraction of the data held out for validation
    double testSplit = 0.0; ///< fraction held out for the final test
    int earlyStoppingPatience = 0; ///< epochs without validation improvement; 0 = off
    double earlyStoppingMinDelta = 0.0;
    bool restoreBestWeights = true; ///< on early stop, go back to the best epoch's weights
    std::uint64_t seed = 1; ///< initial weights, shuffling, dropout, data split
    /// Before each optimizer step, gradients whose global L2 norm (over every parameter of the
    /// network) exceeds clipNorm are scaled down to exactly that norm (Pascanu et al. 2013);
    /// 0 = off. Keeps exploding gradients of recurrent networks from wrecking the weights.
    double clipNorm = 0.0;

    nlohmann::json toJson() const;
    /// Missing keys keep their defaults; throws InputError with where() relative to "training".
    static TrainingConfig fromJson(const nlohmann::json& j);
};

/// Scales every params[i].grad by maxNorm / norm when the global norm
/// sqrt(sum_i ||grad_i||^2) exceeds maxNorm > 0; returns the norm before clipping. maxNorm <= 0
/// only measures.
double clipGradientsByGlobalNorm(std::span<const Param> params, double maxNorm);

} // namespace engine
