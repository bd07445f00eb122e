// The decision-boundary view on data with more than two features (issue 17, "Real data in the
// Playground views"): Iris drawn on its PCA plane and on feature pairs, with the points at their
// projected positions, the plane chooser only where there is a choice, and nothing left after
// File > New. Offscreen; grabs go to $NETCANVAS_SCREENSHOT_DIR when set.
#include "QuietWindow.h"
#include "plots/DecisionBoundaryView.h"
#include "plots/TrainingPanel.h"
#include "training/TrainingController.h"

#include <Eigen/SVD>
#include <qcustomplot.h>

#include <QComboBox>
#include <QSignalSpy>
#include <QTabWidget>
#include <QtTest>

#include <algorithm>
#include <set>

namespace {

using TestWindow = guitest::QuietWindow;

/// The training points drawn, per graph (test points and the step marker left out).
std::vector<QVector<QPointF>> trainPointGraphs(const QCustomPlot* plot)
{
    std::vector<QVector<QPointF>> graphs;
    for (int i = 0; i < plot->graphCount(); ++i) {
        QCPGraph* g = plot->graph(i);
        if (g->property("test").toBool() || g->property("marker").toBool())
            continue;
        QVector<QPointF> points;
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
            points << QPointF(it->key, it->value);
        graphs.push_back(points);
    }
    return graphs;
}

/// The distinct values of the boundary's grid (csvText's third column).
std::set<QString> gridValues(const widgets::DecisionBoundaryView* view)
{
    std::set<QString> values;
    const QStringList lines = view->csvText().split('\n', Qt::SkipEmptyParts);
    for (int i = 1; i < lines.size(); ++i)
        values.insert(lines[i].section(',', 2, 2));
    return values;
}

/// Whether `points` (one graph's, which QCustomPlot keeps sorted by x) are `expected`'s columns
/// of class `label`, as a set.
bool sameClassPoints(QVector<QPointF> points, const Eigen::MatrixXd& expected,
    const engine::Matrix& labels, int label, double tolerance)
{
    QVector<QPointF> wanted;
    for (long j = 0; j < expected.cols(); ++j)
        if (int(labels(0, j)) == label)
            wanted << QPointF(expected(0, j), expected(1, j));
    if (wanted.size() != points.size() || wanted.isEmpty())
        return false;
    auto byXThenY = [](const QPointF& a, const QPointF& b) {
        return a.x() < b.x() || (a.x() == b.x() && a.y() < b.y());
    };
    std::sort(points.begin(), points.end(), byXThenY);
    std::sort(wanted.begin(), wanted.end(), byXThenY);
    for (int k = 0; k < points.size(); ++k)
        if (std::abs(points[k].x() - wanted[k].x()) > tolerance
            || std::abs(points[k].y() - wanted[k].y()) > tolerance)
            return false;
    return true;
}

} // namespace

class TstPlaneViews : public QObject {
    Q_OBJECT

private slots:
    void irisOnPcaPlaneShowsClassesAtProjectedPositions();
    void chooserOnlyForMoreThanTwoFeatures();
    void fileNewLeavesNothingOfThePlane();
};

