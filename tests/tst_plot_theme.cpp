// Dark mode beyond the canvas (issue 18): View > Theme turns every live view dark or light
// (backgrounds, axes, tick labels, legends, colour-bar labels) without a restart, the text
// stays readable (WCAG contrast >= 4.5), and exported plots stay light unless asked.
// NETCANVAS_SHOTS=<folder> saves look_dark_*.png / look_light_*.png of the main window after
// training the XOR lesson (and NETCANVAS_SHOTS_PROJECT=<project.json>, trained as well).

#include "QuietWindow.h"

#include "canvas/CanvasScene.h"
#include "canvas/CanvasTheme.h"
#include "export/ExportActions.h"
#include "plots/LossPlot.h"
#include "plots/PlotExport.h"
#include "plots/PlotTheme.h"
#include "plots/TrainingPanel.h"

#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using widgets::CanvasTheme;
using widgets::PlotTheme;

namespace {

QString sourceFile(const QString& path)
{
    return qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + "/" + path;
}

void setThemeSetting(const QString& mode)
{
    QSettings(QStringLiteral("NetCanvas"), QStringLiteral("NetCanvas"))
        .setValue(QStringLiteral("view/theme"), mode);
}

QAction* action(QWidget& window, const QString& name)
{
    return window.findChild<QAction*>(name);
}

/// The colour a plot paints where nothing is drawn: its top-left pixel (outside the axes).
QColor plotBackground(QCustomPlot* plot)
{
    plot->replot();
    return plot->grab(QRect(0, 0, 4, 4)).toImage().pixelColor(1, 1);
}

/// Every axis a plot shows: the axis rects' and the colour scales'.
QList<QCPAxis*> visibleAxes(QCustomPlot* plot)
{
    QList<QCPAxis*> axes;
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes())
            if (axis->visible())
                axes << axis;
    for (QCPLayoutElement* element : plot->plotLayout()->elements(true))
        if (auto* scale = qobject_cast<QCPColorScale*>(element); scale && scale->visible())
            axes << scale->axis();
    return axes;
}

/// Checks every live view of the panel against `theme`: plots paint its background and their
/// axis, tick label and legend text reads on it; hand-painted views get its palette.
void checkViews(widgets::TrainingPanel* panel, const PlotTheme& theme)
{
    QTabWidget* tabs = panel->tabs();
    int plots = 0, painted = 0, colourBars = 0;
    for (int i = 0; i < tabs->count(); ++i) {
        tabs->setCurrentIndex(i);
        QWidget* page = tabs->widget(i);
        const QString name = tabs->tabText(i);
        QApplication::processEvents();
        const QList<QCustomPlot*> pagePlots = page->findChildren<QCustomPlot*>();
        bool anyShown = false;
        for (QCustomPlot* plot : pagePlots) {
            if (!plot->isVisible())
                continue;
            anyShown = true;
            ++plots;
            const QColor background = plotBackground(plot);
            QVERIFY2(background.rgb() == theme.background.rgb(),
                qPrintable(name + ": background " + background.name()));
            for (QCPAxis* axis : visibleAxes(plot)) {
                QVERIFY2(CanvasTheme::contrast(axis->tickLabelColor(), background) >= 4.5,
                    qPrintable(name + ": tick labels " + axis->tickLabelColor().name()));
                QVERIFY2(CanvasTheme::contrast(axis->labelColor(), background) >= 4.5,
                    qPrintable(name + ": axis label " + axis->labelColor().name()));
                QVERIFY2(CanvasTheme::contrast(axis->basePen().color(), background) >= 3,
                    qPrintable(name + ": axis line " + axis->basePen().color().name()));
            }
            for (QCPLayoutElement* element : plot->plotLayout()->elements(true))
                if (auto* scale = qobject_cast<QCPColorScale*>(element); scale && scale->visible())
                    ++colourBars;
            if (plot->legend->visible())
                for (int k = 0; k < plot->legend->itemCount(); ++k)
                    QVERIFY2(CanvasTheme::contrast(plot->legend->item(k)->textColor(), background)
                            >= 4.5,
                        qPrintable(name + ": legend text"));
        }
        if (!anyShown) {
            // Painted by hand from the palette: its background and text.
            ++painted;
            const QPalette p = page->palette();
            QCOMPARE(p.color(QPalette::Base).rgb(), theme.palette().color(QPalette::Base).rgb());
            QVERIFY2(CanvasTheme::contrast(p.color(QPalette::Text), p.color(QPalette::Base)) >= 4.5,
                qPrintable(name));
            const QImage grab = page->grab().toImage();
            const QColor corner = grab.pixelColor(grab.width() - 3, grab.height() - 3);
            QVERIFY2(theme.isDark ? corner.lightness() < 90 : corner.lightness() > 200,
                qPrintable(name + ": corner " + corner.name()));
        }
    }
    QVERIFY(plots >= 4); // loss, histogram, boundary, gradients at least
    QVERIFY(colourBars >= 1); // the decision boundary's
    Q_UNUSED(painted);
}

} // namespace

