// The run's timeline in the window (issue "Experiments"): checkpoints at every epoch, a scrubber
// under the loss plot that sets every state view (boundary, confusion, ...) to an earlier epoch,
// "Continue from here" forking a new run, and nothing of it left after another project opens.

#include "QuietWindow.h"
#include "data/DatasetCache.h"
#include "data/DatasetGenerators.h"
#include "document/GraphDocument.h"
#include "plots/ConfusionMatrixView.h"
#include "plots/DecisionBoundaryView.h"
#include "plots/LossPlot.h"
#include "plots/TimelineScrubber.h"
#include "plots/TrainingPanel.h"
#include "plots/WeightHistogramView.h"
#include "training/RunTimeline.h"
#include "training/TrainingController.h"

#include <QFile>
#include <QMenu>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <qcustomplot.h>

#include <algorithm>

using TestWindow = guitest::QuietWindow;

namespace {

using guitest::trainToEnd;

QString openXor(MainWindow& w, int epochs)
{
    const QString error = w.openExample(QStringLiteral(":/examples/mlp_xor.json"));
    engine::TrainingConfig config = w.document()->project().training;
    config.epochs = epochs;
    w.document()->setTrainingConfig(config);
    return error;
}

/// The right-click menu's action whose text starts with `text`.
QAction* menuAction(widgets::TimelineScrubber* scrubber, const QString& text)
{
    for (QAction* a : scrubber->contextMenu()->actions())
        if (a->text().startsWith(text))
            return a;
    return nullptr;
}

/// Drags the epoch marker with the mouse to the plot position of `epoch`.
void dragMarker(widgets::TrainingPanel* panel, int epoch)
{
    QCustomPlot* plot = panel->lossPlot()->plot();
    const int y = plot->axisRect()->center().y();
    const QPoint from(int(std::lround(panel->scrubber()->markerPixel())), y);
    const QPoint to(int(std::lround(plot->xAxis->coordToPixel(epoch))), y);
    QTest::mousePress(plot, Qt::LeftButton, {}, from);
    QMouseEvent move(QEvent::MouseMove, QPointF(to), plot->mapToGlobal(QPointF(to)), Qt::NoButton,
        Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(plot, &move);
    QTest::mouseRelease(plot, Qt::LeftButton, {}, to);
}

/// What the boundary and confusion views show: the boundary at a few points, then the counts.
std::vector<double> viewNumbers(widgets::TrainingPanel* panel)
{
    std::vector<double> numbers;
    for (double x : {-0.8, -0.3, 0.2, 0.7})
        for (double y : {-0.6, 0.1, 0.9})
            numbers.push_back(panel->boundary()->valueAt(x, y).value_or(-1));
    if (const auto& m = panel->confusion()->matrix())
        for (long c : m->counts)
            numbers.push_back(double(c));
    return numbers;
}

/// The xor data as a CSV file (x, y, label): a project that reads it needs the file.
void writeXorCsv(const QString& path)
{
    const engine::Dataset d = engine::generateDataset("xor", 200, 0.1, 3);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write("x,y,label\n");
    for (Eigen::Index i = 0; i < d.x.cols(); ++i)
        f.write(QStringLiteral("%1,%2,%3\n")
                    .arg(double(d.x(0, i)), 0, 'g', 9)
                    .arg(double(d.x(1, i)), 0, 'g', 9)
                    .arg(int(d.y(0, i)))
                    .toUtf8());
}

} // namespace

class TstTimelineGui : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("NetCanvasTest"));
        QStandardPaths::setTestModeEnabled(true);
    }
    void scrubbingShowsTheEpochAndContinuingForksTheRun();
    void aScrubThatCannotBeShownIsAnsweredAndScrubbingGoesOn();
};

