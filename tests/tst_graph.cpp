// Graph: validation messages per node, connection rules, execution order, and the gradient of a
// whole residual DAG against finite differences (double precision engine build).

#include "GradientCheck.h"

#include "graph/Graph.h"
#include "graph/Loss.h"
#include "layers/LayerRegistry.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using engine::Edge;
using engine::Graph;
using engine::Matrix;
using engine::NodeId;
using engine::Shape;
using nlohmann::json;

namespace {

NodeId add(Graph& g, const std::string& type, const json& attrs = json::object(),
    const std::string& name = {})
{
    auto layer = engine::LayerRegistry::create(type);
    layer->setAttributes(attrs);
    return g.addNode(std::move(layer), -1, name);
}

void link(Graph& g, NodeId from, NodeId to, int port = 0)
{
    g.connect(Edge {from, 0, to, port});
}

bool hasError(const engine::GraphCheck& c, NodeId node, const QString& text)
{
    for (const auto& e : c.errors)
        if (e.node == node && QString::fromStdString(e.message).contains(text))
            return true;
    return false;
}

QString allErrors(const engine::GraphCheck& c)
{
    QString s;
    for (const auto& e : c.errors)
        s += QString("[%1] %2\n").arg(e.node).arg(QString::fromStdString(e.message));
    return s;
}

/// input(4) -> dense a(4, tanh) -> add <- input ; add -> dense out(3) -> loss
struct ResidualNet {
    Graph g;
    NodeId in, a, sum, out, loss;
    explicit ResidualNet(const std::string& lossName = "mse")
    {
        in = add(g, "Input", {{"shape", {4}}});
        a = add(g, "Dense", {{"units", 4}, {"activation", "tanh"}});
        sum = add(g, "Add");
        out = add(g, "Dense", {{"units", 3}});
        loss = add(g, "Loss", {{"loss", lossName}});
        link(g, in, a);
        link(g, a, sum);
        link(g, in, sum, 1);
        link(g, sum, out);
        link(g, out, loss);
    }
};

} // namespace

class TestGraph : public QObject {
    Q_OBJECT

private slots:
    void emptyGraphNeedsInputAndLoss();
    void unconnectedInputIsReportedOnTheNode();
    void shapeMismatchIsReportedOnTheMergeNode();
    void cycleIsReported();
    void lossOutputMustMatchTheClasses();
    void inputShapeMustMatchTheDataset();
    void connectionRules();
    void topologicalOrderAndShapes();
    void residualGradientMatchesFiniteDifferences();
    void nodesOffThePathAreNotExecuted();
    void reshapesPassTheirInputOnWithGradients();
    void setWeightsValidatesBeforeChanging();
    void setMatchingWeightsSkipsStaleEntries();
    void compileIsReproducibleAndPerNode();
};

void TestGraph::emptyGraphNeedsInputAndLoss()
{
    Graph g;
    const auto c = g.check();
    QVERIFY(!c.ok());
    QVERIFY(hasError(c, -1, "no Input node"));
    QVERIFY(hasError(c, -1, "missing loss"));
}

void TestGraph::unconnectedInputIsReportedOnTheNode()
{
    Graph g;
    const NodeId in = add(g, "Input", {{"shape", {2}}});
    const NodeId lonely = add(g, "Dense", {{"units", 3}}, "lonely");
    const NodeId loss = add(g, "Loss");
    link(g, in, loss);
    const auto c = g.check();
    QVERIFY2(hasError(c, lonely, "unconnected input"), qPrintable(allErrors(c)));
    QVERIFY(c.errorsFor(lonely).find("'lonely'") != std::string::npos);
    QVERIFY(c.errorsFor(in).empty());
}

