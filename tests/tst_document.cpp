// GraphDocument: edits through undo commands, live validation on the right node, and agreement
// between the document and the engine graph built from its project.

#include "document/GraphDocument.h"
#include "document/UndoCommands.h"

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

struct Net {
    GraphDocument doc;
    QUndoStack stack;

    NodeId add(const QString& type, const nlohmann::json& attrs = nlohmann::json::object(),
        QPointF pos = {})
    {
        auto* cmd = new AddNodeCommand(&doc, doc.makeNode(type, attrs, pos));
        const NodeId id = cmd->nodeId();
        stack.push(cmd);
        return id;
    }
    void connect(NodeId from, NodeId to, int toPort = 0)
    {
        stack.push(new ConnectCommand(&doc, Edge {from, 0, to, toPort}));
    }
    bool hasError(NodeId id) const { return !doc.errorsFor(id).isEmpty(); }
    bool hasGlobalError(const QString& part) const
    {
        for (const auto& issue : doc.check().errors)
            if (issue.node == -1 && QString::fromStdString(issue.message).contains(part))
                return true;
        return false;
    }
};

// The engine's view of the project: node ids and edges of Project::buildGraph().
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
    for (const NodeId id : docIds)
        QCOMPARE(QString::fromStdString(g.name(id)), doc.nodeName(id));
}

} // namespace

class TestDocument : public QObject {
    Q_OBJECT
private slots:
    void addRemoveConnect();
    void removeRestoresExactly();
    void validNetworkIsReady();
    void unconnectedDense();
    void shapeMismatchIntoAdd();
    void cycle();
    void missingLoss();
    void badAttributeIsReportedNotThrown();
    void datasetChangesContext();
    void engineGraphAgrees();
    void uniqueNamesAndPasteFragment();
};

void TestDocument::addRemoveConnect()
{
    Net n;
    QSignalSpy added(&n.doc, &GraphDocument::nodeAdded);
    QSignalSpy edges(&n.doc, &GraphDocument::edgeAdded);
    QSignalSpy removedEdges(&n.doc, &GraphDocument::edgeRemoved);
    const NodeId in = n.add("Input");
    const NodeId dense = n.add("Dense", {{"units", 4}});
    QCOMPARE(added.count(), 2);
    QCOMPARE(n.doc.nodeCount(), 2);
    QCOMPARE(n.doc.nodeType(dense), QStringLiteral("Dense"));
    QCOMPARE(n.doc.attributes(dense)["units"].get<int>(), 4);
    QCOMPARE(n.doc.nodeName(dense), QStringLiteral("dense_1"));

    n.connect(in, dense);
    QCOMPARE(edges.count(), 1);
    QVERIFY(n.doc.hasEdge(Edge {in, 0, dense, 0}));

    n.stack.push(new RemoveItemsCommand(&n.doc, {in}));
    QVERIFY(!n.doc.hasNode(in));
    QVERIFY(n.doc.edges().empty());
    QCOMPARE(removedEdges.count(), 1); // the incident edge went with the node

    n.stack.undo();
    QVERIFY(n.doc.hasNode(in));
    QVERIFY(n.doc.hasEdge(Edge {in, 0, dense, 0}));
    n.stack.undo(); // connect
    QVERIFY(n.doc.edges().empty());
    n.stack.undo();
    n.stack.undo();
    QCOMPARE(n.doc.nodeCount(), 0);
    n.stack.redo();
    QCOMPARE(n.doc.nodeIds(), std::vector<NodeId> {in});
}

