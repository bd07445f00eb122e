#pragma once

#include "training/TrainingSnapshot.h"

#include <vector>

namespace engine {
struct Dataset;
}

namespace widgets {

/// The network's probability of class `c` for sample `j` of `probabilities` (outputs x samples,
/// after the loss's output transform); one output is the probability of class 1.
double classProbability(const engine::Matrix& probabilities, long j, int c);

/// The `count` samples among the first `ranked` of `set` with the lowest probability of their
/// true class, worst first (ties by sample order). `predictions` and `probabilities` are the
/// network's for every sample of `set`.
MostWrong rankMostWrong(const engine::Dataset& set, const std::vector<int>& predictions,
    const engine::Matrix& probabilities, long ranked, int count = MostWrong::kCount);

} // namespace widgets
