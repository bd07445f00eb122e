// Step-through of one training step on one sample (teaching mode), in the window: the
// StepThroughPanel driven offscreen (forward, backward and update of one sample, loading large
// data in the background, the update rules as rich text). The engine's trace: tst_step_through.

#include "core/Parallel.h"
#include "data/DatasetLoading.h"
#include "graph/Graph.h"
#include "graph/Loss.h"
#include "layers/LayerRegistry.h"
#include "project/Project.h"
#include "training/Optimizer.h"
#include "training/StepThrough.h"
#include "training/Trainer.h"

#include <nlohmann/json.hpp>

#include <optional>

#include <QtTest>

#include "data/DatasetLoader.h"
#include "document/GraphDocument.h"
#include "teaching/StepThroughPanel.h"
#include "teaching/UpdateRuleText.h"
#include "training/TrainingController.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTextBrowser>
#include <QTimer>

using engine::Graph;
using engine::Matrix;
using engine::NodeId;
using engine::Scalar;
using nlohmann::json;

namespace {

engine::GraphContext contextOf(const engine::Dataset& d)
{
    return {
        d.inputShape, d.task == engine::TaskKind::Classification ? d.numClasses : 0, d.y.rows()};
}

} // namespace

class TestStepThroughGui : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { engine::setThreadCount(2); }
    void panelWalksForwardBackwardAndUpdates();
    void panelLoadsLargeDataWithoutFreezing();
    void adamRuleIsPlainRichText();
};

namespace {

using State = widgets::TrainingController::State;

bool waitForState(widgets::TrainingController& c, State state, int ms = 20000)
{
    if (c.state() == state)
        return true;
    QSignalSpy spy(&c, &widgets::TrainingController::stateChanged);
    QElapsedTimer t;
    t.start();
    while (c.state() != state && t.elapsed() < ms)
        spy.wait(std::max<int>(1, ms - int(t.elapsed())));
    return c.state() == state;
}

/// The number printed after `label` in the panel's text ("L = 0.6931" -> 0.6931).
std::optional<double> numberAfter(const QString& text, const QString& label)
{
    const QRegularExpression re(
        QRegularExpression::escape(label) + QStringLiteral("\\s*(-?[0-9.]+(e[-+]?[0-9]+)?)"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    return m.captured(1).toDouble();
}

bool close(double printed, double exact)
{
    // Four significant digits are printed.
    return std::abs(printed - exact) <= 6e-4 * std::max(1e-3, std::abs(exact));
}

/// Forward through every node and the loss, then backward through every layer; returns the
/// number of presses of each button.
std::pair<int, int> walk(widgets::StepThroughPanel& panel)
{
    int forward = 0, backward = 0;
    while (panel.forwardButton()->isEnabled() && forward < 20) {
        QTest::mouseClick(panel.forwardButton(), Qt::LeftButton);
        ++forward;
    }
    while (panel.backwardButton()->isEnabled() && backward < 20) {
        QTest::mouseClick(panel.backwardButton(), Qt::LeftButton);
        ++backward;
    }
    return {forward, backward};
}

} // namespace

void TestStepThroughGui::panelWalksForwardBackwardAndUpdates()
{
    const QString dir = qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + "/resources/examples";
    engine::Project project = engine::loadProject((dir + "/mlp_xor.json").toStdString());
    project.training.optimizer.type = "sgd";
    project.training.optimizer.learningRate = 0.1;
    project.training.batchSize = 16;
    widgets::GraphDocument doc;
    doc.load(project);
    widgets::TrainingController controller;
    controller.setDocument(&doc);
    widgets::StepThroughPanel panel;
    panel.setDocument(&doc);
    panel.setController(&controller);
    panel.setProjectDirectory(dir);
    panel.resize(620, 760);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));

    // The data loads in the background.
    QTRY_COMPARE(panel.sampleCount(), 160L); // 200 samples, 20 % validation
    panel.setSample(7);
    QCOMPARE(panel.sample(), 7);
    QVERIFY(panel.forwardButton()->isEnabled());
    QVERIFY(!panel.backwardButton()->isEnabled());
    QVERIFY(!panel.updateButton()->isEnabled());

