// Groups of cards (issue 18): group, ungroup, collapse, expand and rename are undoable steps that
// restore the document JSON exactly; a collapsed block shows the shapes the engine infers and
// takes its members' outside edges; groups survive save/load, a malformed "groups" entry is
// refused naming its place, and deleting a member shrinks the group undoably.

#include "canvas/CanvasScene.h"
#include "canvas/CanvasTheme.h"
#include "canvas/CanvasView.h"
#include "canvas/EdgeItem.h"
#include "canvas/FindBar.h"
#include "canvas/GroupItem.h"
#include "canvas/LayerNodeItem.h"
#include "document/GraphDocument.h"
#include "document/GroupCommands.h"
#include "document/GroupSummary.h"
#include "document/UndoCommands.h"
#include "inspector/BlockPage.h"
#include "inspector/Inspector.h"
#include "project/Project.h"
#include "training/ResourceEstimate.h"

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <fstream>

using namespace widgets;

namespace {

// fashion_mlp.json: image(1) -> flatten(2) -> hidden1(3, 256) -> hidden2(4, 128) -> logits(5)
// -> loss(6).
constexpr NodeId kFlatten = 2, kHidden1 = 3, kHidden2 = 4, kLogits = 5;

QString dump(const nlohmann::json& j)
{
    return QString::fromStdString(j.dump());
}

QString examplePath(const char* name)
{
    return qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + "/resources/examples/" + name;
}

struct Fixture {
    GraphDocument doc;
    QUndoStack stack;
    CanvasScene scene {&doc, &stack};
    CanvasView view {&scene};

    explicit Fixture(const char* example = "fashion_mlp.json")
    {
        doc.load(engine::loadProject(examplePath(example).toStdString()));
        view.resize(1200, 600);
        view.show();
    }
    GroupId group(const std::vector<NodeId>& members)
    {
        auto* cmd = new GroupCommand(&doc, members);
        const GroupId id = cmd->groupId();
        stack.push(cmd);
        return id;
    }
    QPoint viewPos(QPointF scenePos) const { return view.mapFromScene(scenePos); }
};

/// Pushes `command`, then checks undo gives `before` back and redo the state after the push.
void checkUndoRedo(Fixture& f, QUndoCommand* command)
{
    const QString before = dump(f.doc.toJson());
    const int index = f.stack.index();
    f.stack.push(command);
    QCOMPARE(f.stack.index(), index + 1); // exactly one step
    const QString after = dump(f.doc.toJson());
    QVERIFY(after != before);
    f.stack.undo();
    QCOMPARE(dump(f.doc.toJson()), before);
    f.stack.redo();
    QCOMPARE(dump(f.doc.toJson()), after);
}

} // namespace

class TestCanvasGroups : public QObject {
    Q_OBJECT
private slots:
    void groupIsOneUndoStep();
    void groupRefusesTooFewOrGroupedCards();
    void ungroupRestoresPlace();
    void collapseAndExpand();
    void renameMerges();
    void collapsedCardShowsEngineShapes_data();
    void collapsedCardShowsEngineShapes();
    void collapsedBlockTakesOutsideEdges();
    void doubleClickAndToggleCollapse();
    void headerDragMovesMembers();
    void deletingMembersIsUndoable();
    void deletingSelectedBlockDeletesItsLayers();
    void copyCutAndDuplicateOfABlockTakeItsLayers();
    void aCopiedBlockPastesAsABlock();
    void theInspectorShowsAndRenamesASelectedBlock();
    void saveLoadKeepsGroups();
    void filesWithoutGroupsAreUnchanged();
    void malformedGroupsAreRefused_data();
    void malformedGroupsAreRefused();
    void findExpandsHiddenMember();
    void autoLayoutMovesBlockAsOne();
    void shortcutsAndContextMenu();
    void grabs();
};

