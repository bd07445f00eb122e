// Dark mode (issue 18): the canvas follows the desktop's colour scheme or a forced choice in
// View > Canvas Theme, and cards, edges and shape labels stay readable in both themes.
// NETCANVAS_SHOTS=<folder> saves canvas_dark.png and canvas_light.png of the Fashion-MNIST CNN.

#include "QuietWindow.h"

#include "canvas/CanvasScene.h"
#include "canvas/CanvasTheme.h"
#include "canvas/CanvasView.h"
#include "canvas/LayerNodeItem.h"
#include "export/DiagramExport.h"
#include "project/Project.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QPalette>
#include <QSettings>
#include <QTest>

using widgets::CanvasTheme;

class TestCanvasTheme : public QObject {
    Q_OBJECT

private slots:
    void bothThemesAreReadable();
    void windowFollowsDesktopUnlessForced();
    void exportedDiagramsStayLight();
};

void TestCanvasTheme::bothThemesAreReadable()
{
    for (const CanvasTheme& t : {CanvasTheme::light(), CanvasTheme::dark()}) {
        // WCAG: 4.5 for text, 3 for lines and other graphics.
        QVERIFY(CanvasTheme::contrast(t.text, t.card) >= 7);
        QVERIFY(CanvasTheme::contrast(t.detail, t.card) >= 4.5);
        QVERIFY(CanvasTheme::contrast(t.labelText, t.background) >= 4.5);
        QVERIFY(CanvasTheme::contrast(t.edge, t.background) >= 3);
        QVERIFY(CanvasTheme::contrast(t.cardBorder, t.background) >= 1.3);
    }
    QVERIFY(CanvasTheme::dark().background.lightness() < 60);
    QVERIFY(CanvasTheme::light().background.lightness() > 200);
}

void TestCanvasTheme::windowFollowsDesktopUnlessForced()
{
    guitest::QuietWindow window;
    window.resize(1366, 768);
    QVERIFY(window
                .openFile(qEnvironmentVariable("NETCANVAS_SOURCE_DIR")
                    + "/resources/examples/fashion_cnn.json")
                .isEmpty());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const auto action = [&](const char* name) {
        QAction* a = window.findChild<QAction*>(QString::fromLatin1(name));
        return a;
    };
    QVERIFY(action("Theme_system") && action("Theme_light") && action("Theme_dark"));
    const QPalette desktop = QApplication::palette();

    // Forced dark: the canvas paints dark, whatever the desktop says.
    action("Theme_dark")->trigger();
    QVERIFY(window.scene()->theme().isDark);
    window.view()->zoomToFit();
    const QString shots = qEnvironmentVariable("NETCANVAS_SHOTS");
    const QImage dark = window.view()->viewport()->grab().toImage();
    QCOMPARE(dark.pixelColor(3, 3).rgb(), CanvasTheme::dark().background.rgb());
    if (!shots.isEmpty()) {
        QVERIFY(window.grab().save(QDir(shots).filePath("canvas_dark.png")));
        window.view()->resetZoom();
        window.scene()->selectNodes({window.document()->nodeIds()[1]});
        QVERIFY(window.view()->grab().save(QDir(shots).filePath("canvas_dark_100.png")));
        window.view()->zoomToFit();
    }
    action("Theme_light")->trigger();
    QVERIFY(!window.scene()->theme().isDark);
    const QImage light = window.view()->viewport()->grab().toImage();
    QCOMPARE(light.pixelColor(3, 3).rgb(), CanvasTheme::light().background.rgb());
    if (!shots.isEmpty())
        QVERIFY(window.grab().save(QDir(shots).filePath("canvas_light.png")));

    // Following the desktop: a dark palette turns the canvas dark, a light one back.
    action("Theme_system")->trigger();
    QPalette night = desktop;
    night.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
    night.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
    QApplication::setPalette(night);
    QTRY_VERIFY(window.scene()->theme().isDark);
    QPalette day = desktop;
    day.setColor(QPalette::Window, QColor(0xf0, 0xf0, 0xf0));
    day.setColor(QPalette::WindowText, QColor(0x10, 0x10, 0x10));
    QApplication::setPalette(day);
    QTRY_VERIFY(!window.scene()->theme().isDark);
    QApplication::setPalette(desktop);
}

void TestCanvasTheme::exportedDiagramsStayLight()
{
    // A diagram goes into papers and slides: light, whatever the canvas shows.
    guitest::QuietWindow window;
    window.show();
    widgets::CanvasScene* scene = window.scene();
    scene->setTheme(CanvasTheme::dark());
    const QRectF source = widgets::diagramexport::rect(scene);
    const QImage png = widgets::diagramexport::image(scene, 1.0);
    QVERIFY(!png.isNull());
    const engine::NodeId first = window.document()->nodeIds().front();
    // Inside the first card's body, away from its text: the light card colour.
    const QPointF body = scene->cardRect(first).bottomLeft() + QPointF(4, -3) - source.topLeft();
    QCOMPARE(png.pixelColor(body.toPoint()).rgb(), CanvasTheme::light().card.rgb());
    QVERIFY(scene->theme().isDark); // the canvas itself stays dark
}

QTEST_MAIN(TestCanvasTheme)
#include "tst_canvas_theme.moc"