    // The engine's own numbers for the same sample and the initial weights (same seed).
    const engine::DatasetSplits data = engine::loadDatasetSplits(project.dataset, dir.toStdString(),
        project.training.validationSplit, project.training.testSplit, project.training.seed);
    Graph reference = project.buildGraph();
    reference.compile(contextOf(data.train), project.training.seed);
    engine::StepThrough referenceStep(reference);
    const engine::StepTrace expected = referenceStep.trace(data.train, 7);

    QSignalSpy highlighted(&panel, &widgets::StepThroughPanel::currentNodeChanged);
    const auto [forward, backward] = walk(panel);
    QCOMPARE(forward, 4); // input, hidden, output, loss
    QCOMPARE(backward, 2); // output, hidden
    QVERIFY(highlighted.count() >= 6);
    QCOMPARE(highlighted.at(1).at(0).value<NodeId>(), NodeId(2)); // the hidden layer
    QVERIFY(panel.updateButton()->isEnabled());
    const engine::StepTrace* trace = panel.trace();
    QVERIFY(trace);
    QCOMPARE(trace->loss, expected.loss);

    const QString text = panel.explanation();
    const auto loss = numberAfter(text, QStringLiteral("Loss of this sample: L ="));
    QVERIFY2(loss, qPrintable(text));
    QVERIFY2(close(*loss, expected.loss), qPrintable(QString::number(*loss)));
    // The hidden layer's chain rule: dL/dz[3] = dL/da[3] x f'(z[3]) = ...
    const engine::StepNode& hidden = expected.nodes.at(1);
    QCOMPARE(hidden.name, std::string("hidden"));
    const QRegularExpression chain(QStringLiteral(
        "dL/dz\\[3\\] = \\(?(-?[0-9.e-]+)\\)? × \\(?(-?[0-9.e-]+)\\)? = (-?[0-9.e-]+)"));
    const QRegularExpressionMatch m = chain.match(text);
    QVERIFY2(m.hasMatch(), qPrintable(text));
    QVERIFY(close(m.captured(1).toDouble(), hidden.gradA(3, 0)));
    QVERIFY(close(m.captured(2).toDouble(), hidden.derivative(3, 0)));
    QVERIFY(close(m.captured(3).toDouble(), hidden.gradZ(3, 0)));
    // The hidden layer is the last one back-propagated (after the output layer).
    const QString biasLabel = QStringLiteral("dL/db = dL/dz = (");
    const auto bias = numberAfter(text.mid(text.lastIndexOf(biasLabel)), biasLabel);
    QVERIFY(bias && close(*bias, hidden.params.at(1).grad(0, 0)));

    // Update: w <- w - lr g, written to the document (no session yet: the next one starts there).
    QSignalSpy written(&controller, &widgets::TrainingController::weightsWritten);
    QTest::mouseClick(panel.updateButton(), Qt::LeftButton);
    QCOMPARE(written.count(), 1);
    QVERIFY(panel.problem().isEmpty());
    const engine::WeightMap after = doc.weights(); // a copy: the document changes below
    for (const engine::StepNode& n : expected.nodes) {
        for (const engine::StepParam& p : n.params) {
            const Matrix want = p.value - Scalar(0.1) * p.grad;
            const Matrix& got = after.at(n.id).at(p.name);
            QVERIFY2((got - want).cwiseAbs().maxCoeff() <= 1e-7, (n.name + "." + p.name).c_str());
            QVERIFY(got != p.value);
        }
    }
    const QString updated = panel.explanation();
    QVERIFY(updated.contains(QStringLiteral("hidden.W[0,0] ← ")));
    const auto w00 = numberAfter(updated, QStringLiteral("hidden.W[0,0] ← "));
    QVERIFY(w00 && close(*w00, hidden.params.at(0).value(0, 0)));
    QDir().mkpath(QDir::tempPath());
    QVERIFY(panel.grab().save(QDir::temp().filePath(QStringLiteral("step_panel.png"))));