void TstTimelineGui::scrubbingShowsTheEpochAndContinuingForksTheRun()
{
    TestWindow w;
    w.resize(1366, 768);
    w.show();
    widgets::TrainingPanel* panel = w.trainingPanel();
    widgets::TimelineScrubber* scrubber = panel->scrubber();
    QVERIFY(!scrubber->isShown()); // nothing trained yet

    // What the views show after 3 epochs of a run that stops there.
    QCOMPARE(openXor(w, 3), QString());
    trainToEnd(w);
    const std::vector<double> atEpoch3 = viewNumbers(panel);
    QVERIFY(std::count(atEpoch3.begin(), atEpoch3.end(), -1.0) == 0);
    widgets::WeightHistogramView* histogram = panel->histogram();
    const QVector<double> histogram3 = histogram->histogramCounts();
    QVERIFY(!histogram3.isEmpty());

    // The same run to 12 epochs, then the marker dragged back to 3: the same pictures and counts.
    QCOMPARE(openXor(w, 12), QString());
    trainToEnd(w);
    const engine::WeightMap whole = w.document()->project().weights;
    QTRY_VERIFY(scrubber->isShown());
    const std::vector<int> epochs = panel->timeline()->epochs(panel->controller()->runId());
    QCOMPARE(int(epochs.size()), 13); // 0 (the start) .. 12
    QVERIFY(scrubber->epochText().startsWith(QStringLiteral("epoch 12")));
    const std::vector<double> atEpoch12 = viewNumbers(panel);
    QVERIFY(atEpoch12 != atEpoch3); // so the comparison below can fail
    const QVector<double> histogram12 = histogram->histogramCounts();
    QVERIFY(histogram12 != histogram3);
    QCOMPARE(histogram->shownEpoch(), -1);
    const int history12 = histogram->historyCount();
    QVERIFY(history12 > 0);
    const QCPRange before = panel->lossPlot()->plot()->xAxis->range();

    QSignalSpy shown(panel->timeline(), &widgets::RunTimeline::checkpointShown);
    dragMarker(panel, 3);
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && shown.last().at(1).toInt() == 3, 20000);
    QCOMPARE(scrubber->epochText(), QStringLiteral("epoch 3"));
    QCOMPARE(viewNumbers(panel), atEpoch3);
    // The distributions: the epoch's weights in the histogram, the bands' history kept.
    QCOMPARE(histogram->shownEpoch(), 3);
    QCOMPARE(histogram->histogramCounts(), histogram3);
    QCOMPARE(histogram->historyCount(), history12);
    // Dragging the marker did not pan the plot.
    QCOMPARE(panel->lossPlot()->plot()->xAxis->range().lower, before.lower);
    QVERIFY(menuAction(scrubber, QStringLiteral("Continue from here (epoch 3)"))->isEnabled());
    // A right-click on the marker opens the timeline's menu (elsewhere the plot keeps its own
    // export menu: tst_export_gui).
    {
        QCustomPlot* plot = panel->lossPlot()->plot();
        const int y = plot->axisRect()->center().y();
        const QPoint far(plot->axisRect()->left() + 2, y);
        QContextMenuEvent elsewhere(QContextMenuEvent::Mouse, far, plot->mapToGlobal(far));
        QCoreApplication::sendEvent(plot, &elsewhere);
        QVERIFY(!scrubber->shownMenu() || !scrubber->shownMenu()->isVisible());
        const QPoint at(int(std::lround(scrubber->markerPixel())), y);
        QContextMenuEvent click(QContextMenuEvent::Mouse, at, plot->mapToGlobal(at));
        QCoreApplication::sendEvent(plot, &click);
        QTRY_VERIFY(scrubber->shownMenu() && scrubber->shownMenu()->isVisible());
        scrubber->shownMenu()->close();
    }
    // For people to look at: NETCANVAS_SHOTS=DIR saves the window as scrubbed.
    if (const QString dir = qEnvironmentVariable("NETCANVAS_SHOTS"); !dir.isEmpty())
        w.grab().save(dir + QStringLiteral("/timeline_scrubbed.png"));

    // Latest: the views show epoch 12 again.
    shown.clear();
    menuAction(scrubber, QStringLiteral("Show the latest"))->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 20000);
    QCOMPARE(viewNumbers(panel), atEpoch12);
    QVERIFY(!scrubber->scrubbedTo().has_value());
    QCOMPARE(histogram->shownEpoch(), -1);
    QCOMPARE(histogram->histogramCounts(), histogram12);

    // Continue from epoch 3 with unchanged settings: a second run, starting at epoch 3 on the
    // plot, that ends where the uninterrupted one ended.
    scrubber->scrubTo(panel->controller()->runId(), 3);
    widgets::TrainingController* controller = panel->controller();
    QSignalSpy finished(controller, &widgets::TrainingController::finished);
    const int runsBefore = panel->lossPlot()->runCount();
    const int firstRun = controller->runId();
    menuAction(scrubber, QStringLiteral("Continue from here"))->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.size() >= 1 && !controller->isRunning(), 60000);
    QCOMPARE(panel->lossPlot()->runCount(), runsBefore + 1);
    QCOMPARE(int(panel->timeline()->runs().size()), 2);
    QCOMPARE(panel->timeline()->forkedAt(controller->runId()), 3);
    QCOMPARE(panel->timeline()->epochs(controller->runId()).front(), 3);
    QCOMPARE(panel->timeline()->epochs(controller->runId()).back(), 12);
    const engine::Project& forked = w.document()->project();
    QCOMPARE(int(forked.history.epochs.size()), 12);
    double largest = 0;
    for (const auto& [id, params] : whole)
        for (const auto& [name, value] : params)
            largest = std::max(
                largest, double((value - forked.weights.at(id).at(name)).cwiseAbs().maxCoeff()));
    QVERIFY2(largest < 1e-6, qPrintable(QStringLiteral("largest difference %1").arg(largest)));
    QVERIFY(menuAction(scrubber, QStringLiteral("lr 0.03, adam, batch 16, seed 1 · from epoch 3")));

    // The first run stays browsable: chosen in the menu, then dragged to epoch 6.
    menuAction(scrubber, QStringLiteral("lr 0.03, adam, batch 16, seed 1"))->trigger();
    QCOMPARE(scrubber->run(), firstRun);
    shown.clear();
    dragMarker(panel, 6);
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && shown.last().at(1).toInt() == 6, 20000);
    QCOMPARE(shown.last().at(0).toInt(), firstRun);
    QCOMPARE(scrubber->epochText(), QStringLiteral("epoch 6"));
    if (const QString dir = qEnvironmentVariable("NETCANVAS_SHOTS"); !dir.isEmpty())
        w.grab().save(dir + QStringLiteral("/timeline_forked.png"));

    // Another project: no run, no marker.
    w.newDocument();
    QVERIFY(panel->timeline()->runs().empty());
    QVERIFY(!scrubber->isShown());
    QVERIFY(!scrubber->scrubbedTo().has_value());
}

