// The Gradients tab after a real run (offscreen): one point per epoch per layer, as many CSV rows,
// the latest epoch's norms as bars (lesson 3 reads them), a legend beside the data rather than
// over it, and log-axis tick labels that never repeat. Set NETCANVAS_SCREENSHOT_DIR to keep the
// grabs.

#include "document/GraphDocument.h"
#include "plots/GradientFlowPlot.h"
#include "plots/PlotExport.h"
#include "plots/TrainingPanel.h"
#include "project/Project.h"
#include "training/TrainingController.h"

#include <qcustomplot.h>

#include <QSet>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>

namespace {

engine::Project resource(const QString& path, int epochs)
{
    const QByteArray root = qgetenv("NETCANVAS_SOURCE_DIR");
    const QString dir = root.isEmpty() ? QStringLiteral(".") : QString::fromLocal8Bit(root);
    engine::Project p = engine::loadProject((dir + "/resources/" + path).toStdString());
    p.training.epochs = epochs;
    return p;
}

void saveGrab(QWidget* w, const QString& name)
{
    const QString dir = qEnvironmentVariable("NETCANVAS_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(w->grab().save(dir + "/" + name));
}

/// Pixel positions of every data point and bar the plot draws.
std::vector<QRectF> dataMarks(QCustomPlot* plot)
{
    std::vector<QRectF> marks;
    for (int i = 0; i < plot->graphCount(); ++i) {
        QCPGraph* g = plot->graph(i);
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
            const QPointF p(
                g->keyAxis()->coordToPixel(it->key), g->valueAxis()->coordToPixel(it->value));
            marks.emplace_back(p - QPointF(2, 2), QSizeF(4, 4)); // the dot drawn there
        }
    }
    for (int i = 0; i < plot->plottableCount(); ++i) {
        auto* bars = qobject_cast<QCPBars*>(plot->plottable(i));
        if (!bars)
            continue;
        for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) {
            const double half = bars->width() / 2;
            const QRectF r(QPointF(bars->keyAxis()->coordToPixel(it->key - half),
                               bars->valueAxis()->coordToPixel(it->value)),
                QPointF(bars->keyAxis()->coordToPixel(it->key + half),
                    bars->valueAxis()->axisRect()->bottom()));
            marks.push_back(r.normalized());
        }
    }
    return marks;
}

} // namespace

class TestGradientFlow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { widgets::registerTrainingMetaTypes(); }
    void showsEveryEpochOfARun_data();
    void showsEveryEpochOfARun();
};

void TestGradientFlow::showsEveryEpochOfARun_data()
{
    QTest::addColumn<QString>("project");
    QTest::addColumn<int>("epochs");
    QTest::newRow("lesson 3, ten sigmoid layers") << "lessons/activations.json" << 5;
    QTest::newRow("lesson 3, ReLU variant") << "lessons/activations_relu.json" << 5;
    QTest::newRow("XOR, two layers of similar norm") << "examples/mlp_xor.json" << 8;
    QTest::newRow("XOR, 150 epochs on a narrow epoch axis") << "examples/mlp_xor.json" << 150;
}

