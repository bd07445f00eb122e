// Convolutional networks end to end: a tiny CNN learns a synthetic image task (vertical versus
// horizontal bars), with and without batch normalization, and its weights round-trip.

#include "core/Rng.h"
#include "data/Dataset.h"
#include "graph/Graph.h"
#include "layers/LayerRegistry.h"
#include "training/Trainer.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using engine::Graph;
using engine::NodeId;
using engine::Shape;
using nlohmann::json;

namespace {

/// 8x8x1 images: one bright bar (vertical: class 0, horizontal: class 1) at a random position
/// and length of 4 to 8 pixels, on uniform noise of amplitude 0.3.
engine::Dataset bars(long samples, std::uint64_t seed)
{
    engine::Rng rng(seed);
    engine::Dataset d;
    d.name = "bars";
    d.inputShape = Shape {8, 8, 1};
    d.task = engine::TaskKind::Classification;
    d.numClasses = 2;
    d.classNames = {"vertical", "horizontal"};
    d.x.resize(64, samples);
    d.y.resize(1, samples);
    for (long i = 0; i < samples; ++i) {
        for (long r = 0; r < 64; ++r)
            d.x(r, i) = engine::Scalar(rng.uniform(0.0, 0.3));
        const int label = int(i % 2);
        const int line = int(rng.below(8));
        const int length = 4 + int(rng.below(5));
        const int start = int(rng.below(std::uint64_t(8 - length + 1)));
        for (int k = start; k < start + length; ++k) {
            const int h = label == 0 ? k : line;
            const int w = label == 0 ? line : k;
            d.x(h * 8 + w, i) = 1;
        }
        d.y(0, i) = engine::Scalar(label);
    }
    return d;
}

NodeId add(Graph& g, const std::string& type, const json& attrs = json::object())
{
    auto layer = engine::LayerRegistry::create(type);
    layer->setAttributes(attrs);
    return g.addNode(std::move(layer));
}

Graph chain(const std::vector<std::pair<std::string, json>>& layers)
{
    Graph g;
    NodeId prev = -1;
    for (const auto& [type, attrs] : layers) {
        const NodeId id = add(g, type, attrs);
        if (prev >= 0)
            g.connect({prev, 0, id, 0});
        prev = id;
    }
    return g;
}

} // namespace

class TestCnn : public QObject {
    Q_OBJECT

private slots:
    void learnsBars_data();
    void learnsBars();
    void shapesFlowThroughTheCanvas();
};

void TestCnn::learnsBars_data()
{
    QTest::addColumn<QString>("architecture");
    QTest::newRow("conv-pool-dense") << "plain";
    QTest::newRow("conv-batchnorm-avgpool-same") << "batchnorm";
}

void TestCnn::learnsBars()
{
    QFETCH(QString, architecture);
    std::vector<std::pair<std::string, json>> layers {{"Input", json::object()}};
    if (architecture == "plain") {
        layers.push_back({"Conv2D", {{"filters", 4}, {"kernel", 3}, {"activation", "relu"}}});
        layers.push_back({"MaxPool2D", {{"pool", 2}}});
    } else {
        layers.push_back({"Conv2D", {{"filters", 4}, {"kernel", 3}, {"padding", "same"}}});
        layers.push_back({"BatchNorm", json::object()});
        layers.push_back({"Activation", {{"function", "relu"}}});
        layers.push_back({"AveragePool2D", {{"pool", 2}}});
    }
    layers.push_back({"Flatten", json::object()});
    layers.push_back({"Dense", {{"units", 2}}});
    layers.push_back({"Loss", {{"loss", "softmax_crossentropy"}}});
    Graph g = chain(layers);

    engine::DatasetSplits splits = engine::splitDataset(bars(600, 3), 0.0, 0.0, 1);
    splits.validation = bars(200, 4); // fresh images: the network must generalize
    engine::TrainingConfig config;
    config.epochs = 15;
    config.batchSize = 16;
    config.optimizer.type = "adam";
    config.optimizer.learningRate = 0.01;
    config.seed = 1;
    engine::Trainer trainer(g, std::move(splits), config);
    const auto result = trainer.run();
    QVERIFY(result.last && result.last->validation && result.last->validation->accuracy);
    const double accuracy = *result.last->validation->accuracy;
    QVERIFY2(accuracy >= 0.95, qPrintable(QString("validation accuracy %1").arg(accuracy)));

    // Inference is deterministic and uses the running statistics: evaluating twice agrees.
    const auto again = trainer.evaluate(trainer.data().validation);
    QCOMPARE(*again.accuracy, *trainer.evaluate(trainer.data().validation).accuracy);
    QVERIFY(std::abs(*again.accuracy - accuracy) < 1e-12);
}

void TestCnn::shapesFlowThroughTheCanvas()
{
    Graph g = chain({{"Input", {{"shape", {28, 28, 1}}}},
        {"Conv2D", {{"filters", 8}, {"kernel", 3}, {"activation", "relu"}}},
        {"MaxPool2D", {{"pool", 2}}}, {"Flatten", json::object()}, {"Dense", {{"units", 10}}},
        {"Loss", {{"loss", "softmax_crossentropy"}}}});
    const auto check = g.check();
    QVERIFY2(check.ok(), check.summary().c_str());
    const auto ids = g.nodeIds();
    QCOMPARE(check.shapes.at(ids[1]), (Shape {26, 26, 8}));
    QCOMPARE(check.shapes.at(ids[2]), (Shape {13, 13, 8}));
    QCOMPARE(check.shapes.at(ids[3]), (Shape {1352}));
    QCOMPARE(check.paramCounts.at(ids[1]), 80L);

    // A flat input is refused with advice.
    Graph flat = chain(
        {{"Input", {{"shape", {784}}}}, {"Conv2D", {{"filters", 8}}}, {"Flatten", json::object()},
            {"Dense", {{"units", 10}}}, {"Loss", {{"loss", "softmax_crossentropy"}}}});
    const auto bad = flat.check();
    QVERIFY(!bad.ok());
    QVERIFY2(
        QString::fromStdString(bad.summary()).contains("add a Reshape"), bad.summary().c_str());
}

QTEST_APPLESS_MAIN(TestCnn)
#include "tst_cnn.moc"
