#pragma once
// Core numeric types of the engine.
//
// Data layout: every tensor that flows through the graph is a column-major Eigen matrix of
// shape (features x batch): one sample per column. A sample's features are contiguous in
// memory, so a Dense layer is one GEMM over the whole mini-batch (W * X), biases are added with
// colwise(), and a mini-batch is gathered by copying whole columns. Images are flattened per
// column in H x W x C order (channel fastest), described by a Shape.

#include "core/Scalar.h"

#include <Eigen/Core>

#include <cstdint>

namespace engine {

using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
using RowVector = Eigen::Matrix<Scalar, 1, Eigen::Dynamic>;

using NodeId = std::int64_t;

/// Forward-pass mode: dropout and batch statistics behave differently while training.
enum class Mode {
    Train, ///< Stochastic layers are active; caches for backward are kept.
    Inference ///< Deterministic evaluation (validation, test, prediction).
};

} // namespace engine
