// Live training through the GUI's controller: a real run on the worker thread, the views it
// feeds, and the controls (pause, step, stop, live settings, reset), offscreen.
#include "document/GraphDocument.h"
#include "inspector/ProjectSettingsPanel.h"
#include "plots/ConfusionMatrixView.h"
#include "plots/DecisionBoundaryView.h"
#include "plots/GradientFlowPlot.h"
#include "plots/LossPlot.h"
#include "plots/NeuronView.h"
#include "plots/TrainingPanel.h"
#include "plots/WeightHeatmap.h"
#include "plots/WeightHistogramView.h"
#include "project/Project.h"
#include "training/TrainingController.h"
#include "training/TrainingProgressWidget.h"
#include "training/TrainingWorker.h"

#include <qcustomplot.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QMainWindow>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUndoStack>

#include <map>
#include <memory>

using widgets::TrainingController;
using widgets::TrainingSnapshot;
using State = widgets::TrainingController::State;

namespace {

engine::Project example(const char* name)
{
    const QByteArray root = qgetenv("NETCANVAS_SOURCE_DIR");
    const std::string dir = root.isEmpty() ? std::string(".") : root.toStdString();
    return engine::loadProject(dir + "/resources/examples/" + name);
}

/// XOR with so many epochs that a run never ends by itself during a test.
engine::Project endlessXor()
{
    engine::Project p = example("mlp_xor.json");
    p.training.epochs = 1'000'000;
    return p;
}

TrainingSnapshot lastSnapshot(const QSignalSpy& spy)
{
    return spy.last().at(0).value<TrainingSnapshot>();
}

/// Waits until the controller reaches `state` (or fails after `ms`).
bool waitForState(TrainingController& c, State state, int ms = 10000)
{
    if (c.state() == state)
        return true;
    QSignalSpy spy(&c, &TrainingController::stateChanged);
    QElapsedTimer t;
    t.start();
    while (c.state() != state && t.elapsed() < ms)
        spy.wait(std::max<int>(1, ms - int(t.elapsed())));
    return c.state() == state;
}

} // namespace

class TestTrainingWorker : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { widgets::registerTrainingMetaTypes(); }
    void trainsExampleToCompletionAndFeedsTheViews();
    void pauseStepStopAndContinue();
    void liveSettingsApplyDuringTraining();
    void snapshotsAreThrottled();
    void confusionIsTheEpochsValidationResult();
    void parameterCopiesArePaced();
    void resetWeightsStartsANewRun();
    void divergenceStopsAndIsReported();
    void badDatasetFails();
    void destroyingMidTrainingDoesNotHang();
    void continueAfterStopUsesTheEditedLearningRate();
    void inspectorShowsTheTooLargeLessonRate();
    void closingTheWindowMidTrainingDoesNotHang();
    void aRunOfHoursIsWarnedInTheProgressText();
    void aShortRunIsNotWarned();
};