void TestDocument::removeRestoresExactly()
{
    Net n;
    const NodeId a = n.add("Input");
    const NodeId b = n.add("Dense");
    const NodeId c = n.add("Dense");
    const NodeId d = n.add("Loss");
    n.connect(a, b);
    n.connect(b, c);
    n.connect(c, d);
    const nlohmann::json before = n.doc.toJson();
    // Removing a middle node and an unrelated edge, then undoing, restores order too.
    n.stack.push(new RemoveItemsCommand(&n.doc, {b}, {Edge {c, 0, d, 0}}));
    QCOMPARE(n.doc.nodeIds(), (std::vector<NodeId> {a, c, d}));
    QVERIFY(n.doc.edges().empty());
    n.stack.undo();
    QCOMPARE(dump(n.doc.toJson()), dump(before));
    n.stack.redo();
    n.stack.undo();
    QCOMPARE(dump(n.doc.toJson()), dump(before));

    // Weights of a removed node go with it and come back on undo.
    engine::WeightMap w;
    w[b]["W"] = engine::Matrix::Constant(2, 3, 0.5f);
    w[c]["W"] = engine::Matrix::Constant(1, 1, 1.0f);
    n.doc.setWeights(w);
    n.stack.push(new RemoveItemsCommand(&n.doc, {b}));
    QCOMPARE(n.doc.weights().count(b), 0u);
    QCOMPARE(n.doc.weights().count(c), 1u);
    n.stack.undo();
    QCOMPARE(n.doc.weights().count(b), 1u);
    QVERIFY(n.doc.weights().at(b).at("W").isApprox(w[b]["W"]));
}

void TestDocument::validNetworkIsReady()
{
    Net n;
    const NodeId in = n.add("Input");
    const NodeId hidden = n.add("Dense", {{"units", 8}, {"activation", "tanh"}});
    const NodeId out = n.add("Dense", {{"units", 2}, {"activation", "identity"}});
    const NodeId loss = n.add("Loss");
    n.connect(in, hidden);
    n.connect(hidden, out);
    n.connect(out, loss);
    QVERIFY2(n.doc.check().ok(), n.doc.check().summary().c_str());
    QVERIFY(n.doc.isReadyToTrain());
    QCOMPARE(n.doc.outputShape(hidden), QStringLiteral("8"));
    QCOMPARE(n.doc.outputShape(in), QStringLiteral("2")); // xor: 2 features
    QCOMPARE(n.doc.paramCount(hidden), 2L * 8 + 8);
    QCOMPARE(n.doc.totalParams(), 2L * 8 + 8 + 8 * 2 + 2);
    QCOMPARE(n.doc.summary(hidden), QStringLiteral("Dense 8, Tanh"));
}

void TestDocument::unconnectedDense()
{
    Net n;
    const NodeId in = n.add("Input");
    const NodeId dense = n.add("Dense", {{"units", 2}});
    const NodeId loss = n.add("Loss");
    n.connect(dense, loss);
    QVERIFY(n.hasError(dense));
    QVERIFY(n.doc.errorsFor(dense).contains(QStringLiteral("unconnected input")));
    QVERIFY(!n.hasError(in));
    QVERIFY(!n.hasError(loss));
    QVERIFY(!n.doc.isReadyToTrain());

    QSignalSpy validation(&n.doc, &GraphDocument::validationChanged);
    n.connect(in, dense);
    QVERIFY(validation.count() >= 1);
    QVERIFY(!n.hasError(dense));
    QVERIFY2(n.doc.check().ok(), n.doc.check().summary().c_str());
}

void TestDocument::shapeMismatchIntoAdd()
{
    Net n;
    const NodeId in = n.add("Input");
    const NodeId a = n.add("Dense", {{"units", 4}});
    const NodeId b = n.add("Dense", {{"units", 3}});
    const NodeId add = n.add("Add");
    const NodeId out = n.add("Dense", {{"units", 2}, {"activation", "identity"}});
    const NodeId loss = n.add("Loss");
    n.connect(in, a);
    n.connect(in, b);
    n.connect(a, add, 0);
    n.connect(b, add, 1);
    n.connect(add, out);
    n.connect(out, loss);
    QVERIFY(n.hasError(add));
    QVERIFY(!n.hasError(a));
    QVERIFY(!n.hasError(b));
    QVERIFY(n.doc.errorsFor(add).contains(QStringLiteral("4")));
    QVERIFY(n.doc.errorsFor(add).contains(QStringLiteral("3")));

    n.stack.push(new SetAttributeCommand(&n.doc, b, "units", 4));
    QVERIFY(!n.hasError(add));
    QVERIFY2(n.doc.check().ok(), n.doc.check().summary().c_str());
    n.stack.undo();
    QVERIFY(n.hasError(add));
}

