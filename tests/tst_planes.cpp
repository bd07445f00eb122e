// The Playground views on planes through real data (issue 17, "Real data in the Playground
// views"): Iris's neuron thumbnails on the plane the boundary view draws on (one choice shared by
// both views), and an image classifier's boundary on the PCA plane of its validation images,
// each checked against the engine run here on the back-projected grid points. Small IDX images
// are written by the test. Offscreen; grabs go to $NETCANVAS_SCREENSHOT_DIR when set (with
// Fashion-MNIST installed, also the Fashion MLP's boundary after one epoch).
#include "IdxTestFiles.h"
#include "QuietWindow.h"
#include "data/PcaPlane.h"
#include "document/GraphDocument.h"
#include "plots/DecisionBoundaryView.h"
#include "plots/NeuronView.h"
#include "plots/TimelineScrubber.h"
#include "plots/TrainingPanel.h"
#include "training/PlaneGrid.h"
#include "training/RunTimeline.h"
#include "training/TrainingController.h"

#include <Eigen/SVD>
#include <qcustomplot.h>

#include <QComboBox>
#include <QDir>
#include <QScrollArea>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

namespace {

using TestWindow = guitest::QuietWindow;

/// The tab page holding `view` (it may sit in a scroll area).
int tabOf(QTabWidget* tabs, QWidget* view)
{
    for (int i = 0; i < tabs->count(); ++i)
        if (tabs->widget(i) == view || tabs->widget(i)->isAncestorOf(view))
            return i;
    return -1;
}

/// The trained network of the session, built and run here.
engine::Graph trainedGraph(MainWindow& w, const widgets::TrainingSessionInfo& info)
{
    engine::Graph g = info.architecture->buildGraph();
    g.compile(info.context, 1);
    g.setWeights(w.trainingPanel()->controller()->lastOutcome().weights, true);
    return g;
}

/// The frame the views draw `projected` (2 x n) in: its bounding box plus 10 % on each side.
widgets::GridImage frameOf(const Eigen::MatrixXd& projected, int size)
{
    const double x0 = projected.row(0).minCoeff(), x1 = projected.row(0).maxCoeff();
    const double y0 = projected.row(1).minCoeff(), y1 = projected.row(1).maxCoeff();
    return {size, x0 - 0.1 * (x1 - x0), x1 + 0.1 * (x1 - x0), y0 - 0.1 * (y1 - y0),
        y1 + 0.1 * (y1 - y0), {}};
}

/// Whether every thumbnail of `view` holds the output of its node when `graph` runs on `plane`'s
/// lift of the cell centres of `frame` (and the view shows every small node); the first
/// difference in `why`.
bool thumbnailsMatch(const widgets::NeuronView* view, engine::Graph& graph,
    const engine::PcaPlane& plane, const widgets::GridImage& frame, QString* why)
{
    const int n = frame.size;
    engine::Matrix points(2, long(n) * n);
    for (int iy = 0; iy < n; ++iy)
        for (int ix = 0; ix < n; ++ix) {
            points(0, long(iy) * n + ix)
                = float(frame.xMin + (ix + 0.5) * (frame.xMax - frame.xMin) / n);
            points(1, long(iy) * n + ix)
                = float(frame.yMin + (iy + 0.5) * (frame.yMax - frame.yMin) / n);
        }
    const engine::Matrix inputs = plane.lift(points);
    graph.forward(inputs, engine::Mode::Inference);
    if (view->layers().empty()) {
        *why = QStringLiteral("no thumbnails");
        return false;
    }
    for (const widgets::NeuronImages& layer : view->layers()) {
        const engine::Matrix& out = graph.output(layer.node);
        if (long(layer.units.size()) != out.rows()) {
            *why = QStringLiteral("%1: %2 thumbnails for %3 units")
                       .arg(layer.nodeName)
                       .arg(layer.units.size())
                       .arg(out.rows());
            return false;
        }
        for (long u = 0; u < out.rows(); ++u) {
            const widgets::GridImage& g = layer.units[std::size_t(u)];
            if (g.size != n) {
                *why = QStringLiteral("thumbnail of %1 cells").arg(g.size);
                return false;
            }
            for (long k = 0; k < out.cols(); ++k) {
                const double want = out(u, k), got = g.values[int(k)];
                if (std::abs(want - got) > 1e-4 * (1 + std::abs(want))) {
                    *why = QStringLiteral("%1 unit %2 cell %3: %4, the engine says %5")
                               .arg(layer.nodeName)
                               .arg(u)
                               .arg(k)
                               .arg(got)
                               .arg(want);
                    return false;
                }
            }
        }
    }
    return true;
}

constexpr int kSide = 10;
constexpr int kImages = 300;

/// 300 images of 10x10 in 4 classes: each class bright in its own quarter, with a brightness
/// that varies from class to class and image to image, and a little deterministic noise.
void writeIdx(const QString& dir)
{
    idxtest::writeImages(
        dir, kImages, kSide, [](int i) { return i % 4; },
        [](int i, int x, int y) {
            const int c = i % 4;
            const bool bright = (x < kSide / 2) == (c % 2 == 0) && (y < kSide / 2) == (c < 2);
            // Brighter classes further down the list: distinct variances, so PC1 and PC2 are
            // well defined (four equally bright patterns would tie them).
            const int level = 40 + 45 * c + (i * 37) % 50;
            return bright ? level + (x * 7 + y * 3 + i) % 30 : (x * 5 + y * 11 + i * 13) % 45;
        });
}

QString writeProject(const QString& dir)
{
    const QString path = dir + "/images.json";
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(R"({
      "format": "netcanvas", "version": 1, "name": "quarters",
      "nodes": [
        {"id": 1, "type": "Input", "name": "image", "position": [0, 0],
         "attributes": {"shape": [10, 10, 1]}},
        {"id": 2, "type": "Flatten", "name": "flatten", "position": [220, 0], "attributes": {}},
        {"id": 3, "type": "Dense", "name": "hidden", "position": [440, 0],
         "attributes": {"units": 8, "activation": "relu"}},
        {"id": 4, "type": "Dense", "name": "logits", "position": [660, 0],
         "attributes": {"units": 4}},
        {"id": 5, "type": "Loss", "name": "loss", "position": [880, 0],
         "attributes": {"loss": "softmax_crossentropy"}}
      ],
      "edges": [{"from": 1, "to": 2}, {"from": 2, "to": 3}, {"from": 3, "to": 4},
                {"from": 4, "to": 5}],
      "dataset": {"source": "idx", "path": "images.idx", "options": {"labels": "labels.idx"},
                  "classNames": ["Top left", "Top right", "Bottom left", "Bottom right"]},
      "training": {"epochs": 4, "batchSize": 16, "validationSplit": 0.3, "testSplit": 0.0,
                   "seed": 3, "optimizer": {"type": "adam", "learningRate": 0.01}}
    })");
    return path;
}

