// The command palette (Ctrl+K, issue 18): layers typed as words are inserted after the selection
// as one undoable step, and every action of the menu bar can be found by its name and run.

#include "QuietWindow.h"

#include "canvas/CanvasScene.h"
#include "canvas/CanvasView.h"
#include "canvas/FindBar.h"
#include "canvas/CommandPalette.h"
#include "canvas/LayerCommand.h"
#include "document/GraphDocument.h"

#include <nlohmann/json.hpp>

#include <QAction>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QTest>
#include <QUndoStack>

using nlohmann::json;
using widgets::parseLayerCommand;

namespace {

engine::NodeId nodeNamed(const widgets::GraphDocument& doc, const QString& name)
{
    for (engine::NodeId id : doc.nodeIds())
        if (doc.nodeName(id) == name)
            return id;
    return -1;
}

} // namespace

class TestCommandPalette : public QObject {
    Q_OBJECT

private slots:
    void parsesLayers_data();
    void parsesLayers();
    void refusesWhatIsNoLayer();
    void insertsAfterSelectionUndoably();
    void reachesEveryMenuAction();
    void ctrlFOpensTheFindBar();
};

void TestCommandPalette::parsesLayers_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("attributes"); // JSON: these keys with these values
    QTest::newRow("dense") << "dense 64 relu"
                           << "Dense"
                           << R"({"units":64,"activation":"relu"})";
    QTest::newRow("dense tanh") << "Dense 10 tanh"
                                << "Dense"
                                << R"({"units":10,"activation":"tanh"})";
    QTest::newRow("conv") << "conv 32 3x3"
                          << "Conv2D"
                          << R"({"filters":32,"kernel":3})";
    QTest::newRow("conv 5x3 same stride")
        << "conv2d 16 5x3 same stride 2"
        << "Conv2D"
        << R"({"filters":16,"kernel":[5,3],"padding":"same","stride":2})";
    QTest::newRow("conv numbers") << "conv 8 5"
                                  << "Conv2D"
                                  << R"({"filters":8,"kernel":5})";
    QTest::newRow("maxpool") << "maxpool 2"
                             << "MaxPool2D"
                             << R"({"pool":2})";
    QTest::newRow("pool 3x3") << "pool 3x3"
                              << "MaxPool2D"
                              << R"({"pool":3})";
    QTest::newRow("dropout") << "dropout 0.3"
                             << "Dropout"
                             << R"({"rate":0.3})";
    QTest::newRow("relu") << "relu"
                          << "Activation"
                          << R"({"function":"relu"})";
    QTest::newRow("lstm") << "lstm 32 return_sequences=true"
                          << "LSTM"
                          << R"({"units":32,"return_sequences":true})";
    QTest::newRow("fc alias") << "fc 128"
                              << "Dense"
                              << R"({"units":128})";
    QTest::newRow("flatten") << "flatten"
                             << "Flatten"
                             << R"({})";
}

void TestCommandPalette::parsesLayers()
{
    QFETCH(QString, text);
    QFETCH(QString, type);
    QFETCH(QString, attributes);
    const widgets::LayerCommand cmd = parseLayerCommand(text);
    QVERIFY2(cmd.ok(), qPrintable(cmd.error));
    QCOMPARE(cmd.type, type);
    const json expected = json::parse(attributes.toStdString());
    for (const auto& [key, value] : expected.items())
        QVERIFY2(cmd.attributes.contains(key) && cmd.attributes[key] == value,
            qPrintable(QString::fromStdString(key + " in " + cmd.attributes.dump())));
    QVERIFY(!cmd.summary.isEmpty());
}

void TestCommandPalette::refusesWhatIsNoLayer()
{
    QVERIFY(parseLayerCommand("frobnicate 3").type.isEmpty());
    QVERIFY(parseLayerCommand("").type.isEmpty());
    const auto banana = parseLayerCommand("dense banana");
    QCOMPARE(banana.type, QStringLiteral("Dense"));
    QVERIFY(!banana.ok());
    QVERIFY2(banana.error.contains("banana"), qPrintable(banana.error));
    // The engine's own check: no Dense of zero units.
    const auto zero = parseLayerCommand("dense 0");
    QVERIFY(!zero.ok());
    QVERIFY2(zero.error.contains("units"), qPrintable(zero.error));
}

