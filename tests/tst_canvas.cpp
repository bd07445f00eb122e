// CanvasScene/CanvasView: items mirror the document, errors are drawn on the right node, and
// connecting by mouse drag from an output port to an input port makes exactly one edge (none
// when it would close a cycle).

#include "canvas/CanvasScene.h"
#include "canvas/CanvasView.h"
#include "canvas/EdgeItem.h"
#include "canvas/LayerNodeItem.h"
#include "document/GraphDocument.h"
#include "document/UndoCommands.h"

#include <QAction>
#include <QDir>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

using namespace widgets;

namespace {

struct Fixture {
    GraphDocument doc;
    QUndoStack stack;
    CanvasScene scene {&doc, &stack};
    CanvasView view {&scene};

    Fixture()
    {
        view.resize(1100, 600);
        view.show();
    }
    NodeId add(const QString& type, QPointF pos, const nlohmann::json& attrs = {})
    {
        auto* cmd = new AddNodeCommand(&doc, doc.makeNode(type, attrs, pos));
        const NodeId id = cmd->nodeId();
        stack.push(cmd);
        return id;
    }
    QPoint viewPos(QPointF scenePos) const { return view.mapFromScene(scenePos); }
    void drag(QPointF fromScene, QPointF toScene)
    {
        const QPoint a = viewPos(fromScene);
        const QPoint b = viewPos(toScene);
        QTest::mousePress(view.viewport(), Qt::LeftButton, {}, a);
        QTest::mouseMove(view.viewport(), (a + b) / 2);
        QTest::mouseMove(view.viewport(), b);
        QTest::mouseRelease(view.viewport(), Qt::LeftButton, {}, b);
    }
};

} // namespace

class TestCanvas : public QObject {
    Q_OBJECT
private slots:
    void itemsMirrorDocument();
    void errorOutlineAndTooltip();
    void connectByDrag();
    void cycleDragIsRefused();
    void deleteKeyAndSelectAll();
    void autoLayoutOrdersLeftToRight();
    void contextMenuDuplicateAndDelete();
    void zoom();
    void screenshot();
};

void TestCanvas::itemsMirrorDocument()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    const NodeId in = f.add("Input", {0, 0});
    const NodeId d = f.add("Dense", {260, 40}, {{"units", 64}});
    QCOMPARE(f.scene.nodeItemCount(), 2);
    QCOMPARE(f.scene.nodeItem(d)->pos(), QPointF(260, 40));
    f.stack.push(new ConnectCommand(&f.doc, Edge {in, 0, d, 0}));
    QCOMPARE(f.scene.edgeItemCount(), 1);
    EdgeItem* edge = f.scene.edgeItem(Edge {in, 0, d, 0});
    QVERIFY(edge);
    QCOMPARE(edge->path().elementAt(0), f.scene.outputPortPos(in));

    // Edges follow their nodes when the document moves them.
    f.stack.push(new MoveNodesCommand(&f.doc, {{in, {0, 0}}}, {{in, {0, 200}}}));
    QCOMPARE(f.scene.nodeItem(in)->pos(), QPointF(0, 200));
    QCOMPARE(edge->path().elementAt(0), f.scene.outputPortPos(in));
    QCOMPARE(f.scene.outputPortPos(in).y(), 200 + f.scene.nodeItem(in)->outputPortPos().y());

    // Ports: Input has no input port; Loss has no output port.
    const NodeId loss = f.add("Loss", {520, 40});
    QCOMPARE(f.scene.nodeItem(in)->inputPortCount(), 0);
    QVERIFY(!f.scene.nodeItem(loss)->hasOutputPort());
    QCOMPARE(f.scene.nodeItem(d)->inputPortCount(), 1);

    f.stack.undo(); // loss
    f.stack.undo(); // move
    f.stack.undo(); // connect
    QCOMPARE(f.scene.edgeItemCount(), 0);
    QCOMPARE(f.scene.nodeItem(in)->pos(), QPointF(0, 0));
    f.doc.clear();
    QCOMPARE(f.scene.nodeItemCount(), 0);
    QCOMPARE(f.scene.items().size(), 0);
}

