// Saving a project keeps its timeline (issue 17): every run's curves (the first run and its
// forks) and, with File > Save with Checkpoints, their checkpoints. Reopening shows the same
// curves, lists the same runs and scrubs to the same numbers; without checkpoints the curves
// come back and the marker stays at the latest epoch. Malformed runs are reported by place.

#include "QuietWindow.h"
#include "document/Autosave.h"
#include "document/GraphDocument.h"
#include "document/RecoveryStore.h"
#include "export/ExportActions.h"
#include "plots/ConfusionMatrixView.h"
#include "plots/DecisionBoundaryView.h"
#include "plots/LossPlot.h"
#include "plots/TimelineScrubber.h"
#include "plots/TrainingPanel.h"
#include "project/Project.h"
#include "training/RunTimeline.h"
#include "training/TrainingController.h"
#include "training/TrainingProgressWidget.h"

#include <QFile>
#include <QFileInfo>
#include <QMenu>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <qcustomplot.h>

#include <cmath>
#include <limits>
#include <map>

using TestWindow = guitest::QuietWindow;

namespace {

using guitest::trainToEnd;

/// The XOR example in `w`, shown at 1366x768, trained `epochs` epochs.
void openXorAndTrain(MainWindow& w, int epochs)
{
    w.resize(1366, 768);
    w.show();
    QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
    engine::TrainingConfig config = w.document()->project().training;
    config.epochs = epochs;
    w.document()->setTrainingConfig(config);
    trainToEnd(w);
}

QAction* menuAction(widgets::TimelineScrubber* scrubber, const QString& text)
{
    for (QAction* a : scrubber->contextMenu()->actions())
        if (a->text().startsWith(text))
            return a;
    return nullptr;
}

/// What the boundary and confusion views show once the scrubber is at (run, epoch).
std::vector<double> numbersAt(widgets::TrainingPanel* panel, int run, int epoch)
{
    QSignalSpy shown(panel->timeline(), &widgets::RunTimeline::checkpointShown);
    panel->scrubber()->scrubTo(run, epoch);
    if (!QTest::qWaitFor(
            [&] {
                return !shown.isEmpty() && shown.last().at(0).toInt() == run
                    && shown.last().at(1).toInt() == epoch;
            },
            20000))
        return {};
    std::vector<double> numbers;
    for (double x : {-0.8, -0.3, 0.2, 0.7})
        for (double y : {-0.6, 0.1, 0.9})
            numbers.push_back(panel->boundary()->valueAt(x, y).value_or(-1));
    if (const auto& m = panel->confusion()->matrix())
        for (long c : m->counts)
            numbers.push_back(double(c));
    return numbers;
}

/// Every number of a run's epoch curves, NaN where a value is absent.
std::vector<double> numbersOf(const std::vector<engine::EpochRecord>& curves)
{
    const double none = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> n;
    for (const engine::EpochRecord& r : curves)
        n.insert(n.end(),
            {double(r.epoch), r.trainLoss, r.trainAccuracy.value_or(none),
                r.validationLoss.value_or(none), r.validationAccuracy.value_or(none)});
    return n;
}

bool sameNumbers(const std::vector<double>& a, const std::vector<double>& b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]))))
            return false;
    return true;
}

/// The loss plot's epoch curves ("series,x,value" rows of its CSV), run by run in plot order:
/// what is drawn, without the run numbers (which a reopened file assigns anew).
QList<QStringList> plottedEpochCurves(widgets::LossPlot* plot)
{
    std::map<int, QStringList> byRun;
    const QStringList lines = plot->csvText().split('\n', Qt::SkipEmptyParts);
    for (const QString& line : lines.mid(1)) {
        const QStringList cells = line.split(',');
        const QString series = cells.value(cells.size() - 3);
        if (series == QLatin1String("train_loss_batch"))
            continue;
        byRun[cells[0].toInt()] << cells.mid(cells.size() - 3).join(',');
    }
    QList<QStringList> curves;
    for (const auto& [run, rows] : byRun)
        curves << rows;
    return curves;
}

