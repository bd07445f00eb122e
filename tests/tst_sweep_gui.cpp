// Training > Sweep… in the window (issue 17), offscreen: runs train in the background and fill
// the progress table and the loss plot's overlay curves; a row shows its run; Apply best sets
// the best run's settings on the project (undoable); Cancel and another project stop and clear.
#include "QuietWindow.h"
#include "document/GraphDocument.h"
#include "document/UndoCommands.h"
#include "plots/DecisionBoundaryView.h"
#include "plots/LossPlot.h"
#include "plots/LossPlotOverlays.h"
#include "plots/TrainingPanel.h"
#include "sweep/SweepAxisEditor.h"
#include "sweep/SweepDialog.h"
#include "sweep/SweepRunTable.h"
#include "training/TrainingController.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QUndoStack>
#include <QtTest>

namespace {

using TestWindow = guitest::QuietWindow;

/// The Training menu's Sweep… action.
QAction* sweepAction(MainWindow& w)
{
    for (QAction* menu : w.menuBar()->actions())
        if (menu->menu() && menu->text().remove('&') == QLatin1String("Training"))
            for (QAction* a : menu->menu()->actions())
                if (a->text().remove('&').startsWith(QLatin1String("Sweep")))
                    return a;
    return nullptr;
}

QString cell(const widgets::SweepRunTable* table, int row, int column)
{
    const QTableWidgetItem* it = table->item(row, column);
    return it ? it->text() : QString();
}

const nlohmann::json& hiddenAttributes(const widgets::GraphDocument* doc)
{
    for (const engine::NodeRecord& n : doc->project().nodes)
        if (n.name == "hidden")
            return n.attributes;
    static const nlohmann::json none;
    return none;
}

} // namespace

class TestSweepGui : public QObject {
    Q_OBJECT

private slots:
    void twoRunsOnXor()
    {
        TestWindow w;
        w.resize(1366, 768);
        w.show();
        QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
        QAction* action = sweepAction(w);
        QVERIFY(action);
        action->trigger();
        widgets::SweepDialog* dialog = w.sweepDialog();
        QVERIFY(dialog->isVisible());

        dialog->firstAxis()->setAxis(QStringLiteral("learningRate"), QStringLiteral("0.001, 0.1"));
        QVERIFY(dialog->secondAxis()->isNone());
        QVERIFY(dialog->runButton()->isEnabled());
        const double lrBefore = w.document()->trainingConfig().optimizer.learningRate;
        QSignalSpy done(dialog, &widgets::SweepDialog::sweepFinished);
        QTest::mouseClick(dialog->runButton(), Qt::LeftButton);
        // The runs train in the background: the click returned with the sweep still going.
        QVERIFY(dialog->isRunning());
        QVERIFY(dialog->cancelButton()->isEnabled());
        QVERIFY(!dialog->runButton()->isEnabled());
        QVERIFY(done.wait(60000));

        widgets::SweepRunTable* table = dialog->table();
        QCOMPARE(table->rowCount(), 2);
        const int epochs = w.document()->trainingConfig().epochs;
        for (int row = 0; row < 2; ++row) {
            QVERIFY2(cell(table, row, widgets::SweepRunTable::StatusColumn).startsWith("done"),
                qPrintable(cell(table, row, widgets::SweepRunTable::StatusColumn)));
            QCOMPARE(cell(table, row, widgets::SweepRunTable::EpochColumn),
                QStringLiteral("%1/%1").arg(epochs));
            bool ok = false;
            cell(table, row, widgets::SweepRunTable::BestLossColumn).toDouble(&ok);
            QVERIFY(ok);
            QVERIFY(cell(table, row, widgets::SweepRunTable::BestAccuracyColumn).endsWith("%"));
            QVERIFY(cell(table, row, widgets::SweepRunTable::TimeColumn).endsWith(" s"));
        }
        QCOMPARE(cell(table, 0, widgets::SweepRunTable::SettingsColumn),
            QStringLiteral("learningRate=0.001"));
        // Each run's loss curve over the loss plot, named in the legend.
        widgets::LossPlotOverlays* overlays = w.trainingPanel()->lossPlot()->overlays();
        QCOMPARE(overlays->count(), 2);
        QCOMPARE(overlays->legend()->itemCount(), 2); // both named
        for (int index : {1, 2}) {
            QCPGraph* g = overlays->graph(index);
            QVERIFY(g);
            QCOMPARE(g->dataCount(), epochs);
            QVERIFY(g->name().startsWith(QStringLiteral("#%1 learningRate=").arg(index)));
        }
        guitest::saveGrab(dialog, QStringLiteral("sweep_dialog.png"));
        guitest::saveGrab(&w, QStringLiteral("sweep_window.png"));

        // A row shows its run: its curve highlighted, its weights in the document.
        const std::optional<int> best = table->bestRun();
        QVERIFY(best);
        const int other = *best == 1 ? 2 : 1;
        dialog->showRun(other);
        QCOMPARE(overlays->highlighted(), other);
        QVERIFY(table->result(other)->weights == w.document()->weights());
        QVERIFY(dialog->statusText().contains(QStringLiteral("run %1").arg(other)));
        // Every view shows it, the decision boundary too (run over the data on the training
        // thread).
        QTRY_VERIFY_WITH_TIMEOUT(w.trainingPanel()->boundary()->hasBoundary(), 20000);
        QVERIFY2(w.trainingPanel()->controller()->idleSummary().startsWith(
                     QStringLiteral("Sweep run %1: %2 epochs, validation accuracy ")
                         .arg(other)
                         .arg(epochs)),
            qPrintable(w.trainingPanel()->controller()->idleSummary()));
        for (QCustomPlot* plot : w.findChildren<QCustomPlot*>())
            plot->replot(); // what the paced replots would draw next
        guitest::saveGrab(&w, QStringLiteral("sweep_shown_run.png"));

        // Apply best: the best run's learning rate, one undoable step.
        QVERIFY(dialog->applyBestButton()->isEnabled());
        const double bestLr = std::stod(table->result(*best)->run.settings[0].second);
        QVERIFY(bestLr != lrBefore);
        QTest::mouseClick(dialog->applyBestButton(), Qt::LeftButton);
        QCOMPARE(w.document()->trainingConfig().optimizer.learningRate, bestLr);
        w.undoStack()->undo();
        QCOMPARE(w.document()->trainingConfig().optimizer.learningRate, lrBefore);
        w.undoStack()->redo();
        QCOMPARE(w.document()->trainingConfig().optimizer.learningRate, bestLr);

        // File > New: nothing of the sweep stays.
        w.newDocument();
        QCOMPARE(table->rowCount(), 0);
        QCOMPARE(overlays->count(), 0);
        QCOMPARE(dialog->statusText(), QString());
        QVERIFY(!dialog->applyBestButton()->isEnabled());
    }