/// Shows the tab holding `view`, as a user would look at it.
void showTabOf(widgets::TrainingPanel* panel, QWidget* view)
{
    panel->tabs()->setCurrentIndex(tabOf(panel->tabs(), view));
}

} // namespace

class TstPlanes : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { widgets::registerTrainingMetaTypes(); }
    void neuronThumbnailsOnTheBoundaryPlane();
    void imageClassifierOnItsPcaPlane();
    void fashionGrab();
};

void TstPlanes::neuronThumbnailsOnTheBoundaryPlane()
{
    TestWindow w;
    w.resize(1366, 768);
    w.show();
    QCOMPARE(w.openExample(QStringLiteral(":/examples/iris.json")), QString());
    widgets::TrainingPanel* panel = w.trainingPanel();
    widgets::NeuronView* neurons = panel->neurons();
    widgets::DecisionBoundaryView* boundary = panel->boundary();
    // Both tabs are there for 4 features (they were hidden for all but 2-D inputs).
    QVERIFY(panel->tabs()->isTabVisible(tabOf(panel->tabs(), boundary)));
    QVERIFY(panel->tabs()->isTabVisible(tabOf(panel->tabs(), neurons)));

    const widgets::TrainingSessionInfo info = guitest::trainSession(w);
    QCOMPARE(info.trainX.rows(), 4);
    QVERIFY(panel->tabs()->isTabVisible(tabOf(panel->tabs(), boundary)));
    QVERIFY(panel->tabs()->isTabVisible(tabOf(panel->tabs(), neurons)));
    showTabOf(panel, neurons);
    QTRY_VERIFY(neurons->isVisible());
    QVERIFY(neurons->isPlaneView());
    QVERIFY(neurons->planeChooser()->isVisibleTo(neurons));
    QCOMPARE(neurons->planeChooser()->count(), 1 + 6);
    QCOMPARE(neurons->planeChooser()->currentIndex(), 0);

    // The PCA plane and the frame of the boundary view, computed here.
    engine::Graph graph = trainedGraph(w, info);
    const engine::PcaPlane pca = engine::PcaPlane::principalComponents(info.trainX);
    const widgets::GridImage frame
        = frameOf(pca.project(info.trainX).cast<double>(), neurons->planeFrame().size);
    QCOMPARE(neurons->planeFrame().size, 32);
    QVERIFY(std::abs(neurons->planeFrame().xMin - frame.xMin) < 1e-5);
    QVERIFY(std::abs(neurons->planeFrame().yMax - frame.yMax) < 1e-5);
    QString why;
    QTRY_VERIFY_WITH_TIMEOUT(thumbnailsMatch(neurons, graph, pca, frame, &why), 10000);
    QVERIFY2(thumbnailsMatch(neurons, graph, pca, frame, &why), qPrintable(why));
    // The hidden layer is among them (not only the inputs).
    QVERIFY(std::any_of(neurons->layers().begin(), neurons->layers().end(),
        [](const widgets::NeuronImages& l) { return l.nodeName == QStringLiteral("hidden"); }));
    QVERIFY(neurons->layers().size() >= 2);
    guitest::saveGrab(panel, QStringLiteral("planes_iris_neurons_pca.png"));

    // A feature pair chosen in the boundary view applies to the neurons too.
    const QString petals
        = QStringLiteral("%1 vs %2").arg(info.featureNames.value(2), info.featureNames.value(3));
    boundary->planeChooser()->setCurrentIndex(boundary->planeChooser()->findText(petals));
    QVERIFY(boundary->planeChooser()->currentIndex() > 0);
    QCOMPARE(neurons->planeChooser()->currentText(), petals);
    const engine::PcaPlane pair = engine::PcaPlane::featurePair(info.trainX, 2, 3);
    QVERIFY(neurons->plane()->axes().isApprox(pair.axes()));
    const widgets::GridImage pairFrame
        = frameOf(pair.project(info.trainX).cast<double>(), neurons->planeFrame().size);
    QTRY_VERIFY_WITH_TIMEOUT(thumbnailsMatch(neurons, graph, pair, pairFrame, &why), 10000);
    // The PCA thumbnails are not the pair's: the comparison above could fail.
    QVERIFY(!thumbnailsMatch(neurons, graph, pca, frame, &why));
    guitest::saveGrab(panel, QStringLiteral("planes_iris_neurons_petals.png"));

    // And back from the neuron view's own chooser to the boundary view.
    neurons->planeChooser()->setCurrentIndex(0);
    QCOMPARE(boundary->planeChooser()->currentIndex(), 0);
    QVERIFY(boundary->plot()->xAxis->label().startsWith(QStringLiteral("PC1 (")));
    QTRY_VERIFY_WITH_TIMEOUT(thumbnailsMatch(neurons, graph, pca, frame, &why), 10000);

    // The choice outlives scrubbing the timeline (the views start the checkpoint's session).
    boundary->planeChooser()->setCurrentIndex(boundary->planeChooser()->findText(petals));
    QSignalSpy shown(panel->timeline(), &widgets::RunTimeline::checkpointShown);
    panel->scrubber()->scrubTo(panel->controller()->runId(), 1);
    QVERIFY(panel->scrubber()->scrubbedTo().has_value());
    QVERIFY(shown.wait(10000));
    QVERIFY(neurons->isPlaneView());
    QCOMPARE(neurons->planeChooser()->currentText(), petals);
    QCOMPARE(boundary->planeChooser()->currentText(), petals);
    // ... and the thumbnails are the network's at that epoch.
    const widgets::CheckpointPtr epoch1
        = panel->timeline()->checkpoint(panel->controller()->runId(), 1);
    QVERIFY(epoch1);
    engine::Graph atEpoch1 = info.architecture->buildGraph();
    atEpoch1.compile(info.context, 1);
    atEpoch1.setWeights(epoch1->weights, true);
    QTRY_VERIFY_WITH_TIMEOUT(thumbnailsMatch(neurons, atEpoch1, pair, pairFrame, &why), 10000);
    QVERIFY(!thumbnailsMatch(neurons, graph, pair, pairFrame, &why));

    // File > New: nothing of the plane stays, the next project starts on PCA.
    w.newDocument();
    QVERIFY(!neurons->isPlaneView());
    QVERIFY(neurons->layers().empty());
    QVERIFY(!neurons->planeChooser()->isVisibleTo(neurons));
    QCOMPARE(neurons->planeChooser()->count(), 0);
    QCOMPARE(w.openExample(QStringLiteral(":/examples/iris.json")), QString());
    guitest::trainSession(w);
    QCOMPARE(neurons->planeChooser()->currentIndex(), 0);
    QCOMPARE(boundary->planeChooser()->currentIndex(), 0);
}