/// The run numbers of the loss plot's runs (its CSV's first column), in plot order.
QList<int> plottedRunIds(widgets::LossPlot* plot)
{
    QList<int> ids;
    const QStringList lines = plot->csvText().split('\n', Qt::SkipEmptyParts);
    for (const QString& line : lines.mid(1)) {
        bool number = false;
        const int id = line.section(',', 0, 0).toInt(&number);
        if (number && (ids.isEmpty() || ids.back() != id))
            ids << id;
    }
    return ids;
}

/// The names in the loss plot's legends ("run 1: lr 0.03, ...").
QStringList legendNames(widgets::LossPlot* plot)
{
    QStringList names;
    for (int i = 0; i < plot->plot()->graphCount(); ++i)
        if (plot->plot()->graph(i)->name().startsWith(QStringLiteral("run ")))
            names << plot->plot()->graph(i)->name().section(':', 0, 0);
    return names;
}

nlohmann::json readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return nlohmann::json::parse(f.readAll().toStdString());
}

QString writeJson(const QString& path, const nlohmann::json& j)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    f.write(QByteArray::fromStdString(j.dump()));
    return path;
}

/// loadProject()'s message for `j`, empty when it loads.
QString loadError(const QString& path, const nlohmann::json& j)
{
    writeJson(path, j);
    try {
        engine::loadProject(QFile::encodeName(path).toStdString());
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace

class TstSavedRuns : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("NetCanvasTest"));
        QStandardPaths::setTestModeEnabled(true);
    }
    void reopeningShowsTheSameRunsAndEpochs();
    void oldFilesLoadUnchanged();
    void recoveryAndExportOpenAfterTheNetworkChanged();
    void checkpointsOfAnotherNetworkAreNotSaved();
    void aContinuedOldFileShowsAllItsEpochs();
    void aReopenedTrainedFileSaysSoOnce();
    void reopenedRunsKeepTheirNumbers();
};