void TestCommandPalette::insertsAfterSelectionUndoably()
{
    guitest::QuietWindow window;
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    widgets::GraphDocument* doc = window.document();
    const engine::NodeId hidden = nodeNamed(*doc, QStringLiteral("hidden"));
    QVERIFY(hidden >= 0);
    window.scene()->selectNodes({hidden});
    const json before = doc->toJson();
    const int nodes = doc->nodeCount();

    QTest::keyClick(&window, Qt::Key_K, Qt::ControlModifier);
    widgets::CommandPalette* palette = window.commandPalette();
    QVERIFY(palette->isVisible());
    QTest::keyClicks(palette->lineEdit(), QStringLiteral("dense 64 relu"));
    QVERIFY2(palette->list()->currentItem()->text().startsWith("Insert layer: Dense 64"),
        qPrintable(palette->list()->currentItem()->text()));
    guitest::saveGrab(&window, "canvas_command_palette.png");
    QTest::keyClick(palette->lineEdit(), Qt::Key_Return);
    QVERIFY(!palette->isVisible());

    QCOMPARE(doc->nodeCount(), nodes + 1);
    const auto selected = window.scene()->selectedNodeIds();
    QCOMPARE(selected.size(), std::size_t(1));
    const engine::NodeId added = selected.front();
    QCOMPARE(doc->nodeType(added), QStringLiteral("Dense"));
    QCOMPARE(doc->attributes(added)["units"], json(64));
    QCOMPARE(doc->attributes(added)["activation"], json("relu"));
    // In between the selection and what it fed.
    const auto fed = doc->outEdges(hidden);
    QCOMPARE(fed.size(), std::size_t(1));
    QCOMPARE(fed.front().to, added);
    QCOMPARE(doc->outEdges(added).size(), std::size_t(1));
    QCOMPARE(doc->outEdges(added).front().to, nodeNamed(*doc, QStringLiteral("output")));
    QVERIFY(doc->check().ok());
    window.undoStack()->undo();
    QCOMPARE(doc->toJson(), before);
}

void TestCommandPalette::reachesEveryMenuAction()
{
    guitest::QuietWindow window;
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const auto actions = widgets::CommandPalette::menuActions(window.menuBar());
    QVERIFY2(actions.size() > 30, qPrintable(QString::number(actions.size())));
    widgets::CommandPalette* palette = window.commandPalette();
    palette->open();
    QStringList paths;
    for (const auto& [path, action] : actions) {
        paths << path;
        // Its full name finds it: the action is one of the rows listed.
        palette->lineEdit()->setText(path);
        bool listed = false;
        for (int row = 0; row < palette->list()->count(); ++row)
            listed |= palette->list()->item(row)->text().startsWith(path);
        QVERIFY2(listed, qPrintable(path));
    }
    QVERIFY2(paths.contains(QStringLiteral("File \u203a Save")), qPrintable(paths.join(", ")));
    QVERIFY2(
        paths.contains(QStringLiteral("Edit \u203a Find Layer…")), qPrintable(paths.join(", ")));

    // Running one by a few words of its name: "select all" selects every card.
    palette->lineEdit()->setText(QStringLiteral("select all"));
    QTest::keyClick(palette->lineEdit(), Qt::Key_Return);
    QCOMPARE(int(window.scene()->selectedNodeIds().size()), window.document()->nodeCount());
}

void TestCommandPalette::ctrlFOpensTheFindBar()
{
    guitest::QuietWindow window;
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    widgets::FindBar* bar = window.findBar();
    QVERIFY(!bar->isVisible());
    QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
    QVERIFY(bar->isVisible());
    QVERIFY(bar->lineEdit()->hasFocus());
    QTest::keyClicks(bar->lineEdit(), QStringLiteral("hidden"));
    QTest::keyClick(bar->lineEdit(), Qt::Key_Return);
    QCOMPARE(window.scene()->selectedNodeIds(),
        std::vector<engine::NodeId> {nodeNamed(*window.document(), QStringLiteral("hidden"))});
    // Over the canvas's top-right corner.
    QVERIFY(window.view()->rect().contains(bar->geometry()));
    QVERIFY(bar->geometry().left() > window.view()->width() / 2);
    QTest::keyClick(bar->lineEdit(), Qt::Key_Escape);
    QVERIFY(!bar->isVisible());
}

QTEST_MAIN(TestCommandPalette)
#include "tst_command_palette.moc"