void TestCanvasGroups::groupIsOneUndoStep()
{
    Fixture f;
    f.scene.selectNodes({kHidden1, kHidden2});
    const QString before = dump(f.doc.toJson());
    const GroupId id = f.scene.groupSelection();
    QVERIFY(id >= 0);
    QCOMPARE(f.doc.groups().size(), size_t(1));
    QCOMPARE(f.doc.groups()[0].members, (std::vector<NodeId> {kHidden1, kHidden2}));
    QCOMPARE(f.doc.groups()[0].name, std::string("group_1"));
    QVERIFY(!f.doc.groups()[0].collapsed);
    QVERIFY(f.scene.groupItem(id));
    QCOMPARE(f.stack.count(), 1);
    const QString after = dump(f.doc.toJson());
    f.stack.undo();
    QCOMPARE(dump(f.doc.toJson()), before);
    QVERIFY(!f.scene.groupItem(id));
    f.stack.redo();
    QCOMPARE(dump(f.doc.toJson()), after);
    QVERIFY(f.scene.groupItem(id));
    // The expanded frame encloses its member cards, header above them.
    const QRectF frame = f.scene.groupItem(id)->sceneBoundingRect();
    QVERIFY(frame.contains(f.scene.cardRect(kHidden1)));
    QVERIFY(frame.contains(f.scene.cardRect(kHidden2)));
    QVERIFY(!frame.contains(f.scene.cardRect(kLogits)));
}

void TestCanvasGroups::groupRefusesTooFewOrGroupedCards()
{
    Fixture f;
    f.scene.selectNodes({kHidden1});
    QCOMPARE(f.scene.groupSelection(), GroupId(-1));
    QCOMPARE(f.stack.count(), 0);
    f.group({kHidden1, kHidden2});
    f.scene.selectNodes({kHidden2, kLogits});
    QCOMPARE(f.scene.groupSelection(), GroupId(-1));
    QVERIFY(GroupCommand::problem(&f.doc, {kHidden2, kLogits}).contains("hidden2"));
    QCOMPARE(f.doc.groups().size(), size_t(1));
    QCOMPARE(f.stack.count(), 1);
}

void TestCanvasGroups::ungroupRestoresPlace()
{
    Fixture f;
    f.group({kFlatten, kHidden1});
    const GroupId second = f.group({kHidden2, kLogits});
    f.group({1, 6});
    QCOMPARE(f.doc.groupIndex(second), 1);
    checkUndoRedo(f, new UngroupCommand(&f.doc, second));
    QVERIFY(!f.doc.group(second));
    f.stack.undo();
    QCOMPARE(f.doc.groupIndex(second), 1); // back in its place, so the JSON is the same
}

void TestCanvasGroups::collapseAndExpand()
{
    Fixture f;
    const GroupId id = f.group({kHidden1, kHidden2});
    checkUndoRedo(f, new SetGroupCollapsedCommand(&f.doc, id, true));
    QVERIFY(f.doc.group(id)->collapsed);
    QVERIFY(f.scene.groupItem(id)->isCollapsed());
    QVERIFY(!f.scene.nodeItem(kHidden1)->isVisible());
    QVERIFY(!f.scene.nodeItem(kHidden2)->isVisible());
    QVERIFY(f.scene.nodeItem(kLogits)->isVisible());
    checkUndoRedo(f, new SetGroupCollapsedCommand(&f.doc, id, false));
    QVERIFY(f.scene.nodeItem(kHidden1)->isVisible());
    QVERIFY(!f.scene.groupItem(id)->isCollapsed());
}

void TestCanvasGroups::renameMerges()
{
    Fixture f;
    const GroupId id = f.group({kHidden1, kHidden2});
    checkUndoRedo(f, new RenameGroupCommand(&f.doc, id, "enc"));
    f.scene.renameGroup(id, "encoder"); // typing on: merges with the step before
    QCOMPARE(f.stack.count(), 2);
    QCOMPARE(f.doc.group(id)->name, std::string("encoder"));
    QCOMPARE(f.scene.groupItem(id)->name(), QString("encoder"));
    f.stack.undo();
    QCOMPARE(f.doc.group(id)->name, std::string("group_1"));
    f.scene.renameGroup(id, "   "); // a blank name is no edit
    QCOMPARE(f.stack.count(), 2);
    QCOMPARE(f.stack.index(), 1);
}