void TestCanvas::errorOutlineAndTooltip()
{
    Fixture f;
    const NodeId in = f.add("Input", {0, 0});
    const NodeId d = f.add("Dense", {260, 0}, {{"units", 2}});
    const NodeId loss = f.add("Loss", {520, 0});
    f.stack.push(new ConnectCommand(&f.doc, Edge {d, 0, loss, 0}));
    LayerNodeItem* item = f.scene.nodeItem(d);
    QVERIFY(item->hasError());
    QVERIFY(!f.scene.nodeItem(in)->hasError());
    QVERIFY(item->toolTip().contains(QStringLiteral("unconnected input")));
    QVERIFY(!f.scene.nodeItem(in)->toolTip().contains(QStringLiteral("unconnected")));

    f.stack.push(new ConnectCommand(&f.doc, Edge {in, 0, d, 0}));
    QVERIFY(!item->hasError());
    QVERIFY(!item->toolTip().contains(QStringLiteral("unconnected")));
    QVERIFY(item->toolTip().contains(QStringLiteral("Output: 2")));
    QVERIFY(item->toolTip().contains(QStringLiteral("Parameters: 6")));
    QVERIFY(!f.scene.nodeItem(loss)->hasError());

    // The red outline is drawn: a pixel on the card's top edge is red-dominated.
    f.stack.undo();
    QVERIFY(item->hasError());
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    const QImage shot = f.view.grab().toImage();
    // Left edge of the card, below the header, is the outline (not the header band).
    // The outline is anti-aliased: take the reddest pixel across the card's left edge.
    auto reddest = [&](LayerNodeItem* node) {
        QColor best(Qt::white);
        for (double dx = -2; dx <= 2; dx += 1) {
            const QColor c = shot.pixelColor(
                f.viewPos(node->mapToScene(QPointF(dx, LayerNodeItem::kHeight - 10))));
            if (c.red() - c.green() > best.red() - best.green())
                best = c;
        }
        return best;
    };
    const QColor c = reddest(item);
    QVERIFY2(c.red() > 150 && c.green() < 120 && c.blue() < 120,
        qPrintable(QStringLiteral("outline pixel %1").arg(c.name())));
    const QColor ok = reddest(f.scene.nodeItem(in));
    QVERIFY2(!(ok.red() > 150 && ok.green() < 120), qPrintable(ok.name()));
}

void TestCanvas::connectByDrag()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    const NodeId in = f.add("Input", {0, 0});
    const NodeId d = f.add("Dense", {300, 100}, {{"units", 2}});
    f.scene.clearSelection();
    const int before = f.stack.count();

    f.drag(f.scene.outputPortPos(in), f.scene.inputPortPos(d));
    QCOMPARE(f.doc.edges().size(), 1u);
    QVERIFY(f.doc.hasEdge(Edge {in, 0, d, 0}));
    QCOMPARE(f.stack.count(), before + 1);
    QCOMPARE(f.scene.edgeItemCount(), 1);
    QCOMPARE(f.doc.position(in), QPointF(0, 0)); // the press on the port did not move the node

    // The same drag again is a duplicate: refused with a message, nothing added.
    QSignalSpy hints(&f.scene, &CanvasScene::statusMessage);
    f.drag(f.scene.outputPortPos(in), f.scene.inputPortPos(d));
    QCOMPARE(f.doc.edges().size(), 1u);
    QCOMPARE(hints.count(), 1);

    // Releasing on empty canvas connects nothing and says nothing.
    f.drag(f.scene.outputPortPos(d), QPointF(800, 400));
    QCOMPARE(f.doc.edges().size(), 1u);
    QCOMPARE(hints.count(), 1);
    QCOMPARE(f.stack.count(), before + 1);
}

