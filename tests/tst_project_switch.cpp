// Everything the training area shows belongs to the open project: opening another lesson,
// variant, example, file or File > New leaves no view, text or run of the previous one.
#include "QuietWindow.h"
#include "document/GraphDocument.h"
#include "plots/ConfusionMatrixView.h"
#include "plots/DecisionBoundaryView.h"
#include "plots/GradientFlowPlot.h"
#include "plots/LossPlot.h"
#include "plots/NeuronView.h"
#include "plots/TrainingPanel.h"
#include "plots/WeightHeatmap.h"
#include "plots/WeightHistogramView.h"
#include "teaching/StepThroughPanel.h"
#include "training/TrainingController.h"
#include "training/TrainingProgressWidget.h"
#include "training/TrainingWorker.h"

#include <nlohmann/json.hpp>
#include <qcustomplot.h>

#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

namespace {

using TestWindow = guitest::QuietWindow;

/// Trains the open project to its end through the Train action.
using guitest::trainToEnd;

/// The names of every legend entry of the loss plot's graphs, current and earlier runs.
QStringList lossGraphNames(const widgets::LossPlot* plot)
{
    QStringList names;
    for (int i = 0; i < plot->plot()->graphCount(); ++i)
        names << plot->plot()->graph(i)->name();
    return names;
}

/// The XOR example trained to its end and saved in `dir`; its path, or empty on failure.
QString trainAndSaveXor(MainWindow& w, const QTemporaryDir& dir)
{
    if (!w.openExample(QStringLiteral(":/examples/mlp_xor.json")).isEmpty())
        return {};
    trainToEnd(w);
    const QString file = dir.filePath(QStringLiteral("trained_xor.json"));
    return w.saveToFile(file).isEmpty() ? file : QString();
}

QStringList progressTexts(const MainWindow& w)
{
    QStringList texts;
    for (const auto* p : w.findChildren<widgets::TrainingProgressWidget*>())
        texts << p->text();
    return texts;
}

/// Forward and backward through every node, then Update.
void walkAndUpdate(widgets::StepThroughPanel* step)
{
    QTRY_VERIFY_WITH_TIMEOUT(step->sampleCount() > 0, 20000);
    for (int i = 0; i < 20 && step->forwardButton()->isEnabled(); ++i)
        QTest::mouseClick(step->forwardButton(), Qt::LeftButton);
    for (int i = 0; i < 20 && step->backwardButton()->isEnabled(); ++i)
        QTest::mouseClick(step->backwardButton(), Qt::LeftButton);
    QVERIFY(step->updateButton()->isEnabled());
    QTest::mouseClick(step->updateButton(), Qt::LeftButton);
}

/// One finished run of `epochs` epochs with losses from 1 down.
void feedRun(widgets::LossPlot& plot, int runId, int epochs)
{
    widgets::TrainingSessionInfo info;
    info.runId = runId;
    info.label = QStringLiteral("lr 0.01, adam, batch 8, seed 1");
    info.totalEpochs = epochs;
    plot.startSession(info);
    widgets::TrainingSnapshot s;
    s.runId = runId;
    s.trigger = widgets::SnapshotTrigger::Finished;
    for (int e = 1; e <= epochs; ++e) {
        widgets::EpochPoint p;
        p.epoch = e;
        p.trainLoss = 1.0 / e;
        s.epochs.push_back(p);
    }
    plot.addSnapshot(s);
}

} // namespace

class TstProjectSwitch : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void anotherLessonShowsNothingOfTheFirst();
    void variantShowsNoTrainedBoundaryBeforeTraining();
    void stepThroughFollowsTheOpenProject();
    void stepThroughSaysOnceWhetherWeightsWereStored();
    void lossPlotTimeFitsTheCurrentRun();
    void savedTrainedProjectReopensTrained();
    void reopeningTheSameFileShowsItsRunOnce();
    void reopenedTrainedProjectShowsItsDataViews();
    void reopenedTrainedProjectTrainsOnFromItsWeights();
    void aRunContinuedInTheWindowEqualsTheUninterruptedOne();
};