void TestCanvasGroups::collapsedCardShowsEngineShapes_data()
{
    QTest::addColumn<QList<qint64>>("members");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("output");
    QTest::addColumn<qint64>("params");
    // Dense 784 -> 256: 784*256 + 256; Dense 256 -> 128: 256*128 + 128.
    QTest::newRow("two dense") << QList<qint64> {kHidden1, kHidden2} << "in 784"
                               << "out 128" << qint64(200960 + 32896);
    QTest::newRow("flatten and dense")
        << QList<qint64> {kFlatten, kHidden1, kHidden2} << "in 28x28x1"
        << "out 128" << qint64(200960 + 32896);
    QTest::newRow("with the input") << QList<qint64> {1, kFlatten, kHidden1} << "in 28x28x1"
                                    << "out 256" << qint64(200960);
    QTest::newRow("to the loss") << QList<qint64> {kLogits, 6} << "in 128"
                                 << "out 10" << qint64(128 * 10 + 10);
}

void TestCanvasGroups::collapsedCardShowsEngineShapes()
{
    QFETCH(QList<qint64>, members);
    QFETCH(QString, input);
    QFETCH(QString, output);
    QFETCH(qint64, params);
    Fixture f;
    const GroupId id = f.group(std::vector<NodeId>(members.begin(), members.end()));
    f.scene.setGroupCollapsed(id, true);
    const GroupItem* block = f.scene.groupItem(id);
    QCOMPARE(block->inputText(), input);
    QCOMPARE(block->outputText(), output);
    QCOMPARE(qint64(block->summary().params), params);
    QCOMPARE(block->summary().members, int(members.size()));
    // The same numbers as the edge labels and the cards show.
    f.scene.setShowEdgeShapes(true);
    for (const Edge& e : f.doc.edges()) {
        const bool enters = !members.contains(e.from) && members.contains(e.to);
        if (enters)
            QCOMPARE("in " + f.scene.edgeItem(e)->shapeLabel().replace(QChar(0x00d7), 'x'), input);
    }
    double flops = 0;
    for (const qint64 m : members)
        flops += engine::nodeCost(f.doc.check(), m, "sgd").forwardFlops;
    QVERIFY(flops > 0);
    QCOMPARE(block->summary().forwardFlops, flops);
}

void TestCanvasGroups::collapsedBlockTakesOutsideEdges()
{
    Fixture f;
    // hidden1 well below hidden2: the block (at the members' top-left) has its port elsewhere.
    const QPointF down = f.doc.position(kHidden1) + QPointF(0, 300);
    f.stack.push(
        new MoveNodesCommand(&f.doc, {{kHidden1, f.doc.position(kHidden1)}}, {{kHidden1, down}}));
    const GroupId id = f.group({kHidden1, kHidden2});
    const QPointF inBefore
        = f.scene.edgeItem(Edge {kFlatten, 0, kHidden1, 0})->path().pointAtPercent(1);
    f.scene.setGroupCollapsed(id, true);
    const GroupItem* block = f.scene.groupItem(id);
    EdgeItem* entering = f.scene.edgeItem(Edge {kFlatten, 0, kHidden1, 0});
    EdgeItem* inside = f.scene.edgeItem(Edge {kHidden1, 0, kHidden2, 0});
    EdgeItem* leaving = f.scene.edgeItem(Edge {kHidden2, 0, kLogits, 0});
    QVERIFY(entering->isVisible());
    QVERIFY(!inside->isVisible());
    QVERIFY(leaving->isVisible());
    // The path ends at the arrow tip just before the port; the block's port is what it nears.
    const QPointF inEnd = entering->mapToScene(entering->path().pointAtPercent(1));
    const QPointF outStart = leaving->mapToScene(leaving->path().pointAtPercent(0));
    // (The path stops at the arrow head, a few pixels before the port.)
    QVERIFY2(QLineF(inEnd, block->inputPortScenePos()).length() < 25,
        qPrintable(QString("%1,%2").arg(inEnd.x()).arg(inEnd.y())));
    QVERIFY(QLineF(inEnd,
                f.scene.nodeItem(kHidden1)->mapToScene(f.scene.nodeItem(kHidden1)->inputPortPos()))
                .length()
        > 100);
    QVERIFY(QLineF(outStart, block->outputPortScenePos()).length() < 25);
    // One card: hidden members are no obstacles, the block is.
    const auto rects = f.scene.cardRects();
    QCOMPARE(rects.size(), size_t(f.doc.nodeCount() - 2 + 1));
    QVERIFY(std::find(rects.begin(), rects.end(), block->cardSceneRect()) != rects.end());
    // Expanded again, the edge goes back to the member's own port.
    f.scene.setGroupCollapsed(id, false);
    QCOMPARE(f.scene.edgeItem(Edge {kFlatten, 0, kHidden1, 0})->path().pointAtPercent(1), inBefore);
    QVERIFY(inside->isVisible());
}

