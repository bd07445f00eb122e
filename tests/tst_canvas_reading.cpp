// The canvas read as engineers read Netron (issue 18): each card's cost per sample, tensor shapes
// on the edges, finding nodes by name or type, and a node's connections in the inspector.
// NETCANVAS_SHOTS=<folder> saves grabs of the Fashion-MNIST CNN (canvas_*.png) for looking at.

#include "canvas/CanvasScene.h"
#include "canvas/CanvasView.h"
#include "canvas/EdgeItem.h"
#include "canvas/FindBar.h"
#include "canvas/LayerNodeItem.h"
#include "canvas/Minimap.h"
#include "document/GraphDocument.h"
#include "document/UndoCommands.h"
#include "inspector/ConnectionsBox.h"
#include "inspector/Inspector.h"
#include "project/Project.h"

#include <QDir>
#include <QImage>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QStyleOptionGraphicsItem>
#include <QTest>
#include <QUndoStack>

using namespace widgets;

namespace {

struct Fixture {
    GraphDocument doc;
    QUndoStack stack;
    CanvasScene scene {&doc, &stack};
    CanvasView view {&scene};

    explicit Fixture(const char* example = "fashion_cnn.json")
    {
        view.resize(1366, 768);
        doc.load(engine::loadProject(
            (qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + "/resources/examples/" + example)
                .toStdString()));
        view.show();
    }
    NodeId named(const QString& name) const
    {
        for (NodeId id : doc.nodeIds())
            if (doc.nodeName(id) == name)
                return id;
        return -1;
    }
    /// Saves a grab to $NETCANVAS_SHOTS/canvas_<name>.png when that is set.
    void shot(const QString& name)
    {
        const QString dir = qEnvironmentVariable("NETCANVAS_SHOTS");
        if (!dir.isEmpty())
            QVERIFY(view.grab().save(QDir(dir).filePath("canvas_" + name + ".png")));
    }
};

} // namespace

class TestCanvasReading : public QObject {
    Q_OBJECT

private slots:
    void cardsShowCostPerSample();
    void edgesShowInferredShapes();
    void findBarCyclesThroughMatches();
    void inspectorListsConnections();
    void minimapShowsAllAndNavigates();
    void zoomedOutCardsAreSketchedWithoutText();
    void zoomedCardPicturesFollowChanges();
};

// Below half size a card's text is under 6 px: the card is drawn as coloured blocks (the frame
// time of a 200-card graph depends on it), at half size and above the text is there.
void TestCanvasReading::zoomedOutCardsAreSketchedWithoutText()
{
    Fixture f;
    LayerNodeItem* card = f.scene.nodeItem(f.named(QStringLiteral("conv1")));
    QVERIFY(card);
    const auto colours = [card](double scale) {
        QImage image(int(LayerNodeItem::kWidth * scale) + 4, int(card->cardHeight() * scale) + 4,
            QImage::Format_ARGB32);
        image.fill(Qt::white);
        QPainter painter(&image);
        painter.scale(scale, scale);
        QStyleOptionGraphicsItem option;
        card->paint(&painter, &option, nullptr);
        painter.end();
        QSet<QRgb> seen;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                seen.insert(image.pixel(x, y));
        return seen.size();
    };
    const int sketched = colours(LayerNodeItem::kSketchBelowScale * 0.9);
    const int full = colours(LayerNodeItem::kSketchBelowScale);
    // Blocks and an outline without antialiasing: a handful of colours; text and rounded,
    // antialiased edges: dozens.
    QVERIFY2(sketched <= 6, qPrintable(QString::number(sketched)));
    QVERIFY2(full > 20, qPrintable(QString::number(full)));
}