void TestCanvas::cycleDragIsRefused()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    const NodeId a = f.add("Dense", {0, 0});
    const NodeId add = f.add("Add", {260, 0});
    const NodeId b = f.add("Dense", {520, 0});
    f.stack.push(new ConnectCommand(&f.doc, Edge {a, 0, add, 0}));
    f.stack.push(new ConnectCommand(&f.doc, Edge {add, 0, b, 0}));
    const int before = f.stack.count();
    QSignalSpy hints(&f.scene, &CanvasScene::statusMessage);

    f.drag(f.scene.outputPortPos(b), f.scene.inputPortPos(add));
    QCOMPARE(f.doc.edges().size(), 2u);
    QCOMPARE(f.stack.count(), before);
    QCOMPARE(hints.count(), 1);
    QVERIFY(hints.at(0).at(0).toString().contains(QStringLiteral("cycle")));

    // A legal second input of Add through the same gesture works and gets port 1.
    const NodeId c = f.add("Dense", {0, 200});
    f.drag(f.scene.outputPortPos(c), f.scene.inputPortPos(add));
    QVERIFY(f.doc.hasEdge(Edge {c, 0, add, 1}));
}

void TestCanvas::deleteKeyAndSelectAll()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    const NodeId a = f.add("Input", {0, 0});
    const NodeId b = f.add("Dense", {260, 0});
    f.stack.push(new ConnectCommand(&f.doc, Edge {a, 0, b, 0}));
    QSignalSpy selection(&f.scene, &CanvasScene::selectionChangedIds);
    f.scene.selectNodes({b});
    QCOMPARE(selection.count(), 1);
    QCOMPARE(selection.last().at(0).value<QList<engine::NodeId>>(), QList<engine::NodeId> {b});
    f.view.setFocus();
    QTest::keyClick(f.view.viewport(), Qt::Key_Delete);
    QCOMPARE(f.doc.nodeIds(), std::vector<NodeId> {a});
    QCOMPARE(f.scene.edgeItemCount(), 0);
    f.stack.undo();
    QCOMPARE(f.doc.nodeCount(), 2);
    QCOMPARE(f.doc.edges().size(), 1u);

    f.scene.selectAll();
    QCOMPARE(f.scene.selectedNodeIds().size(), 2u);
    QCOMPARE(f.scene.selectedEdges().size(), 1u);
    f.scene.cutSelection();
    QCOMPARE(f.doc.nodeCount(), 0);
    f.scene.paste();
    QCOMPARE(f.doc.nodeCount(), 2);
    QCOMPARE(f.doc.edges().size(), 1u);
}

void TestCanvas::autoLayoutOrdersLeftToRight()
{
    Fixture f;
    // Deliberately scrambled: loss on the left, input on the right.
    const NodeId loss = f.add("Loss", {0, 300});
    const NodeId d2 = f.add("Dense", {100, 0}, {{"units", 2}});
    const NodeId d1 = f.add("Dense", {700, 500});
    const NodeId in = f.add("Input", {900, 100});
    const NodeId side = f.add("Dense", {400, 400});
    f.stack.push(new ConnectCommand(&f.doc, Edge {in, 0, d1, 0}));
    f.stack.push(new ConnectCommand(&f.doc, Edge {d1, 0, d2, 0}));
    f.stack.push(new ConnectCommand(&f.doc, Edge {d2, 0, loss, 0}));
    f.stack.push(new ConnectCommand(&f.doc, Edge {in, 0, side, 0}));
    const int before = f.stack.count();
    f.scene.autoLayout();
    QCOMPARE(f.stack.count(), before + 1);
    const auto x = [&](NodeId id) { return f.doc.position(id).x(); };
    QVERIFY(x(in) < x(d1));
    QVERIFY(x(d1) < x(d2));
    QVERIFY(x(d2) < x(loss));
    QCOMPARE(x(side), x(d1)); // same layer
    QVERIFY(f.doc.position(side).y() != f.doc.position(d1).y());
    // No two cards overlap.
    const auto ids = f.doc.nodeIds();
    for (std::size_t i = 0; i < ids.size(); ++i)
        for (std::size_t j = i + 1; j < ids.size(); ++j)
            QVERIFY(!f.scene.nodeItem(ids[i])->sceneBoundingRect().intersects(
                f.scene.nodeItem(ids[j])->sceneBoundingRect()));
    f.scene.autoLayout(); // already laid out: no new step
    QCOMPARE(f.stack.count(), before + 1);
    f.stack.undo();
    QCOMPARE(f.doc.position(loss), QPointF(0, 300));
}