void TstSavedRuns::reopeningShowsTheSameRunsAndEpochs()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TestWindow w;
    w.resize(1366, 768);
    w.show();
    widgets::TrainingPanel* panel = w.trainingPanel();
    widgets::RunTimeline* timeline = panel->timeline();
    widgets::TimelineScrubber* scrubber = panel->scrubber();
    widgets::TrainingController* controller = panel->controller();

    // A run of 12 epochs, and a fork from its epoch 3 with a higher learning rate.
    QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
    engine::TrainingConfig config = w.document()->project().training;
    config.epochs = 12;
    w.document()->setTrainingConfig(config);
    trainToEnd(w);
    const int first = controller->runId();
    QVERIFY(!numbersAt(panel, first, 3).empty());
    config.optimizer.learningRate = 0.1;
    w.document()->setTrainingConfig(config);
    QSignalSpy finished(controller, &widgets::TrainingController::finished);
    menuAction(scrubber, QStringLiteral("Continue from here"))->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(finished.size() >= 1 && !controller->isRunning(), 60000);
    const int fork = controller->runId();
    QCOMPARE(timeline->runs(), (std::vector<int> {first, fork}));
    QCOMPARE(timeline->parentOf(fork), first);
    QCOMPARE(timeline->forkedAt(fork), 3);

    const std::vector<int> firstEpochs = timeline->epochs(first);
    const std::vector<int> forkEpochs = timeline->epochs(fork);
    QCOMPARE(int(firstEpochs.size()), 13);
    QCOMPARE(forkEpochs.front(), 3);
    const std::vector<double> firstCurves = numbersOf(timeline->curves(first));
    const std::vector<double> forkCurves = numbersOf(timeline->curves(fork));
    QCOMPARE(int(timeline->curves(first).size()), 12);
    QCOMPARE(timeline->curves(fork).front().epoch, 4);
    const QList<QStringList> plotted = plottedEpochCurves(panel->lossPlot());
    QCOMPARE(plotted.size(), 2);
    const QString firstLabel = timeline->label(first);
    const QString forkLabel = timeline->label(fork);
    QVERIFY(firstLabel != forkLabel); // the labels below tell the runs apart
    const std::vector<double> firstAt6 = numbersAt(panel, first, 6);
    const std::vector<double> forkAt8 = numbersAt(panel, fork, 8);
    QVERIFY(!firstAt6.empty() && !forkAt8.empty());
    QVERIFY(firstAt6 != forkAt8); // so the comparisons after reopening can fail
    QVERIFY(firstAt6 != numbersAt(panel, first, 12));

    // Saved with checkpoints, File > New, reopened: the same runs, curves and epochs.
    w.saveCheckpointsAction()->setChecked(true);
    const QString withPath = dir.filePath(QStringLiteral("with.json"));
    QCOMPARE(w.saveToFile(withPath), QString());
    w.newDocument();
    QVERIFY(timeline->allRuns().empty());
    QCOMPARE(panel->lossPlot()->runCount(), 0);
    QCOMPARE(w.openFile(withPath), QString());
    QCOMPARE(panel->lossPlot()->runCount(), 2);
    QCOMPARE(plottedEpochCurves(panel->lossPlot()), plotted);
    std::vector<int> runs = timeline->runs();
    QCOMPARE(int(runs.size()), 2);
    QCOMPARE(runs.back(), controller->runId()); // the file's weights are the fork's
    QCOMPARE(timeline->epochs(runs[0]), firstEpochs);
    QCOMPARE(timeline->epochs(runs[1]), forkEpochs);
    QCOMPARE(timeline->parentOf(runs[1]), runs[0]);
    QCOMPARE(timeline->forkedAt(runs[1]), 3);
    QVERIFY(sameNumbers(numbersOf(timeline->curves(runs[0])), firstCurves));
    QVERIFY(sameNumbers(numbersOf(timeline->curves(runs[1])), forkCurves));
    QVERIFY(menuAction(scrubber, firstLabel));
    QVERIFY(menuAction(scrubber, QStringLiteral("%1 · from epoch 3").arg(forkLabel)));
    QVERIFY(scrubber->isShown());
    QCOMPARE(numbersAt(panel, runs[0], 6), firstAt6);
    QCOMPARE(numbersAt(panel, runs[1], 8), forkAt8);
    if (const QString shots = qEnvironmentVariable("NETCANVAS_SHOTS"); !shots.isEmpty()) {
        for (QCustomPlot* plot : w.findChildren<QCustomPlot*>())
            plot->replot();
        w.grab().save(shots + QStringLiteral("/runsave_reopened_with_checkpoints.png"));
        panel->lossPlot()->grab().save(shots + QStringLiteral("/runsave_loss_plot.png"));
    }
    // A fork of a reopened run names it as its parent.
    QVERIFY(w.document()->project().runs.size() == 2);

    // The choice is remembered.
    {
        TestWindow other;
        QVERIFY(other.saveCheckpointsAction()->isChecked());
        other.saveCheckpointsAction()->setChecked(false);
    }
    QVERIFY(w.saveCheckpointsAction()->isChecked());

    // Without checkpoints: the curves and the run list's runs with the file's weights only;
    // the marker stays at the latest epoch.
    w.saveCheckpointsAction()->setChecked(false);
    const QString withoutPath = dir.filePath(QStringLiteral("without.json"));
    QCOMPARE(w.saveToFile(withoutPath), QString());
    QVERIFY(QFileInfo(withoutPath).size() < QFileInfo(withPath).size() / 2);
    const nlohmann::json without = readJson(withoutPath);
    QCOMPARE(int(without.at("runs").size()), 2);
    for (const auto& run : without.at("runs"))
        QVERIFY(!run.contains("checkpoints"));
    w.newDocument();
    QCOMPARE(w.openFile(withoutPath), QString());
    QCOMPARE(panel->lossPlot()->runCount(), 2);
    QCOMPARE(plottedEpochCurves(panel->lossPlot()), plotted);
    QCOMPARE(int(timeline->allRuns().size()), 2);
    runs = timeline->runs();
    QCOMPARE(int(runs.size()), 1);
    QCOMPARE(timeline->epochs(runs[0]), (std::vector<int> {12}));
    QTRY_VERIFY(scrubber->isShown());
    QVERIFY(scrubber->epochText().startsWith(QStringLiteral("epoch 12")));
    QVERIFY(sameNumbers(numbersOf(timeline->curves(timeline->allRuns()[0])), firstCurves));
    if (const QString shots = qEnvironmentVariable("NETCANVAS_SHOTS"); !shots.isEmpty()) {
        for (QCustomPlot* plot : w.findChildren<QCustomPlot*>())
            plot->replot();
        w.grab().save(shots + QStringLiteral("/runsave_reopened_curves_only.png"));
    }
    // Saving again keeps both runs' curves.
    const QString againPath = dir.filePath(QStringLiteral("again.json"));
    QCOMPARE(w.saveToFile(againPath), QString());
    QVERIFY(readJson(againPath).at("runs") == without.at("runs"));

    // Malformed runs: the message names the file and the place; the open project stays.
    const nlohmann::json good = readJson(withPath);
    const QString bad = dir.filePath(QStringLiteral("bad.json"));
    {
        nlohmann::json j = good;
        j["runs"][1]["parent"] = 7;
        const QString error = loadError(bad, j);
        QVERIFY2(
            error.contains(QStringLiteral("bad.json: runs[1].parent: no earlier run has id 7")),
            qPrintable(error));
        QCOMPARE(w.openFile(bad), error);
        QCOMPARE(w.filePath(), QFileInfo(againPath).absoluteFilePath());
    }
    {
        nlohmann::json j = good;
        nlohmann::json& weights = j["runs"][0]["checkpoints"][1]["weights"];
        const std::string node = weights.begin().key();
        const std::string param = weights[node].begin().key();
        weights[node][param] = {{"shape", {1, 1}}, {"data", {0.5}}};
        const QString error = loadError(bad, j);
        const QString where = QStringLiteral("runs[0].checkpoints[1].weights.%1.%2: shape [1,1] "
                                             "does not match the network's")
                                  .arg(QString::fromStdString(node), QString::fromStdString(param));
        QVERIFY2(error.contains(where), qPrintable(error));
    }
    {
        nlohmann::json j = good;
        nlohmann::json& weights = j["runs"][1]["checkpoints"][2]["weights"];
        engine::WeightMap tensors = engine::weightsFromJson(weights);
        const auto node = tensors.begin();
        const auto param = node->second.begin();
        param->second(0, 0) = std::numeric_limits<float>::quiet_NaN();
        weights = engine::weightsToJson(tensors);
        const QString error = loadError(bad, j);
        const QString where = QStringLiteral("runs[1].checkpoints[2].weights.%1.%2: not a finite")
                                  .arg(node->first)
                                  .arg(QString::fromStdString(param->first));
        QVERIFY2(error.contains(where), qPrintable(error));
    }
    {
        nlohmann::json j = good;
        j["runs"][1]["epochs"][0]["epoch"] = 2; // before its fork at epoch 3
        const QString error = loadError(bad, j);
        QVERIFY2(error.contains(QStringLiteral("runs[1].epochs[0].epoch: expected an epoch after "
                                               "the fork's (3)")),
            qPrintable(error));
    }
    {
        nlohmann::json j = good;
        j["runs"] = nlohmann::json::object();
        QVERIFY(loadError(bad, j).contains(QStringLiteral("runs: expected an array")));
    }
    QCOMPARE(loadError(bad, good), QString()); // the cases above can fail
}