    // With a training session: a paused run is stopped (its weights come to the document), the
    // step starts from them, and the session's network receives the update.
    std::optional<widgets::TrainingSnapshot> lastSnapshot;
    connect(&controller, &widgets::TrainingController::snapshotReady, this,
        [&lastSnapshot](const widgets::TrainingSnapshot& s) { lastSnapshot = s; });
    controller.startStepping(doc.project(), dir);
    QVERIFY(waitForState(controller, State::Paused));
    // Paused is reported at once; the one allowed mini-batch is done when its snapshot comes.
    QTRY_VERIFY_WITH_TIMEOUT(controller.lastProgress().step >= 1, 20000);
    panel.setSample(11);
    const auto [forward2, backward2] = walk(panel);
    QCOMPARE(forward2, 4);
    QCOMPARE(backward2, 2);
    QCOMPARE(controller.state(), State::Ready);
    QVERIFY(controller.canResume());
    const engine::StepTrace second = *panel.trace();
    QCOMPARE(second.sample, 11L);
    // It starts from the session's weights, which one mini-batch moved past the first update.
    QVERIFY(second.nodes.at(1).params.at(0).value == doc.weights().at(2).at("W"));
    QVERIFY(second.nodes.at(1).params.at(0).value != after.at(2).at("W"));
    lastSnapshot.reset();
    QTest::mouseClick(panel.updateButton(), Qt::LeftButton);
    QVERIFY(panel.problem().isEmpty());
    // The worker applies the weights and answers with a snapshot of its network.
    QTRY_VERIFY_WITH_TIMEOUT(lastSnapshot.has_value(), 20000);
    const widgets::TrainingSnapshot snap = *lastSnapshot;
    QVERIFY(panel.trace() && panel.trace()->updated);
    const engine::StepTrace done = *panel.trace(); // the trace copied above predates Update
    QVERIFY(!snap.params.empty());
    bool seen = false;
    for (const widgets::ParamCopy& c : snap.params) {
        const engine::StepNode* n = nullptr;
        for (const engine::StepNode& s : done.nodes)
            if (s.id == c.node)
                n = &s;
        QVERIFY(n);
        for (const engine::StepParam& p : n->params) {
            if (QString::fromStdString(p.name) != c.param)
                continue;
            QCOMPARE(c.value.rows(), p.updated.rows());
            QCOMPARE(c.value.cols(), p.updated.cols());
            QVERIFY(c.value == p.updated);
            QVERIFY((p.updated - (p.value - Scalar(0.1) * p.grad)).cwiseAbs().maxCoeff() <= 1e-7);
            seen = true;
        }
    }
    QVERIFY(seen);
    QVERIFY(doc.weights().at(2).at("W") == done.nodes.at(1).params.at(0).updated);
}

