// The designer's undo history: a scripted session (palette drops onto the canvas view, connect,
// edit, move, delete, paste) is undone step by step back to the empty document and redone,
// comparing the document JSON with what was recorded on the way; the engine graph built from
// the project agrees with the document at every step.

#include "canvas/CanvasScene.h"
#include "canvas/CanvasView.h"
#include "canvas/LayerNodeItem.h"
#include "canvas/PaletteMime.h"
#include "document/GraphDocument.h"
#include "document/UndoCommands.h"

#include <QApplication>
#include <QMimeData>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

#include <algorithm>
#include <set>

using namespace widgets;

namespace {

QString dump(const nlohmann::json& j)
{
    return QString::fromStdString(j.dump());
}

void compareWithEngine(const GraphDocument& doc)
{
    const engine::Graph g = doc.project().buildGraph();
    const auto engineIds = g.nodeIds();
    const auto docIds = doc.nodeIds();
    QCOMPARE(std::set<NodeId>(engineIds.begin(), engineIds.end()),
        std::set<NodeId>(docIds.begin(), docIds.end()));
    QCOMPARE(g.edges().size(), doc.edges().size());
    for (const auto& e : doc.edges())
        QVERIFY(std::find(g.edges().begin(), g.edges().end(), e) != g.edges().end());
}

/// Drops a palette entry on the view's viewport the way a drag from the palette ends.
bool dropLayer(CanvasView& view, const QByteArray& payload, QPointF scenePos)
{
    QMimeData mime;
    mime.setData(QString::fromLatin1(kLayerMimeType), payload);
    const QPoint pos = view.mapFromScene(scenePos);
    QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view.viewport(), &enter);
    if (!enter.isAccepted())
        return false;
    QDragMoveEvent move(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view.viewport(), &move);
    if (!move.isAccepted())
        return false;
    QDropEvent drop(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view.viewport(), &drop);
    return drop.isAccepted();
}

} // namespace

class TestUndo : public QObject {
    Q_OBJECT
private slots:
    void scriptedSessionUndoRedo();
    void multiNodeMoveIsOneStep();
    void foreignDropIsRefused();
};