void TestGraph::shapeMismatchIsReportedOnTheMergeNode()
{
    Graph g;
    const NodeId in = add(g, "Input", {{"shape", {2}}});
    const NodeId d64 = add(g, "Dense", {{"units", 64}});
    const NodeId d32 = add(g, "Dense", {{"units", 32}});
    const NodeId sum = add(g, "Add");
    const NodeId loss = add(g, "Loss");
    link(g, in, d64);
    link(g, in, d32);
    link(g, d64, sum);
    link(g, d32, sum, 1);
    link(g, sum, loss);
    auto c = g.check();
    QVERIFY2(hasError(c, sum, "same shape"), qPrintable(allErrors(c)));
    QVERIFY(hasError(c, sum, "64") && hasError(c, sum, "32"));
    QCOMPARE(c.errors.size(), std::size_t(1)); // no follow-on errors downstream

    g.setAttributes(d32, {{"units", 64}});
    c = g.check();
    QVERIFY2(c.ok(), qPrintable(allErrors(c)));
    QCOMPARE(c.shapes.at(sum), Shape {64});
    QCOMPARE(c.totalParams(), 2L * (2 * 64 + 64));
}

void TestGraph::cycleIsReported()
{
    Graph g;
    const NodeId in = add(g, "Input", {{"shape", {2}}});
    const NodeId a = add(g, "Add");
    const NodeId b = add(g, "Dense", {{"units", 2}});
    const NodeId loss = add(g, "Loss");
    link(g, in, a);
    link(g, a, b);
    link(g, b, a, 1); // closes a -> b -> a
    link(g, b, loss);
    const auto c = g.check();
    QVERIFY2(hasError(c, a, "cycle") && hasError(c, b, "cycle"), qPrintable(allErrors(c)));
    QVERIFY(!hasError(c, in, "cycle"));
    QVERIFY(c.order.empty());
}

void TestGraph::lossOutputMustMatchTheClasses()
{
    ResidualNet net("softmax_crossentropy");
    const engine::GraphContext tenClasses {Shape {4}, 10, 1};
    auto c = net.g.check(tenClasses);
    QVERIFY2(hasError(c, net.loss, "10 classes"), qPrintable(allErrors(c)));
    const engine::GraphContext threeClasses {Shape {4}, 3, 1};
    c = net.g.check(threeClasses);
    QVERIFY2(c.ok(), qPrintable(allErrors(c)));
    QCOMPARE(c.outputNode, net.out);
}

void TestGraph::inputShapeMustMatchTheDataset()
{
    ResidualNet net;
    auto c = net.g.check(engine::GraphContext {Shape {5}, 0, 3});
    QVERIFY2(hasError(c, net.in, "does not match"), qPrintable(allErrors(c)));
    // An Input without a declared shape takes the dataset's.
    net.g.setAttributes(net.in, {{"shape", json::array()}});
    c = net.g.check(engine::GraphContext {Shape {4}, 0, 3});
    QVERIFY2(c.ok(), qPrintable(allErrors(c)));
    QCOMPARE(c.shapes.at(net.in), Shape {4});
}

void TestGraph::connectionRules()
{
    ResidualNet net;
    auto problem = [&](NodeId from, NodeId to) {
        auto p = net.g.connectionProblem(Edge {from, 0, to, 0});
        return p ? QString::fromStdString(*p) : QString();
    };
    QVERIFY(problem(net.out, net.a).contains("cycle"));
    QVERIFY(problem(net.a, net.a).contains("itself"));
    QVERIFY(problem(net.loss, net.a).contains("no output"));
    QVERIFY(problem(net.a, net.in).contains("takes no inputs"));
    QVERIFY(problem(net.in, net.out).contains("already connected"));
    QVERIFY(problem(net.in, net.a).contains("already connected"));
    const NodeId extra = add(net.g, "Dense", {{"units", 4}});
    QVERIFY(problem(net.a, extra).isEmpty());
    QVERIFY(problem(extra, net.sum).isEmpty()); // Add takes any number
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, net.g.connect(Edge {net.in, 0, 999, 0}));
}

void TestGraph::topologicalOrderAndShapes()
{
    ResidualNet net;
    const auto c = net.g.check();
    QVERIFY2(c.ok(), qPrintable(allErrors(c)));
    auto pos = [&](NodeId id) {
        return std::find(c.order.begin(), c.order.end(), id) - c.order.begin();
    };
    for (const auto& e : net.g.edges())
        QVERIFY(pos(e.from) < pos(e.to));
    QCOMPARE(c.shapes.at(net.out), Shape {3});
    QCOMPARE(c.paramCounts.at(net.a), 4L * 4 + 4);
}

