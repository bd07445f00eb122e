// Step-through of one training step on one sample (teaching mode), engine side: the trace
// checked on the double-precision engine (gradients against the Graph's own backward pass through
// the Trainer, against finite differences, and an update followed by a training step against two
// training steps). tst_step_through_gui drives the StepThroughPanel offscreen.

#include "GradientCheck.h"

#include "core/Parallel.h"
#include "data/DatasetGenerators.h"
#include "graph/Graph.h"
#include "graph/Loss.h"
#include "layers/LayerRegistry.h"
#include "project/Project.h"
#include "training/Optimizer.h"
#include "training/StepThrough.h"
#include "training/Trainer.h"

#include <nlohmann/json.hpp>

#include <optional>

#include <QtTest>

using engine::Graph;
using engine::Matrix;
using engine::NodeId;
using engine::Scalar;
using nlohmann::json;

namespace {

engine::GraphContext contextOf(const engine::Dataset& d)
{
    return {
        d.inputShape, d.task == engine::TaskKind::Classification ? d.numClasses : 0, d.y.rows()};
}

NodeId add(Graph& g, const std::string& type, const json& attrs = json::object())
{
    auto layer = engine::LayerRegistry::create(type);
    layer->setAttributes(attrs);
    return g.addNode(std::move(layer));
}

/// Input -> [Dense(units, activation) | Dense(units) -> Activation]... -> Dense(outputs) -> Loss.
Graph mlp(const std::vector<int>& hidden, const std::string& activation, int outputs,
    const std::string& loss, bool separateActivation)
{
    Graph g;
    NodeId prev = add(g, "Input");
    for (int units : hidden) {
        const NodeId d = add(g, "Dense",
            {{"units", units}, {"activation", separateActivation ? "identity" : activation}});
        g.connect({prev, 0, d, 0});
        prev = d;
        if (separateActivation) {
            const NodeId a = add(g, "Activation", {{"function", activation}});
            g.connect({prev, 0, a, 0});
            prev = a;
        }
    }
    const NodeId out = add(g, "Dense", {{"units", outputs}});
    const NodeId l = add(g, "Loss", {{"loss", loss}});
    g.connect({prev, 0, out, 0});
    g.connect({out, 0, l, 0});
    return g;
}

engine::TrainingConfig config(const std::string& optimizer, double lr, int batch)
{
    engine::TrainingConfig c;
    c.epochs = 1;
    c.batchSize = batch;
    c.optimizer.type = optimizer;
    c.optimizer.learningRate = lr;
    c.validationSplit = 0;
    c.seed = 7;
    return c;
}

} // namespace

class TestStepThrough : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { engine::setThreadCount(2); }
    void traceGradientsAreTheEngines_data();
    void traceGradientsAreTheEngines();
    void updateThenTrainingStepEqualsTwoTrainingSteps_data();
    void updateThenTrainingStepEqualsTwoTrainingSteps();
    void badInputIsRefused();
};

void TestStepThrough::traceGradientsAreTheEngines_data()
{
    QTest::addColumn<QString>("generator");
    QTest::addColumn<QString>("activation");
    QTest::addColumn<int>("outputs");
    QTest::addColumn<QString>("loss");
    QTest::addColumn<bool>("separate");
    QTest::newRow("tanh, binary CE") << "xor"
                                     << "tanh" << 1 << "binary_crossentropy" << false;
    QTest::newRow("sigmoid, binary CE") << "circle"
                                        << "sigmoid" << 1 << "binary_crossentropy" << false;
    QTest::newRow("relu, softmax CE") << "xor"
                                      << "relu" << 2 << "softmax_crossentropy" << false;
    QTest::newRow("Activation nodes, softmax CE") << "spiral"
                                                  << "tanh" << 2 << "softmax_crossentropy" << true;
    QTest::newRow("tanh, MSE regression") << "plane"
                                          << "tanh" << 1 << "mse" << false;
    QTest::newRow("sigmoid nodes, MSE regression") << "plane"
                                                   << "sigmoid" << 1 << "mse" << true;
}

