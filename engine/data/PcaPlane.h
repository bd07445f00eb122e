#pragma once
// A plane through the input space, on which a network with many inputs can be drawn as the
// 2-D Playground sets are: the plane of the first two principal components of the training
// inputs, or the plane of two input features with the others at their mean. A plane point
// (a, b) stands for the input vector origin + a * axis1 + b * axis2.

#include "core/Types.h"

#include <Eigen/Core>

namespace engine {

class PcaPlane {
public:
    /// The first two principal components of `x` (features x samples): origin = the mean,
    /// axes = the eigenvectors of the covariance with the two largest eigenvalues (Eigen's
    /// SelfAdjointEigenSolver), each signed so that its largest-magnitude loading is positive.
    /// Throws InputError("dataset", ...) for fewer than 2 features or 2 samples.
    static PcaPlane principalComponents(const Matrix& x);
    /// Features `first` and `second` of `x`, the others at their mean: a plane point (a, b) is
    /// the mean with feature `first` set to a and `second` to b. Throws InputError("dataset",
    /// ...) when the features are not two different ones of x, or x has no samples.
    static PcaPlane featurePair(const Matrix& x, long first, long second);

    long features() const { return m_origin.size(); }
    const Eigen::VectorXd& origin() const { return m_origin; }
    /// features x 2, orthonormal columns.
    const Eigen::MatrixXd& axes() const { return m_axes; }
    /// The share of the inputs' total variance along axis `k` (0 or 1), in [0, 1].
    double varianceFraction(int k) const { return m_varianceFraction[k]; }

    /// Plane coordinates of inputs: 2 x n = axes^T (x - origin). For points on the plane the
    /// inverse of lift().
    Matrix project(const Matrix& x) const;
    /// Input vectors of plane points: features x n = origin + axes * points (points: 2 x n).
    Matrix lift(const Matrix& points) const;

private:
    PcaPlane() = default;
    Eigen::VectorXd m_origin;
    Eigen::MatrixXd m_axes;
    double m_varianceFraction[2] = {0, 0};
};

} // namespace engine
