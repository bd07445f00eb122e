// What a design costs before training (issue 18): FLOPs and activation memory per node, and the
// training memory of the whole network, counted by hand for the shipped Fashion-MNIST examples
// and measured against the resident memory a short training run really takes.

#include "core/Rng.h"
#include "data/Dataset.h"
#include "graph/Graph.h"
#include "project/Project.h"
#include "training/ResourceEstimate.h"
#include "training/Trainer.h"

#include <QFile>
#include <QtTest>

#include <fstream>

using engine::NodeCost;
using engine::NodeId;

namespace {

QString example(const char* name)
{
    return qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + "/resources/examples/" + name;
}

engine::Project loadExample(const char* name)
{
    return engine::loadProject(example(name).toStdString());
}

/// Node id by the node's name in the example.
NodeId idOf(const engine::Project& p, const std::string& name)
{
    for (const auto& n : p.nodes)
        if (n.name == name)
            return n.id;
    return -1;
}

/// Peak resident memory (VmHWM) of this process in bytes; 0 when /proc is not there.
double peakResidentBytes()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) * 1024; // "VmHWM:   123456 kB"
    return 0;
}

/// Resets VmHWM to the current resident size (Linux 4.0+), so the next peak is this run's.
bool resetPeakResident()
{
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    return bool(clear);
}

} // namespace

class TestResourceEstimate : public QObject {
    Q_OBJECT

private slots:
    void nodeCostsOfTheExamples_data();
    void nodeCostsOfTheExamples();
    void totalsAreSumsOfTheNodes();
    void memoryEstimateMatchesMeasuredTraining();
};

void TestResourceEstimate::nodeCostsOfTheExamples_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("node");
    QTest::addColumn<double>("params");
    QTest::addColumn<double>("forwardFlops");
    // Forward plus backward: parameter gradients as much as forward; the input gradient
    // (weights without biases) only where the input needs one, not for the first weight layer.
    QTest::addColumn<double>("trainingFlops");
    QTest::addColumn<double>("activationBytes"); // per sample: (values + gradients) x 4 bytes

    // Fashion-MNIST MLP: 28x28x1 -> flatten 784 -> 256 relu -> 128 relu -> 10.
    const QString mlp = "fashion_mlp.json";
    QTest::newRow("mlp image") << mlp << "image" << 0.0 << 0.0 << 0.0 << 784.0 * 2 * 4;
    QTest::newRow("mlp flatten") << mlp << "flatten" << 0.0 << 784.0 << 784.0 << 784.0 * 2 * 4;
    // 784 x 256 weights + 256 biases, each a multiply-add (2 flops).
    QTest::newRow("mlp hidden1") << mlp << "hidden1" << 200960.0 << 2.0 * 200960 << 4.0 * 200960
                                 << 256.0 * 8;
    QTest::newRow("mlp hidden2") << mlp << "hidden2" << 32896.0 << 2.0 * 32896
                                 << 4.0 * 32896 + 2.0 * 32768 << 128.0 * 8;
    QTest::newRow("mlp logits") << mlp << "logits" << 1290.0 << 2.0 * 1290
                                << 4.0 * 1290 + 2.0 * 1280 << 10.0 * 8;

    // Fashion-MNIST CNN: conv 32 3x3 -> pool 2 -> conv 64 3x3 -> pool 2 -> flatten -> 128 -> 10.
    const QString cnn = "fashion_cnn.json";
    // conv1: 26x26x32 outputs; 32 x (3x3x1 + 1) = 320 weights used at 26x26 = 676 positions;
    // keeps output and pre-activation, with gradients (its im2col patches live per block of
    // samples, not per sample).
    QTest::newRow("cnn conv1") << cnn << "conv1" << 320.0 << 2.0 * 320 * 676 << 4.0 * 320 * 676
                               << (21632.0 + 21632) * 8;
    QTest::newRow("cnn pool1") << cnn << "pool1" << 0.0 << 13.0 * 13 * 32 << 2.0 * 5408
                               << 5408.0 * 8;
    // conv2: 11x11x64 outputs; 64 x (3x3x32 + 1) = 18496 weights at 121 positions.
    QTest::newRow("cnn conv2") << cnn << "conv2" << 18496.0 << 2.0 * 18496 * 121
                               << 4.0 * 18496 * 121 + 2.0 * 18432 * 121 << (7744.0 + 7744) * 8;
    QTest::newRow("cnn pool2") << cnn << "pool2" << 0.0 << 5.0 * 5 * 64 << 3200.0 << 1600.0 * 8;
    QTest::newRow("cnn flatten") << cnn << "flatten" << 0.0 << 1600.0 << 3200.0 << 1600.0 * 8;
    QTest::newRow("cnn hidden") << cnn << "hidden" << 204928.0 << 2.0 * 204928
                                << 4.0 * 204928 + 2.0 * 204800 << 128.0 * 8;
    QTest::newRow("cnn dropout") << cnn << "dropout" << 0.0 << 128.0 << 256.0 << 128.0 * 8;
    QTest::newRow("cnn logits") << cnn << "logits" << 1290.0 << 2.0 * 1290
                                << 4.0 * 1290 + 2.0 * 1280 << 10.0 * 8;
}