void TestCanvasGroups::doubleClickAndToggleCollapse()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    const GroupId id = f.group({kHidden1, kHidden2});
    GroupItem* block = f.scene.groupItem(id);
    f.view.centerOn(block);
    // The header's triangle collapses with one click.
    const QPointF toggle = block->mapToScene(block->toggleRect().center());
    QTest::mouseClick(f.view.viewport(), Qt::LeftButton, {}, f.viewPos(toggle));
    QVERIFY(f.doc.group(id)->collapsed);
    QCOMPARE(f.stack.count(), 2);
    // A double-click on the collapsed card expands it: one more step.
    const QPointF body = block->mapToScene(QPointF(90, 70));
    QTest::mouseDClick(f.view.viewport(), Qt::LeftButton, {}, f.viewPos(body));
    QVERIFY(!f.doc.group(id)->collapsed);
    QCOMPARE(f.stack.count(), 3);
    // A double-click on the frame's header collapses it again.
    const QPointF header = block->mapToScene(QPointF(block->boundingRect().width() / 2, 10));
    QTest::mouseDClick(f.view.viewport(), Qt::LeftButton, {}, f.viewPos(header));
    QVERIFY(f.doc.group(id)->collapsed);
    f.stack.undo();
    QVERIFY(!f.doc.group(id)->collapsed);
}

void TestCanvasGroups::headerDragMovesMembers()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    const GroupId id = f.group({kHidden1, kHidden2});
    GroupItem* block = f.scene.groupItem(id);
    f.view.centerOn(block);
    const QPointF p1 = f.doc.position(kHidden1), p2 = f.doc.position(kHidden2);
    const QPointF logits = f.doc.position(kLogits);
    const QPointF start = block->mapToScene(QPointF(block->boundingRect().width() / 2, 10));
    const QPoint a = f.viewPos(start);
    const QPoint b = f.viewPos(start + QPointF(60, 80));
    QTest::mousePress(f.view.viewport(), Qt::LeftButton, {}, a);
    QTest::mouseMove(f.view.viewport(), (a + b) / 2);
    QTest::mouseMove(f.view.viewport(), b);
    QTest::mouseRelease(f.view.viewport(), Qt::LeftButton, {}, b);
    const QPointF moved = f.doc.position(kHidden1) - p1;
    QVERIFY(moved.x() > 20 && moved.y() > 40);
    QCOMPARE(f.doc.position(kHidden2) - p2, moved); // together
    QCOMPARE(f.doc.position(kLogits), logits); // not a member
    QCOMPARE(f.stack.count(), 2);
    QVERIFY(block->sceneBoundingRect().contains(f.scene.cardRect(kHidden2)));
    f.stack.undo();
    QCOMPARE(f.doc.position(kHidden1), p1);
    QCOMPARE(f.doc.position(kHidden2), p2);
}

void TestCanvasGroups::deletingMembersIsUndoable()
{
    Fixture f;
    const GroupId id = f.group({kHidden1, kHidden2, kLogits});
    f.scene.setGroupCollapsed(id, true);
    // One member: the group shrinks.
    checkUndoRedo(f, new RemoveItemsCommand(&f.doc, {kHidden2}));
    QCOMPARE(f.doc.group(id)->members, (std::vector<NodeId> {kHidden1, kLogits}));
    f.stack.undo();
    QCOMPARE(f.doc.group(id)->members, (std::vector<NodeId> {kHidden1, kHidden2, kLogits}));
    QVERIFY(!f.scene.nodeItem(kHidden2)->isVisible()); // hidden again inside the block
    // Every member: the group goes, and comes back.
    checkUndoRedo(f, new RemoveItemsCommand(&f.doc, {kHidden1, kHidden2, kLogits}));
    QVERIFY(f.doc.groups().empty());
    QVERIFY(!f.scene.groupItem(id));
    f.stack.undo();
    QVERIFY(f.doc.group(id));
    QVERIFY(f.scene.groupItem(id)->isCollapsed());
}