void TestDocument::cycle()
{
    Net n;
    const NodeId in = n.add("Input");
    const NodeId skip = n.add("Dense", {{"units", 2}});
    const NodeId add = n.add("Add");
    const NodeId a = n.add("Dense", {{"units", 2}});
    const NodeId b = n.add("Dense", {{"units", 2}});
    const NodeId loss = n.add("Loss");
    n.connect(in, skip);
    n.connect(in, add, 0);
    n.connect(skip, add, 1);
    n.connect(add, a);
    n.connect(a, b);
    n.connect(b, loss);
    QVERIFY2(n.doc.check().ok(), n.doc.check().summary().c_str());
    // The canvas refuses this edge; the document reports it if a file contains it.
    const Edge back {b, 0, add, 2};
    QVERIFY(n.doc.connectionProblem(back).has_value());
    QVERIFY(n.doc.connectionProblem(back)->contains(QStringLiteral("cycle")));
    n.connect(b, add, 2);
    QVERIFY(n.hasError(add));
    QVERIFY(n.hasError(a));
    QVERIFY(n.hasError(b));
    QVERIFY(n.doc.errorsFor(a).contains(QStringLiteral("cycle")));
    QVERIFY(!n.hasError(in));
    QVERIFY(!n.hasError(skip));
    n.stack.undo();
    QVERIFY(!n.hasError(a));
    QVERIFY(n.doc.check().ok());
}

void TestDocument::missingLoss()
{
    Net n;
    const NodeId in = n.add("Input");
    const NodeId out = n.add("Dense", {{"units", 2}});
    n.connect(in, out);
    QVERIFY(n.hasGlobalError(QStringLiteral("loss")));
    QVERIFY(!n.hasError(in));
    QVERIFY(!n.hasError(out));
    QVERIFY(!n.doc.isReadyToTrain());
    const NodeId loss = n.add("Loss");
    QVERIFY(!n.hasGlobalError(QStringLiteral("loss")));
    QVERIFY(n.hasError(loss)); // present but unconnected
    n.connect(out, loss);
    QVERIFY2(n.doc.check().ok(), n.doc.check().summary().c_str());
}

void TestDocument::badAttributeIsReportedNotThrown()
{
    Net n;
    const NodeId in = n.add("Input");
    const NodeId dense = n.add("Dense", {{"units", 2}});
    const NodeId loss = n.add("Loss");
    n.connect(in, dense);
    n.connect(dense, loss);
    QVERIFY(n.doc.check().ok());
    n.stack.push(new SetAttributeCommand(&n.doc, dense, "units", -3));
    QVERIFY(n.hasError(dense));
    QVERIFY(n.doc.errorsFor(dense).contains(QStringLiteral("units")));
    QVERIFY(!n.hasError(in));
    n.stack.push(new SetAttributeCommand(&n.doc, dense, "units", 2));
    QCOMPARE(n.stack.count(), 6); // the two edits of "units" merged
    QVERIFY(n.doc.check().ok());
}

void TestDocument::datasetChangesContext()
{
    Net n;
    const NodeId in = n.add("Input");
    const NodeId out = n.add("Dense", {{"units", 2}, {"activation", "identity"}});
    const NodeId loss = n.add("Loss", {{"loss", "mse"}});
    n.connect(in, out);
    n.connect(out, loss);
    QVERIFY(n.doc.check().ok()); // xor: 2 classes, 2 outputs
    engine::DatasetSpec spec = n.doc.datasetSpec();
    spec.generator = "plane"; // regression with one target
    n.stack.push(new SetDatasetCommand(&n.doc, spec));
    QVERIFY(n.doc.context().has_value());
    QCOMPARE(n.doc.context()->numClasses, 0);
    QVERIFY(n.hasError(loss));
    n.stack.undo();
    QCOMPARE(n.doc.datasetSpec().generator, std::string("xor"));
    QVERIFY(n.doc.check().ok());

    spec.generator = "no_such_generator";
    n.stack.push(new SetDatasetCommand(&n.doc, spec));
    QVERIFY(!n.doc.datasetProblem().isEmpty());
    QVERIFY(!n.doc.check().ok());
}

