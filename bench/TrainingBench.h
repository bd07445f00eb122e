#pragma once
// The engine's training throughput on the bench's models (CLI.md "Benchmark"), on synthetic data
// of the real shapes: the work per sample does not depend on the values.

#include "graph/Graph.h"
#include "training/Trainer.h"

#include <memory>
#include <vector>

namespace bench {

/// MLP 784-256-128-10, CNN conv3x3x32-pool2-conv3x3x64-pool2-dense128-dense10 (both ReLU, on
/// 28x28x1), LSTM 128 over 50 steps of 32 features -> dense10; softmax cross-entropy, SGD
/// momentum 0.9.
enum class TrainingModel { Mlp, Cnn, Lstm };

/// One model at one batch size, trained on `samples` synthetic samples. The trainer is kept
/// between time() calls, so rounds alternating with a baseline continue one run.
class TrainingCase {
public:
    TrainingCase(TrainingModel model, int batch, long samples);
    ~TrainingCase();

    /// Training FLOPs per sample, engine::trainingFlopsPerSample() of the compiled graph.
    double flopsPerSample() const;
    /// Samples/s of `runs` timed runs of `samples` samples each after `warmup` samples, with
    /// engine::setThreadCount(threads).
    std::vector<double> time(int threads, long samples, int runs, long warmup);

private:
    int m_batch;
    engine::Graph m_graph;
    std::unique_ptr<engine::Trainer> m_trainer;
};

} // namespace bench