void TestCanvasGroups::deletingSelectedBlockDeletesItsLayers()
{
    Fixture f;
    const GroupId id = f.group({kHidden1, kHidden2});
    f.scene.setGroupCollapsed(id, true);
    QCOMPARE(f.scene.selectedGroupIds(), std::vector<GroupId> {id});
    const QString before = dump(f.doc.toJson());
    f.scene.deleteSelection();
    QVERIFY(!f.doc.hasNode(kHidden1));
    QVERIFY(!f.doc.hasNode(kHidden2));
    QVERIFY(f.doc.groups().empty());
    f.stack.undo();
    QCOMPARE(dump(f.doc.toJson()), before);
}

// Ctrl+C, Ctrl+X and Ctrl+D on a selected collapsed block act on its layers, as Delete does
// (before, they did nothing: a block's hidden members are never selected).
void TestCanvasGroups::copyCutAndDuplicateOfABlockTakeItsLayers()
{
    Fixture f;
    const GroupId id = f.group({kHidden1, kHidden2});
    f.scene.setGroupCollapsed(id, true);
    QCOMPARE(f.scene.selectedGroupIds(), std::vector<GroupId> {id});
    const int nodes = int(f.doc.nodeIds().size());

    f.scene.duplicateSelection();
    QCOMPARE(int(f.doc.nodeIds().size()), nodes + 2);
    f.stack.undo();
    QCOMPARE(int(f.doc.nodeIds().size()), nodes);

    f.scene.selectNodes({});
    f.scene.groupItem(id)->setSelected(true);
    QCOMPARE(f.scene.selectedGroupIds(), std::vector<GroupId> {id});
    f.scene.cutSelection();
    QVERIFY(!f.doc.hasNode(kHidden1));
    QVERIFY(!f.doc.hasNode(kHidden2));
    f.scene.paste(); // what was cut comes back: both layers
    QCOMPARE(int(f.doc.nodeIds().size()), nodes);
}

void TestCanvasGroups::aCopiedBlockPastesAsABlock()
{
    Fixture f;
    const GroupId id = f.group({kHidden1, kHidden2});
    f.scene.setGroupCollapsed(id, true);
    f.scene.renameGroup(id, "encoder");
    f.group({kLogits, 6}); // not selected: stays out of the clipboard
    f.scene.selectNodes({});
    f.scene.groupItem(id)->setSelected(true);
    f.scene.copySelection();
    const QString before = dump(f.doc.toJson());
    const int index = f.stack.index();

    f.scene.paste();
    QCOMPARE(f.stack.index(), index + 1); // one undo step
    QCOMPARE(f.doc.groups().size(), size_t(3));
    const engine::NodeGroup pasted = f.doc.groups().back();
    QVERIFY(pasted.id != id);
    QCOMPARE(pasted.name, std::string("encoder 2"));
    QVERIFY(pasted.collapsed);
    QCOMPARE(pasted.members.size(), size_t(2));
    for (const NodeId m : pasted.members) {
        QVERIFY(m != kHidden1 && m != kHidden2);
        QVERIFY(f.doc.hasNode(m));
    }
    // The pasted block is shown as a card and is what is selected.
    QVERIFY(f.scene.groupItem(pasted.id));
    QCOMPARE(f.scene.selectedGroupIds(), std::vector<GroupId> {pasted.id});
    const QString after = dump(f.doc.toJson());
    f.stack.undo();
    QCOMPARE(dump(f.doc.toJson()), before);
    QVERIFY(!f.scene.groupItem(pasted.id));
    f.stack.redo();
    QCOMPARE(dump(f.doc.toJson()), after);

    // Duplicate keeps the block too; a selection of loose cards pastes no group.
    f.scene.selectNodes({});
    f.scene.groupItem(id)->setSelected(true);
    f.scene.duplicateSelection();
    QCOMPARE(f.doc.groups().size(), size_t(4));
    QCOMPARE(f.doc.groups().back().name, std::string("encoder 3"));
    f.scene.selectNodes({1});
    f.scene.copySelection();
    f.scene.paste();
    QCOMPARE(f.doc.groups().size(), size_t(4));

    // Nameless groups in pasted text get distinct names, none of them blank.
    const std::string text = R"({"nodes":[{"id":1,"type":"Dense"},{"id":2,"type":"Dense"}],)"
                             R"("groups":[{"members":[1]},{"members":[2]}]})";
    QApplication::clipboard()->setText(QString::fromStdString(text)); // JSON from an editor
    f.scene.paste();
    const auto& groups = f.doc.groups();
    QCOMPARE(groups.size(), size_t(6));
    QVERIFY(groups[4].name != groups[5].name);
    QVERIFY(!QString::fromStdString(groups[5].name).trimmed().startsWith(QChar('2')));
}

