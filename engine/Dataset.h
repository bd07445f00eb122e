#pragma once

#include "Shape.h"
#include "Types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace engine {

enum class TaskKind {
    Classification, ///< y is 1 x n of class indices 0..numClasses-1 (stored as Scalar)
    Regression      ///< y is targets x n of real values
};

/// An in-memory dataset, one sample per column (see Types.h).
struct Dataset {
    std::string name;
    Matrix x;         ///< inputShape.size() x n
    Matrix y;         ///< see TaskKind
    Shape inputShape; ///< per-sample input shape, e.g. {2} or {28, 28, 1}
    TaskKind task = TaskKind::Classification;
    int numClasses = 0;                  ///< classification only
    std::vector<std::string> classNames; ///< optional, numClasses entries

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
    Dataset test;       ///< may be empty
};

/// Shuffles with `seed` and splits off validation and test fractions (each in [0, 0.9]); for
/// classification the split is stratified so every class keeps its proportion.
DatasetSplits splitDataset(const Dataset& all, double validationFraction, double testFraction,
                           std::uint64_t seed);

} // namespace engine
