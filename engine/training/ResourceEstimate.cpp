#include "training/ResourceEstimate.h"

#include "core/Errors.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace engine {

namespace {

std::string twoDigits(double v, const char* unit)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, v < 10 ? "%.1f %s" : "%.0f %s", v, unit);
    return buf;
}

std::string formatDuration(double seconds)
{
    // An epoch of a long run can be short ("30 ms per epoch, 1000000 epochs"), never "0.0 s".
    if (seconds < 1e-3)
        return twoDigits(seconds * 1e6, "\u00b5s");
    if (seconds < 1)
        return twoDigits(seconds * 1e3, "ms");
    if (seconds < 120)
        return twoDigits(seconds, "s");
    if (seconds < 2 * 3600)
        return twoDigits(seconds / 60, "min");
    if (seconds < 2 * 86400)
        return twoDigits(seconds / 3600, "h");
    return twoDigits(seconds / 86400, "days");
}

int optimizerSlots(const std::string& type)
{
    if (type == "adam" || type == "adamw")
        return 2;
    if (type == "sgd")
        return 0;
    return 1; // momentum, nesterov, rmsprop
}

} // namespace

NodeCost nodeCost(const GraphCheck& check, NodeId id, const std::string& optimizerType)
{
    NodeCost cost;
    const auto shapeFound = check.shapes.find(id);
    if (shapeFound == check.shapes.end())
        return cost;
    const Shape& shape = shapeFound->second;
    constexpr double scalarBytes = sizeof(Scalar);
    const auto found = check.paramCounts.find(id);
    cost.params = found != check.paramCounts.end() ? std::max(found->second, 0L) : 0;
    const double params = double(cost.params);
    const double outputs = double(shape.size());
    double activations = outputs;
    const auto in = check.inputs.find(id);
    const bool inputNeedsGradient = in != check.inputs.end()
        && std::any_of(in->second.begin(), in->second.end(),
            [&](NodeId i) { return check.gradientNodes.count(i) > 0; });
    if (params > 0 && !shape.empty()) {
        const bool image = shape.rank() == 3;
        const double channels = image ? shape.dims().back() : outputs;
        const double positions = image ? outputs / channels : 1.0;
        const auto stated = check.weightWork.find(id);
        // Without a stated WeightWork: every parameter once per output position and pass.
        const double uses = params * positions;
        const Layer::WeightWork work = stated != check.weightWork.end()
            ? stated->second
            : Layer::WeightWork {uses, uses, uses};
        cost.forwardFlops = 2 * work.forward;
        cost.trainingFlops = cost.forwardFlops + 2 * work.parameterGradients
            + (inputNeedsGradient ? 2 * work.inputGradient : 0);
        if (image) {
            // An image layer with weights (Conv2D) also keeps its pre-activation. Its unrolled
            // input patches (im2col) live only per cache-sized block of samples and thread
            // (layers/Conv2D), so they do not grow with the batch.
            activations += outputs;
        }
    } else if (id != check.inputNode && id != check.lossNode) {
        cost.forwardFlops = outputs;
        cost.trainingFlops = cost.forwardFlops + (inputNeedsGradient ? outputs : 0);
    }
    // Value + gradient per activation; value + gradient + optimizer state per parameter.
    cost.activationBytesPerSample = activations * 2 * scalarBytes;
    cost.parameterBytes = params * scalarBytes * (2 + optimizerSlots(optimizerType));
    return cost;
}

std::map<NodeId, NodeCost> nodeCosts(const GraphCheck& check, const std::string& optimizerType)
{
    std::map<NodeId, NodeCost> costs;
    for (const auto& entry : check.shapes)
        costs.emplace(entry.first, nodeCost(check, entry.first, optimizerType));
    return costs;
}

MemoryEstimate estimateTrainingMemory(
    const GraphCheck& check, long batchSize, const std::string& optimizerType)
{
    MemoryEstimate e;
    for (const auto& [id, cost] : nodeCosts(check, optimizerType)) {
        const double bytes
            = cost.parameterBytes + cost.activationBytesPerSample * double(batchSize);
        e.bytes += bytes;
        if (bytes > e.largestBytes) {
            e.largestBytes = bytes;
            e.largestNode = id;
        }
    }
    return e;
}

void requireMemoryFits(
    const MemoryEstimate& estimate, const Graph& graph, double availableBytes, long batchSize)
{
    if (estimate.bytes <= availableBytes)
        return;
    std::string largest;
    if (estimate.largestNode >= 0 && graph.hasNode(estimate.largestNode))
        largest = "; node '" + graph.name(estimate.largestNode) + "' alone takes "
            + formatBytes(estimate.largestBytes);
    throw InputError("network",
        "training needs about " + formatBytes(estimate.bytes)
            + " of memory (weights, gradients, optimizer state and activations of a batch of "
            + std::to_string(batchSize) + ") but only " + formatBytes(availableBytes)
            + " is available" + largest + ": make the layers smaller or the batch size lower");
}

std::string formatBytes(double bytes)
{
    const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    int u = 0;
    while (bytes >= 1000 && u < 5) {
        bytes /= 1000;
        ++u;
    }
    return twoDigits(bytes, units[u]);
}

std::string formatFlops(double flops)
{
    const char* units[] = {"FLOP", "kFLOP", "MFLOP", "GFLOP", "TFLOP", "PFLOP"};
    int u = 0;
    while (flops >= 1000 && u < 5) {
        flops /= 1000;
        ++u;
    }
    return twoDigits(flops, units[u]);
}

std::optional<std::string> longRunWarning(
    double seconds, long batchesDone, long batchesPerEpoch, long epochs, double limitSeconds)
{
    if (batchesDone < 1 || batchesPerEpoch < 1 || epochs < 1 || !(seconds >= 0))
        return std::nullopt;
    const double perEpoch = seconds / double(batchesDone) * double(batchesPerEpoch);
    const double total = perEpoch * double(epochs);
    if (total <= limitSeconds)
        return std::nullopt;
    return "this run will take about " + formatDuration(total) + " (" + formatDuration(perEpoch)
        + " per epoch, " + std::to_string(epochs) + " epochs)";
}

double trainingFlopsPerSample(const GraphCheck& check)
{
    double flops = 0;
    for (const auto& [id, cost] : nodeCosts(check, "sgd"))
        flops += cost.trainingFlops;
    return flops;
}

std::optional<std::string> arithmeticRunWarning(
    const GraphCheck& check, long samplesPerEpoch, long epochs, int threads, double limitSeconds)
{
    const double perSample = trainingFlopsPerSample(check);
    if (perSample <= 0 || samplesPerEpoch < 1 || epochs < 1)
        return std::nullopt;
    const double pace = kOptimisticFlopsPerThread * std::max(threads, 1);
    const double perEpoch = perSample * double(samplesPerEpoch) / pace;
    const double total = perEpoch * double(epochs);
    if (total <= limitSeconds)
        return std::nullopt;
    char flops[32];
    std::snprintf(flops, sizeof flops, "%.2g", perSample / 1e9);
    return "this run will take at least " + formatDuration(total) + " by its arithmetic alone ("
        + flops + " GFLOP per sample, " + std::to_string(samplesPerEpoch) + " samples x "
        + std::to_string(epochs) + " epochs, at most "
        + std::to_string(int(kOptimisticFlopsPerThread / 1e9)) + " GFLOP/s on each of "
        + std::to_string(std::max(threads, 1)) + " threads)";
}

} // namespace engine