void TestGraph::residualGradientMatchesFiniteDifferences()
{
    // The input feeds both the Dense and the Add: the graph must sum the two gradient paths.
    ResidualNet net;
    net.g.compile(engine::GraphContext {Shape {4}, 0, 3}, 5);
    engine::Rng rng(3);
    Matrix x(4, 6), y(3, 6);
    for (Eigen::Index i = 0; i < x.size(); ++i)
        x.data()[i] = rng.uniform(-1, 1);
    for (Eigen::Index i = 0; i < y.size(); ++i)
        y.data()[i] = rng.uniform(-1, 1);
    auto loss = engine::Loss::create("mse");

    Matrix grad;
    loss->gradient(net.g.forward(x, engine::Mode::Train), y, grad);
    net.g.backward(grad);
    QVERIFY(net.g.outputGradient(net.sum) != nullptr);
    QVERIFY(net.g.outputGradient(net.in) == nullptr); // the data needs no gradient

    double worst = 0;
    const double eps = 1e-6;
    for (auto& p : net.g.params()) {
        const Matrix analytic = *p.grad;
        for (Eigen::Index i = 0; i < p.value->size(); ++i) {
            double& w = p.value->data()[i];
            const double saved = w;
            w = saved + eps;
            const double up = loss->value(net.g.forward(x, engine::Mode::Train), y);
            w = saved - eps;
            const double down = loss->value(net.g.forward(x, engine::Mode::Train), y);
            w = saved;
            worst = std::max(
                worst, testutil::relativeError(analytic.data()[i], (up - down) / (2 * eps)));
        }
    }
    QVERIFY2(worst < 1e-7, qPrintable(QString::number(worst)));
}

void TestGraph::nodesOffThePathAreNotExecuted()
{
    ResidualNet net;
    const NodeId side = add(net.g, "Dense", {{"units", 7}}, "side");
    link(net.g, net.a, side);
    const auto c = net.g.check();
    QVERIFY(c.ok());
    bool warned = false;
    for (const auto& w : c.warnings)
        warned = warned || (w.node == side && w.message.find("not trained") != std::string::npos);
    QVERIFY(warned);
    net.g.compile(engine::GraphContext {Shape {4}, 0, 3}, 1);
    const auto& order = net.g.executionOrder();
    QVERIFY(std::find(order.begin(), order.end(), side) == order.end());
    QCOMPARE(net.g.params().size(), std::size_t(4)); // W and b of the two Dense on the path
}

void TestGraph::reshapesPassTheirInputOnWithGradients()
{
    // Input 2x3x1 -> Flatten -> Dense 2 -> Reshape 2x1x1 -> Flatten -> Loss: the reshapes pass
    // their input's values on (no copy: the flatten's output is the input itself), and the
    // gradients still flow through them to the Dense.
    Graph g;
    const NodeId in = add(g, "Input", {{"shape", {2, 3, 1}}});
    const NodeId flat = add(g, "Flatten");
    const NodeId dense = add(g, "Dense", {{"units", 2}});
    const NodeId shaped = add(g, "Reshape", {{"shape", {2, 1, 1}}});
    const NodeId flatAgain = add(g, "Flatten");
    const NodeId loss = add(g, "Loss", {{"loss", "mse"}});
    link(g, in, flat);
    link(g, flat, dense);
    link(g, dense, shaped);
    link(g, shaped, flatAgain);
    link(g, flatAgain, loss);
    g.compile(engine::GraphContext {Shape {2, 3, 1}, 0, 2}, 3);
    Matrix x(6, 4);
    for (Eigen::Index i = 0; i < x.size(); ++i)
        x.data()[i] = double(i % 7) - 3;
    const Matrix& pred = g.forward(x, engine::Mode::Train);
    QCOMPARE(g.output(flat).data(), x.data());
    QCOMPARE(pred.data(), g.output(dense).data());
    QCOMPARE(g.output(shaped).data(), g.output(dense).data());
    const Matrix w = *g.params()[0].value, b = *g.params()[1].value;
    const Matrix expected = (w * x).colwise() + b.col(0);
    QVERIFY((pred - expected).cwiseAbs().maxCoeff() < 1e-12);
    // dL/dpred = 1 everywhere: dL/dW = 1 x^T, dL/db = the batch size.
    g.backward(Matrix::Ones(2, 4));
    QVERIFY(
        (*g.params()[0].grad - Matrix::Ones(2, 4) * x.transpose()).cwiseAbs().maxCoeff() < 1e-12);
    QVERIFY((*g.params()[1].grad - Matrix::Constant(2, 1, 4)).cwiseAbs().maxCoeff() < 1e-12);
}

