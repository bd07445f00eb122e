// engine::PcaPlane: the plane the decision-boundary view draws data with more than two features
// on. The Iris PCA against an independent one (SVD of the centred data), round trips between
// inputs and plane points, the two-feature plane, and bad input.

#include "core/Errors.h"
#include "data/DatasetLoading.h"
#include "data/PcaPlane.h"
#include "project/Project.h"

#include <Eigen/SVD>

#include <QtTest>

using namespace engine;

class TestPcaPlane : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void irisMatchesSvd();
    void projectAndLiftRoundTrip();
    void featurePairKeepsOthersAtMean();
    void badInput();

private:
    Matrix m_iris; ///< 4 x 150, standardized as the example trains on it
};

void TestPcaPlane::initTestCase()
{
    const std::filesystem::path examples
        = qEnvironmentVariable("NETCANVAS_SOURCE_DIR").toStdString() + "/resources/examples";
    const Project project = loadProject(examples / "iris.json");
    m_iris = loadDataset(project.dataset, examples).x;
    QCOMPARE(m_iris.rows(), 4);
    QCOMPARE(m_iris.cols(), 150);
}

void TestPcaPlane::irisMatchesSvd()
{
    const PcaPlane plane = PcaPlane::principalComponents(m_iris);

    // Independent PCA: the right singular vectors of the centred samples x features matrix.
    const Eigen::MatrixXd x = m_iris.cast<double>().transpose();
    const Eigen::MatrixXd centred = x.rowwise() - x.colwise().mean();
    const Eigen::BDCSVD<Eigen::MatrixXd> svd(centred, Eigen::ComputeThinV);
    const Eigen::VectorXd s2 = svd.singularValues().array().square();

    QVERIFY((plane.origin() - x.colwise().mean().transpose()).norm() < 1e-6);
    for (int k = 0; k < 2; ++k) {
        const Eigen::VectorXd ours = plane.axes().col(k);
        const Eigen::VectorXd theirs = svd.matrixV().col(k);
        const double distance = std::min((ours - theirs).norm(), (ours + theirs).norm());
        QVERIFY2(distance < 1e-6, qPrintable(QString("axis %1 off by %2").arg(k).arg(distance)));
        QVERIFY(std::abs(plane.varianceFraction(k) - s2(k) / s2.sum()) < 1e-6);
        // The sign convention: the largest-magnitude loading is positive.
        Eigen::Index largest = 0;
        ours.cwiseAbs().maxCoeff(&largest);
        QVERIFY(ours(largest) > 0);
    }
    // Standardized Iris: the first two components hold about 96 % of the variance.
    QVERIFY(plane.varianceFraction(0) > plane.varianceFraction(1));
    QVERIFY(plane.varianceFraction(0) + plane.varianceFraction(1) > 0.9);
}

void TestPcaPlane::projectAndLiftRoundTrip()
{
    const PcaPlane plane = PcaPlane::principalComponents(m_iris);
    Matrix points(2, 3);
    points << 0.0f, 1.5f, -2.0f, 0.0f, -0.5f, 3.0f;
    const Matrix inputs = plane.lift(points);
    QCOMPARE(inputs.rows(), 4);
    // (0, 0) is the mean.
    QVERIFY((inputs.col(0).cast<double>() - plane.origin()).norm() < 1e-5);
    QVERIFY((plane.project(inputs) - points).cwiseAbs().maxCoeff() < 1e-5);

    // A sample projects to its coordinates along the axes, and lifting that gives its part in
    // the plane: the residual is orthogonal to both axes.
    const Matrix projected = plane.project(m_iris);
    QCOMPARE(projected.rows(), 2);
    QCOMPARE(projected.cols(), 150);
    const Eigen::VectorXd sample = m_iris.col(7).cast<double>();
    for (int k = 0; k < 2; ++k)
        QVERIFY(
            std::abs(projected(k, 7) - plane.axes().col(k).dot(sample - plane.origin())) < 1e-5);
    const Eigen::VectorXd residual = sample - plane.lift(projected.col(7)).cast<double>();
    QVERIFY((plane.axes().transpose() * residual).norm() < 1e-5);
}

void TestPcaPlane::featurePairKeepsOthersAtMean()
{
    const PcaPlane plane = PcaPlane::featurePair(m_iris, 2, 0);
    const Eigen::VectorXd mean = m_iris.cast<double>().rowwise().mean();
    Matrix point(2, 1);
    point << 0.25f, -1.0f;
    const Matrix input = plane.lift(point);
    QCOMPARE(double(input(2, 0)), 0.25);
    QCOMPARE(double(input(0, 0)), -1.0);
    QVERIFY(std::abs(input(1, 0) - mean(1)) < 1e-6);
    QVERIFY(std::abs(input(3, 0) - mean(3)) < 1e-6);
    // Projection reads the two features' values.
    const Matrix projected = plane.project(m_iris);
    QCOMPARE(projected(0, 11), m_iris(2, 11));
    QCOMPARE(projected(1, 11), m_iris(0, 11));
    // Standardized features: each holds a quarter of the variance.
    QVERIFY(std::abs(plane.varianceFraction(0) - 0.25) < 1e-6);
}

void TestPcaPlane::badInput()
{
    QVERIFY_THROWS_EXCEPTION(InputError, PcaPlane::principalComponents(Matrix::Zero(1, 10)));
    QVERIFY_THROWS_EXCEPTION(InputError, PcaPlane::principalComponents(Matrix::Zero(4, 1)));
    QVERIFY_THROWS_EXCEPTION(InputError, PcaPlane::featurePair(m_iris, 1, 1));
    QVERIFY_THROWS_EXCEPTION(InputError, PcaPlane::featurePair(m_iris, 0, 4));
    // Constant data: no variance, no NaN.
    const PcaPlane flat = PcaPlane::principalComponents(Matrix::Ones(3, 5));
    QCOMPARE(flat.varianceFraction(0), 0.0);
    QVERIFY(flat.axes().allFinite());
}

QTEST_APPLESS_MAIN(TestPcaPlane)
#include "tst_pca_plane.moc"