void TestResourceEstimate::nodeCostsOfTheExamples()
{
    QFETCH(QString, file);
    QFETCH(QString, node);
    QFETCH(double, params);
    QFETCH(double, forwardFlops);
    QFETCH(double, trainingFlops);
    QFETCH(double, activationBytes);
    const engine::Project p = loadExample(file.toLatin1().constData());
    const engine::GraphCheck check = p.buildGraph().check();
    QVERIFY2(check.ok(), check.summary().c_str());
    const auto costs = engine::nodeCosts(check, "adam");
    const NodeId id = idOf(p, node.toStdString());
    QVERIFY(costs.count(id));
    const NodeCost& c = costs.at(id);
    QCOMPARE(double(c.params), params);
    QCOMPARE(c.forwardFlops, forwardFlops);
    QCOMPARE(c.trainingFlops, trainingFlops);
    QCOMPARE(c.activationBytesPerSample, activationBytes);
    // Adam: value, gradient and two moments, 4 bytes each.
    QCOMPARE(c.parameterBytes, params * 4 * 4);
}

void TestResourceEstimate::totalsAreSumsOfTheNodes()
{
    // The whole networks, added up by hand from the rows above.
    const engine::GraphCheck mlp = loadExample("fashion_mlp.json").buildGraph().check();
    QCOMPARE(mlp.totalParams(), 200960L + 32896 + 1290);
    QCOMPARE(engine::trainingFlopsPerSample(mlp),
        784 + 4.0 * (200960 + 32896 + 1290) + 2.0 * (32768 + 1280));

    const engine::GraphCheck cnn = loadExample("fashion_cnn.json").buildGraph().check();
    const double cnnForward = 2.0 * 320 * 676 + 5408 + 2.0 * 18496 * 121 + 1600 + 1600
        + 2.0 * 204928 + 128 + 2.0 * 1290;
    QCOMPARE(cnnForward, 5329844.0);
    // Backward: every weight gradient again, the input gradients of all but conv1, and one
    // operation per value for the element-wise layers (pool1, pool2, flatten, dropout).
    const double cnnBackward = 2.0 * 320 * 676 + 2.0 * 18496 * 121 + 2.0 * 204928 + 2.0 * 1290
        + 2.0 * 18432 * 121 + 2.0 * 204800 + 2.0 * 1280 + 5408 + 1600 + 1600 + 128;
    QCOMPARE(engine::trainingFlopsPerSample(cnn), cnnForward + cnnBackward);

    double parameterBytes = 0, activationBytes = 0;
    for (const auto& [id, c] : engine::nodeCosts(cnn, "sgd")) {
        parameterBytes += c.parameterBytes;
        activationBytes += c.activationBytesPerSample;
    }
    QCOMPARE(parameterBytes, (320.0 + 18496 + 204928 + 1290) * 2 * 4);
    QCOMPARE(engine::estimateTrainingMemory(cnn, 64, "sgd").bytes,
        parameterBytes + 64 * activationBytes);
}

void TestResourceEstimate::memoryEstimateMatchesMeasuredTraining()
{
    // The CNN example trained for a few mini-batches of 256 random images: the resident memory
    // the run adds (peak after minus resident before) is what estimateTrainingMemory() promised.
    if (!QFile::exists("/proc/self/clear_refs"))
        QSKIP("needs Linux /proc to measure resident memory");
    const engine::Project p = loadExample("fashion_cnn.json");
    engine::Graph graph = p.buildGraph();

    constexpr long samples = 1024;
    constexpr long batch = 256;
    engine::Dataset d;
    d.name = "noise";
    d.inputShape = engine::Shape {28, 28, 1};
    d.numClasses = 10;
    d.x.resize(784, samples);
    d.y.resize(1, samples);
    engine::Rng rng(7);
    for (long i = 0; i < samples; ++i) {
        for (long r = 0; r < 784; ++r)
            d.x(r, i) = engine::Scalar(rng.uniform(0.0, 1.0));
        d.y(0, i) = engine::Scalar(i % 10);
    }
    engine::GraphContext context;
    context.inputShape = d.inputShape;
    context.numClasses = 10;
    const engine::GraphCheck check = graph.check(context);
    QVERIFY2(check.ok(), check.summary().c_str());
    const double estimate = engine::estimateTrainingMemory(check, batch, "adam").bytes;

    engine::TrainingConfig config = p.training;
    config.epochs = 1;
    config.batchSize = int(batch);
    config.optimizer.type = "adam";
    engine::DatasetSplits splits = engine::splitDataset(d, 0.0, 0.0, 1);
    QVERIFY(resetPeakResident());
    const double before = peakResidentBytes();
    {
        engine::Trainer trainer(graph, std::move(splits), config);
        trainer.run();
    }
    const double growth = peakResidentBytes() - before;
    qInfo("estimated %s, measured peak growth %s (%.0f %%)", engine::formatBytes(estimate).c_str(),
        engine::formatBytes(growth).c_str(), 100 * estimate / growth);
    QVERIFY2(estimate > 0.8 * growth && estimate < 1.2 * growth,
        qPrintable(QString("estimate %1 B, measured %2 B").arg(estimate).arg(growth)));
}

QTEST_APPLESS_MAIN(TestResourceEstimate)
#include "tst_resource_estimate.moc"