void TstProjectSwitch::initTestCase()
{
    QCoreApplication::setOrganizationName(QStringLiteral("NetCanvasTest"));
    QStandardPaths::setTestModeEnabled(true);
}

void TstProjectSwitch::anotherLessonShowsNothingOfTheFirst()
{
    TestWindow w;
    w.resize(1366, 768);
    w.show();
    widgets::TrainingPanel* panel = w.trainingPanel();
    QCOMPARE(w.openLesson(QStringLiteral(":/lessons/perceptron.json")), QString());
    trainToEnd(w);
    // Lesson A trained: every view shows it (so the checks below can fail).
    QVERIFY(panel->boundary()->hasBoundary());
    QVERIFY(panel->heatmap()->tensorChoice()->count() > 0);
    QVERIFY(panel->heatmap()->cellValue(0, 0).has_value());
    QVERIFY(panel->histogram()->historyCount() > 0);
    QVERIFY(panel->gradientFlow()->seriesCount() > 0);
    QVERIFY(panel->confusion()->matrix().has_value());
    QVERIFY(panel->statusText().startsWith(QStringLiteral("Done")));
    QVERIFY(progressTexts(w).join(' ').contains(QStringLiteral("Epoch 40/40")));
    QCOMPARE(panel->lossPlot()->runCount(), 1);
    QVERIFY(panel->lossPlot()->epochPointCount() > 0);

    QCOMPARE(w.openLesson(QStringLiteral(":/lessons/hidden_layer.json")), QString());
    QVERIFY(!panel->boundary()->hasBoundary());
    QVERIFY(!panel->boundary()->valueAt(0.5, 0.5).has_value());
    QCOMPARE(panel->heatmap()->tensorChoice()->count(), 0);
    QVERIFY(!panel->heatmap()->cellValue(0, 0).has_value());
    QCOMPARE(panel->histogram()->historyCount(), 0);
    QCOMPARE(panel->gradientFlow()->seriesCount(), 0);
    QVERIFY(!panel->confusion()->matrix().has_value());
    QCOMPARE(panel->neurons()->layerCount(), 0);
    QCOMPARE(panel->statusText(), QString());
    for (const QString& text : progressTexts(w))
        QCOMPARE(text, QStringLiteral("Not trained"));
    QCOMPARE(panel->lossPlot()->runCount(), 0);
    QCOMPARE(lossGraphNames(panel->lossPlot()), QStringList());

    // B's own run is named after B.
    trainToEnd(w);
    QCOMPARE(panel->lossPlot()->runCount(), 1);
    QVERIFY(panel->boundary()->hasBoundary());

    // Back to A by File > New: nothing of B either.
    w.newDocument();
    QVERIFY(!panel->boundary()->hasBoundary());
    QCOMPARE(panel->lossPlot()->runCount(), 0);
    QCOMPARE(panel->statusText(), QString());
    for (const QString& text : progressTexts(w))
        QCOMPARE(text, QStringLiteral("Not trained"));
}

void TstProjectSwitch::variantShowsNoTrainedBoundaryBeforeTraining()
{
    TestWindow w;
    w.show();
    widgets::TrainingPanel* panel = w.trainingPanel();
    QCOMPARE(w.openLesson(QStringLiteral(":/lessons/perceptron.json")), QString());
    trainToEnd(w);
    QVERIFY(panel->boundary()->hasBoundary());

    QCOMPARE(w.openLessonVariant(QStringLiteral("xor")), QString());
    QVERIFY(!panel->boundary()->hasBoundary());
    QCOMPARE(panel->heatmap()->tensorChoice()->count(), 0);
    QCOMPARE(panel->statusText(), QString());
    // The lesson's variants share one plot: AND's run stays, named after its variant, so that
    // it can be told from XOR's run with the same settings.
    QCOMPARE(panel->lossPlot()->runCount(), 1);
    trainToEnd(w);
    QCOMPARE(panel->lossPlot()->runCount(), 2);
    const QString names = lossGraphNames(panel->lossPlot()).join('\n');
    QVERIFY2(names.contains(QStringLiteral("Perceptron on AND (lr 0.1")), qPrintable(names));
    QVERIFY2(panel->lossPlot()->csvText().contains(QStringLiteral("Perceptron on XOR (lr 0.1")),
        qPrintable(panel->lossPlot()->csvText().left(400)));
}

