// Layout of the live training views (offscreen): the loss plot's legend never covers a curve,
// however many runs it names, and the Weights tab's tensor combo reads its whole entry in the
// default window. Set NETCANVAS_SCREENSHOT_DIR to keep the grabs.

#include "MainWindow.h"
#include "QuietWindow.h"
#include "plots/LossPlot.h"
#include "plots/PlotExport.h"
#include "plots/TrainingPanel.h"
#include "plots/WeightHeatmap.h"
#include "teaching/PresentationMode.h"
#include "training/TrainingSnapshot.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QStyle>
#include <QStyleOptionComboBox>
#include <QTabWidget>
#include <QtTest>

namespace {

using TestWindow = guitest::QuietWindow;
using guitest::saveGrab;

/// One run of `epochs` epochs whose losses sit near 0.7 on a 0..0.8 axis and accuracies near
/// the top of theirs: the curves run through the top right corner, where a legend used to sit.
void feedRun(widgets::LossPlot& plot, int runId, int epochs)
{
    widgets::TrainingSessionInfo info;
    info.runId = runId;
    info.label = QStringLiteral("lr 0.0%1, adam, batch 32, seed %1").arg(runId);
    info.classification = true;
    info.numClasses = 3;
    plot.startSession(info);
    widgets::TrainingSnapshot s;
    s.runId = runId;
    s.trigger = widgets::SnapshotTrigger::Finished;
    for (int e = 1; e <= epochs; ++e) {
        widgets::EpochPoint p;
        p.epoch = e;
        p.trainLoss = 0.72 - 0.002 * e;
        p.validationLoss = 0.75 - 0.001 * e;
        p.trainAccuracy = 0.9 + 0.001 * e;
        p.validationAccuracy = 0.88 + 0.001 * e;
        s.epochs.push_back(p);
    }
    plot.addSnapshot(s);
    plot.plot()->replot();
}

} // namespace

class TestLivePlots : public QObject {
    Q_OBJECT
private slots:
    void lossLegendCoversNoData_data();
    void lossLegendCoversNoData();
    void tensorComboReadsWhole_data();
    void tensorComboReadsWhole();
    void heatmapDrawsOneColumnAndOneRow_data();
    void heatmapDrawsOneColumnAndOneRow();
};

void TestLivePlots::lossLegendCoversNoData_data()
{
    QTest::addColumn<int>("runs");
    QTest::addColumn<QSize>("size");
    QTest::newRow("one run, dock size") << 1 << QSize(420, 320);
    QTest::newRow("one run, wide") << 1 << QSize(900, 400);
    QTest::newRow("two runs, dock size") << 2 << QSize(420, 320);
    QTest::newRow("twelve runs, dock size") << 12 << QSize(420, 320);
}

void TestLivePlots::lossLegendCoversNoData()
{
    QFETCH(int, runs);
    QFETCH(QSize, size);
    widgets::LossPlot plot;
    plot.resize(size);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    for (int r = 1; r <= runs; ++r)
        feedRun(plot, r, 20);
    QCoreApplication::processEvents();
    QCustomPlot* p = plot.plot();
    p->replot();
    saveGrab(&plot, QStringLiteral("loss_legend_%1_%2.png").arg(runs).arg(size.width()));
    QVERIFY(p->legend->visible());
    QVERIFY(p->legend->itemCount() > 0);
    // The current run's legend and, with earlier runs, theirs.
    std::vector<QCPLegend*> legends;
    for (QCPLayoutElement* e : p->plotLayout()->elements(true))
        if (auto* l = qobject_cast<QCPLegend*>(e); l && l->visible())
            legends.push_back(l);
    QCOMPARE(int(legends.size()), runs > 1 ? 2 : 1);
    const QRect data = p->axisRect()->rect();
    int named = 0;
    QString counted;
    for (QCPLegend* l : legends) {
        const QRect legend = l->outerRect();
        QVERIFY2(!legend.intersects(data),
            qPrintable(QString("legend %1,%2 %3x%4 over the data %5,%6 %7x%8")
                           .arg(legend.x())
                           .arg(legend.y())
                           .arg(legend.width())
                           .arg(legend.height())
                           .arg(data.x())
                           .arg(data.y())
                           .arg(data.width())
                           .arg(data.height())));
        QVERIFY(p->rect().contains(legend));
        for (int i = 0; i < l->itemCount(); ++i) {
            QCPAbstractLegendItem* item = l->item(i);
            if (!item)
                continue;
            QVERIFY(legend.contains(item->outerRect()));
            if (auto* entry = qobject_cast<QCPPlottableLegendItem*>(item)) {
                // Every entry has room for its text.
                const QString name = entry->plottable()->name();
                QVERIFY2(entry->outerRect().width()
                        > QFontMetrics(entry->font()).horizontalAdvance(name),
                    qPrintable(name));
                named += name.startsWith("run ") ? 1 : 0;
            } else {
                counted = item->property("text").toString();
            }
        }
    }
    // However many runs: the curves keep most of the height. Earlier runs: the newest two by
    // name, older ones counted.
    QVERIFY2(data.height() >= p->height() / 2,
        qPrintable(QString("%1 of %2 px").arg(data.height()).arg(p->height())));
    QCOMPARE(named, std::min(runs - 1, 2));
    QCOMPARE(counted, runs > 3 ? QStringLiteral("+ %1 older runs").arg(runs - 3) : QString());
}

void TestLivePlots::tensorComboReadsWhole_data()
{
    QTest::addColumn<bool>("presentation");
    QTest::newRow("normal") << false;
    QTest::newRow("presentation") << true; // large fonts in the same window
}

