#pragma once

#include "core/Shape.h"
#include "core/Types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace engine {

/// A per-feature affine transform x' = (x - shift) * scale, applied to every sample's inputs.
/// It is part of a trained model: predictions on new inputs must go through the same transform
/// (the project stores it, see DatasetSpec "scalingStats").
struct FeatureScaling {
    std::string method = "none"; ///< "none", "standardize" (mean 0, sd 1) or "minmax" ([0, 1])
    std::vector<double> shift; ///< one per input feature; empty for "none"
    std::vector<double> scale; ///< same size as shift

    bool isIdentity() const { return method == "none" || shift.empty(); }
    /// Statistics of `x` (features x n) for `method`; constant features get scale 1.
    /// Throws InputError("scaling", ...) for an unknown method.
    static FeatureScaling compute(const Matrix& x, const std::string& method);
    /// Transforms `x` (features x n) in place. Throws InputError("scaling", ...) when x.rows()
    /// differs from the number of features the statistics were taken over.
    void apply(Matrix& x) const;
};

enum class TaskKind {
    Classification, ///< y is 1 x n of class indices 0..numClasses-1 (stored as Scalar)
    Regression ///< y is targets x n of real values
};

/// An in-memory dataset, one sample per column (see Types.h).
struct Dataset {
    std::string name;
    Matrix x; ///< inputShape.size() x n
    Matrix y; ///< see TaskKind
    Shape inputShape; ///< per-sample input shape, e.g. {2} or {28, 28, 1}
    TaskKind task = TaskKind::Classification;
    int numClasses = 0; ///< classification only
    std::vector<std::string> classNames; ///< optional, numClasses entries
    std::vector<std::string> featureNames; ///< optional, one per row of x (CSV header names)
    std::vector<std::string> targetNames; ///< optional, the target column names (CSV)
    /// Token datasets only (e.g. the "char_text" generator): the text of each token id, so
    /// vocabulary[id] is what an input value `id` (or, for next-token targets, class `id`) stands
    /// for. Empty for every other dataset. char_text's classNames are the same, but a space reads
    /// "\u2423" there.
    std::vector<std::string> vocabulary;
    FeatureScaling scaling; ///< already applied to x (kept to scale new inputs the same way)
    /// y is the clean input itself (dataset option "target": "input"): an autoencoder's data.
    bool reconstruction = false;
    /// Class index per sample kept from a labelled source when y holds something else (an
    /// autoencoder's targets); empty otherwise.
    std::vector<int> classLabels;

    long size() const { return x.cols(); }
    bool empty() const { return x.cols() == 0; }
    /// Rows of y: 1 for classification, the number of targets for regression.
    long targetRows() const { return y.rows(); }
    /// Target shape a network's output must produce under a loss: numClasses logits for
    /// classification with more than 2 classes, 1 logit for binary, y.rows() for regression.
    /// (The loss decides; this is the number of classes or targets.)
    int targetSize() const { return task == TaskKind::Classification ? numClasses : int(y.rows()); }

    /// Copies the listed columns (in that order) into a new dataset with the same metadata.
    Dataset subset(const std::vector<long>& indices) const;
    /// Class index of sample i (classification only).
    int label(long i) const { return static_cast<int>(y(0, i)); }
    /// Samples per class (classification only).
    std::vector<long> classCounts() const;
};

struct DatasetSplits {
    Dataset train;
    Dataset validation; ///< may be empty
    Dataset test; ///< may be empty
};

/// Shuffles with `seed` and splits off validation and test fractions (each in [0, 0.9]); for
/// classification the split is stratified so every class keeps its proportion.
DatasetSplits splitDataset(
    const Dataset& all, double validationFraction, double testFraction, std::uint64_t seed);

} // namespace engine
