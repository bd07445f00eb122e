#pragma once
// What a training run will cost, known before it starts: the memory its tensors take (so that a
// network that cannot fit is refused with a reason instead of failing with "out of memory" after
// minutes) and, from the first mini-batches, how long it will run.

#include "graph/Graph.h"

#include <optional>
#include <string>

namespace engine {

/// Bytes a training run needs, by the node that needs the most.
struct MemoryEstimate {
    double bytes = 0; ///< parameters, gradients, optimizer state, activations and their gradients
    NodeId largestNode = -1;
    double largestBytes = 0;
};

/// Estimates training memory from a graph's check(): per node, its parameters with their
/// gradients and the optimizer's per-parameter state (`optimizerType`: adam/adamw keep two
/// slots, momentum/nesterov/rmsprop one, sgd none), plus its output and output gradient for a
/// mini-batch of `batchSize` samples; an image layer with weights (Conv2D) adds its pre-activation
/// and its unrolled input patches, with their gradients. Pure: nothing is allocated.
MemoryEstimate estimateTrainingMemory(
    const GraphCheck& check, long batchSize, const std::string& optimizerType);

/// Throws InputError("network", ...) when `estimate` exceeds `availableBytes`, naming both, the
/// largest node (`graph.name()`) and what to reduce.
void requireMemoryFits(
    const MemoryEstimate& estimate, const Graph& graph, double availableBytes, long batchSize);

/// "1.2 GB", "640 MB", "12 kB": bytes in decimal units with two or three significant digits.
std::string formatBytes(double bytes);

/// After `batchesDone` mini-batches took `seconds`, a warning when the whole run of
/// `batchesPerEpoch` x `epochs` batches is estimated to exceed `limitSeconds` (an hour by
/// default), e.g. "this run will take about 37 days (9.2 h per epoch, 1000000 epochs)".
std::optional<std::string> longRunWarning(double seconds, long batchesDone, long batchesPerEpoch,
    long epochs, double limitSeconds = 3600);

/// Floating-point operations to train on one sample (forward and backward), from a graph's
/// check(): a node with weights multiplies each of them once per output position (Dense: once,
/// Conv2D: Hout x Wout times), twice as often backward.
double trainingFlopsPerSample(const GraphCheck& check);

/// Before the first batch: a warning when even at an optimistic pace (kOptimisticFlopsPerThread
/// on each of `threads`) the run's arithmetic, `samplesPerEpoch` x `epochs` samples, takes longer
/// than `limitSeconds`: "this run will take at least 2.9 h by its arithmetic alone (...)". The
/// pace of the first batches (longRunWarning()) gives the real estimate later.
std::optional<std::string> arithmeticRunWarning(const GraphCheck& check, long samplesPerEpoch,
    long epochs, int threads, double limitSeconds = 3600);

/// A pace above what this engine reaches on one core (FP32 GEMM with AVX2 FMA).
inline constexpr double kOptimisticFlopsPerThread = 50e9;

} // namespace engine
