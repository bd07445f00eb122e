#pragma once
// The engine's batch inference as `netcanvas-train predict` runs it (engine::predict() on a
// TrainedModel), on an example project with freshly initialised weights: the work per sample
// does not depend on the weights' values.

#include "export/Predictor.h"

#include <filesystem>
#include <vector>

namespace bench {

/// loadProject(projectFile), compiled for 28x28x1 inputs and 10 classes with weights seeded
/// by `seed`, then prepareModel() as predict does. Throws InputError.
engine::TrainedModel exampleModel(const std::filesystem::path& projectFile, unsigned seed);

/// Forward-pass FLOPs per sample: the sum of engine::nodeCosts()' forwardFlops.
double inferenceFlopsPerSample(const engine::TrainedModel& model);

/// Samples/s of `runs` timed runs of predict() on batches of `batch` uniform random samples,
/// `samples` per run, after `warmup` samples, with engine::setThreadCount(threads).
std::vector<double> timePredict(
    engine::TrainedModel& model, int threads, int batch, long samples, int runs, long warmup);

} // namespace bench