void TestTrainingWorker::trainsExampleToCompletionAndFeedsTheViews()
{
    widgets::GraphDocument doc;
    doc.load(example("mlp_xor.json"));
    QVERIFY(doc.weights().empty());
    widgets::TrainingPanel panel;
    panel.resize(1200, 500);
    panel.setDocument(&doc);
    TrainingController* c = panel.controller();
    QSignalSpy finished(c, &TrainingController::finished);
    QSignalSpy snapshots(c, &TrainingController::snapshotReady);
    QVERIFY(panel.trainAction()->isEnabled());
    panel.trainAction()->trigger();
    QCOMPARE(c->state(), State::Running);
    QVERIFY(finished.wait(60000));
    QCOMPARE(c->state(), State::Ready);

    const auto outcome = finished.at(0).at(0).value<widgets::TrainingOutcome>();
    QCOMPARE(outcome.result.reason, engine::StopReason::Completed);
    QCOMPARE(outcome.result.epochs, 150);
    QVERIFY(outcome.result.last && outcome.result.last->validation);
    QVERIFY(*outcome.result.last->validation->accuracy >= 0.95);

    // Every mini-batch and epoch reached the loss plot, despite the throttling.
    QCOMPARE(panel.lossPlot()->epochPointCount(), 150);
    QCOMPARE(panel.lossPlot()->stepPointCount(), 150L * 10); // 160 training samples, batch 16
    QVERIFY(panel.lossPlot()->plot()->graph(0)->dataCount() > 0);
    QCOMPARE(panel.lossPlot()->runCount(), 1);
    const TrainingSnapshot last = lastSnapshot(snapshots);
    QVERIFY(last.finished);
    QCOMPARE(last.trigger, widgets::SnapshotTrigger::Finished);
    QCOMPARE(last.step, 1500L);

    // The trained weights were written back, and the heatmap shows exactly them.
    QVERIFY(!doc.weights().empty());
    const engine::Matrix& w = doc.weights().at(2).at("W");
    QCOMPARE(w.rows(), 8L);
    QCOMPARE(w.cols(), 2L);
    QVERIFY(panel.heatmap()->selectParam(2, QStringLiteral("W")));
    for (int r : {0, 7}) {
        for (int col : {0, 1}) {
            const auto v = panel.heatmap()->cellValue(r, col);
            QVERIFY(v);
            QCOMPARE(float(*v), float(w(r, col)));
        }
    }
    QVERIFY(!panel.heatmap()->cellValue(8, 0));
    QVERIFY(panel.heatmap()->cellText(7, 1).startsWith(QStringLiteral("hidden.W[7, 1] = ")));
    panel.heatmap()->setShowGradients(true);
    const auto g = panel.heatmap()->cellValue(0, 0);
    QVERIFY(g);
    QVERIFY(*g != double(w(0, 0)));

    // The other views got data too.
    QVERIFY(panel.boundary()->hasBoundary());
    // XOR: diagonal quadrants share a class, neighbouring ones do not.
    const double pp = *panel.boundary()->valueAt(4, 4), mm = *panel.boundary()->valueAt(-4, -4);
    const double mp = *panel.boundary()->valueAt(-4, 4), pm = *panel.boundary()->valueAt(4, -4);
    QCOMPARE(pp > 0.5, mm > 0.5);
    QCOMPARE(mp > 0.5, pm > 0.5);
    QVERIFY((pp > 0.5) != (mp > 0.5));
    QCOMPARE(panel.neurons()->layerCount(), 2); // input (2) and hidden (8)
    QVERIFY(panel.gradientFlow()->pointCount(2) > 0);
    QVERIFY(panel.histogram()->historyCount() > 0);
    QVERIFY(panel.confusion()->matrix());
    QCOMPARE(panel.confusion()->matrix()->numClasses, 2);
    long total = 0;
    for (long n : panel.confusion()->matrix()->counts)
        total += n;
    QCOMPARE(total, 40L); // the validation set
    QVERIFY(panel.statusText().startsWith(QStringLiteral("Done")));

    // Exports.
    QTemporaryDir dir;
    QVERIFY(panel.lossPlot()->exportCsv(dir.filePath("loss.csv")));
    QFile csv(dir.filePath("loss.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csv.readAll().split('\n');
    QCOMPARE(lines.first(), QByteArray("run,label,series,x,value"));
    QVERIFY(lines.size() > 1500);
    QVERIFY(panel.lossPlot()->exportPng(dir.filePath("loss.png")));
    QVERIFY(QFile(dir.filePath("loss.png")).size() > 1000);

    // A second run is a new curve; the first stays as an overlay until cleared.
    finished.clear();
    panel.trainAction()->trigger();
    QVERIFY(finished.wait(60000));
    QCOMPARE(panel.lossPlot()->runCount(), 2);
    panel.lossPlot()->clearRuns();
    QCOMPARE(panel.lossPlot()->runCount(), 1);
    QCOMPARE(panel.lossPlot()->epochPointCount(), 150);
}

void TestTrainingWorker::pauseStepStopAndContinue()
{
    TrainingController c;
    QSignalSpy snapshots(&c, &TrainingController::snapshotReady);
    QSignalSpy finished(&c, &TrainingController::finished);
    c.train(endlessXor());
    QVERIFY(snapshots.wait(10000));
    while (lastSnapshot(snapshots).step == 0) // the initial Reset snapshot
        QVERIFY(snapshots.wait(10000));

    c.pause();
    QVERIFY(waitForState(c, State::Paused));
    QCOMPARE(lastSnapshot(snapshots).trigger, widgets::SnapshotTrigger::Paused);
    const long pausedAt = lastSnapshot(snapshots).step;
    QCOMPARE(c.lastProgress().step, pausedAt);
    // Paused means paused: nothing arrives.
    snapshots.clear();
    QVERIFY(!snapshots.wait(400));

    // Step: exactly one mini-batch, then paused again.
    c.step();
    QVERIFY(snapshots.wait(5000));
    QCOMPARE(snapshots.size(), 1);
    TrainingSnapshot s = lastSnapshot(snapshots);
    QCOMPARE(s.trigger, widgets::SnapshotTrigger::Step);
    QCOMPARE(s.step, pausedAt + 1);
    QCOMPARE(s.steps.size(), std::size_t(1));
    QCOMPARE(s.steps.front().step, pausedAt + 1);
    QCOMPARE(c.state(), State::Paused);
    snapshots.clear();
    QVERIFY(!snapshots.wait(300));

    // Resume: training goes on.
    c.resume();
    QCOMPARE(c.state(), State::Running);
    QVERIFY(snapshots.wait(5000));
    QVERIFY(lastSnapshot(snapshots).step > pausedAt + 1);

    // Stop returns within a second, with the run's end delivered.
    QElapsedTimer t;
    t.start();
    QVERIFY(c.stop());
    QVERIFY2(t.elapsed() < 1000, qPrintable(QString::number(t.elapsed())));
    QCOMPARE(c.state(), State::Ready);
    QCOMPARE(finished.size(), 1);
    const auto outcome = finished.at(0).at(0).value<widgets::TrainingOutcome>();
    QCOMPARE(outcome.result.reason, engine::StopReason::Interrupted);
    QVERIFY(outcome.resumable);
    QVERIFY(!outcome.weights.empty());
    QVERIFY(c.canResume());
    const long stoppedAt = lastSnapshot(snapshots).step;
    QVERIFY(lastSnapshot(snapshots).finished);

    // Step from the stopped session: one more mini-batch of the same run.
    snapshots.clear();
    c.step();
    QCOMPARE(c.state(), State::Paused);
    QVERIFY(snapshots.wait(5000));
    QCOMPARE(lastSnapshot(snapshots).step, stoppedAt + 1);
    QCOMPARE(lastSnapshot(snapshots).steps.size(), std::size_t(1));

    // Continue the same session (same run id, steps go on).
    const int run = c.runId();
    c.resume();
    QVERIFY(snapshots.wait(5000));
    QVERIFY(lastSnapshot(snapshots).step > stoppedAt + 1);
    QCOMPARE(lastSnapshot(snapshots).runId, run);
    QVERIFY(c.stop());
    QCOMPARE(c.state(), State::Ready);
}

void TestTrainingWorker::liveSettingsApplyDuringTraining()
{
    TrainingController c;
    QSignalSpy snapshots(&c, &TrainingController::snapshotReady);
    engine::Project p = endlessXor();
    p.training.optimizer.learningRate = 0.03;
    c.train(p);
    QVERIFY(snapshots.wait(10000));
    c.setLearningRate(0.002);
    c.setBatchSize(4);
    // Applied at the next mini-batch: soon every snapshot reports the new values.
    bool applied = false;
    for (int i = 0; i < 50 && !applied; ++i) {
        QVERIFY(snapshots.wait(5000));
        const TrainingSnapshot s = lastSnapshot(snapshots);
        applied = qFuzzyCompare(s.learningRate, 0.002) && s.batchesPerEpoch == 40;
    }
    QVERIFY(applied);
    QCOMPARE(c.liveSettings().batchSize, 4);
    QVERIFY(c.stop());
}

void TestTrainingWorker::snapshotsAreThrottled()
{
    TrainingController c;
    QSignalSpy snapshots(&c, &TrainingController::snapshotReady);
    QSignalSpy finished(&c, &TrainingController::finished);
    engine::Project p = example("mlp_xor.json");
    p.training.epochs = 3000; // 30000 mini-batches of 16: about a second, far more than 30/s
    QElapsedTimer t;
    t.start();
    c.train(p);
    QVERIFY(finished.wait(120000));
    const double seconds = double(t.elapsed()) / 1000.0;
    long points = 0;
    long epochs = 0;
    for (const auto& args : snapshots) {
        const auto s = args.at(0).value<TrainingSnapshot>();
        points += long(s.steps.size());
        epochs += long(s.epochs.size());
    }
    QCOMPARE(points, 30000L); // nothing lost
    QCOMPARE(epochs, 3000L);
    // ~30/s at most, plus the Reset snapshot at the start and the Finished one at the end.
    const double bound = seconds * 1000.0 / widgets::TrainingWorker::kMinIntervalMs + 3;
    QVERIFY2(snapshots.size() <= bound,
        qPrintable(QStringLiteral("%1 snapshots in %2 s").arg(snapshots.size()).arg(seconds)));
    QVERIFY(snapshots.size() >= 2);
}

void TestTrainingWorker::confusionIsTheEpochsValidationResult()
{
    // The confusion matrix comes from the trainer's own validation pass at the epoch end, so
    // its diagonal is exactly that epoch's validation accuracy (a second pass a few mini-batches
    // later, with other weights, would not match it every time).
    TrainingController c;
    QSignalSpy snapshots(&c, &TrainingController::snapshotReady);
    QSignalSpy finished(&c, &TrainingController::finished);
    engine::Project p = example("mlp_xor.json");
    // Long enough for several epoch ends to reach a snapshot however fast the machine is; the
    // run is stopped once three matrices came.
    p.training.epochs = 200000;
    p.training.optimizer.learningRate = 0.1; // large steps: accuracy moves within an epoch
    int epochMatrices = 0;
    connect(&c, &TrainingController::snapshotReady, &c, [&](const TrainingSnapshot& s) {
        if (s.confusion && s.confusion->epoch > 0 && ++epochMatrices == 3)
            QTimer::singleShot(0, &c, [&c] { c.stop(); });
    });
    c.train(p);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 120000);
    std::map<int, double> accuracy;
    std::vector<widgets::ConfusionMatrix> matrices;
    for (const auto& args : snapshots) {
        const auto s = args.at(0).value<TrainingSnapshot>();
        for (const widgets::EpochPoint& e : s.epochs)
            if (e.validationAccuracy)
                accuracy[e.epoch] = *e.validationAccuracy;
        if (s.confusion && s.confusion->epoch > 0)
            matrices.push_back(*s.confusion);
    }
    QVERIFY(matrices.size() >= 2);
    for (const widgets::ConfusionMatrix& m : matrices) {
        long total = 0, correct = 0;
        for (int a = 0; a < m.numClasses; ++a)
            for (int q = 0; q < m.numClasses; ++q) {
                total += m.at(a, q);
                correct += a == q ? m.at(a, q) : 0;
            }
        QCOMPARE(total, 40L);
        QVERIFY(accuracy.count(m.epoch));
        QCOMPARE(double(correct) / double(total), accuracy[m.epoch]);
    }
}

void TestTrainingWorker::parameterCopiesArePaced()
{
    TrainingController c;
    QSignalSpy snapshots(&c, &TrainingController::snapshotReady);
    QSignalSpy finished(&c, &TrainingController::finished);
    engine::Project p = example("mlp_xor.json");
    p.training.epochs = 3000;
    QElapsedTimer t;
    t.start();
    c.train(p);
    QVERIFY(finished.wait(120000));
    const double seconds = double(t.elapsed()) / 1000.0;
    int withParams = 0;
    for (const auto& args : snapshots)
        withParams += args.at(0).value<TrainingSnapshot>().params.empty() ? 0 : 1;
    // Reset and Finished always carry them; regular ones at most every kParamsIntervalMs.
    const double bound = seconds * 1000.0 / widgets::TrainingWorker::kParamsIntervalMs + 3;
    QVERIFY2(withParams <= bound,
        qPrintable(QStringLiteral("%1 of %2 snapshots with parameters in %3 s")
                       .arg(withParams)
                       .arg(snapshots.size())
                       .arg(seconds)));
    QVERIFY(!lastSnapshot(snapshots).params.empty());
    QVERIFY(!snapshots.first().at(0).value<TrainingSnapshot>().params.empty());
}

void TestTrainingWorker::resetWeightsStartsANewRun()
{
    widgets::GraphDocument doc;
    doc.load(example("mlp_xor.json"));
    TrainingController c;
    c.setDocument(&doc);
    QSignalSpy sessions(&c, &TrainingController::sessionStarted);
    QSignalSpy snapshots(&c, &TrainingController::snapshotReady);
    c.train(endlessXor());
    QVERIFY(snapshots.wait(10000));
    QCOMPARE(sessions.size(), 1);
    const auto initial = lastSnapshot(snapshots);
    QCOMPARE(initial.trigger, widgets::SnapshotTrigger::Reset);
    QVERIFY(!initial.params.empty());
    const engine::Matrix w0 = initial.params.front().value;
    QVERIFY(snapshots.wait(10000));
    QVERIFY(c.stop());
    const engine::Matrix trained = doc.weights().at(2).at("W");
    QVERIFY(!trained.isApprox(w0));

    // Same seed: exactly the initial weights again, written to the document, in a new run.
    sessions.clear();
    snapshots.clear();
    QVERIFY(c.resetWeights(false) == 1);
    QVERIFY(snapshots.wait(5000));
    QCOMPARE(sessions.size(), 1);
    QCOMPARE(sessions.last().at(0).value<widgets::TrainingSessionInfo>().runId, c.runId());
    QTRY_VERIFY(doc.weights().at(2).at("W").isApprox(w0));
    QCOMPARE(lastSnapshot(snapshots).step, 0L);

    // A new seed gives other weights.
    sessions.clear();
    const auto seed = c.resetWeights(true);
    QVERIFY(seed != 0);
    QVERIFY(snapshots.wait(5000));
    QCOMPARE(sessions.size(), 1);
    QVERIFY(sessions.last().at(0).value<widgets::TrainingSessionInfo>().label.contains(
        QStringLiteral("seed %1").arg(seed)));
    QTRY_VERIFY(!doc.weights().at(2).at("W").isApprox(w0));
}

void TestTrainingWorker::divergenceStopsAndIsReported()
{
    widgets::GraphDocument doc;
    engine::Project p = example("regression_plane.json");
    p.training.optimizer.type = "sgd";
    p.training.optimizer.learningRate = 1e4;
    doc.load(p);
    widgets::TrainingPanel panel;
    panel.setDocument(&doc);
    QSignalSpy finished(panel.controller(), &TrainingController::finished);
    panel.train();
    QVERIFY(finished.wait(30000));
    const auto outcome = finished.at(0).at(0).value<widgets::TrainingOutcome>();
    QCOMPARE(outcome.result.reason, engine::StopReason::Diverged);
    QVERIFY(outcome.weights.empty());
    QVERIFY(doc.weights().empty()); // NaN weights are not stored
    QVERIFY(panel.statusText().contains(QStringLiteral("diverged")));
    QVERIFY(panel.statusText().contains(QStringLiteral("learning rate")));
    QVERIFY(!panel.controller()->canResume());
}

void TestTrainingWorker::badDatasetFails()
{
    engine::Project p = example("mlp_xor.json");
    p.dataset.source = "csv";
    p.dataset.path = "does-not-exist.csv";
    TrainingController c;
    QSignalSpy failed(&c, &TrainingController::failed);
    QSignalSpy finished(&c, &TrainingController::finished);
    c.train(p, QDir::tempPath());
    QVERIFY(failed.wait(10000));
    QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("does-not-exist.csv")));
    QVERIFY(waitForState(c, State::Idle));
    QCOMPARE(finished.size(), 0);
    QVERIFY(!c.hasSession());
}