void TstPlaneViews::irisOnPcaPlaneShowsClassesAtProjectedPositions()
{
    TestWindow w;
    w.resize(1366, 768);
    w.show();
    QCOMPARE(w.openExample(QStringLiteral(":/examples/iris.json")), QString());
    const widgets::TrainingSessionInfo info = guitest::trainSession(w);
    QCOMPARE(info.trainX.rows(), 4);
    QVERIFY(info.trainX.cols() > 100);
    widgets::DecisionBoundaryView* view = w.trainingPanel()->boundary();
    // Shown as a user would look at it (the plot draws on replot while visible).
    QTabWidget* tabs = w.trainingPanel()->tabs();
    for (int i = 0; i < tabs->count(); ++i)
        if (tabs->widget(i)->isAncestorOf(view) || tabs->widget(i) == view)
            tabs->setCurrentIndex(i);
    QTRY_VERIFY(view->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(view->hasBoundary(), 20000);
    QVERIFY(view->isPlaneView());
    QVERIFY(view->planeChooser()->isVisibleTo(view));
    QCOMPARE(view->planeChooser()->count(), 1 + 6); // PCA and the 6 pairs of 4 features
    QCOMPARE(view->planeChooser()->currentText(), QStringLiteral("PCA (first two components)"));
    QVERIFY2(view->plot()->xAxis->label().startsWith(QStringLiteral("PC1 (")),
        qPrintable(view->plot()->xAxis->label()));
    QVERIFY(view->plot()->yAxis->label().contains(QStringLiteral("% of variance")));

    // An independent PCA: right singular vectors of the centred data, signed so that the
    // largest-magnitude loading is positive, and the points' coordinates along them.
    const Eigen::MatrixXd x = info.trainX.cast<double>();
    const Eigen::VectorXd mean = x.rowwise().mean();
    const Eigen::MatrixXd centred = x.colwise() - mean;
    Eigen::BDCSVD<Eigen::MatrixXd> svd(centred.transpose(), Eigen::ComputeThinV);
    Eigen::MatrixXd axes = svd.matrixV().leftCols(2);
    for (int k = 0; k < 2; ++k) {
        Eigen::Index largest = 0;
        axes.col(k).cwiseAbs().maxCoeff(&largest);
        if (axes(largest, k) < 0)
            axes.col(k) *= -1;
    }
    const Eigen::MatrixXd expected = axes.transpose() * centred;

    // Three classes, each one graph of its points at their projected positions.
    const auto graphs = trainPointGraphs(view->plot());
    QCOMPARE(int(graphs.size()), 3);
    long drawn = 0;
    for (int label = 0; label < 3; ++label) {
        QVERIFY2(sameClassPoints(graphs[std::size_t(label)], expected, info.trainY, label, 1e-4),
            qPrintable(QStringLiteral("class %1 is not at its projected positions").arg(label)));
        drawn += graphs[std::size_t(label)].size();
    }
    QCOMPARE(drawn, long(info.trainX.cols()));
    // The trained network tells the three species apart on the plane.
    QTRY_COMPARE_WITH_TIMEOUT(int(gridValues(view).size()), 3, 10000);
    guitest::saveGrab(view, QStringLiteral("plane_iris_pca.png"));

    // A feature pair: the points are the two features' own values, the axes named after them.
    view->planeChooser()->setCurrentIndex(view->planeChooser()->findText(
        QStringLiteral("%1 vs %2").arg(info.featureNames.value(2), info.featureNames.value(3))));
    QVERIFY(view->planeChooser()->currentIndex() > 0);
    // Iris is standardized for training: the axes say so.
    QCOMPARE(view->plot()->xAxis->label(), info.featureNames.value(2) + " (standardized)");
    QCOMPARE(view->plot()->yAxis->label(), info.featureNames.value(3) + " (standardized)");
    const Eigen::MatrixXd petals = x.middleRows(2, 2);
    const auto pairGraphs = trainPointGraphs(view->plot());
    QCOMPARE(int(pairGraphs.size()), 3);
    for (int label = 0; label < 3; ++label)
        QVERIFY(sameClassPoints(pairGraphs[std::size_t(label)], petals, info.trainY, label, 1e-6));
    QTRY_VERIFY_WITH_TIMEOUT(view->hasBoundary(), 10000);
    QVERIFY(gridValues(view).size() >= 2);
    view->plot()->replot(); // now rather than at the view's paced replot
    guitest::saveGrab(view, QStringLiteral("plane_iris_petals.png"));
}

void TstPlaneViews::chooserOnlyForMoreThanTwoFeatures()
{
    TestWindow w;
    w.show();
    QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
    const widgets::TrainingSessionInfo info = guitest::trainSession(w);
    QCOMPARE(info.trainX.rows(), 2);
    widgets::DecisionBoundaryView* view = w.trainingPanel()->boundary();
    QTRY_VERIFY_WITH_TIMEOUT(view->hasBoundary(), 20000);
    QVERIFY(!view->isPlaneView());
    QVERIFY(!view->planeChooser()->isVisibleTo(view));
    QCOMPARE(view->plot()->xAxis->label(), QStringLiteral("x₁"));
}

void TstPlaneViews::fileNewLeavesNothingOfThePlane()
{
    TestWindow w;
    w.show();
    QCOMPARE(w.openExample(QStringLiteral(":/examples/iris.json")), QString());
    guitest::trainSession(w);
    widgets::DecisionBoundaryView* view = w.trainingPanel()->boundary();
    QTRY_VERIFY_WITH_TIMEOUT(view->hasBoundary(), 20000);
    QVERIFY(view->isPlaneView());

    w.newDocument();
    QVERIFY(!view->hasBoundary());
    QVERIFY(!view->isPlaneView());
    QVERIFY(!view->planeChooser()->isVisibleTo(view));
    QCOMPARE(view->planeChooser()->count(), 0);
    QCOMPARE(view->projectedTrainPoints().size(), 0);
    QCOMPARE(view->plot()->graphCount(), 0);
    QCOMPARE(view->plot()->xAxis->label(), QStringLiteral("x₁"));
    // A late answer of the background evaluation brings nothing back.
    QTest::qWait(0);
    QCoreApplication::processEvents();
    QVERIFY(!view->hasBoundary());
}

QTEST_MAIN(TstPlaneViews)
#include "tst_plane_views.moc"