void TestStepThrough::traceGradientsAreTheEngines()
{
    QFETCH(QString, generator);
    QFETCH(QString, activation);
    QFETCH(int, outputs);
    QFETCH(QString, loss);
    QFETCH(bool, separate);
    const engine::Dataset data = engine::generateDataset(generator.toStdString(), 40, 0.1, 3);
    const auto build = [&] {
        Graph g = mlp({5, 4}, activation.toStdString(), outputs, loss.toStdString(), separate);
        g.compile(contextOf(data), 11);
        return g;
    };
    const long sample = 17;

    Graph g = build();
    engine::StepThrough step(g);
    const engine::StepTrace trace = step.trace(data, sample);
    QCOMPARE(trace.sample, sample);
    QCOMPARE(trace.nodes.front().kind, engine::StepNodeKind::Input);
    QVERIFY(trace.nodes.size() == (separate ? 6u : 4u));

    // 1. The Graph's own gradients for a mini-batch of this one sample, through the Trainer.
    Graph reference = build();
    engine::DatasetSplits one;
    one.train = data.subset({sample});
    engine::Trainer trainer(reference, one, config("sgd", 0.1, 1));
    const engine::BatchStats stats = trainer.trainBatch();
    QCOMPARE(trace.loss, stats.loss);
    int compared = 0;
    for (auto& [id, p] : reference.nodeParams()) {
        const int index = trace.indexOf(id);
        QVERIFY(index >= 0);
        bool found = false;
        for (const engine::StepParam& sp : trace.nodes[std::size_t(index)].params) {
            if (sp.name != p.name)
                continue;
            found = true;
            QVERIFY2(sp.grad == *p.grad, (g.name(id) + "." + p.name).c_str());
            ++compared;
        }
        QVERIFY(found);
    }
    QCOMPARE(compared, 6);

    // 2. The chain rule the panel writes holds with the traced numbers.
    for (const engine::StepNode& n : trace.nodes) {
        if (n.kind == engine::StepNodeKind::Input)
            continue;
        QCOMPARE(n.a.cols(), 1);
        QVERIFY(n.gradA.size() == n.a.size());
        if (n.kind == engine::StepNodeKind::Dense || n.kind == engine::StepNodeKind::Activation) {
            Matrix a;
            engine::activationForward(n.activation, Scalar(n.alpha), n.z, a);
            QVERIFY((a - n.a).cwiseAbs().maxCoeff() < 1e-12);
            if (n.derivative.size() > 0) {
                const Matrix chain = n.gradA.cwiseProduct(n.derivative);
                QVERIFY((chain - n.gradZ).cwiseAbs().maxCoeff() < 1e-12);
            } else {
                QVERIFY(n.gradZ == n.gradA);
            }
        }
        if (n.kind == engine::StepNodeKind::Dense) {
            const Matrix& w = n.params.at(0).value;
            const Matrix& b = n.params.at(1).value;
            const Matrix z = w * n.inputs.at(0) + b;
            QVERIFY((z - n.z).cwiseAbs().maxCoeff() < 1e-12);
            const Matrix gradW = n.gradZ * n.inputs.at(0).transpose();
            QVERIFY((gradW - n.params.at(0).grad).cwiseAbs().maxCoeff() < 1e-12);
            QVERIFY((n.gradZ - n.params.at(1).grad).cwiseAbs().maxCoeff() < 1e-12);
        }
    }

    // 3. Central finite differences of this sample's loss.
    const auto lossFn = engine::Loss::create(loss.toStdString());
    const Matrix x = data.x.col(sample);
    const Matrix y = data.y.col(sample);
    testutil::GradientReport report;
    const double eps = 1e-6;
    for (const engine::StepNode& n : trace.nodes) {
        for (const engine::StepParam& sp : n.params) {
            Matrix* value = nullptr;
            for (auto& [id, p] : g.nodeParams())
                if (id == n.id && p.name == sp.name)
                    value = p.value;
            QVERIFY(value);
            for (Eigen::Index i = 0; i < value->size(); ++i) {
                const Scalar keep = value->data()[i];
                value->data()[i] = keep + eps;
                const double up = lossFn->value(g.forward(x, engine::Mode::Train), y);
                value->data()[i] = keep - eps;
                const double down = lossFn->value(g.forward(x, engine::Mode::Train), y);
                value->data()[i] = keep;
                const double err
                    = testutil::relativeError(sp.grad.data()[i], (up - down) / (2 * eps));
                if (err > report.maxRelativeError) {
                    report.maxRelativeError = err;
                    report.worst = n.name + "." + sp.name + "[" + std::to_string(i) + "]";
                }
            }
        }
    }
    QVERIFY2(report.maxRelativeError < 1e-6, report.worst.c_str());
}