    void nodeAttributeSweepAppliesToTheLayer()
    {
        TestWindow w;
        QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
        widgets::SweepDialog* dialog = w.sweepDialog();
        dialog->show();
        QVERIFY(dialog->firstAxis()->keyBox()->findData(QStringLiteral("hidden.units")) >= 0);
        dialog->firstAxis()->setAxis(QStringLiteral("hidden.units"), QStringLiteral("2, 16"));
        dialog->secondAxis()->setAxis(QStringLiteral("epochs"), QStringLiteral("40"));
        QSignalSpy done(dialog, &widgets::SweepDialog::sweepFinished);
        dialog->run();
        QVERIFY(done.wait(60000));
        QCOMPARE(dialog->table()->rowCount(), 2);
        const int unitsBefore = hiddenAttributes(w.document())["units"].get<int>();
        QCOMPARE(unitsBefore, 8);
        // A run of another network does not put its weights in this one.
        const engine::WeightMap weightsBefore = w.document()->weights();
        dialog->showRun(1);
        QVERIFY(dialog->statusText().contains(QStringLiteral("another network")));
        QVERIFY(w.document()->weights() == weightsBefore);

        const std::optional<int> best = dialog->table()->bestRun();
        QVERIFY(best);
        dialog->applyBest();
        const int bestUnits = *best == 1 ? 2 : 16;
        QCOMPARE(hiddenAttributes(w.document())["units"].get<int>(), bestUnits);
        QCOMPARE(w.document()->trainingConfig().epochs, 40);
        w.undoStack()->undo();
        QCOMPARE(hiddenAttributes(w.document())["units"].get<int>(), unitsBefore);
        QVERIFY(w.document()->trainingConfig().epochs != 40);
    }

    // The sweep's runs and the window's own training share the cores and BLAS: both end.
    void sweepBesideTraining()
    {
        TestWindow w;
        QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
        engine::TrainingConfig config = w.document()->trainingConfig();
        config.epochs = 1500;
        w.undoStack()->push(new widgets::SetTrainingConfigCommand(w.document(), config));
        widgets::TrainingController* controller = w.trainingPanel()->controller();
        QSignalSpy trained(controller, &widgets::TrainingController::finished);
        w.trainingPanel()->trainAction()->trigger();
        QVERIFY(controller->isRunning());

        widgets::SweepDialog* dialog = w.sweepDialog();
        dialog->firstAxis()->setAxis(QStringLiteral("learningRate"), QStringLiteral("0.01, 0.1"));
        QSignalSpy done(dialog, &widgets::SweepDialog::sweepFinished);
        dialog->run();
        QVERIFY(done.wait(120000));
        QTRY_VERIFY_WITH_TIMEOUT(trained.size() >= 1 && !controller->isRunning(), 120000);
        QCOMPARE(controller->lastOutcome().result.epochs, 1500);
        for (int row = 0; row < 2; ++row)
            QCOMPARE(cell(dialog->table(), row, widgets::SweepRunTable::EpochColumn),
                QStringLiteral("1500/1500"));
        // With a session (the window trained), a run's weights go into it and the document.
        QVERIFY(dialog->table()->result(1)->weights != w.document()->weights());
        dialog->showRun(1);
        QVERIFY(dialog->table()->result(1)->weights == w.document()->weights());
    }