void TestTrainingWorker::destroyingMidTrainingDoesNotHang()
{
    auto c = std::make_unique<TrainingController>();
    QSignalSpy snapshots(c.get(), &TrainingController::snapshotReady);
    c->train(endlessXor());
    QVERIFY(snapshots.wait(10000));
    QElapsedTimer t;
    t.start();
    c.reset();
    QVERIFY2(t.elapsed() < 1000, qPrintable(QString::number(t.elapsed())));

    // Also while paused, and right after train() before the worker even started.
    c = std::make_unique<TrainingController>();
    QSignalSpy snapshots2(c.get(), &TrainingController::snapshotReady);
    c->train(endlessXor());
    QVERIFY(snapshots2.wait(10000));
    c->pause();
    QVERIFY(waitForState(*c, State::Paused));
    t.restart();
    c.reset();
    QVERIFY(t.elapsed() < 1000);

    c = std::make_unique<TrainingController>();
    c->train(endlessXor());
    t.restart();
    c.reset();
    QVERIFY(t.elapsed() < 1000);
}

void TestTrainingWorker::closingTheWindowMidTrainingDoesNotHang()
{
    widgets::GraphDocument doc;
    doc.load(endlessXor());
    auto window = std::make_unique<QMainWindow>();
    auto* panel = new widgets::TrainingPanel;
    window->setCentralWidget(panel);
    window->statusBar()->addPermanentWidget(panel->createProgressWidget(window.get()));
    panel->setDocument(&doc);
    window->show();
    QSignalSpy snapshots(panel->controller(), &TrainingController::snapshotReady);
    panel->train();
    QVERIFY(snapshots.wait(10000));
    QVERIFY(snapshots.wait(10000));
    QVERIFY(panel->controller()->isRunning());
    QElapsedTimer t;
    t.start();
    window->close();
    window.reset();
    QVERIFY2(t.elapsed() < 1000, qPrintable(QString::number(t.elapsed())));
}