void TstProjectSwitch::stepThroughFollowsTheOpenProject()
{
    TestWindow w;
    w.show();
    QCOMPARE(w.openLesson(QStringLiteral(":/lessons/perceptron.json")), QString());
    trainToEnd(w); // a session at learning rate 0.1

    QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
    QCOMPARE(w.trainingPanel()->learningRateEdit()->value(), 0.03);
    w.stepThroughDock()->show();
    auto* step = w.stepThroughDock()->findChild<widgets::StepThroughPanel*>();
    QVERIFY(step);
    walkAndUpdate(step);
    const QString text = step->explanation();
    // The rate the box shows, not the previous project's session's.
    QVERIFY2(text.contains(QStringLiteral("lr = 0.03")), qPrintable(text.right(600)));
    QVERIFY2(!text.contains(QStringLiteral("lr = 0.1")), qPrintable(text.right(600)));
    // The weights of a fresh project are stored, and only one of the two sentences is said.
    QVERIFY2(step->problem().isEmpty(), qPrintable(step->problem()));
    QVERIFY(text.contains(QStringLiteral("The new weights are stored")));
    QVERIFY(!w.document()->weights().empty());
}

void TstProjectSwitch::stepThroughSaysOnceWhetherWeightsWereStored()
{
    TestWindow w;
    w.show();
    QCOMPARE(w.openLesson(QStringLiteral(":/lessons/perceptron.json")), QString());
    trainToEnd(w);
    // Another architecture than the session's: the session cannot take the update's weights.
    widgets::GraphDocument* doc = w.document();
    engine::NodeId neuron = -1;
    for (engine::NodeId id : doc->nodeIds())
        if (doc->nodeName(id) == QStringLiteral("neuron"))
            neuron = id;
    nlohmann::json attrs = doc->attributes(neuron);
    attrs["activation"] = "sigmoid";
    doc->setAttributes(neuron, attrs);
    w.stepThroughDock()->show();
    auto* step = w.stepThroughDock()->findChild<widgets::StepThroughPanel*>();
    walkAndUpdate(step);
    QVERIFY2(step->problem().contains(QStringLiteral("not stored")), qPrintable(step->problem()));
    QVERIFY2(!step->explanation().contains(QStringLiteral("are stored")),
        qPrintable(step->explanation().right(300)));
}

void TstProjectSwitch::lossPlotTimeFitsTheCurrentRun()
{
    widgets::LossPlot plot;
    plot.resize(500, 350);
    plot.show();
    feedRun(plot, 1, 150);
    QCOMPARE(plot.plot()->xAxis->range().upper, 150.0);
    // A 2-epoch run after it gets the whole width, not the left edge of 0..150.
    feedRun(plot, 2, 2);
    QCOMPARE(plot.runCount(), 2);
    QVERIFY2(plot.plot()->xAxis->range().upper <= 2.0,
        qPrintable(QString::number(plot.plot()->xAxis->range().upper)));
    // The losses of the earlier run within those 2 epochs (1 and 0.5) are on the axis.
    QVERIFY(plot.plot()->yAxis->range().upper >= 1.0);
}