void TstSavedRuns::oldFilesLoadUnchanged()
{
    // A file of the version before "runs" (every example, a trained one too) loads with no runs
    // and is written back without the key.
    QFile example(QStringLiteral(":/examples/mlp_xor.json"));
    QVERIFY(example.open(QIODevice::ReadOnly));
    const nlohmann::json j = nlohmann::json::parse(example.readAll().toStdString());
    QVERIFY(!j.contains("runs"));
    const engine::Project p = engine::Project::fromJson(j);
    QVERIFY(p.runs.empty());
    QVERIFY(!p.toJson().contains("runs"));
    QVERIFY(
        !QString::fromStdString(engine::projectFileText(p)).contains(QStringLiteral("\"runs\"")));
}

// A file saved with checkpoints, reopened, then a trained layer resized: the recovery copy and
// the exported trained project hold the timeline's runs (curves), not the checkpoints the
// document loaded (before, every autosave wrote them all again), and both open.
void TstSavedRuns::recoveryAndExportOpenAfterTheNetworkChanged()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TestWindow w;
    openXorAndTrain(w, 4);
    w.saveCheckpointsAction()->setChecked(true);
    const QString path = dir.filePath(QStringLiteral("xor.json"));
    QCOMPARE(w.saveToFile(path), QString());
    w.saveCheckpointsAction()->setChecked(false);
    w.newDocument();
    QCOMPARE(w.openFile(path), QString());
    QVERIFY(!w.document()->project().runs.empty());

    // The hidden layer resized: its trained weights (and the output's) no longer fit.
    nlohmann::json hidden = w.document()->attributes(2);
    hidden["units"] = 6;
    w.document()->setAttributes(2, hidden);
    w.autosave()->markChanged(); // as the undo stack's change would
    QSignalSpy saved(w.autosave(), &widgets::Autosave::saved);
    w.autosave()->saveNow();
    QCOMPARE(saved.size(), 1);
    const widgets::RecoveryEntry entry
        = widgets::RecoveryStore::read(widgets::RecoveryStore::ownFile());
    QVERIFY(!entry.file.isEmpty());
    QVERIFY(entry.project.contains("runs"));
    // The curves of the timeline, not the checkpoints the document loaded: written every
    // minute on the GUI thread, a copy must stay small (checkpoints can reach 200 MB).
    QCOMPARE(int(entry.project["runs"].size()), 1);
    for (const auto& run : entry.project["runs"]) {
        QVERIFY(!run.contains("checkpoints"));
        QVERIFY(!run.at("epochs").empty());
    }
    QCOMPARE(loadError(dir.filePath(QStringLiteral("recovered.json")), entry.project), QString());

    const QString exported = dir.filePath(QStringLiteral("exported.json"));
    QCOMPARE(w.exportActions()->exportTrainedProject(exported), QString());
    QCOMPARE(loadError(exported, readJson(exported)), QString());
    w.autosave()->discard();
}