    // Twelve curves in the training dock of a 1366x768 window: the legend takes columns, and the
    // curves keep most of the plot.
    void twelveRunsStayReadable()
    {
        TestWindow w;
        w.resize(1366, 768);
        w.show();
        QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
        widgets::SweepDialog* dialog = w.sweepDialog();
        dialog->firstAxis()->setAxis(
            QStringLiteral("learningRate"), QStringLiteral("1e-3..1e-1:log4"));
        dialog->secondAxis()->setAxis(QStringLiteral("batchSize"), QStringLiteral("16, 32, 64"));
        QSignalSpy done(dialog, &widgets::SweepDialog::sweepFinished);
        dialog->run();
        QVERIFY(done.wait(60000));
        QCOMPARE(dialog->table()->rowCount(), 12);
        QCustomPlot* plot = w.trainingPanel()->lossPlot()->plot();
        QCOMPARE(w.trainingPanel()->lossPlot()->overlays()->count(), 12);
        widgets::LossPlotOverlays* overlays = w.trainingPanel()->lossPlot()->overlays();
        // The legend names two runs and counts the others; the table shows every run's colour.
        QCPLegend* legend = overlays->legend();
        QCOMPARE(legend->itemCount(), 3);
        QCOMPARE(legend->item(2)->property("text").toString(),
            QStringLiteral("+ 10 more runs (colours in the Sweep table)"));
        for (int key = 1; key <= 12; ++key) {
            const QVariant swatch = dialog->table()->item(key - 1, 0)->data(Qt::DecorationRole);
            QCOMPARE(swatch.value<QColor>(), overlays->color(key));
        }
        // The highlighted run is named first.
        dialog->showRun(7);
        QCOMPARE(legend->item(0), legend->itemWithPlottable(overlays->graph(7)));
        QCOMPARE(legend->itemCount(), 3);
        QTRY_VERIFY_WITH_TIMEOUT(w.trainingPanel()->boundary()->hasBoundary(), 20000);
        for (QCustomPlot* p : w.findChildren<QCustomPlot*>())
            p->replot(); // what the paced replots would draw next
        const int curves = plot->axisRect()->rect().height();
        QVERIFY2(curves >= plot->height() / 2,
            qPrintable(QStringLiteral("axes %1 of %2 px").arg(curves).arg(plot->height())));
        guitest::saveGrab(&w, QStringLiteral("sweep_twelve_runs.png"));
        guitest::saveGrab(dialog, QStringLiteral("sweep_twelve_runs_dialog.png"));
    }

    void badValuesDisableRun()
    {
        TestWindow w;
        QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
        widgets::SweepDialog* dialog = w.sweepDialog();
        dialog->firstAxis()->setAxis(QStringLiteral("learningRate"), QStringLiteral("0.1, fast"));
        QVERIFY(!dialog->runButton()->isEnabled());
        QVERIFY(dialog->firstAxis()->error().contains(QStringLiteral("got 'fast'")));
        // Values are checked against the project's layers before anything runs.
        dialog->firstAxis()->setAxis(QStringLiteral("hidden.units"), QStringLiteral("4, 0"));
        QVERIFY(!dialog->runButton()->isEnabled());
        QCOMPARE(dialog->firstAxis()->error(),
            QStringLiteral("hidden.units=0: expected a positive integer, got 0"));
        dialog->firstAxis()->setAxis(
            QStringLiteral("learningRate"), QStringLiteral("1e-4..1e-1:log4"));
        QVERIFY(dialog->runButton()->isEnabled());
        QCOMPARE(dialog->firstAxis()->axis()->values.size(), std::size_t(4));
    }