void TestLivePlots::tensorComboReadsWhole()
{
    // The autoencoder's longest tensor name at the default window size (--screenshot's 1400 x
    // 900), selected in the Weights tab.
    QFETCH(bool, presentation);
    TestWindow w;
    w.resize(1400, 900);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    if (presentation)
        w.presentationMode()->setActive(true);
    QCOMPARE(w.openExample(QStringLiteral(":/examples/fashion_autoencoder.json")), QString());
    widgets::TrainingPanel* panel = w.trainingPanel();
    widgets::WeightHeatmap* heatmap = panel->heatmap();
    panel->tabs()->setCurrentWidget(heatmap);
    widgets::TrainingSnapshot s;
    s.trigger = widgets::SnapshotTrigger::Finished;
    const std::pair<const char*, std::pair<int, int>> tensors[] = {{"encoder", {64, 784}},
        {"code", {16, 64}}, {"decoder", {64, 16}}, {"reconstruction", {784, 64}}};
    engine::NodeId id = 3;
    for (const auto& [name, shape] : tensors) {
        for (const char* param : {"W", "b"}) {
            widgets::ParamCopy c;
            c.node = id;
            c.nodeName = QString::fromLatin1(name);
            c.param = QString::fromLatin1(param);
            c.value = engine::Matrix::Constant(
                shape.first, param[0] == 'W' ? shape.second : 1, engine::Scalar(0.1));
            s.params.push_back(c);
        }
        ++id;
    }
    heatmap->addSnapshot(s);
    QVERIFY(heatmap->selectParam(6, QStringLiteral("W")));
    QCoreApplication::processEvents();
    QComboBox* combo = heatmap->tensorChoice();
    QVERIFY(combo);
    QCOMPARE(combo->currentText(), QStringLiteral("reconstruction.W"));
    QVERIFY(combo->isVisible());
    QStyleOptionComboBox option;
    option.initFrom(combo);
    option.currentText = combo->currentText();
    const QSize text(combo->fontMetrics().horizontalAdvance(combo->currentText()),
        combo->fontMetrics().height());
    const int needed
        = combo->style()->sizeFromContents(QStyle::CT_ComboBox, &option, text, combo).width();
    QVERIFY2(combo->width() >= needed,
        qPrintable(QString("%1 px for \"%2\", needs %3")
                       .arg(combo->width())
                       .arg(combo->currentText())
                       .arg(needed)));
    saveGrab(panel, QStringLiteral("weights_tensor_combo_%1.png").arg(presentation));
}

void TestLivePlots::heatmapDrawsOneColumnAndOneRow_data()
{
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("cols");
    QTest::newRow("SimpleRNN.W, one input feature: 5 x 1") << 5 << 1;
    QTest::newRow("one row: 1 x 4") << 1 << 4;
    QTest::newRow("one cell: 1 x 1") << 1 << 1;
    QTest::newRow("Dense.W: 3 x 2") << 3 << 2;
}

void TestLivePlots::heatmapDrawsOneColumnAndOneRow()
{
    // A tensor with a single column (or row) fills its cells, each in its value's colour.
    QFETCH(int, rows);
    QFETCH(int, cols);
    widgets::WeightHeatmap heatmap;
    heatmap.resize(420, 320);
    heatmap.show();
    QVERIFY(QTest::qWaitForWindowExposed(&heatmap));
    widgets::TrainingSnapshot s;
    s.trigger = widgets::SnapshotTrigger::Finished;
    widgets::ParamCopy c;
    c.node = 2;
    c.nodeName = QStringLiteral("rnn");
    c.param = QStringLiteral("W");
    c.value.resize(rows, cols);
    for (int r = 0; r < rows; ++r)
        for (int col = 0; col < cols; ++col)
            c.value(r, col) = engine::Scalar((r + col) % 2 == 0 ? 1.0 - 0.1 * r : -0.6 + 0.1 * col);
    s.params.push_back(c);
    heatmap.addSnapshot(s);
    QVERIFY(heatmap.selectParam(2, QStringLiteral("W")));
    QCustomPlot* plot = heatmap.plot();
    plot->replot();
    const QImage image = plot->toPixmap().toImage();
    saveGrab(&heatmap, QStringLiteral("heatmap_%1x%2.png").arg(rows).arg(cols));
    auto* map = qobject_cast<QCPColorMap*>(plot->plottable(0));
    QVERIFY(map);
    // The CSV still has one row per entry of the tensor.
    QCOMPARE(widgets::plotexport::csvText(&heatmap).count(QLatin1Char('\n')), 1 + rows * cols);
    for (int r = 0; r < rows; ++r) {
        for (int col = 0; col < cols; ++col) {
            const double v = double(c.value(r, col));
            QCOMPARE(float(map->data()->data(col, r)), float(v));
            QCOMPARE(float(*heatmap.cellValue(r, col)), float(v));
            // The cell's centre and a point near its edge are drawn in the value's colour.
            const QColor want(map->gradient().color(v, map->dataRange()));
            for (double dx : {0.0, 0.4}) {
                for (double dy : {0.0, -0.4}) {
                    const QPoint at(int(plot->xAxis->coordToPixel(col + dx)),
                        int(plot->yAxis->coordToPixel(r + dy)));
                    const QColor got = image.pixelColor(at);
                    QVERIFY2(std::abs(got.red() - want.red()) <= 8
                            && std::abs(got.green() - want.green()) <= 8
                            && std::abs(got.blue() - want.blue()) <= 8,
                        qPrintable(QString("cell (%1, %2) at %3,%4: %5, want %6")
                                       .arg(r)
                                       .arg(col)
                                       .arg(at.x())
                                       .arg(at.y())
                                       .arg(got.name(), want.name())));
                }
            }
        }
    }
}

QTEST_MAIN(TestLivePlots)
#include "tst_live_plots.moc"