void TestStepThroughGui::panelLoadsLargeDataWithoutFreezing()
{
    if (!QFileInfo::exists(
            QStringLiteral("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")))
        QSKIP("Fashion-MNIST is not installed in /usr/share/datasets/fashion-mnist");
    widgets::DatasetCache::clear(); // a cached copy would hide the load
    const QString dir = qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + "/resources/examples";
    const engine::Project project = engine::loadProject((dir + "/fashion_mlp.json").toStdString());
    QCOMPARE(project.training.validationSplit, 0.1);
    widgets::GraphDocument doc;
    doc.load(project);
    widgets::StepThroughPanel panel;
    panel.setDocument(&doc);
    panel.setProjectDirectory(dir);
    panel.resize(620, 760);
    QSignalSpy loaded(&panel, &widgets::StepThroughPanel::dataLoaded);

    // A heartbeat on the GUI thread: its longest gap is the longest the window stood still.
    // Reading 70,000 images on the GUI thread (what showing the panel did) froze it for ~3 s.
    QElapsedTimer sinceBeat;
    qint64 longestGap = 0;
    QTimer heartbeat;
    heartbeat.setInterval(10);
    connect(&heartbeat, &QTimer::timeout, this,
        [&] { longestGap = std::max(longestGap, sinceBeat.restart()); });
    sinceBeat.start();
    heartbeat.start();
    QElapsedTimer showing;
    showing.start();
    panel.show();
    const qint64 showMs = showing.elapsed();
    longestGap = std::max(longestGap, sinceBeat.elapsed());
    QVERIFY2(showMs < 300, qPrintable(QString::number(showMs)));
    QVERIFY(panel.isLoadingData());
    auto* info = panel.findChild<QLabel*>(QStringLiteral("StepSampleInfo"));
    QVERIFY(info);
    QVERIFY2(info->text().startsWith(QStringLiteral("Loading data")), qPrintable(info->text()));
    QVERIFY(!panel.forwardButton()->isEnabled());
    QCOMPARE(panel.sampleCount(), 0L);
    QVERIFY(panel.grab().save(QDir::temp().filePath(QStringLiteral("step_panel_loading.png"))));

    // A settings change during the load: the old split's result must not arrive.
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    engine::TrainingConfig config = doc.trainingConfig();
    config.validationSplit = 0.5;
    doc.setTrainingConfig(config);
    QVERIFY(panel.isLoadingData());
    panel.setSample(7); // remembered until the data is there

    QVERIFY(loaded.wait(120000));
    heartbeat.stop();
    qInfo("show() took %lld ms, the longest GUI-thread gap while loading %lld ms", showMs,
        longestGap);
    QVERIFY2(longestGap < 300, qPrintable(QString::number(longestGap)));
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(loaded.at(0).at(0).toBool(), true);
    QVERIFY(!panel.isLoadingData());
    // 60,000 training images, half of them (stratified) held out for validation.
    QCOMPARE(panel.sampleCount(), 30000L);
    QVERIFY(!loaded.wait(500)); // the stale load ended without a second result
    QCOMPARE(panel.sample(), 7);
    QVERIFY2(info->text().contains(QStringLiteral("of 30000 training samples")),
        qPrintable(info->text()));

    // The panel works on the loaded data.
    QVERIFY(panel.forwardButton()->isEnabled());
    const auto [forward, backward] = walk(panel);
    QVERIFY(forward >= 3);
    QVERIFY(backward >= 2);
    QVERIFY(panel.problem().isEmpty());
    QVERIFY(panel.trace());
    QCOMPARE(panel.trace()->sample, 7L);
    QVERIFY(std::isfinite(panel.trace()->loss));
    QVERIFY(panel.updateButton()->isEnabled());
}

void TestStepThroughGui::adamRuleIsPlainRichText()
{
    // Qt's rich text places a combining circumflex (m + U+0302) over another glyph, even on the
    // line above: the rule is written without combining accents.
    QCOMPARE(widgets::UpdateRuleText::html(QStringLiteral("adam"), QStringLiteral("0.01"), 3),
        QStringLiteral("Adam, step t = 3, lr = 0.01:<br>"
                       "m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²<br>"
                       "m<sub>hat</sub> = m / (1 − β₁<sup>t</sup>), "
                       "v<sub>hat</sub> = v / (1 − β₂<sup>t</sup>)<br>"
                       "w ← w − lr · m<sub>hat</sub> / (√v<sub>hat</sub> + ε)"));
    QVERIFY(widgets::UpdateRuleText::html(QStringLiteral("adamw"), QStringLiteral("0.01"), 1)
                .startsWith(QStringLiteral("AdamW, step t = 1,")));

    // What the student reads after Update with Adam.
    const QString dir = qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + "/resources/examples";
    engine::Project project = engine::loadProject((dir + "/mlp_xor.json").toStdString());
    project.training.optimizer.type = "adam";
    project.training.optimizer.learningRate = 0.01;
    widgets::GraphDocument doc;
    doc.load(project);
    widgets::TrainingController controller;
    controller.setDocument(&doc);
    widgets::StepThroughPanel panel;
    panel.setDocument(&doc);
    panel.setController(&controller);
    panel.setProjectDirectory(dir);
    panel.resize(620, 760);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QTRY_VERIFY(panel.sampleCount() > 0);
    walk(panel);
    QVERIFY(panel.updateButton()->isEnabled());
    QTest::mouseClick(panel.updateButton(), Qt::LeftButton);
    QVERIFY(panel.problem().isEmpty());
    const QString text = panel.explanation();
    QVERIFY2(!text.contains(QChar(0x0302)), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Adam, step t = 1, lr = 0.01:\n")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("w ← w − lr · mhat / (√vhat + ε)")), qPrintable(text));
    QVERIFY(panel.grab().save(QDir::temp().filePath(QStringLiteral("step_panel_adam.png"))));
}

QTEST_MAIN(TestStepThroughGui)
#include "tst_step_through_gui.moc"