void TestStepThrough::updateThenTrainingStepEqualsTwoTrainingSteps_data()
{
    QTest::addColumn<QString>("optimizer");
    QTest::addColumn<double>("l2");
    QTest::newRow("sgd") << "sgd" << 0.0;
    QTest::newRow("sgd with L2") << "sgd" << 0.01;
    QTest::newRow("momentum") << "momentum" << 0.0;
    QTest::newRow("adam") << "adam" << 0.0;
}

void TestStepThrough::updateThenTrainingStepEqualsTwoTrainingSteps()
{
    QFETCH(QString, optimizer);
    QFETCH(double, l2);
    const engine::Dataset data = engine::generateDataset("circle", 60, 0.1, 5);
    engine::DatasetSplits all;
    all.train = data;
    const long sample = 23;
    engine::DatasetSplits one;
    one.train = data.subset({sample});
    engine::TrainingConfig c = config(optimizer.toStdString(), 0.05, 16);
    c.optimizer.l2 = l2;
    engine::TrainingConfig c1 = c;
    c1.batchSize = 1;
    const auto build = [&] {
        Graph g = mlp({6}, "tanh", 1, "binary_crossentropy", false);
        g.compile(contextOf(data), 4);
        return g;
    };

    // Two normal steps: a mini-batch of the one sample, then a mini-batch of the data.
    Graph a = build();
    engine::Trainer(a, one, c1).trainBatch();
    const auto afterFirst = a.weights();
    engine::Trainer(a, all, c).trainBatch();

    // Step-through update with the same (fresh) optimizer, then the same normal step.
    Graph b = build();
    const auto before = b.weights();
    engine::StepThrough step(b);
    step.trace(data, sample);
    const auto opt = engine::Optimizer::create(c.optimizer);
    const engine::StepTrace& t = step.update(*opt, c.optimizer.learningRate);
    QVERIFY(t.updated);
    QCOMPARE(t.optimizerStep, 1L);
    QVERIFY(b.weights() == afterFirst);
    QVERIFY(b.weights() != before);
    // The trace's "new value" is what the graph now holds, and for SGD it is w - lr g.
    for (const engine::StepNode& n : t.nodes) {
        for (const engine::StepParam& sp : n.params) {
            QVERIFY(sp.updated == b.weights().at(n.id).at(sp.name));
            QVERIFY(sp.value == before.at(n.id).at(sp.name));
            if (optimizer == "sgd") {
                const Matrix expected = sp.value - Scalar(0.05) * sp.appliedGrad;
                QVERIFY((expected - sp.updated).cwiseAbs().maxCoeff() < 1e-15);
                const Matrix reg = l2 > 0 && sp.name == "W"
                    ? Matrix(Scalar(l2) * sp.value)
                    : Matrix(Matrix::Zero(sp.value.rows(), sp.value.cols()));
                QVERIFY((sp.appliedGrad - sp.grad - reg).cwiseAbs().maxCoeff() < 1e-15);
            }
        }
    }
    engine::Trainer(b, all, c).trainBatch();
    QVERIFY(a.weights() == b.weights());
}

void TestStepThrough::badInputIsRefused()
{
    const engine::Dataset data = engine::generateDataset("xor", 10, 0, 1);
    Graph g = mlp({3}, "tanh", 1, "binary_crossentropy", false);
    QVERIFY_THROWS_EXCEPTION(std::logic_error, engine::StepThrough {g});
    g.compile(contextOf(data), 1);
    engine::StepThrough step(g);
    const auto opt = engine::Optimizer::create({});
    QVERIFY_THROWS_EXCEPTION(std::logic_error, step.update(*opt, 0.1));
    try {
        step.trace(Matrix::Zero(3, 1), Matrix::Zero(1, 1));
        QFAIL("a sample of the wrong size was accepted");
    } catch (const engine::InputError& e) {
        QCOMPARE(std::string(e.where()), std::string("sample"));
        QVERIFY(std::string(e.what()).find("2 inputs") != std::string::npos);
    }
    try {
        step.trace(data, 10);
        QFAIL("an index out of range was accepted");
    } catch (const engine::InputError& e) {
        QVERIFY(std::string(e.what()).find("0 to 9") != std::string::npos);
    }
    step.trace(data, 2);
    step.update(*opt, 0.1);
    QVERIFY_THROWS_EXCEPTION(std::logic_error, step.update(*opt, 0.1));
}

QTEST_MAIN(TestStepThrough)
#include "tst_step_through.moc"
