#include "data/PcaPlane.h"

#include "core/Errors.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <string>

namespace engine {

namespace {

/// Mean and per-feature variance sum, in double: image sets have 10^4+ samples.
Eigen::MatrixXd centred(const Matrix& x, Eigen::VectorXd& mean)
{
    const Eigen::MatrixXd xd = x.cast<double>();
    mean = xd.rowwise().mean();
    return xd.colwise() - mean;
}

} // namespace

PcaPlane PcaPlane::principalComponents(const Matrix& x)
{
    if (x.rows() < 2 || x.cols() < 2)
        throw InputError("dataset",
            "a PCA plane needs at least 2 features and 2 samples, the data has "
                + std::to_string(x.rows()) + " features and " + std::to_string(x.cols())
                + " samples");
    PcaPlane plane;
    const Eigen::MatrixXd c = centred(x, plane.m_origin);
    Eigen::MatrixXd covariance = Eigen::MatrixXd::Zero(x.rows(), x.rows());
    covariance.selfadjointView<Eigen::Lower>().rankUpdate(c, 1.0 / double(x.cols() - 1));
    covariance = covariance.selfadjointView<Eigen::Lower>();
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
    // Eigenvalues ascend: the last two columns are the first two components.
    const long n = x.rows();
    plane.m_axes.resize(n, 2);
    const double total = covariance.trace();
    for (int k = 0; k < 2; ++k) {
        Eigen::VectorXd axis = solver.eigenvectors().col(n - 1 - k);
        Eigen::Index largest = 0;
        axis.cwiseAbs().maxCoeff(&largest);
        if (axis(largest) < 0)
            axis = -axis;
        plane.m_axes.col(k) = axis;
        plane.m_varianceFraction[k]
            = total > 0 ? std::max(0.0, solver.eigenvalues()(n - 1 - k)) / total : 0.0;
    }
    return plane;
}

PcaPlane PcaPlane::featurePair(const Matrix& x, long first, long second)
{
    if (first < 0 || second < 0 || first >= x.rows() || second >= x.rows() || first == second)
        throw InputError("dataset",
            "a feature plane needs two different features of the " + std::to_string(x.rows())
                + ", got features " + std::to_string(first + 1) + " and "
                + std::to_string(second + 1));
    if (x.cols() < 1)
        throw InputError("dataset", "a feature plane needs samples, the data has none");
    PcaPlane plane;
    const Eigen::MatrixXd c = centred(x, plane.m_origin);
    // The plane's coordinates are the two features' own values: the origin has them at 0.
    plane.m_origin(first) = 0;
    plane.m_origin(second) = 0;
    plane.m_axes = Eigen::MatrixXd::Zero(x.rows(), 2);
    plane.m_axes(first, 0) = 1;
    plane.m_axes(second, 1) = 1;
    const Eigen::VectorXd variance = c.rowwise().squaredNorm();
    const double total = variance.sum();
    plane.m_varianceFraction[0] = total > 0 ? variance(first) / total : 0.0;
    plane.m_varianceFraction[1] = total > 0 ? variance(second) / total : 0.0;
    return plane;
}

Matrix PcaPlane::project(const Matrix& x) const
{
    return (m_axes.transpose() * (x.cast<double>().colwise() - m_origin)).cast<Scalar>();
}

Matrix PcaPlane::lift(const Matrix& points) const
{
    return ((m_axes * points.cast<double>()).colwise() + m_origin).cast<Scalar>();
}

} // namespace engine