namespace {

QAction* menuAction(QMenu* menu, const QString& text)
{
    for (QAction* a : menu->actions())
        if (a->text() == text)
            return a;
    return nullptr;
}

} // namespace

void TestCanvas::contextMenuDuplicateAndDelete()
{
    // Through the card's real context menu: Duplicate and Delete, each one undoable step.
    Fixture f;
    const NodeId in = f.add("Input", {0, 0});
    const NodeId d = f.add("Dense", {280, 0}, {{"units", 7}, {"activation", "tanh"}});
    const NodeId loss = f.add("Loss", {560, 0});
    f.stack.push(new ConnectCommand(&f.doc, Edge {in, 0, d, 0}));
    f.stack.push(new ConnectCommand(&f.doc, Edge {d, 0, loss, 0}));
    const nlohmann::json original = f.doc.toJson();
    const int steps = f.stack.count();

    // Right-click on an unselected card: it alone becomes the selection.
    f.scene.selectNodes({in});
    std::unique_ptr<QMenu> menu(f.scene.createNodeMenu(d));
    QVERIFY(f.scene.selectedNodeIds() == std::vector<NodeId> {d});
    QAction* duplicate = menuAction(menu.get(), "Duplicate");
    QVERIFY(duplicate);
    duplicate->trigger();
    QCOMPARE(f.doc.nodeIds().size(), std::size_t(4));
    QCOMPARE(f.stack.count(), steps + 1);
    const NodeId copy = f.doc.nodeIds().back();
    QVERIFY(f.scene.selectedNodeIds() == std::vector<NodeId> {copy});
    QCOMPARE(f.doc.nodeType(copy), QString("Dense"));
    QVERIFY(f.doc.attributes(copy) == f.doc.attributes(d));
    for (const NodeId id : {in, d, loss}) // placed where it hides no card
        QVERIFY(!f.scene.nodeItem(copy)->sceneBoundingRect().intersects(
            f.scene.nodeItem(id)->sceneBoundingRect()));
    f.stack.undo();
    QVERIFY(f.doc.toJson() == original);
    f.stack.redo();
    QCOMPARE(f.doc.nodeIds().size(), std::size_t(4));
    f.stack.undo();

    // Two selected cards: both are copied with the edge between them, in one step.
    f.scene.selectNodes({in, d});
    menu.reset(f.scene.createNodeMenu(in));
    menuAction(menu.get(), "Duplicate")->trigger();
    QCOMPARE(f.doc.nodeIds().size(), std::size_t(5));
    QCOMPARE(f.doc.edges().size(), std::size_t(3));
    QCOMPARE(f.stack.count(), steps + 1);
    f.stack.undo();
    QVERIFY(f.doc.toJson() == original);

    // Delete removes the card and its edges; undo brings both back.
    menu.reset(f.scene.createNodeMenu(d));
    QAction* remove = menuAction(menu.get(), "Delete");
    QVERIFY(remove);
    remove->trigger();
    QVERIFY(!f.doc.hasNode(d));
    QVERIFY(f.doc.edges().empty());
    QCOMPARE(f.scene.nodeItemCount(), 2);
    QCOMPARE(f.stack.count(), steps + 1);
    f.stack.undo();
    QVERIFY(f.doc.toJson() == original);
    QCOMPARE(f.scene.edgeItemCount(), 2);
}