// Between half size and 100 % a card is drawn from a picture of itself at the next larger of
// LayerNodeItem::kZoomLevels (zooming redraws no text): a new name, the selection and the theme
// still show at once. NETCANVAS_SHOTS gets canvas_zoom_<60|100|150>_<light|dark>.png.
void TestCanvasReading::zoomedCardPicturesFollowChanges()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    const NodeId conv1 = f.named(QStringLiteral("conv1"));
    LayerNodeItem* card = f.scene.nodeItem(conv1);
    QVERIFY(card);
    f.view.setTransform(QTransform::fromScale(0.7, 0.7));
    f.view.centerOn(card);
    // The card (with its outline) or, inset, its body, as the viewport shows it now.
    const auto look = [&](double inset) {
        const QRectF r = f.scene.cardRect(conv1).adjusted(inset, inset, -inset, -inset);
        return f.view.viewport()->grab(f.view.mapFromScene(r).boundingRect()).toImage();
    };
    const QImage before = look(-4);
    const QImage body = look(10);

    f.stack.push(new RenameNodeCommand(&f.doc, conv1, QStringLiteral("renamed")));
    QVERIFY(look(-4) != before);
    f.stack.undo();
    QCOMPARE(look(-4), before); // the same card draws the same: the differences are the changes

    card->setSelected(true);
    QVERIFY(look(-4) != before);
    card->setSelected(false);
    QCOMPARE(look(-4), before);

    f.scene.setTheme(CanvasTheme::dark());
    const QImage darkBody = look(10);
    QVERIFY(darkBody != body);
    // The bottom right of the body holds no text: the dark theme's card colour.
    const QColor corner = darkBody.pixelColor(darkBody.width() - 4, darkBody.height() - 4);
    QVERIFY2(corner.lightness() < 100, qPrintable(corner.name()));
    f.scene.setTheme(CanvasTheme::light());
    QCOMPARE(look(10), body);

    for (const CanvasTheme& theme : {CanvasTheme::light(), CanvasTheme::dark()}) {
        f.scene.setTheme(theme);
        for (const double zoom : {0.6, 1.0, 1.5}) {
            f.view.setTransform(QTransform::fromScale(zoom, zoom));
            f.view.centerOn(card);
            f.shot(QStringLiteral("zoom_%1_%2")
                       .arg(qRound(zoom * 100))
                       .arg(theme.isDark ? "dark" : "light"));
        }
    }
}

void TestCanvasReading::cardsShowCostPerSample()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    // conv1: 320 weights at 26x26 positions, 2 flops each = 432,640 FLOP; output and
    // pre-activation (21,632 + 21,632 values) with gradients, 4 bytes: 346,112 B (its im2col
    // patches live per block of samples, not per sample).
    QCOMPARE(
        f.scene.nodeItem(f.named("conv1"))->costText(), QStringLiteral("433 kFLOP \u00b7 346 kB"));
    // hidden: 1600 x 128 + 128 weights, 2 flops each = 409,856; 128 outputs x 8 bytes = 1,024 B.
    QCOMPARE(
        f.scene.nodeItem(f.named("hidden"))->costText(), QStringLiteral("410 kFLOP \u00b7 1.0 kB"));
    // The input computes nothing: only its memory.
    QCOMPARE(f.scene.nodeItem(f.named("image"))->costText(), QStringLiteral("6.3 kB"));
    QVERIFY(f.scene.nodeItem(f.named("conv1"))->toolTip().contains("forward"));

    // An edit changes the cost: 64 filters double conv1's work.
    const NodeId conv1 = f.named("conv1");
    f.stack.push(new SetAttributeCommand(&f.doc, conv1, "filters", 64));
    QVERIFY2(f.scene.nodeItem(conv1)->costText().startsWith(QStringLiteral("865 kFLOP")),
        qPrintable(f.scene.nodeItem(conv1)->costText()));
    f.stack.undo();
    f.view.zoomToFit();
    f.shot("costs");
}