// A run of a tanh network, then the activation changed to ReLU and trained again: saved with
// checkpoints, only the ReLU run keeps them (the document's network is what reopened checkpoints
// are shown with), the tanh run keeps its curves.
void TstSavedRuns::checkpointsOfAnotherNetworkAreNotSaved()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TestWindow w;
    openXorAndTrain(w, 3);
    nlohmann::json attributes = w.document()->attributes(2);
    QCOMPARE(attributes.at("activation").get<std::string>(), std::string("tanh"));
    attributes["activation"] = "relu";
    w.document()->setAttributes(2, attributes);
    trainToEnd(w);
    QCOMPARE(int(w.trainingPanel()->timeline()->allRuns().size()), 2);
    w.saveCheckpointsAction()->setChecked(true);
    const QString path = dir.filePath(QStringLiteral("two.json"));
    QCOMPARE(w.saveToFile(path), QString());
    w.saveCheckpointsAction()->setChecked(false);
    const nlohmann::json runs = readJson(path).at("runs");
    QCOMPARE(int(runs.size()), 2);
    QVERIFY(!runs[0].contains("checkpoints") || runs[0]["checkpoints"].empty());
    QVERIFY(!runs[0].at("epochs").empty());
    QVERIFY(runs[1].contains("checkpoints") && !runs[1]["checkpoints"].empty());
}

// A trained file without runs (written before runs were saved, or by netcanvas-train), trained
// on for 3 epochs and saved: reopened, the loss plot shows all 7 epochs (before: the last 3).
void TstSavedRuns::aContinuedOldFileShowsAllItsEpochs()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TestWindow w;
    openXorAndTrain(w, 4);
    const QString first = dir.filePath(QStringLiteral("first.json"));
    QCOMPARE(w.saveToFile(first), QString());
    nlohmann::json old = readJson(first);
    old.erase("runs");
    writeJson(first, old);

    w.newDocument();
    QCOMPARE(w.openFile(first), QString());
    engine::TrainingConfig config = w.document()->project().training;
    config.epochs = 3;
    w.document()->setTrainingConfig(config);
    trainToEnd(w);
    QCOMPARE(int(w.document()->project().history.epochs.size()), 7);
    const QString continued = dir.filePath(QStringLiteral("continued.json"));
    QCOMPARE(w.saveToFile(continued), QString());

    w.newDocument();
    QCOMPARE(w.openFile(continued), QString());
    int trainLossEpochs = 0;
    for (const QStringList& run : plottedEpochCurves(w.trainingPanel()->lossPlot()))
        for (const QString& row : run)
            trainLossEpochs += row.startsWith(QLatin1String("train_loss,")) ? 1 : 0;
    QCOMPARE(trainLossEpochs, 7);
}