class TestPlotTheme : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void themesAreReadable();
    void viewsFollowTheTheme();
    void exportedPlotsStayLightUnlessAsked();
    void screenshots();
};

void TestPlotTheme::init()
{
    setThemeSetting(QStringLiteral("light"));
}

void TestPlotTheme::cleanup()
{
    // Other suites start from the default: follow the desktop, pictures light.
    QSettings settings(QStringLiteral("NetCanvas"), QStringLiteral("NetCanvas"));
    settings.setValue(QStringLiteral("view/theme"), QStringLiteral("system"));
    settings.setValue(QStringLiteral("export/darkPictures"), false);
}

void TestPlotTheme::themesAreReadable()
{
    for (const PlotTheme& t : {PlotTheme::light(), PlotTheme::dark()}) {
        QVERIFY(CanvasTheme::contrast(t.text, t.background) >= 7);
        QVERIFY(CanvasTheme::contrast(t.axis, t.background) >= 3);
        QVERIFY(CanvasTheme::contrast(t.text, t.quietFill) >= 4.5);
        QVERIFY(CanvasTheme::contrast(t.background, t.text) >= 4.5); // the scrubbed epoch label
        QVERIFY(CanvasTheme::contrast(t.neutral, t.background) >= 4.5);
        const QPalette p = t.palette();
        for (const auto& [text, base] : {std::pair {QPalette::Text, QPalette::Base},
                 std::pair {QPalette::WindowText, QPalette::Window},
                 std::pair {QPalette::ButtonText, QPalette::Button},
                 std::pair {QPalette::PlaceholderText, QPalette::Base},
                 std::pair {QPalette::HighlightedText, QPalette::Highlight}})
            QVERIFY2(CanvasTheme::contrast(p.color(text), p.color(base)) >= 4.5,
                qPrintable(QString("%1 on %2").arg(text).arg(base)));
    }
}

void TestPlotTheme::viewsFollowTheTheme()
{
    guitest::QuietWindow window;
    window.resize(1366, 900);
    QVERIFY(window.openFile(sourceFile("resources/lessons/hidden_layer.json")).isEmpty());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(!guitest::trainSession(window).label.isEmpty());
    widgets::TrainingPanel* panel = window.trainingPanel();
    QVERIFY(!PlotTheme::current().isDark);
    checkViews(panel, PlotTheme::light());

    QAction* dark = action(window, "Theme_dark");
    QVERIFY(dark);
    dark->trigger();
    QVERIFY(PlotTheme::current().isDark);
    QVERIFY(window.scene()->theme().isDark);
    // The whole window, not only the canvas and the plots: docks, tables, hand-painted views.
    QTRY_COMPARE(window.QWidget::palette().color(QPalette::Window).rgb(),
        PlotTheme::dark().palette().color(QPalette::Window).rgb());
    checkViews(panel, PlotTheme::dark());

    action(window, "Theme_light")->trigger();
    QVERIFY(!PlotTheme::current().isDark);
    checkViews(panel, PlotTheme::light());
}