void TestCanvasGroups::theInspectorShowsAndRenamesASelectedBlock()
{
    Fixture f;
    Inspector inspector(&f.doc, &f.stack);
    QObject::connect(
        &f.scene, &CanvasScene::selectionChangedIds, &inspector, &Inspector::setSelection);
    QObject::connect(&f.scene, &CanvasScene::blockSelected, &inspector, &Inspector::showBlock);
    QObject::connect(&inspector, &Inspector::nodeActivated, &f.view, &CanvasView::revealNode);
    const GroupId id = f.group({kHidden1, kHidden2});
    f.scene.setGroupCollapsed(id, true); // selects the block's card
    QVERIFY(inspector.showsBlock());
    BlockPage* page = inspector.blockPage();
    QCOMPARE(page->currentGroup(), id);
    QCOMPARE(page->nameEdit()->text(), QStringLiteral("group_1"));
    const QString summary = page->summaryLabel()->text();
    QVERIFY2(summary.contains("2 layers")
            && summary.contains(
                QLocale(QLocale::English)
                    .toString(static_cast<qlonglong>(summarizeGroup(f.doc, id).params))),
        qPrintable(summary));
    QCOMPARE(page->memberButtons().size(), size_t(2));
    QVERIFY(page->memberButtons()[0]->text().startsWith(f.doc.nodeName(kHidden1)));

    // Renamed in the inspector: one undo step, and undo shows the old name there too.
    const int index = f.stack.index();
    page->nameEdit()->setText(QStringLiteral("encoder"));
    emit page->nameEdit()->editingFinished();
    QCOMPARE(f.doc.group(id)->name, std::string("encoder"));
    QCOMPARE(f.stack.index(), index + 1);
    f.stack.undo();
    QCOMPARE(page->nameEdit()->text(), QStringLiteral("group_1"));
    f.stack.redo();

    // A layer's button expands the block and selects the layer.
    page->memberButtons()[1]->click();
    QVERIFY(!f.doc.group(id)->collapsed);
    QCOMPARE(f.scene.selectedLayerIds(), std::vector<NodeId> {kHidden2});
    QCOMPARE(inspector.currentNode(), kHidden2);

    // Ungrouped while shown: the inspector leaves the block.
    f.scene.setGroupCollapsed(id, true);
    QVERIFY(inspector.showsBlock());
    f.stack.push(new UngroupCommand(&f.doc, id));
    QVERIFY(!inspector.showsBlock());
}

void TestCanvasGroups::saveLoadKeepsGroups()
{
    Fixture f;
    const GroupId a = f.group({kHidden1, kHidden2});
    f.group({kLogits, 6});
    f.scene.setGroupCollapsed(a, true);
    f.scene.renameGroup(a, "encoder \"1\"");
    QTemporaryDir dir;
    const std::string file = (dir.path() + "/groups.json").toStdString();
    engine::saveProject(f.doc.project(), file);
    const engine::Project loaded = engine::loadProject(file);
    QVERIFY(loaded.groups == f.doc.groups());
    QCOMPARE(dump(loaded.toJson()), dump(f.doc.toJson()));
    // Reopened, the block is collapsed again.
    GraphDocument doc2;
    QUndoStack stack2;
    CanvasScene scene2(&doc2, &stack2);
    doc2.load(loaded);
    QVERIFY(scene2.groupItem(a)->isCollapsed());
    QVERIFY(!scene2.nodeItem(kHidden1)->isVisible());
    QCOMPARE(scene2.groupItem(a)->outputText(), QString("out 128"));
    // The engine ignores groups: the graph trains as before.
    QCOMPARE(loaded.buildGraph().nodeIds().size(), size_t(6));
}