void TstProjectSwitch::savedTrainedProjectReopensTrained()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TestWindow w;
    w.show();
    widgets::TrainingPanel* panel = w.trainingPanel();
    QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
    trainToEnd(w);
    const int epochs = panel->lossPlot()->epochPointCount();
    QVERIFY(epochs > 0);
    const QString heatmapKeys = panel->heatmap()->tensorChoice()->itemText(0);
    const QString file = dir.filePath(QStringLiteral("trained_xor.json"));
    QCOMPARE(w.saveToFile(file), QString());

    QCOMPARE(w.openLesson(QStringLiteral(":/lessons/perceptron.json")), QString());
    QCOMPARE(panel->heatmap()->tensorChoice()->count(), 0);
    QCOMPARE(panel->lossPlot()->runCount(), 0);

    QCOMPARE(w.openFile(file), QString());
    // Trained, and says so once: every progress display, not the status line beside them.
    const QStringList progress = progressTexts(w);
    QVERIFY(!progress.isEmpty());
    for (const QString& text : progress)
        QVERIFY2(
            text.startsWith(QStringLiteral("Trained: %1 epochs, validation accuracy ").arg(epochs)),
            qPrintable(text));
    QCOMPARE(panel->statusText(), QString());
    // The stored weights in the weight views.
    QVERIFY(panel->heatmap()->tensorChoice()->count() > 0);
    QCOMPARE(panel->heatmap()->tensorChoice()->itemText(0), heatmapKeys);
    QVERIFY(panel->heatmap()->cellValue(0, 0).has_value());
    QVERIFY(panel->histogram()->historyCount() > 0);
    // The run's curves, as the current (finished) run.
    QCOMPARE(panel->lossPlot()->runCount(), 1);
    QCOMPARE(panel->lossPlot()->epochPointCount(), epochs);

    // A new run after it: the stored one stays as the earlier run of the same project.
    trainToEnd(w);
    QCOMPARE(panel->lossPlot()->runCount(), 2);
    QVERIFY(panel->statusText().startsWith(QStringLiteral("Done")));
}

void TstProjectSwitch::reopeningTheSameFileShowsItsRunOnce()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TestWindow w;
    w.show();
    widgets::TrainingPanel* panel = w.trainingPanel();
    const QString file = trainAndSaveXor(w, dir);
    QVERIFY(!file.isEmpty());

    QCOMPARE(w.openFile(file), QString());
    QCOMPARE(panel->lossPlot()->runCount(), 1);
    // The same file again (File > Open or Recent without opening another in between): its run
    // is the same run, not a second one beside it.
    QCOMPARE(w.openFile(file), QString());
    QCOMPARE(panel->lossPlot()->runCount(), 1);
    // A run trained in the window since stays for comparison; the file's run is still shown once.
    trainToEnd(w);
    QCOMPARE(w.openFile(file), QString());
    QCOMPARE(panel->lossPlot()->runCount(), 2);
}

void TstProjectSwitch::reopenedTrainedProjectShowsItsDataViews()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TestWindow w;
    w.show();
    widgets::TrainingPanel* panel = w.trainingPanel();
    QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
    trainToEnd(w);
    QVERIFY(panel->boundary()->hasBoundary());
    const int neuronLayers = panel->neurons()->layerCount();
    QVERIFY(neuronLayers > 0);
    const QString file = dir.filePath(QStringLiteral("trained_xor.json"));
    QCOMPARE(w.saveToFile(file), QString());

    QCOMPARE(w.openLesson(QStringLiteral(":/lessons/perceptron.json")), QString());
    QVERIFY(!panel->boundary()->hasBoundary());

    // The views that need the data (decision boundary, neurons, confusion matrix) show the
    // stored weights over the project's data without training again: they load it in the
    // background, so they fill shortly after the file opens.
    QCOMPARE(w.openFile(file), QString());
    QTRY_VERIFY_WITH_TIMEOUT(panel->boundary()->hasBoundary(), 20000);
    QCOMPARE(panel->neurons()->layerCount(), neuronLayers);
    QVERIFY(panel->confusion()->matrix().has_value());
    // Still not a session: the progress line says trained, and Train starts a new run beside
    // the stored one.
    QVERIFY(!panel->controller()->hasSession());
    QVERIFY2(progressTexts(w).join(' ').startsWith(QStringLiteral("Trained: ")),
        qPrintable(progressTexts(w).join(' ')));
    QCOMPARE(panel->lossPlot()->runCount(), 1);
    trainToEnd(w);
    QCOMPARE(panel->lossPlot()->runCount(), 2);

    // Another project before the data arrives: nothing of the file shows up later.
    QSignalSpy computed(
        panel->controller()->worker(), &widgets::TrainingWorker::storedWeightsEvaluated);
    QCOMPARE(w.openFile(file), QString());
    QCOMPARE(w.openLesson(QStringLiteral(":/lessons/perceptron.json")), QString());
    QTRY_COMPARE_WITH_TIMEOUT(computed.size(), 1, 20000);
    QCoreApplication::processEvents();
    QVERIFY(!panel->boundary()->hasBoundary());
}