void TestGraph::setWeightsValidatesBeforeChanging()
{
    ResidualNet net;
    net.g.compile(engine::GraphContext {Shape {4}, 0, 3}, 1);
    const auto before = net.g.weights();
    auto bad = before;
    bad[net.a]["b"] = Matrix::Constant(4, 1, 9.0); // valid
    bad[net.out]["W"] = Matrix::Zero(2, 4); // wrong shape
    try {
        net.g.setWeights(bad, true);
        QFAIL("a wrong shape was accepted");
    } catch (const engine::InputError& e) {
        QCOMPARE(QString::fromStdString(e.where()), QString("weights.%1.W").arg(net.out));
        QVERIFY(QString(e.what()).contains("expected 3x4, got 2x4"));
    }
    QVERIFY(net.g.weights().at(net.a).at("b") == before.at(net.a).at("b")); // nothing changed

    auto partial = before;
    partial.erase(net.out);
    QVERIFY_THROWS_EXCEPTION(engine::InputError, net.g.setWeights(partial, true));
    partial[net.a]["b"] = Matrix::Constant(4, 1, 2.0);
    net.g.setWeights(partial, false);
    QCOMPARE(net.g.weights().at(net.a).at("b")(0, 0), 2.0);
}

void TestGraph::setMatchingWeightsSkipsStaleEntries()
{
    ResidualNet net;
    net.g.compile(engine::GraphContext {Shape {4}, 0, 3}, 1);
    const auto before = net.g.weights();
    auto stored = before;
    stored[net.a]["b"] = Matrix::Constant(4, 1, 2.0); // fits
    stored[net.out]["W"] = Matrix::Zero(2, 4); // stale: the layer has 3 units now
    stored[net.out]["b"] = Matrix::Constant(3, 1, 5.0); // fits, but its node's entry is stale
    stored[999]["W"] = Matrix::Zero(1, 1); // no such node
    QCOMPARE(net.g.setMatchingWeights(stored), int(before.size()) - 1);
    QCOMPARE(net.g.weights().at(net.a).at("b")(0, 0), 2.0);
    QVERIFY(net.g.weights().at(net.out) == before.at(net.out)); // the stale node keeps its own
}

void TestGraph::compileIsReproducibleAndPerNode()
{
    ResidualNet first, second;
    first.g.compile(engine::GraphContext {Shape {4}, 0, 3}, 77);
    second.g.compile(engine::GraphContext {Shape {4}, 0, 3}, 77);
    QVERIFY(first.g.weights() == second.g.weights());
    // Adding an unrelated node keeps the other nodes' initial weights (seeded per node id).
    link(second.g, second.in, add(second.g, "Dense", {{"units", 2}}));
    second.g.compile(engine::GraphContext {Shape {4}, 0, 3}, 77);
    QVERIFY(first.g.weights().at(first.a).at("W") == second.g.weights().at(second.a).at("W"));
    second.g.compile(engine::GraphContext {Shape {4}, 0, 3}, 78);
    QVERIFY(first.g.weights().at(first.a).at("W") != second.g.weights().at(second.a).at("W"));
}

QTEST_APPLESS_MAIN(TestGraph)
#include "tst_graph.moc"