void TestPlotTheme::exportedPlotsStayLightUnlessAsked()
{
    guitest::QuietWindow window;
    window.resize(1366, 900);
    QVERIFY(window.openFile(sourceFile("resources/lessons/hidden_layer.json")).isEmpty());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    guitest::trainSession(window);
    action(window, "Theme_dark")->trigger();
    widgets::TrainingPanel* panel = window.trainingPanel();
    panel->tabs()->setCurrentWidget(panel->lossPlot());
    QApplication::processEvents();
    QCOMPARE(plotBackground(panel->lossPlot()->plot()).rgb(), PlotTheme::dark().background.rgb());

    QTemporaryDir dir;
    widgets::ExportActions* exports = window.exportActions();
    QAction* darkPictures = window.findChild<QAction*>("ExportDarkPictures");
    QVERIFY(darkPictures && !darkPictures->isChecked());
    const QString lightFile = dir.filePath("loss.png");
    QCOMPARE(exports->exportPlot(panel->lossPlot(), lightFile), QString());
    const QImage light(lightFile);
    QVERIFY(!light.isNull());
    QCOMPARE(light.pixelColor(2, 2).rgb(), QColor(Qt::white).rgb());
    // The tick labels were drawn dark on the white picture: some pixel is nearly black.
    bool darkText = false;
    for (int y = 0; y < light.height() && !darkText; ++y)
        for (int x = 0; x < light.width() && !darkText; ++x)
            darkText = light.pixelColor(x, y).lightness() < 60;
    QVERIFY(darkText);
    // The screen stays dark after the export.
    QCOMPARE(plotBackground(panel->lossPlot()->plot()).rgb(), PlotTheme::dark().background.rgb());
    QCOMPARE(panel->lossPlot()->plot()->xAxis->tickLabelColor(), PlotTheme::dark().text);

    // Asked for: a dark picture.
    darkPictures->setChecked(true);
    const QString darkFile = dir.filePath("loss_dark.png");
    QCOMPARE(exports->exportPlot(panel->lossPlot(), darkFile), QString());
    QCOMPARE(QImage(darkFile).pixelColor(2, 2).rgb(), PlotTheme::dark().background.rgb());
    darkPictures->setChecked(false);
    // A view painted by hand from its palette (the neuron view) exports light too, and is
    // dark on screen again afterwards.
    QWidget* painted = nullptr;
    for (int i = 0; i < panel->tabs()->count() && !painted; ++i) {
        QWidget* page = panel->tabs()->widget(i);
        if (page->findChildren<QCustomPlot*>().isEmpty() && widgets::plotexport::isExportable(page))
            painted = page;
    }
    QVERIFY(painted);
    panel->tabs()->setCurrentWidget(painted);
    QApplication::processEvents();
    const QImage picture = widgets::plotexport::renderImage(painted, 1.0);
    QVERIFY(picture.pixelColor(picture.width() - 3, picture.height() - 3).lightness() > 200);
    QCOMPARE(painted->palette().color(QPalette::Base).rgb(),
        PlotTheme::dark().palette().color(QPalette::Base).rgb());

    // Diagrams: light unless asked, as plots.
    const QString diagram = dir.filePath("diagram.png");
    QCOMPARE(exports->exportDiagramPng(diagram), QString());
    QCOMPARE(QImage(diagram).pixelColor(1, 1).rgb(), QColor(Qt::white).rgb());
    darkPictures->setChecked(true);
    QCOMPARE(exports->exportDiagramPng(diagram), QString());
    QCOMPARE(QImage(diagram).pixelColor(1, 1).rgb(), CanvasTheme::dark().background.rgb());
}

void TestPlotTheme::screenshots()
{
    const QString shots = qEnvironmentVariable("NETCANVAS_SHOTS");
    if (shots.isEmpty())
        QSKIP("set NETCANVAS_SHOTS=<folder> to save pictures");
    QStringList projects {sourceFile("resources/lessons/hidden_layer.json")};
    if (const QString extra = qEnvironmentVariable("NETCANVAS_SHOTS_PROJECT"); !extra.isEmpty())
        projects << extra;
    for (const QString& file : projects) {
        guitest::QuietWindow window;
        window.resize(1600, 1000);
        QVERIFY(window.openFile(file).isEmpty());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        guitest::trainSession(window);
        const QString base = QFileInfo(file).completeBaseName();
        widgets::TrainingPanel* panel = window.trainingPanel();
        for (const QString& mode : {QStringLiteral("dark"), QStringLiteral("light")}) {
            action(window, "Theme_" + mode)->trigger();
            for (int i = 0; i < panel->tabs()->count(); ++i) {
                panel->tabs()->setCurrentIndex(i);
                QApplication::processEvents();
                for (QCustomPlot* p : panel->findChildren<QCustomPlot*>())
                    p->replot();
                const QString tab = panel->tabs()->tabText(i).toLower().replace(' ', '_');
                if (i == 0)
                    QVERIFY(window.grab().save(
                        QDir(shots).filePath(QString("look_%1_%2.png").arg(mode, base))));
                QVERIFY(panel->grab().save(
                    QDir(shots).filePath(QString("look_%1_%2_panel_%3.png").arg(mode, base, tab))));
            }
        }
    }
}

QTEST_MAIN(TestPlotTheme)
#include "tst_plot_theme.moc"
