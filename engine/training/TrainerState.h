#pragma once
// What a Trainer holds beyond the weights, so that a run stopped after some epochs continues
// exactly as if it had not stopped: `netcanvas-train --resume` from a trained file, and the
// timeline's checkpoints. Together with the weights it reproduces the uninterrupted run to
// rounding (same seed, same thread count).

#include "core/Types.h"
#include "graph/Graph.h"

#include <limits>
#include <map>
#include <string>

namespace engine {

struct TrainerState {
    int epochsDone = 0; ///< completed epochs; the next one is epochsDone + 1
    long stepsDone = 0; ///< mini-batches done
    long samplesSeen = 0;
    /// The shuffling generator (Rng::state()) as the current epoch's shuffle began, or as the
    /// next one will begin when the run stopped between epochs.
    std::string shuffleRandom;

    /// How far the current epoch got when the run stopped inside it (all zero between epochs).
    struct EpochProgress {
        long cursor = 0; ///< samples of the epoch's order consumed
        long batch = 0; ///< mini-batches done in the epoch
        double lossSum = 0;
        long samples = 0;
        long correct = 0;
    } epochProgress;

    /// Random generators of layers (Dropout), by node.
    std::map<NodeId, std::string> layerRandom;

    /// The optimizer's step count and per-parameter state, by slot name ("first", "second",
    /// "velocity", "square") then node and parameter name. Applies only to an optimizer of the
    /// same type; another type starts afresh.
    std::string optimizerType;
    long optimizerSteps = 0;
    std::map<std::string, std::map<NodeId, std::map<std::string, Matrix>>> optimizerSlots;

    /// Early stopping's memory.
    double bestLoss = std::numeric_limits<double>::infinity();
    int epochsWithoutImprovement = 0;
    std::map<NodeId, std::map<std::string, Matrix>> bestWeights;
};

} // namespace engine