void TestTrainingWorker::continueAfterStopUsesTheEditedLearningRate()
{
    engine::Project p = endlessXor();
    p.training.optimizer.type = "sgd";
    p.training.optimizer.learningRate = 0.05;
    p.training.schedule = {};
    widgets::GraphDocument doc;
    doc.load(p);
    QUndoStack undo;
    widgets::TrainingPanel panel;
    panel.setDocument(&doc);
    panel.setUndoStack(&undo);
    widgets::ProjectSettingsPanel settings(&doc, &undo);
    TrainingController* c = panel.controller();
    QSignalSpy snapshots(c, &TrainingController::snapshotReady);

    // Run, stop, and edit the rate in the project settings: the Training dock's box follows
    // (with its signals blocked), so Continue must train at what the box now shows.
    const auto runAndStop = [&] {
        snapshots.clear();
        QVERIFY(snapshots.wait(10000));
        QVERIFY(c->stop(10000));
        QVERIFY(c->canResume());
    };
    panel.train();
    runAndStop();
    QCOMPARE(lastSnapshot(snapshots).learningRate, 0.05);
    settings.learningRateSpin()->setValue(0.25);
    QCOMPARE(doc.trainingConfig().optimizer.learningRate, 0.25);
    QCOMPARE(panel.learningRateEdit()->value(), 0.25);
    snapshots.clear();
    panel.train(); // Continue
    QVERIFY(snapshots.wait(10000));
    QVERIFY(c->runId() == 1); // the same session, resumed
    QCOMPARE(lastSnapshot(snapshots).learningRate, 0.25);
    QVERIFY(c->stop(10000));

    // Step from a stopped run uses the edited rate too.
    settings.learningRateSpin()->setValue(0.125);
    QCOMPARE(panel.learningRateEdit()->value(), 0.125);
    snapshots.clear();
    panel.step();
    QVERIFY(snapshots.wait(10000));
    QCOMPARE(lastSnapshot(snapshots).learningRate, 0.125);
    QVERIFY(waitForState(*c, State::Paused));
    QVERIFY(c->stop(10000));

    // The live box, edited by hand, still wins over the stored rate.
    panel.learningRateEdit()->setValue(0.0625);
    snapshots.clear();
    panel.train();
    QVERIFY(snapshots.wait(10000));
    QCOMPARE(lastSnapshot(snapshots).learningRate, 0.0625);
    QVERIFY(c->stop(10000));
}

