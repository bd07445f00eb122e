#pragma once
// Central finite differences against analytic gradients, for the double-precision engine build.

#include "graph/Layer.h"
#include "graph/Loss.h"

#include <functional>
#include <string>
#include <vector>

namespace testutil {

struct GradientReport {
    double maxRelativeError = 0;
    std::string worst; ///< which tensor and index had the largest error
};

/// Relative error |a - n| / max(1, |a|, |n|): absolute for small gradients, relative for big.
inline double relativeError(double analytic, double numeric)
{
    return std::abs(analytic - numeric) / std::max({1.0, std::abs(analytic), std::abs(numeric)});
}

/// Checks d(sum(out .* R))/d(inputs) and d/d(params) of `layer` (already built) at `inputs`,
/// R random. Uses Mode::Train for the analytic pass and the same mode for perturbed passes, so
/// the layer must be deterministic in that mode.
GradientReport checkLayer(engine::Layer& layer, std::vector<engine::Matrix> inputs,
    engine::Mode mode = engine::Mode::Train, double eps = 1e-6);

/// Checks d(loss.value(pred, target))/d(pred) against loss.gradient().
GradientReport checkLoss(
    const engine::Loss& loss, engine::Matrix pred, const engine::Matrix& target, double eps = 1e-6);

} // namespace testutil
