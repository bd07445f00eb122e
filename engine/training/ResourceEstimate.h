#pragma once
// What a training run will cost, known before it starts: the memory its tensors take (so that a
// network that cannot fit is refused with a reason instead of failing with "out of memory" after
// minutes) and, from the first mini-batches, how long it will run.

#include "graph/Graph.h"

#include <map>
#include <optional>
#include <string>

namespace engine {

/// Bytes a training run needs, by the node that needs the most.
struct MemoryEstimate {
    double bytes = 0; ///< parameters, gradients, optimizer state, activations and their gradients
    NodeId largestNode = -1;
    double largestBytes = 0;
};

/// What one node costs, from a graph's check() (nothing is allocated). The network's totals
/// (estimateTrainingMemory(), trainingFlopsPerSample()) are sums of these.
struct NodeCost {
    long params = 0;
    /// Floating-point operations of one sample's forward pass: a node with weights does its
    /// Layer::WeightWork (Dense: each weight and bias once, Conv2D: Hout x Wout times, a
    /// recurrent layer: once per time step, R from the second step), a multiply-add being 2; any
    /// other computing node does one operation per output value (activation, pooling, dropout,
    /// normalization, flatten's copy). Input and Loss: none.
    double forwardFlops = 0;
    /// Forward and backward: a node with weights adds its parameter gradients' work, and its
    /// input gradient's only when its input needs one (not for the first layer with weights);
    /// any other node one operation per output value where its input needs a gradient.
    double trainingFlops = 0;
    /// Bytes a training run keeps per sample: the output and its gradient, and for an image
    /// layer with weights (Conv2D) its pre-activation with its gradient. Times the batch size
    /// for a mini-batch.
    double activationBytesPerSample = 0;
    /// Bytes of the parameters, their gradients and the optimizer's per-parameter state.
    double parameterBytes = 0;
};

/// NodeCost of one node (all zero when its shape is unknown). See nodeCosts().
NodeCost nodeCost(const GraphCheck& check, NodeId id, const std::string& optimizerType);

/// NodeCost of every node with an inferred shape. `optimizerType`: adam/adamw keep two slots
/// per parameter, momentum/nesterov/rmsprop one, sgd none.
std::map<NodeId, NodeCost> nodeCosts(const GraphCheck& check, const std::string& optimizerType);

/// Estimates training memory from a graph's check(): per node, its parameters with their
/// gradients and the optimizer's per-parameter state (`optimizerType`: adam/adamw keep two
/// slots, momentum/nesterov/rmsprop one, sgd none), plus its output and output gradient for a
/// mini-batch of `batchSize` samples; an image layer with weights (Conv2D) adds its pre-activation
/// and its gradient (its unrolled patches live per cache-sized block of samples, not per sample).
/// Pure: nothing is allocated.
MemoryEstimate estimateTrainingMemory(
    const GraphCheck& check, long batchSize, const std::string& optimizerType);

/// Throws InputError("network", ...) when `estimate` exceeds `availableBytes`, naming both, the
/// largest node (`graph.name()`) and what to reduce.
void requireMemoryFits(
    const MemoryEstimate& estimate, const Graph& graph, double availableBytes, long batchSize);

/// "1.2 GB", "640 MB", "12 kB": bytes in decimal units with two or three significant digits.
std::string formatBytes(double bytes);

/// "2.4 MFLOP", "950 kFLOP", "1.2 GFLOP": operations in decimal units, as formatBytes().
std::string formatFlops(double flops);

/// After `batchesDone` mini-batches took `seconds`, a warning when the whole run of
/// `batchesPerEpoch` x `epochs` batches is estimated to exceed `limitSeconds` (an hour by
/// default), e.g. "this run will take about 37 days (9.2 h per epoch, 1000000 epochs)".
std::optional<std::string> longRunWarning(double seconds, long batchesDone, long batchesPerEpoch,
    long epochs, double limitSeconds = 3600);

/// Floating-point operations to train on one sample (forward and backward), from a graph's
/// check(): the sum of every node's NodeCost::trainingFlops.
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