void TestTrainingWorker::inspectorShowsTheTooLargeLessonRate()
{
    // The learning-rate lesson's "too large" variant diverges at 500; a field clamped at 10
    // showed (and on the next edit stored) another rate than the one the run uses.
    const QByteArray root = qgetenv("NETCANVAS_SOURCE_DIR");
    const std::string file = (root.isEmpty() ? std::string(".") : root.toStdString())
        + "/resources/lessons/lr_too_large.json";
    const engine::Project p = engine::loadProject(file);
    QCOMPARE(p.training.optimizer.learningRate, 500.0);
    widgets::GraphDocument doc;
    doc.load(p);
    QUndoStack undo;
    widgets::ProjectSettingsPanel settings(&doc, &undo);
    widgets::TrainingPanel panel;
    panel.setDocument(&doc);
    QCOMPARE(settings.learningRateSpin()->value(), 500.0);
    QCOMPARE(panel.learningRateEdit()->value(), 500.0);
    QCOMPARE(undo.count(), 0); // showing it pushed no clamping edit
    QCOMPARE(doc.trainingConfig().optimizer.learningRate, 500.0);
    // The same ceiling as the inspector, so a rate typed there is one the live box can show.
    settings.learningRateSpin()->setValue(1000);
    QCOMPARE(doc.trainingConfig().optimizer.learningRate, 1000.0);
    QCOMPARE(panel.learningRateEdit()->value(), 1000.0);
}

