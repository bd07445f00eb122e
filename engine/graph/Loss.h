#pragma once

#include "core/Types.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace engine {

/// A loss over a mini-batch, averaged over the batch.
///
/// pred: (outputs x batch) as produced by the network (logits for the cross-entropies).
/// target: either the same shape as pred, or 1 x batch of class indices (classification data),
/// which losses that need dense targets expand to one-hot (or to 0/1 for one output).
class Loss {
public:
    virtual ~Loss() = default;
    virtual std::string type() const = 0;

    /// Mean loss over the batch.
    virtual double value(const Matrix& pred, const Matrix& target) const = 0;
    /// grad = dL/dpred for the mean loss (so it carries the 1/batch factor).
    virtual void gradient(const Matrix& pred, const Matrix& target, Matrix& grad) const = 0;

    /// What the network's raw output means to a user: probabilities for the cross-entropies
    /// (sigmoid / softmax), the output itself otherwise.
    virtual void outputTransform(const Matrix& pred, Matrix& out) const { out = pred; }

    /// Predicted class per column, for accuracy: argmax for several outputs; for one output,
    /// logit > 0 for binary cross-entropy and value > 0.5 otherwise.
    virtual void predictLabels(const Matrix& pred, std::vector<int>& labels) const;

    /// Checks that a network output of `outputs` units fits this loss for a dataset with
    /// `numClasses` classes (0 for regression) and `targetRows` target rows. Returns an error
    /// message ("softmax cross-entropy needs one output per class: 10, got 1") or nullopt.
    virtual std::optional<std::string> checkOutput(long outputs, int numClasses,
                                                   long targetRows) const;

    /// "mse", "mae", "binary_crossentropy", "softmax_crossentropy"
    static std::vector<std::string> types();
    static std::unique_ptr<Loss> create(const std::string& type); ///< null for unknown types
    static std::string label(const std::string& type);            ///< "Mean squared error"
};

/// Expands 1 x batch class indices to dense targets shaped like pred (one-hot, or the index
/// itself as 0/1 for a single output); returns target unchanged when shapes already agree.
const Matrix& denseTargets(const Matrix& pred, const Matrix& target, Matrix& scratch);

} // namespace engine