void TestDocument::engineGraphAgrees()
{
    Net n;
    compareWithEngine(n.doc);
    const NodeId in = n.add("Input", {}, {0, 0});
    const NodeId a = n.add("Dense", {{"units", 4}}, {200, 0});
    const NodeId b = n.add("Dense", {{"units", 4}}, {200, 120});
    const NodeId cat = n.add("Concatenate", {}, {400, 60});
    const NodeId loss = n.add("Loss", {}, {600, 60});
    n.connect(in, a);
    compareWithEngine(n.doc);
    n.connect(in, b);
    n.connect(a, cat, 0);
    n.connect(b, cat, 1);
    n.connect(cat, loss);
    compareWithEngine(n.doc);
    QCOMPARE(n.doc.outputShape(cat), QStringLiteral("8"));
    n.stack.push(new RemoveItemsCommand(&n.doc, {b}));
    compareWithEngine(n.doc);
    n.stack.undo();
    compareWithEngine(n.doc);
    const engine::Graph g = n.doc.project().buildGraph();
    QCOMPARE(g.inputsOf(cat), (std::vector<NodeId> {a, b}));
    // Round trip through the file format keeps the document.
    GraphDocument copy;
    copy.load(engine::Project::fromJson(n.doc.toJson()));
    QCOMPARE(dump(copy.toJson()), dump(n.doc.toJson()));
    QCOMPARE(copy.check().errors.size(), n.doc.check().errors.size());
}

void TestDocument::uniqueNamesAndPasteFragment()
{
    Net n;
    const NodeId in = n.add("Input");
    const NodeId d1 = n.add("Dense", {{"units", 3}}, {100, 40});
    n.connect(in, d1);
    QCOMPARE(n.doc.uniqueName("Dense"), QStringLiteral("dense_2"));
    QCOMPARE(n.doc.nextNodeId(), d1 + 1);

    const nlohmann::json clip = n.doc.selectionToJson({in, d1});
    QCOMPARE(clip["nodes"].size(), 2u);
    QCOMPARE(clip["edges"].size(), 1u);
    QCOMPARE(n.doc.selectionToJson({d1})["edges"].size(), 0u); // edges leaving the selection

    const GraphFragment f = n.doc.fragmentFromJson(clip, QPointF(40, 40));
    QCOMPARE(f.nodes.size(), 2u);
    QCOMPARE(f.edges.size(), 1u);
    QCOMPARE(f.nodes[1].id, d1 + 2);
    QCOMPARE(f.nodes[1].name, std::string("dense_2"));
    QCOMPARE(f.nodes[1].x, 140.0);
    QCOMPARE(f.nodes[1].attributes["units"].get<int>(), 3);
    QCOMPARE(f.edges[0], (Edge {f.nodes[0].id, 0, f.nodes[1].id, 0}));
    // Malformed input never throws.
    QVERIFY(n.doc.fragmentFromJson(nlohmann::json::array(), {}).empty());
    QVERIFY(n.doc.fragmentFromJson({{"nodes", {{{"id", "x"}}}}}, {}).empty());

    n.stack.push(new PasteCommand(&n.doc, f));
    QCOMPARE(n.doc.nodeCount(), 4);
    QCOMPARE(n.doc.edges().size(), 2u);
    n.stack.undo();
    QCOMPARE(n.doc.nodeCount(), 2);
}

QTEST_GUILESS_MAIN(TestDocument)
#include "tst_document.moc"