// The data file of a trained project is removed (and no longer cached): a scrub cannot be
// shown. The timeline says why, and the next scrub, once the file is back, is shown (before,
// the failed one was never answered and no scrub was sent again until another project opened).
void TstTimelineGui::aScrubThatCannotBeShownIsAnsweredAndScrubbingGoesOn()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString csv = dir.filePath(QStringLiteral("xor.csv"));
    writeXorCsv(csv);
    QFile example(QStringLiteral(":/examples/mlp_xor.json"));
    QVERIFY(example.open(QIODevice::ReadOnly));
    engine::Project project
        = engine::Project::fromJson(nlohmann::json::parse(example.readAll().toStdString()));
    project.dataset = {};
    project.dataset.source = "csv";
    project.dataset.path = "xor.csv";
    project.training.epochs = 6;
    const QString file = dir.filePath(QStringLiteral("xor.json"));
    engine::saveProject(project, QFile::encodeName(file).toStdString());

    TestWindow w;
    w.resize(1366, 768);
    w.show();
    QCOMPARE(w.openFile(file), QString());
    trainToEnd(w);
    widgets::TrainingPanel* panel = w.trainingPanel();
    const int run = panel->controller()->runId();
    QCOMPARE(int(panel->timeline()->epochs(run).size()), 7);

    QVERIFY(QFile::remove(csv));
    widgets::DatasetCache::clear();
    QSignalSpy shown(panel->timeline(), &widgets::RunTimeline::checkpointShown);
    panel->scrubber()->scrubTo(run, 3);
    QTRY_VERIFY_WITH_TIMEOUT(
        panel->statusText().startsWith(QStringLiteral("Cannot show epoch 3")), 20000);
    QVERIFY2(
        panel->statusText().contains(QStringLiteral("xor.csv")), qPrintable(panel->statusText()));
    QVERIFY(shown.isEmpty());

    writeXorCsv(csv);
    panel->scrubber()->scrubTo(run, 5);
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && shown.last().at(1).toInt() == 5, 20000);
    QCOMPARE(panel->scrubber()->epochText(), QStringLiteral("epoch 5"));
}

QTEST_MAIN(TstTimelineGui)
#include "tst_timeline_gui.moc"