void TestCanvasReading::edgesShowInferredShapes()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    const auto& edges = f.doc.edges();
    QCOMPARE(edges.size(), std::size_t(9));
    for (const Edge& e : edges)
        QCOMPARE(f.scene.edgeItem(e)->shapeLabel(), QString()); // off by default

    f.scene.setShowEdgeShapes(true);
    const engine::GraphCheck& check = f.doc.check();
    QStringList seen;
    std::vector<QRectF> labels;
    for (const Edge& e : edges) {
        const EdgeItem* item = f.scene.edgeItem(e);
        // The engine's inferred output shape of the edge's source, dimension by dimension.
        QStringList dims;
        for (int d : check.shapes.at(e.from).dims())
            dims << QString::number(d);
        QCOMPARE(item->shapeLabel(), dims.join(QChar(0x00d7)));
        seen << item->shapeLabel();
        // Drawn, clear of every card and of the other labels.
        const QRectF r = item->shapeLabelRect();
        QVERIFY2(!r.isEmpty(), qPrintable(item->shapeLabel()));
        for (const QRectF& card : f.scene.cardRects())
            QVERIFY2(!card.intersects(r), qPrintable(item->shapeLabel()));
        for (const QRectF& other : labels)
            QVERIFY(!other.intersects(r));
        labels.push_back(r);
    }
    QCOMPARE(seen,
        QStringList(
            {"28×28×1", "26×26×32", "13×13×32", "11×11×64", "5×5×64", "1600", "128", "128", "10"}));
    f.view.zoomToFit();
    f.shot("edge_shapes");

    // An edit upstream changes the labels downstream; turning them off clears them.
    const NodeId conv1 = f.named("conv1");
    f.stack.push(new SetAttributeCommand(&f.doc, conv1, "filters", 16));
    QCOMPARE(f.scene.edgeItem(edges[1])->shapeLabel(), QStringLiteral("26×26×16"));
    f.scene.setShowEdgeShapes(false);
    QCOMPARE(f.scene.edgeItem(edges[1])->shapeLabel(), QString());
    QVERIFY(f.scene.edgeItem(edges[1])->shapeLabelRect().isEmpty());
}

/// The node whose card is nearest the middle of the view.
NodeId centredNode(const Fixture& f)
{
    const QPointF centre = f.view.mapToScene(f.view.viewport()->rect().center());
    NodeId best = -1;
    double bestDistance = 1e18;
    for (NodeId id : f.doc.nodeIds()) {
        const double d = QLineF(centre, f.scene.cardRect(id).center()).length();
        if (d < bestDistance) {
            bestDistance = d;
            best = id;
        }
    }
    return best;
}

void TestCanvasReading::findBarCyclesThroughMatches()
{
    Fixture f;
    f.view.resetZoom(); // 100 %: the CNN is wider than the view, so centring has to scroll
    FindBar bar(&f.view);
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    bar.open();
    QVERIFY(bar.isVisible());
    QTest::keyClicks(bar.lineEdit(), QStringLiteral("CONV"));
    const NodeId conv1 = f.named("conv1"), conv2 = f.named("conv2");
    QCOMPARE(bar.matches(), (std::vector<NodeId> {conv1, conv2})); // by type, left to right
    QCOMPARE(bar.countText(), QStringLiteral("2 matches"));
    QVERIFY(f.scene.nodeItem(conv1)->hasFindHighlight());
    QVERIFY(f.scene.nodeItem(conv2)->hasFindHighlight());
    QVERIFY(!f.scene.nodeItem(f.named("pool1"))->hasFindHighlight());

    // Enter goes to each match in turn, selecting and centring it, and wraps around.
    for (NodeId expected : {conv1, conv2, conv1}) {
        QTest::keyClick(bar.lineEdit(), Qt::Key_Return);
        QCOMPARE(bar.current(), expected);
        QCOMPARE(f.scene.selectedNodeIds(), std::vector<NodeId> {expected});
        QCOMPARE(centredNode(f), expected);
    }
    QCOMPARE(bar.countText(), QStringLiteral("1 of 2"));
    QTest::keyClick(bar.lineEdit(), Qt::Key_Return, Qt::ShiftModifier);
    QCOMPARE(bar.current(), conv2);
    f.shot("find");

    // By name: "hidden" is a Dense layer; "dense" finds both Dense layers by their type.
    bar.lineEdit()->setText(QStringLiteral("hidden"));
    QCOMPARE(bar.matches(), std::vector<NodeId> {f.named("hidden")});
    QVERIFY(!f.scene.nodeItem(conv1)->hasFindHighlight());
    bar.lineEdit()->setText(QStringLiteral("dense"));
    QCOMPARE(bar.matches(), (std::vector<NodeId> {f.named("hidden"), f.named("logits")}));
    bar.lineEdit()->setText(QStringLiteral("transformer"));
    QVERIFY(bar.matches().empty());
    QCOMPARE(bar.countText(), QStringLiteral("no match"));

    // Esc closes the bar and clears the rings.
    bar.lineEdit()->setText(QStringLiteral("pool"));
    QVERIFY(f.scene.nodeItem(f.named("pool2"))->hasFindHighlight());
    QTest::keyClick(bar.lineEdit(), Qt::Key_Escape);
    QVERIFY(!bar.isVisible());
    QVERIFY(!f.scene.nodeItem(f.named("pool2"))->hasFindHighlight());
}