void TstPlanes::imageClassifierOnItsPcaPlane()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeIdx(dir.path());
    const QString path = writeProject(dir.path());
    TestWindow w;
    w.resize(1366, 768);
    w.show();
    QCOMPARE(w.openFile(path), QString());
    widgets::TrainingPanel* panel = w.trainingPanel();
    widgets::DecisionBoundaryView* view = panel->boundary();
    QVERIFY(panel->tabs()->isTabVisible(tabOf(panel->tabs(), view)));
    QVERIFY(!panel->tabs()->isTabVisible(tabOf(panel->tabs(), panel->neurons())));

    const widgets::TrainingSessionInfo info = guitest::trainSession(w);
    QVERIFY(info.samples);
    QCOMPARE(info.samples->rows(), long(kSide * kSide));
    QCOMPARE(info.samples->cols(), 90L); // 30 % of 300
    QVERIFY(panel->tabs()->isTabVisible(tabOf(panel->tabs(), view)));
    showTabOf(panel, view);
    QVERIFY(view->isImagePlaneView());
    QTRY_VERIFY_WITH_TIMEOUT(view->isPlaneView() && view->hasBoundary(), 20000);
    QVERIFY(!view->planeChooser()->isVisibleTo(view)); // pixel pairs would mean nothing

    // An independent PCA: the right singular vectors of the centred validation images.
    const Eigen::MatrixXd x = info.samples->cast<double>();
    const Eigen::VectorXd mean = x.rowwise().mean();
    const Eigen::MatrixXd centred = x.colwise() - mean;
    Eigen::BDCSVD<Eigen::MatrixXd> svd(centred.transpose(), Eigen::ComputeThinV);
    const engine::PcaPlane& plane = *view->plane();
    QVERIFY((plane.origin() - mean).cwiseAbs().maxCoeff() < 1e-5);
    for (int k = 0; k < 2; ++k) {
        const Eigen::VectorXd v = svd.matrixV().col(k);
        const double apart = std::min((plane.axes().col(k) - v).cwiseAbs().maxCoeff(),
            (plane.axes().col(k) + v).cwiseAbs().maxCoeff());
        QVERIFY2(
            apart < 1e-5, qPrintable(QStringLiteral("PC%1 differs by %2").arg(k + 1).arg(apart)));
    }
    // The validation images are drawn at their coordinates on the plane.
    const Eigen::MatrixXd expected = plane.axes().transpose() * centred;
    QCOMPARE(view->projectedTrainPoints().cols(), 90L);
    QVERIFY((view->projectedTrainPoints().cast<double>() - expected).cwiseAbs().maxCoeff() < 1e-4);
    QVERIFY(view->plot()->xAxis->label().startsWith(QStringLiteral("PC1 of the images (")));

    // The colours: the engine's predicted class for the back-projected image of grid points.
    engine::Graph graph = trainedGraph(w, info);
    const widgets::GridImage frame = view->planeFrame();
    QVERIFY(std::abs(frame.xMin
                - (expected.row(0).minCoeff()
                    - 0.1 * (expected.row(0).maxCoeff() - expected.row(0).minCoeff())))
        < 1e-4);
    const engine::Matrix points = widgets::planeGridPoints(frame);
    const engine::Matrix& logits = graph.forward(plane.lift(points), engine::Mode::Inference);
    auto coloursMatch = [&] {
        int classes = 0;
        std::vector<bool> seen(4, false);
        for (long k = 0; k < points.cols(); k += 37) {
            Eigen::Index predicted = 0;
            logits.col(k).maxCoeff(&predicted);
            seen[std::size_t(predicted)] = true;
            const auto shown = view->valueAt(points(0, k), points(1, k));
            if (!shown || int(std::lround(*shown)) != int(predicted))
                return false;
        }
        for (bool s : seen)
            classes += s;
        return classes >= 2; // a picture with a boundary, not one colour
    };
    QTRY_VERIFY_WITH_TIMEOUT(coloursMatch(), 10000);

    // The colour scale names the classes.
    QCPColorScale* scale = nullptr;
    for (int i = 0; i < view->plot()->plotLayout()->elementCount(); ++i)
        if (auto* s = qobject_cast<QCPColorScale*>(view->plot()->plotLayout()->elementAt(i)))
            scale = s;
    QVERIFY(scale);
    const auto ticker = scale->axis()->ticker().dynamicCast<QCPAxisTickerText>();
    QVERIFY(ticker);
    QCOMPARE(ticker->ticks().value(0), QStringLiteral("Top left"));
    QCOMPARE(ticker->ticks().value(3), QStringLiteral("Bottom right"));
    view->plot()->replot();
    guitest::saveGrab(panel, QStringLiteral("planes_images_pca.png"));

    w.newDocument();
    QVERIFY(!view->isPlaneView());
    QVERIFY(!view->isImagePlaneView());
    QVERIFY(!scale->axis()->ticker().dynamicCast<QCPAxisTickerText>());
}