    void cancelAndAnotherProjectStopTheRuns()
    {
        TestWindow w;
        QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
        widgets::SweepDialog* dialog = w.sweepDialog();
        // Long enough to be running when cancelled.
        dialog->firstAxis()->setAxis(QStringLiteral("epochs"), QStringLiteral("100000, 100001"));
        QSignalSpy done(dialog, &widgets::SweepDialog::sweepFinished);
        dialog->run();
        QTRY_VERIFY_WITH_TIMEOUT(
            dialog->table()->item(0, widgets::SweepRunTable::EpochColumn)->text() != "–", 20000);
        guitest::saveGrab(dialog, QStringLiteral("sweep_running.png"));
        dialog->cancel();
        QVERIFY(done.wait(20000));
        QVERIFY(!dialog->isRunning());
        QVERIFY2(dialog->statusText().startsWith(QStringLiteral("Cancelled")),
            qPrintable(dialog->statusText()));
        QVERIFY(cell(dialog->table(), 0, widgets::SweepRunTable::StatusColumn)
                    .startsWith(QStringLiteral("cancelled")));

        // Another project while a sweep runs: it stops, and nothing of it comes back.
        dialog->run();
        QTRY_VERIFY_WITH_TIMEOUT(
            dialog->table()->item(0, widgets::SweepRunTable::EpochColumn)->text() != "–", 20000);
        QCOMPARE(w.openExample(QStringLiteral(":/examples/spiral.json")), QString());
        QVERIFY(!dialog->isRunning());
        QCOMPARE(dialog->table()->rowCount(), 0);
        QCOMPARE(w.trainingPanel()->lossPlot()->overlays()->count(), 0);
        QVERIFY(dialog->runButton()->isEnabled());
        // The next sweep starts once the old one has stopped; by its end every late result of
        // the old one has arrived, and none of them went into the table.
        dialog->firstAxis()->setAxis(QStringLiteral("epochs"), QStringLiteral("3"));
        done.clear();
        dialog->run();
        QVERIFY(done.wait(60000));
        QCOMPARE(dialog->table()->rowCount(), 1);
        QCOMPARE(
            cell(dialog->table(), 0, widgets::SweepRunTable::EpochColumn), QStringLiteral("3/3"));
        QVERIFY(cell(dialog->table(), 0, widgets::SweepRunTable::StatusColumn).startsWith("done"));
        QCOMPARE(w.trainingPanel()->lossPlot()->overlays()->count(), 1);
    }

    // The loss plot's CSV holds the sweep's curves as it holds the runs' (before, it left them
    // out), and Clear runs removes them with the earlier runs (before, they stayed).
    void sweepCurvesAreExportedAndCleared()
    {
        TestWindow w;
        w.resize(1366, 768);
        w.show();
        QCOMPARE(w.openExample(QStringLiteral(":/examples/mlp_xor.json")), QString());
        widgets::SweepDialog* dialog = w.sweepDialog();
        dialog->show();
        dialog->firstAxis()->setAxis(QStringLiteral("learningRate"), QStringLiteral("0.01, 0.1"));
        engine::TrainingConfig config = w.document()->trainingConfig();
        config.epochs = 4;
        w.document()->setTrainingConfig(config);
        QSignalSpy done(dialog, &widgets::SweepDialog::sweepFinished);
        dialog->run();
        QVERIFY(done.wait(60000));
        widgets::LossPlot* plot = w.trainingPanel()->lossPlot();
        widgets::LossPlotOverlays* overlays = plot->overlays();
        QCOMPARE(overlays->count(), 2);

        const QStringList lines = plot->csvText().split('\n', Qt::SkipEmptyParts);
        for (int index : {1, 2}) {
            QStringList rows;
            for (const QString& line : lines)
                if (line.startsWith(QStringLiteral("sweep-%1,").arg(index)))
                    rows << line;
            QCPGraph* g = overlays->graph(index);
            QCOMPARE(rows.size(), g->dataCount());
            QCOMPARE(rows.size(), 4);
            for (int i = 0; i < rows.size(); ++i) {
                // sweep-1,"#1 learningRate=0.01",validation_loss,1,0.69...
                const QStringList cells = rows[i].split(',');
                QCOMPARE(cells.size(), 5);
                QCOMPARE(cells[1], QStringLiteral("\"%1\"").arg(g->name()));
                QCOMPARE(cells[2], QStringLiteral("validation_loss"));
                QCOMPARE(cells[3].toDouble(), (g->data()->constBegin() + i)->key);
                QCOMPARE(float(cells[4].toDouble()), float((g->data()->constBegin() + i)->value));
            }
        }

        QPushButton* clear = nullptr;
        for (QPushButton* b : plot->findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("Clear runs"))
                clear = b;
        QVERIFY(clear);
        const int graphsBefore = plot->plot()->graphCount();
        QTest::mouseClick(clear, Qt::LeftButton);
        QCOMPARE(overlays->count(), 0);
        QCOMPARE(plot->plot()->graphCount(), graphsBefore - 2);
        QVERIFY(!plot->csvText().contains(QStringLiteral("sweep-")));
    }
};

QTEST_MAIN(TestSweepGui)
#include "tst_sweep_gui.moc"