void TestUndo::scriptedSessionUndoRedo()
{
    GraphDocument doc;
    QUndoStack stack;
    CanvasScene scene(&doc, &stack);
    CanvasView view(&scene);
    view.resize(1000, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    std::vector<nlohmann::json> states {doc.toJson()};
    auto record = [&] {
        compareWithEngine(doc);
        QCOMPARE(stack.index(), int(states.size()));
        states.push_back(doc.toJson());
    };

    // 1-4: palette drops.
    QVERIFY(dropLayer(view, R"({"type":"Input","attributes":{"shape":[]}})", {0, 0}));
    QCOMPARE(doc.nodeCount(), 1);
    record();
    QVERIFY(dropLayer(
        view, R"({"type":"Dense","attributes":{"units":8,"activation":"relu"}})", {300, 0}));
    record();
    QVERIFY(dropLayer(view, R"({"type":"Dense","attributes":{"units":2}})", {600, 0}));
    record();
    QVERIFY(dropLayer(
        view, R"({"type":"Loss","attributes":{"loss":"softmax_crossentropy"}})", {900, 0}));
    record();
    QCOMPARE(doc.nodeCount(), 4);
    const std::vector<NodeId> ids = doc.nodeIds();
    QCOMPARE(doc.nodeType(ids[1]), QStringLiteral("Dense"));
    QCOMPARE(doc.attributes(ids[1])["units"].get<int>(), 8);
    // The card is centred on the drop point (snapped to the grid).
    QCOMPARE(doc.position(ids[1]), CanvasScene::snapToGrid(QPointF(300 - 90, -39)));
    QCOMPARE(scene.selectedNodeIds(), std::vector<NodeId> {ids[3]});

    // 5-7: connect.
    for (std::size_t i = 0; i + 1 < ids.size(); ++i) {
        stack.push(new ConnectCommand(&doc, Edge {ids[i], 0, ids[i + 1], 0}));
        record();
    }
    QVERIFY2(doc.check().ok(), doc.check().summary().c_str());

    // 8: edit an attribute twice: one merged step.
    stack.push(new SetAttributeCommand(&doc, ids[1], "units", 16));
    stack.push(new SetAttributeCommand(&doc, ids[1], "units", 32));
    QCOMPARE(doc.attributes(ids[1])["units"].get<int>(), 32);
    record();

    // 9: move two nodes.
    stack.push(
        new MoveNodesCommand(&doc, {{ids[1], doc.position(ids[1])}, {ids[2], doc.position(ids[2])}},
            {{ids[1], {200, 200}}, {ids[2], {500, 200}}}));
    QCOMPARE(doc.position(ids[2]), QPointF(500, 200));
    record();

    // 10: rename.
    stack.push(new RenameNodeCommand(&doc, ids[1], QStringLiteral("hidden")));
    record();

    // 11: delete the first hidden layer (with its two edges) through the scene.
    scene.selectNodes({ids[1]});
    scene.deleteSelection();
    QCOMPARE(doc.nodeCount(), 3);
    QCOMPARE(doc.edges().size(), 1u);
    record();

    // 12: copy two connected nodes, paste them.
    scene.selectNodes({ids[2], ids[3]});
    scene.copySelection();
    scene.paste();
    QCOMPARE(doc.nodeCount(), 5);
    QCOMPARE(doc.edges().size(), 2u);
    QCOMPARE(scene.selectedNodeIds().size(), 2u);
    record();

    // 13: auto-layout.
    scene.autoLayout();
    record();

    // 14: dataset and training settings.
    engine::DatasetSpec spec = doc.datasetSpec();
    spec.generator = "spiral";
    stack.push(new SetDatasetCommand(&doc, spec));
    record();
    engine::TrainingConfig config = doc.trainingConfig();
    config.epochs = 7;
    stack.push(new SetTrainingConfigCommand(&doc, config));
    record();

    const int steps = stack.count();
    QCOMPARE(steps + 1, int(states.size()));
    for (int i = steps - 1; i >= 0; --i) {
        stack.undo();
        QCOMPARE(dump(doc.toJson()), dump(states[std::size_t(i)]));
        compareWithEngine(doc);
        QCOMPARE(scene.nodeItemCount(), doc.nodeCount());
        QCOMPARE(scene.edgeItemCount(), int(doc.edges().size()));
    }
    QCOMPARE(doc.nodeCount(), 0);
    QVERIFY(doc.edges().empty());
    for (int i = 1; i <= steps; ++i) {
        stack.redo();
        QCOMPARE(dump(doc.toJson()), dump(states[std::size_t(i)]));
        compareWithEngine(doc);
        QCOMPARE(scene.nodeItemCount(), doc.nodeCount());
    }
    QVERIFY(!stack.canRedo());
}

void TestUndo::multiNodeMoveIsOneStep()
{
    GraphDocument doc;
    QUndoStack stack;
    CanvasScene scene(&doc, &stack);
    CanvasView view(&scene);
    view.resize(900, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    const NodeId a = scene.addLayerAt("Dense", {}, {0, 0});
    const NodeId b = scene.addLayerAt("Dense", {}, {0, 160});
    const NodeId c = scene.addLayerAt("Dense", {}, {300, 0});
    QCOMPARE(stack.count(), 3);
    const QPointF a0 = doc.position(a);
    const QPointF b0 = doc.position(b);
    const QPointF c0 = doc.position(c);
    scene.selectNodes({a, b});
    view.centerOn(QPointF(200, 100));

    // Drag the selection with the mouse: press on a's body, move, release.
    const QPoint start = view.mapFromScene(a0 + QPointF(90, 50));
    const QPoint end = view.mapFromScene(a0 + QPointF(90 + 103, 50 + 41));
    QTest::mousePress(view.viewport(), Qt::LeftButton, {}, start);
    QTest::mouseMove(view.viewport(), start + QPoint(10, 5));
    QTest::mouseMove(view.viewport(), end);
    QTest::mouseRelease(view.viewport(), Qt::LeftButton, {}, end);

    QCOMPARE(stack.count(), 4); // both nodes in one command
    const QPointF delta = doc.position(a) - a0;
    QVERIFY2(delta != QPointF(), "the drag moved nothing");
    QCOMPARE(doc.position(b) - b0, delta);
    QCOMPARE(doc.position(c), c0);
    QCOMPARE(CanvasScene::snapToGrid(doc.position(a)), doc.position(a)); // snapped

    // A second drag of the same selection merges with the first.
    const QPoint start2 = view.mapFromScene(doc.position(a) + QPointF(90, 50));
    const QPoint end2 = start2 + QPoint(0, 60);
    QTest::mousePress(view.viewport(), Qt::LeftButton, {}, start2);
    QTest::mouseMove(view.viewport(), start2 + QPoint(0, 10));
    QTest::mouseMove(view.viewport(), end2);
    QTest::mouseRelease(view.viewport(), Qt::LeftButton, {}, end2);
    QCOMPARE(stack.count(), 4);
    QVERIFY(doc.position(a).y() > a0.y() + delta.y());

    stack.undo();
    QCOMPARE(doc.position(a), a0);
    QCOMPARE(doc.position(b), b0);
    QCOMPARE(scene.nodeItem(a)->pos(), a0);

    // Moving a different set does not merge.
    stack.push(new MoveNodesCommand(&doc, {{c, c0}}, {{c, c0 + QPointF(20, 0)}}));
    QCOMPARE(stack.count(), 4); // the undone move was replaced
    stack.push(new MoveNodesCommand(&doc, {{a, a0}}, {{a, a0 + QPointF(20, 0)}}));
    QCOMPARE(stack.count(), 5);
}

void TestUndo::foreignDropIsRefused()
{
    GraphDocument doc;
    QUndoStack stack;
    CanvasScene scene(&doc, &stack);
    CanvasView view(&scene);
    view.resize(600, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    QMimeData text;
    text.setText(QStringLiteral("Dense"));
    QDragEnterEvent enter(QPoint(100, 100), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view.viewport(), &enter);
    QVERIFY(!enter.isAccepted());
    // Unknown types and broken payloads add nothing.
    QVERIFY(!dropLayer(view, R"({"type":"NoSuchLayer"})", {0, 0}));
    QVERIFY(!dropLayer(view, "{not json", {0, 0}));
    QCOMPARE(doc.nodeCount(), 0);
    QCOMPARE(stack.count(), 0);
}

QTEST_MAIN(TestUndo)
#include "tst_undo.moc"