void TestTrainingWorker::aRunOfHoursIsWarnedInTheProgressText()
{
    // 16,000 mini-batches of one sample per epoch, a million epochs: far beyond an hour.
    engine::Project p = example("mlp_xor.json");
    p.dataset.samples = 20000;
    p.training.batchSize = 1;
    p.training.epochs = 1'000'000;
    widgets::GraphDocument doc;
    doc.load(p);
    widgets::TrainingPanel panel;
    panel.resize(1200, 500);
    panel.setDocument(&doc);
    TrainingController* c = panel.controller();
    auto* progress = panel.findChild<widgets::TrainingProgressWidget*>();
    QVERIFY(progress);
    QSignalSpy warnings(c, &TrainingController::longRunWarning);
    panel.trainAction()->trigger();
    // The same words as netcanvas-train's "warning: this run will take about ...".
    QTRY_VERIFY2(progress->text().contains("Warning: this run will take about"),
        qPrintable(progress->text()));
    QCOMPARE(warnings.size(), 1);
    const QString text = warnings.first().first().toString();
    QVERIFY2(text.startsWith("this run will take about") && text.contains("1000000 epochs"),
        qPrintable(text));
    // Later snapshots keep it in view while the run goes on.
    QSignalSpy snapshots(c, &TrainingController::snapshotReady);
    QVERIFY(snapshots.wait(10000));
    QTest::qWait(300); // past the widget's text interval, so a new progress line is written
    QVERIFY(snapshots.wait(10000));
    QVERIFY2(progress->text().contains("Warning: " + text), qPrintable(progress->text()));
    if (const QString shot = qEnvironmentVariable("NETCANVAS_SHOT_DIR"); !shot.isEmpty())
        panel.grab().save(shot + "/consent-long-run-warning.png");
    QVERIFY(c->stop());
    QVERIFY(waitForState(*c, State::Ready) || waitForState(*c, State::Idle));
    QTRY_VERIFY2(!progress->text().contains("Warning"), qPrintable(progress->text()));
    QCOMPARE(warnings.size(), 1);
}

void TestTrainingWorker::aShortRunIsNotWarned()
{
    engine::Project p = example("mlp_xor.json");
    p.training.epochs = 20; // 200 mini-batches: well under a second
    TrainingController c;
    widgets::TrainingProgressWidget progress(&c);
    QSignalSpy warnings(&c, &TrainingController::longRunWarning);
    QSignalSpy finished(&c, &TrainingController::finished);
    c.train(p);
    QVERIFY(finished.wait(60000));
    QCOMPARE(warnings.size(), 0);
    QVERIFY2(!progress.text().contains("Warning"), qPrintable(progress.text()));
    QVERIFY(progress.text().startsWith("Epoch 20/20"));
}

QTEST_MAIN(TestTrainingWorker)
#include "tst_training_worker.moc"