void TstSavedRuns::aReopenedTrainedFileSaysSoOnce()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TestWindow w;
    openXorAndTrain(w, 12);
    widgets::TrainingPanel* panel = w.trainingPanel();
    const QList<widgets::TrainingProgressWidget*> progress
        = panel->findChildren<widgets::TrainingProgressWidget*>();
    QCOMPARE(progress.size(), 1);
    for (const bool checkpoints : {true, false}) {
        w.saveCheckpointsAction()->setChecked(checkpoints);
        const QString path = dir.filePath(
            checkpoints ? QStringLiteral("with.json") : QStringLiteral("plain.json"));
        QCOMPARE(w.saveToFile(path), QString());
        w.newDocument();
        QCOMPARE(w.openFile(path), QString());
        // The progress line (with its full bar) says how the weights were trained; the status
        // line beside it does not say it again.
        const QString trained = progress.front()->text();
        QVERIFY2(trained.startsWith(QStringLiteral("Trained: 12 epochs, ")), qPrintable(trained));
        QCOMPARE(progress.front()->value(), 1000);
        QVERIFY2(!panel->statusText().contains(QStringLiteral("Trained")),
            qPrintable(panel->statusText()));
        QCoreApplication::processEvents(); // the layout the window shows
        for (QCustomPlot* plot : w.findChildren<QCustomPlot*>())
            plot->replot();
        guitest::saveGrab(panel,
            checkpoints ? QStringLiteral("saved_runs_reopened_with_checkpoints_panel.png")
                        : QStringLiteral("saved_runs_reopened_plain_panel.png"));
    }
}

void TstSavedRuns::reopenedRunsKeepTheirNumbers()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TestWindow w;
    widgets::TrainingPanel* panel = w.trainingPanel();
    widgets::TrainingController* controller = panel->controller();
    widgets::LossPlot* loss = panel->lossPlot();
    // Run 1 and run 2, saved.
    openXorAndTrain(w, 3);
    QCOMPARE(controller->runId(), 1);
    trainToEnd(w);
    QCOMPARE(controller->runId(), 2);
    QCOMPARE(panel->timeline()->allRuns(), (std::vector<int> {1, 2}));
    const QString path = dir.filePath(QStringLiteral("two_runs.json"));
    QCOMPARE(w.saveToFile(path), QString());

    // Reopened over itself (the window's runs 1 and 2 are the file's), then after File > New:
    // run 1 and run 2, as they were saved, in the run list and in the legend.
    for (const bool afterNew : {false, true}) {
        if (afterNew)
            w.newDocument();
        QCOMPARE(w.openFile(path), QString());
        QCOMPARE(panel->timeline()->allRuns(), (std::vector<int> {1, 2}));
        QCOMPARE(plottedRunIds(loss), (QList<int> {1, 2}));
        QCOMPARE(legendNames(loss), QStringList {QStringLiteral("run 1")});
    }
    // The next run is run 3.
    trainToEnd(w);
    QCOMPARE(controller->runId(), 3);
    QCOMPARE(plottedRunIds(loss), (QList<int> {1, 2, 3}));
    QCOMPARE(legendNames(loss), (QStringList {QStringLiteral("run 1"), QStringLiteral("run 2")}));
    // Reopened again: the file's runs 1 and 2 replace the window's showing of them; run 3,
    // trained since, stays beside them under its own number, and the next run is run 4.
    QCOMPARE(w.openFile(path), QString());
    QCOMPARE(plottedRunIds(loss), (QList<int> {3, 1, 2}));
    trainToEnd(w);
    QCOMPARE(controller->runId(), 4);
    QCOMPARE(plottedRunIds(loss), (QList<int> {3, 1, 2, 4}));

    // Another project starts at run 1 again, and so does File > New.
    QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
    trainToEnd(w);
    QCOMPARE(controller->runId(), 1);
    QCOMPARE(plottedRunIds(loss), QList<int> {1});
    w.newDocument();
    QCOMPARE(w.openFile(path), QString());
    QCOMPARE(panel->timeline()->allRuns(), (std::vector<int> {1, 2}));
    for (QCustomPlot* plot : w.findChildren<QCustomPlot*>())
        plot->replot();
    guitest::saveGrab(loss, QStringLiteral("saved_runs_reopened_run_numbers.png"));
}

QTEST_MAIN(TstSavedRuns)
#include "tst_saved_runs.moc"