void TestCanvasGroups::filesWithoutGroupsAreUnchanged()
{
    const std::string path = examplePath("fashion_mlp.json").toStdString();
    const engine::Project p = engine::loadProject(path);
    QVERIFY(p.groups.empty());
    QVERIFY(!p.toJson().contains("groups"));
}

void TestCanvasGroups::malformedGroupsAreRefused_data()
{
    QTest::addColumn<QString>("groups");
    QTest::addColumn<QString>("message");
    QTest::newRow("not an array") << R"({"id": 1})"
                                  << "groups: expected an array";
    QTest::newRow("entry not an object") << R"([7])"
                                         << "groups[0]: expected a group object";
    QTest::newRow("unknown node") << R"([{"id": 1, "members": [2, 99]}])"
                                  << "groups[0].members[1]: node 99 does not exist";
    QTest::newRow("member not an id") << R"([{"id": 1, "members": [2, "3"]}])"
                                      << "groups[0].members[1]: expected a node id";
    QTest::newRow("twice in one group") << R"([{"id": 1, "members": [2, 3, 2]}])"
                                        << "groups[0].members[2]: node 2 is already a member of "
                                           "this group";
    QTest::newRow("in two groups")
        << R"([{"id": 1, "members": [2, 3]}, {"id": 2, "members": [4, 3]}])"
        << "groups[1].members[1]: node 3 is already a member of groups[0]";
    QTest::newRow("duplicate id") << R"([{"id": 1, "members": [2]}, {"id": 1, "members": [3]}])"
                                  << "groups[1].id: group id 1 is already used by groups[0]";
    QTest::newRow("no members") << R"([{"id": 1, "members": []}])"
                                << "groups[0].members: expected a non-empty array";
    QTest::newRow("missing members") << R"([{"id": 1}])"
                                     << "groups[0].members: missing";
    QTest::newRow("negative id") << R"([{"id": -1, "members": [2]}])"
                                 << "groups[0].id: expected a non-negative integer";
    QTest::newRow("name not a string") << R"([{"id": 1, "name": 5, "members": [2]}])"
                                       << "groups[0].name: expected a string";
    QTest::newRow("collapsed not a bool") << R"([{"id": 1, "members": [2], "collapsed": "yes"}])"
                                          << "groups[0].collapsed: expected true or false";
}

void TestCanvasGroups::malformedGroupsAreRefused()
{
    QFETCH(QString, groups);
    QFETCH(QString, message);
    nlohmann::json j
        = nlohmann::json::parse(std::ifstream(examplePath("fashion_mlp.json").toStdString()));
    j["groups"] = nlohmann::json::parse(groups.toStdString());
    QTemporaryDir dir;
    const std::string file = (dir.path() + "/bad.json").toStdString();
    std::ofstream(file) << j.dump();
    QString error;
    try {
        engine::loadProject(file);
    } catch (const std::exception& e) {
        error = QString::fromUtf8(e.what());
    }
    QVERIFY2(error.startsWith(QString::fromStdString(file) + ": " + message), qPrintable(error));
}

void TestCanvasGroups::findExpandsHiddenMember()
{
    Fixture f;
    QVERIFY(QTest::qWaitForWindowExposed(&f.view));
    const GroupId id = f.group({kHidden1, kHidden2});
    f.scene.setGroupCollapsed(id, true);
    FindBar bar(&f.view);
    bar.open();
    bar.lineEdit()->setText("hidden2");
    QCOMPARE(bar.matches(), std::vector<NodeId> {kHidden2});
    QVERIFY(f.scene.groupItem(id)->hasFindHighlight()); // the block lights up
    bar.findNext();
    QVERIFY(!f.doc.group(id)->collapsed); // going to it opens the block
    QVERIFY(f.scene.nodeItem(kHidden2)->isVisible());
    QCOMPARE(f.scene.selectedNodeIds(), std::vector<NodeId> {kHidden2});
    bar.dismiss();
    QVERIFY(!f.scene.groupItem(id)->hasFindHighlight());
    f.stack.undo(); // the expansion was an undoable step
    QVERIFY(f.doc.group(id)->collapsed);
}