void TestGradientFlow::showsEveryEpochOfARun()
{
    QFETCH(QString, project);
    QFETCH(int, epochs);
    widgets::GraphDocument doc;
    doc.load(resource(project, epochs));
    widgets::TrainingPanel panel;
    panel.resize(1200, 520);
    panel.setDocument(&doc);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    widgets::GradientFlowPlot* view = panel.gradientFlow();
    panel.tabs()->setCurrentWidget(view);
    QSignalSpy finished(panel.controller(), &widgets::TrainingController::finished);
    panel.trainAction()->trigger();
    QVERIFY(finished.wait(120000));
    QCoreApplication::processEvents();

    auto* plot = view->findChild<QCustomPlot*>();
    QVERIFY(plot);
    const int layers = view->seriesCount();
    QVERIFY(layers >= 2);
    QCOMPARE(plot->graphCount(), layers);
    // One point per epoch per layer, at x = 1..epochs.
    for (int i = 0; i < layers; ++i) {
        const QCPGraph* g = plot->graph(i);
        QCOMPARE(g->dataCount(), epochs);
        int epoch = 1;
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
            QCOMPARE(it->key, double(epoch++));
    }
    // The CSV: a header and one row per epoch per layer.
    const QStringList rows
        = widgets::plotexport::csvText(view).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY2(rows.front().startsWith(QStringLiteral("layer,epoch,")), qPrintable(rows.front()));
    QCOMPARE(rows.size() - 1, epochs * layers);

    // 900 px: the Gradients tab as wide as in a 1366 x 768 window (about 600 px).
    for (const QSize size : {QSize(1200, 520), QSize(900, 360)}) {
        panel.resize(size);
        QCoreApplication::processEvents();
        plot->replot();
        saveGrab(view,
            QStringLiteral("gradients_%1_%2.png")
                .arg(QFileInfo(project).baseName())
                .arg(size.width()));
        // No legend over a point or a bar.
        const std::vector<QRectF> marks = dataMarks(plot);
        QVERIFY(int(marks.size()) >= epochs * layers);
        for (QCPLayoutElement* e : plot->plotLayout()->elements(true)) {
            auto* legend = qobject_cast<QCPLegend*>(e);
            if (!legend || !legend->visible())
                continue;
            const QRectF box = legend->outerRect();
            QVERIFY(plot->rect().contains(legend->outerRect()));
            for (int i = 0; i < legend->itemCount(); ++i) {
                auto* entry = qobject_cast<QCPPlottableLegendItem*>(legend->item(i));
                if (!entry)
                    continue;
                // Every entry has room for its name.
                const QString name = entry->plottable()->name();
                QVERIFY2(entry->outerRect().width()
                        > QFontMetrics(entry->font()).horizontalAdvance(name),
                    qPrintable(name));
                // And the height of its letters: QCustomPlot draws a name within a box as high
                // as the legend's icons, so with 8 px icons the underscore below the baseline
                // was lost ("dense 1" beside the bars' "dense_1").
                const QFontMetrics metrics(entry->font());
                const int ink = metrics.ascent() + metrics.tightBoundingRect(name).bottom() + 1;
                QVERIFY2(legend->iconSize().height() >= ink,
                    qPrintable(QStringLiteral("%1: icons %2 px high, its letters need %3")
                                   .arg(name)
                                   .arg(legend->iconSize().height())
                                   .arg(ink)));
            }
            for (const QRectF& m : marks)
                QVERIFY2(!box.intersects(m),
                    qPrintable(QString("legend %1,%2 %3x%4 over the mark at %5,%6")
                                   .arg(box.x())
                                   .arg(box.y())
                                   .arg(box.width())
                                   .arg(box.height())
                                   .arg(m.center().x())
                                   .arg(m.center().y())));
        }
        // The layer names under the bars and the epochs under the curves do not overlap (150
        // epochs once printed "100125150" on the 200 px wide epoch axis).
        for (QCPAxisRect* rect : plot->axisRects()) {
            QCPAxis* axis = rect->axis(QCPAxis::atBottom);
            const QFontMetrics metrics(axis->tickLabelFont());
            const QVector<double> ticks = axis->tickVector();
            const QVector<QString> names = axis->tickVectorLabels();
            if (axis->ticker().dynamicCast<QCPAxisTickerText>())
                QCOMPARE(ticks.size(), layers);
            for (int i = 1; i < ticks.size(); ++i) {
                const double gap = axis->coordToPixel(ticks[i]) - axis->coordToPixel(ticks[i - 1]);
                const int needed = axis->tickLabelRotation() != 0
                    ? metrics.height()
                    : (metrics.horizontalAdvance(names[i])
                          + metrics.horizontalAdvance(names[i - 1]))
                        / 2;
                QVERIFY2(gap >= needed,
                    qPrintable(QString("%1 px between %2 and %3, needs %4")
                                   .arg(gap)
                                   .arg(names[i - 1], names[i])
                                   .arg(needed)));
            }
        }
        // Titles are read whole.
        for (QCPLayoutElement* e : plot->plotLayout()->elements(true)) {
            auto* title = qobject_cast<QCPTextElement*>(e);
            if (!title)
                continue;
            const QFontMetrics metrics(title->font());
            for (const QString& line : title->text().split(QLatin1Char('\n')))
                QVERIFY2(title->outerRect().width() >= metrics.horizontalAdvance(line),
                    qPrintable(line));
        }
        // Tick labels of every axis are distinct (a log axis spanning less than two decades
        // once fell back to linear ticks printed as 1 digit: "3·10^-1" three times).
        for (QCPAxisRect* rect : plot->axisRects()) {
            for (QCPAxis* axis : rect->axes()) {
                if (!axis->visible() || !axis->tickLabels())
                    continue;
                QStringList labels = axis->tickVectorLabels().toList();
                labels.removeAll(QString());
                QVERIFY2(!labels.isEmpty() || axis->axisType() != QCPAxis::atLeft,
                    "a value axis without labels");
                QCOMPARE(QSet<QString>(labels.begin(), labels.end()).size(), labels.size());
            }
        }
    }
}

QTEST_MAIN(TestGradientFlow)
#include "tst_gradient_flow.moc"