void TestCanvas::zoom()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    f.add("Input", {0, 0});
    f.add("Dense", {2000, 1200});
    QSignalSpy zoomed(&f.view, &CanvasView::zoomChanged);
    f.view.zoomIn();
    QVERIFY(f.view.zoom() > 1.0);
    f.view.resetZoom();
    QCOMPARE(f.view.zoom(), 1.0);
    f.view.zoomToFit();
    QVERIFY(f.view.zoom() < 1.0);
    const QRectF visible = f.view.mapToScene(f.view.viewport()->rect()).boundingRect();
    QVERIFY(visible.contains(f.scene.nodesBoundingRect()));
    QVERIFY(zoomed.count() >= 3);

    // Zooming around a point keeps that scene point under the cursor.
    f.view.resetZoom();
    const QPoint cursor(200, 150);
    const QPointF before = f.view.mapToScene(cursor);
    f.view.zoomBy(1.5, cursor);
    QVERIFY((f.view.mapToScene(cursor) - before).manhattanLength() < 2.0);
    for (int i = 0; i < 30; ++i)
        f.view.zoomOut();
    QCOMPARE(f.view.zoom(), CanvasView::kMinZoom);

    // A network too large for kMinZoom still fits whole; zooming out from there stays put.
    f.add("Dense", {12000, 9000});
    f.view.zoomToFit();
    QVERIFY(f.view.zoom() < CanvasView::kMinZoom);
    QVERIFY(f.view.mapToScene(f.view.viewport()->rect())
                .boundingRect()
                .contains(f.scene.nodesBoundingRect()));
    const double fitted = f.view.zoom();
    f.view.zoomOut();
    QCOMPARE(f.view.zoom(), fitted);
    f.view.zoomIn();
    QVERIFY(f.view.zoom() > fitted);
}

void TestCanvas::screenshot()
{
    // For looking at the canvas by eye: NETCANVAS_SCREENSHOT=/tmp/canvas.png
    const QString out = qEnvironmentVariable("NETCANVAS_SCREENSHOT");
    if (out.isEmpty())
        QSKIP("set NETCANVAS_SCREENSHOT=<file.png> to save a screenshot");
    Fixture f;
    f.view.resize(1200, 520);
    const NodeId in = f.add("Input", {0, 100});
    const NodeId h1 = f.add("Dense", {260, 0}, {{"units", 64}, {"activation", "relu"}});
    const NodeId h2 = f.add("Dense", {260, 200}, {{"units", 32}, {"activation", "tanh"}});
    const NodeId cat = f.add("Concatenate", {520, 100});
    const NodeId drop = f.add("Dropout", {780, 100});
    const NodeId out2 = f.add("Dense", {780, 260}, {{"units", 2}, {"activation", "identity"}});
    const NodeId loss = f.add("Loss", {1040, 260});
    const NodeId bad = f.add("Dense", {520, 320}, {{"units", 8}});
    for (const Edge& e :
        {Edge {in, 0, h1, 0}, Edge {in, 0, h2, 0}, Edge {h1, 0, cat, 0}, Edge {h2, 0, cat, 1},
            Edge {cat, 0, drop, 0}, Edge {drop, 0, out2, 0}, Edge {out2, 0, loss, 0}})
        f.stack.push(new ConnectCommand(&f.doc, e));
    Q_UNUSED(bad);
    f.scene.selectNodes({h1});
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    f.view.zoomToFit();
    QVERIFY(f.view.grab().save(out));

    // A refused connection: the hint is shown where the drag ended.
    f.scene.clearSelection();
    f.drag(f.scene.outputPortPos(out2), f.scene.inputPortPos(h1));
    QVERIFY(f.view.grab().save(QString(out).replace(".png", "-refused.png")));

    // The shipped examples, laid out as saved.
    const QDir examples(qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + "/resources/examples");
    for (const QString& file : examples.entryList({"*.json"})) {
        f.doc.load(engine::loadProject(examples.filePath(file).toStdString()));
        f.view.zoomToFit();
        QVERIFY(f.view.grab().save(QString(out).replace(".png", "-" + file + ".png")));
    }
}

QTEST_MAIN(TestCanvas)
#include "tst_canvas.moc"