void TestCanvasGroups::autoLayoutMovesBlockAsOne()
{
    Fixture f("fashion_cnn.json");
    // conv1 (2), pool1 (3), conv2 (4), pool2 (5) as one collapsed block.
    const GroupId id = f.group({2, 3, 4, 5});
    f.scene.setGroupCollapsed(id, true);
    const QPointF offset = f.doc.position(5) - f.doc.position(2);
    f.scene.autoLayout();
    QCOMPARE(f.doc.position(5) - f.doc.position(2), offset); // members keep their places
    // One column per card: the block sits right after the input, flatten right after it.
    const QRectF block = f.scene.groupItem(id)->cardSceneRect();
    const QRectF input = f.scene.cardRect(1);
    const QRectF flatten = f.scene.cardRect(6);
    QVERIFY(block.left() > input.right());
    QVERIFY(flatten.left() > block.right());
    QVERIFY(flatten.left() - block.right() < 200); // no room left for four hidden cards
    for (const QRectF& r : f.scene.cardRects())
        if (r != block)
            QVERIFY(!r.intersects(block));
}

void TestCanvasGroups::shortcutsAndContextMenu()
{
    Fixture f;
    f.scene.selectNodes({kHidden1, kHidden2});
    QMenu* menu = f.scene.createNodeMenu(kHidden1);
    QAction* group = nullptr;
    for (QAction* a : menu->actions())
        if (a->text() == "Group")
            group = a;
    QVERIFY(group && group->isEnabled());
    group->trigger();
    delete menu;
    QCOMPARE(f.doc.groups().size(), size_t(1));
    const GroupId id = f.doc.groups()[0].id;
    menu = f.scene.createGroupMenu(id);
    QStringList texts;
    for (QAction* a : menu->actions())
        texts << a->text();
    QVERIFY(texts.contains("Collapse"));
    QVERIFY(texts.contains("Ungroup"));
    delete menu;
    f.scene.selectNodes({kHidden2});
    f.scene.ungroupSelection(); // a member selected ungroups its group
    QVERIFY(f.doc.groups().empty());
}

void TestCanvasGroups::grabs()
{
    // For looking at by eye: NETCANVAS_GROUP_SHOTS=<folder> writes group_*.png there.
    const QString dir = qEnvironmentVariable("NETCANVAS_GROUP_SHOTS");
    if (dir.isEmpty())
        QSKIP("set NETCANVAS_GROUP_SHOTS=<folder> to save the grabs");
    for (const bool dark : {false, true}) {
        Fixture f("fashion_cnn.json");
        f.view.resize(1300, 560);
        f.scene.setTheme(dark ? CanvasTheme::dark() : CanvasTheme::light());
        f.scene.setShowEdgeShapes(true);
        f.scene.autoLayout();
        const GroupId stage1 = f.group({2, 3});
        const GroupId stage2 = f.group({4, 5});
        f.scene.renameGroup(stage1, "stage 1");
        f.scene.renameGroup(stage2, "stage 2");
        QVERIFY(QTest::qWaitForWindowExposed(&f.view));
        f.view.zoomToFit();
        const QString theme = dark ? "dark" : "light";
        QVERIFY(f.view.grab().save(dir + "/group_expanded_" + theme + ".png"));
        f.scene.setGroupCollapsed(stage2, true);
        f.scene.setGroupCollapsed(stage1, true);
        f.scene.autoLayout();
        f.view.zoomToFit();
        QVERIFY(f.view.grab().save(dir + "/group_collapsed_" + theme + ".png"));
        // The inspector at a dock's width with the block's card selected.
        Inspector inspector(&f.doc, &f.stack);
        inspector.resize(300, 420);
        inspector.show();
        f.scene.selectNodes({3});
        inspector.showBlock(stage1);
        QVERIFY(QTest::qWaitForWindowExposed(&inspector));
        QVERIFY(inspector.grab().save(dir + "/group_inspector_" + theme + ".png"));
    }
}

QTEST_MAIN(TestCanvasGroups)
#include "tst_canvas_groups.moc"