void TstProjectSwitch::reopenedTrainedProjectTrainsOnFromItsWeights()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TestWindow w;
    w.show();
    widgets::TrainingPanel* panel = w.trainingPanel();
    const QString file = trainAndSaveXor(w, dir);
    QVERIFY(!file.isEmpty());

    // Opened again, Train continues from the stored weights (fine-tuning): its first epoch's
    // loss is the trained network's, not the ~0.69 of fresh weights on XOR.
    auto firstEpochLoss = [&w, panel] {
        engine::TrainingConfig config = w.document()->project().training;
        config.epochs = 1;
        w.document()->setTrainingConfig(config);
        QSignalSpy snapshots(panel->controller(), &widgets::TrainingController::snapshotReady);
        trainToEnd(w);
        for (const QList<QVariant>& args : snapshots) {
            const auto s = args.at(0).value<widgets::TrainingSnapshot>();
            if (!s.epochs.empty())
                return s.epochs.front().trainLoss;
        }
        return -1.0;
    };
    QCOMPARE(w.openFile(file), QString());
    const double continued = firstEpochLoss();
    QVERIFY2(continued >= 0 && continued < 0.3, qPrintable(QString::number(continued)));
    // Reset weights first: afresh.
    QCOMPARE(w.openFile(file), QString());
    panel->resetAction()->trigger();
    const double fresh = firstEpochLoss();
    QVERIFY2(fresh > 0.5, qPrintable(QString::number(fresh)));
}

// 10 epochs trained and saved, the file reopened and trained 10 more: the weights of 20 epochs in
// one run, the progress saying epoch 20 of 20 and the saved curves holding all 20 epochs. Before
// the file kept the optimizer state and the epoch, Train restarted Adam's moments and the
// shuffling.
void TstProjectSwitch::aRunContinuedInTheWindowEqualsTheUninterruptedOne()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TestWindow w;
    w.show();
    auto openWithEpochs = [&w](const QString& file, int epochs) {
        const QString error = file.startsWith(':') ? w.openExample(file) : w.openFile(file);
        engine::TrainingConfig config = w.document()->project().training;
        config.epochs = epochs;
        w.document()->setTrainingConfig(config);
        return error;
    };
    QCOMPARE(openWithEpochs(QStringLiteral(":/examples/mlp_xor.json"), 20), QString());
    trainToEnd(w);
    const engine::WeightMap whole = w.document()->project().weights;
    QVERIFY(!whole.empty());

    QCOMPARE(openWithEpochs(QStringLiteral(":/examples/mlp_xor.json"), 10), QString());
    trainToEnd(w);
    const QString file = dir.filePath(QStringLiteral("ten_epochs.json"));
    QCOMPARE(w.saveToFile(file), QString());
    QCOMPARE(w.openFile(file), QString());
    trainToEnd(w);
    QVERIFY2(progressTexts(w).join(' ').contains(QStringLiteral("Epoch 20/20")),
        qPrintable(progressTexts(w).join(" | ")));
    const engine::Project& continued = w.document()->project();
    QCOMPARE(int(continued.history.epochs.size()), 20);
    QCOMPARE(continued.history.epochs.back().epoch, 20);
    double largest = 0;
    for (const auto& [id, params] : whole)
        for (const auto& [name, value] : params)
            largest = std::max(
                largest, double((value - continued.weights.at(id).at(name)).cwiseAbs().maxCoeff()));
    QVERIFY2(largest < 1e-6, qPrintable(QStringLiteral("largest difference %1").arg(largest)));
}

QTEST_MAIN(TstProjectSwitch)
#include "tst_project_switch.moc"
