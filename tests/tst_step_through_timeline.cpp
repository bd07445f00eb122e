// The step-through at an epoch of the timeline (issue 17, "Experiments"): with the loss plot's
// marker dragged to an earlier epoch, Step Through One Sample works on that epoch's checkpoint
// (its weights, the epoch named, Update off, the run's weights untouched); with the marker back
// at the latest epoch it works on the latest weights again. Through the window.

#include "QuietWindow.h"
#include "document/GraphDocument.h"
#include "plots/LossPlot.h"
#include "plots/TimelineScrubber.h"
#include "plots/TrainingPanel.h"
#include "teaching/StepThroughPanel.h"
#include "training/RunTimeline.h"
#include "training/TrainingController.h"

#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

#include <qcustomplot.h>

#include <cmath>

using TestWindow = guitest::QuietWindow;

namespace {

using guitest::trainToEnd;

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

/// Whether the parameters the trace used are `weights`' (every traced parameter compared).
bool traceUses(const engine::StepTrace& trace, const engine::WeightMap& weights)
{
    int compared = 0;
    for (const engine::StepNode& node : trace.nodes)
        for (const engine::StepParam& p : node.params) {
            const auto n = weights.find(node.id);
            if (n == weights.end() || !n->second.count(p.name))
                return false;
            const engine::Matrix& w = n->second.at(p.name);
            if (w.rows() != p.value.rows() || w.cols() != p.value.cols()
                || (w - p.value).cwiseAbs().maxCoeff() > 0)
                return false;
            ++compared;
        }
    return compared > 0;
}

/// Forward steps to the loss, then the whole backward pass.
void walkStep(widgets::StepThroughPanel* step)
{
    while (step->forwardStep()) { }
    while (step->backwardStep()) { }
}

} // namespace

class TstStepThroughTimeline : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("NetCanvasTest"));
        QStandardPaths::setTestModeEnabled(true);
    }
    void stepsThroughTheScrubbedEpoch();
};

void TstStepThroughTimeline::stepsThroughTheScrubbedEpoch()
{
    TestWindow w;
    w.resize(1366, 768);
    w.show();
    widgets::TrainingPanel* panel = w.trainingPanel();
    QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
    engine::TrainingConfig config = w.document()->project().training;
    config.epochs = 6;
    w.document()->setTrainingConfig(config);
    trainToEnd(w);
    const engine::WeightMap latest = w.document()->project().weights;
    QVERIFY(!latest.empty());

    auto* step = w.findChild<widgets::StepThroughPanel*>(QStringLiteral("StepThroughPanel"));
    QVERIFY(step);
    auto* show = w.findChild<QAction*>(QStringLiteral("StepThroughAction"));
    QVERIFY(show);
    show->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(step->sampleCount() > 0, 20000);
    QCOMPARE(step->shownEpoch(), -1);
    QVERIFY(step->epochText().isEmpty());

    // The marker at epoch 2: the step uses that checkpoint's weights and names the epoch.
    const int run = panel->controller()->runId();
    QTRY_VERIFY(panel->scrubber()->isShown());
    dragMarker(panel, 2);
    QCOMPARE(panel->scrubber()->scrubbedTo(), std::optional(std::pair {run, 2}));
    QCOMPARE(step->shownEpoch(), 2);
    QVERIFY2(step->epochText().contains(QStringLiteral("Epoch 2")), qPrintable(step->epochText()));
    const widgets::CheckpointPtr epoch2 = panel->timeline()->checkpoint(run, 2);
    QVERIFY(epoch2 && epoch2->epoch == 2);
    QVERIFY(step->forwardStep());
    QVERIFY(step->trace());
    QVERIFY(traceUses(*step->trace(), epoch2->weights));
    QVERIFY(!traceUses(*step->trace(), latest)); // so the check above can fail
    walkStep(step);
    // Update would change the run's weights from another epoch's: it is off, and says why.
    QVERIFY(!step->updateButton()->isEnabled());
    QVERIFY(!step->applyUpdate());
    QVERIFY2(step->problem().contains(QStringLiteral("epoch 2")), qPrintable(step->problem()));
    QVERIFY(w.document()->project().weights == latest);

    // Another epoch discards the trace; its step uses that epoch's weights.
    dragMarker(panel, 4);
    QCOMPARE(step->shownEpoch(), 4);
    QVERIFY(!step->trace());
    QVERIFY(step->forwardStep());
    QVERIFY(traceUses(*step->trace(), panel->timeline()->checkpoint(run, 4)->weights));

    // Back at the latest epoch: the latest weights, no epoch named, Update on again.
    dragMarker(panel, 6);
    QCOMPARE(step->shownEpoch(), -1);
    QVERIFY(step->epochText().isEmpty());
    QVERIFY(!step->trace());
    QVERIFY(step->forwardStep());
    QVERIFY(traceUses(*step->trace(), latest));
    walkStep(step);
    QVERIFY(step->updateButton()->isEnabled());
    QVERIFY(w.findChild<QWidget*>(QStringLiteral("StepThroughDock")));
    guitest::saveGrab(&w, QStringLiteral("planes_step_latest.png"));

    // "Show the latest weights" from the marker's menu also returns the step to them.
    dragMarker(panel, 3);
    QCOMPARE(step->shownEpoch(), 3);
    QVERIFY(step->forwardStep());
    guitest::saveGrab(&w, QStringLiteral("planes_step_epoch3.png"));
    QAction* latestAction = nullptr;
    for (QAction* a : panel->scrubber()->contextMenu()->actions())
        if (a->text().startsWith(QStringLiteral("Show the latest")))
            latestAction = a;
    QVERIFY(latestAction);
    latestAction->trigger();
    QCOMPARE(step->shownEpoch(), -1);
    QVERIFY(!step->trace());
}

QTEST_MAIN(TstStepThroughTimeline)
#include "tst_step_through_timeline.moc"