void TstPlanes::fashionGrab()
{
    if (qEnvironmentVariable("NETCANVAS_SCREENSHOT_DIR").isEmpty())
        QSKIP("only makes a grab (set NETCANVAS_SCREENSHOT_DIR)");
    if (!QDir(QStringLiteral("/usr/share/datasets/fashion-mnist")).exists())
        QSKIP("Fashion-MNIST is not installed");
    TestWindow w;
    w.resize(1366, 768);
    w.show();
    QCOMPARE(w.openExample(QStringLiteral(":/examples/fashion_mlp.json")), QString());
    engine::TrainingConfig config = w.document()->project().training;
    config.epochs = 1;
    w.document()->setTrainingConfig(config);
    const widgets::TrainingSessionInfo info = guitest::trainSession(w);
    QVERIFY(info.samples);
    widgets::DecisionBoundaryView* view = w.trainingPanel()->boundary();
    showTabOf(w.trainingPanel(), view);
    QTRY_VERIFY_WITH_TIMEOUT(view->isPlaneView() && view->hasBoundary(), 60000);
    QTest::qWait(500);
    view->plot()->replot();
    guitest::saveGrab(w.trainingPanel(), QStringLiteral("planes_fashion_pca.png"));
    guitest::saveGrab(&w, QStringLiteral("planes_fashion_window.png"));
}

QTEST_MAIN(TstPlanes)
#include "tst_planes.moc"