void TestCanvasReading::inspectorListsConnections()
{
    Fixture f;
    f.view.resetZoom();
    Inspector inspector(&f.doc, &f.stack);
    connect(&inspector, &Inspector::nodeActivated, &f.view, &CanvasView::revealNode);
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    inspector.showNode(f.named("pool1"));
    const auto up = inspector.connections()->upstreamButtons();
    const auto down = inspector.connections()->downstreamButtons();
    QCOMPARE(up.size(), std::size_t(1));
    QCOMPARE(down.size(), std::size_t(1));
    QVERIFY2(up[0]->text().contains(QStringLiteral("conv1 (Conv2D)")), qPrintable(up[0]->text()));
    QVERIFY2(
        down[0]->text().contains(QStringLiteral("conv2 (Conv2D)")), qPrintable(down[0]->text()));
    // Shown in the inspector (buttons made while it is open appear on the next turn).
    inspector.resize(300, 700);
    inspector.show();
    QTRY_VERIFY(inspector.connections()->upstreamButtons().front()->isVisible());
    QTRY_VERIFY(inspector.connections()->height() >= inspector.connections()->sizeHint().height());
    QVERIFY(inspector.connections()->upstreamButtons().front()->height() > 10);
    const QString shots = qEnvironmentVariable("NETCANVAS_SHOTS");
    if (!shots.isEmpty())
        QVERIFY(inspector.grab().save(QDir(shots).filePath("canvas_inspector_connections.png")));

    // Clicking a connection selects and centres that node.
    QTest::mouseClick(inspector.connections()->downstreamButtons().front(), Qt::LeftButton);
    QCOMPARE(f.scene.selectedNodeIds(), std::vector<NodeId> {f.named("conv2")});
    QCOMPARE(centredNode(f), f.named("conv2"));

    // The list follows the edges: removing pool1 -> conv2 leaves pool1 with no downstream.
    f.stack.push(new DisconnectCommand(&f.doc, Edge {f.named("pool1"), 0, f.named("conv2"), 0}));
    QVERIFY(inspector.connections()->downstreamButtons().empty());
    QCOMPARE(inspector.connections()->upstreamButtons().size(), std::size_t(1));
    // The input has nothing upstream.
    inspector.showNode(f.named("image"));
    QVERIFY(inspector.connections()->upstreamButtons().empty());
    QCOMPARE(inspector.connections()->downstreamButtons().size(), std::size_t(1));
}

void TestCanvasReading::minimapShowsAllAndNavigates()
{
    Fixture f;
    f.view.resetZoom(); // the CNN is wider than the canvas at 100 %
    Minimap map(&f.view);
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    map.refit();
    QVERIFY(map.isVisible()); // the CNN does not fit at 100 %
    // In the canvas's bottom-right corner, every card inside the overview.
    QVERIFY(f.view.rect().contains(map.geometry()));
    QVERIFY(map.geometry().center().x() > f.view.width() / 2);
    QVERIFY(map.geometry().center().y() > f.view.height() / 2);
    for (NodeId id : f.doc.nodeIds())
        QVERIFY(
            map.viewport()->rect().contains(map.mapFromScene(f.scene.cardRect(id)).boundingRect()));
    // The outline is what the canvas shows.
    QCOMPARE(map.shownArea(), f.view.mapToScene(f.view.viewport()->rect()).boundingRect());
    // A click on a card in the overview brings it to the middle of the canvas.
    const NodeId logits = f.named("logits");
    QVERIFY(centredNode(f) != logits);
    QTest::mouseClick(
        map.viewport(), Qt::LeftButton, {}, map.mapFromScene(f.scene.cardRect(logits).center()));
    QCOMPARE(centredNode(f), logits);
    QCOMPARE(map.shownArea(), f.view.mapToScene(f.view.viewport()->rect()).boundingRect());
    f.shot("minimap");
    // All of it in the canvas: no overview over the cards. View > Minimap off: never.
    f.view.zoomToFit();
    QVERIFY(!map.isVisible());
    f.view.resetZoom();
    QVERIFY(map.isVisible());
    map.setWanted(false);
    QVERIFY(!map.isVisible());
}

QTEST_MAIN(TestCanvasReading)
#include "tst_canvas_reading.moc"
