// Convolutional networks end to end: a tiny CNN learns a synthetic image task (vertical versus
// horizontal bars), with and without batch normalization, and its weights round-trip.

#include "core/Parallel.h"
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
    void convolutionBlocksAgreeWithTheDirectSum_data();
    void convolutionBlocksAgreeWithTheDirectSum();
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

void TestCnn::convolutionBlocksAgreeWithTheDirectSum_data()
{
    QTest::addColumn<int>("threads");
    QTest::addColumn<QString>("activation");
    QTest::addColumn<int>("groups");
    for (int threads : {1, 2})
        for (const char* act : {"relu", "tanh", "identity"})
            QTest::addRow("%d thread(s), %s", threads, act) << threads << act << 1;
    QTest::addRow("2 threads, relu, 2 groups") << 2 << "relu" << 2;
}

// Conv2D runs in blocks of samples sized to the cache, spread over threads, each with its own
// buffers and weight-gradient sum. A 20x20x16 image gives blocks of a few samples, so a batch
// of 7 has several blocks and a partial last one: every output and gradient must equal the
// direct sums of the definition (computed here in double).
void TestCnn::convolutionBlocksAgreeWithTheDirectSum()
{
    QFETCH(int, threads);
    QFETCH(QString, activation);
    QFETCH(int, groups);
    engine::setThreadCount(threads);
    const int H = 20, W = 20, C = 16, F = 16, K = 3, batch = 7, cg = C / groups, fg = F / groups;
    auto layer = engine::LayerRegistry::create("Conv2D");
    layer->setAttributes({{"filters", F}, {"kernel", K}, {"padding", "same"}, {"groups", groups},
        {"activation", activation.toStdString()}});
    engine::Rng rng(7);
    layer->build({Shape {H, W, C}}, rng);
    auto params = layer->params();
    engine::Matrix& w = *params[0].value;
    engine::Matrix& b = *params[1].value;
    for (long i = 0; i < b.size(); ++i)
        b(i) = engine::Scalar(rng.uniform(-0.5, 0.5));
    engine::Matrix x(H * W * C, batch), gradOut(H * W * F, batch);
    for (long i = 0; i < x.size(); ++i)
        x(i) = engine::Scalar(rng.uniform(-1, 1));
    for (long i = 0; i < gradOut.size(); ++i)
        gradOut(i) = engine::Scalar(rng.uniform(-1, 1));

    engine::Matrix out, gradIn;
    layer->forward({&x}, out, engine::Mode::Train);
    std::vector<engine::Matrix*> gradInputs {&gradIn};
    layer->backward({&x}, out, gradOut, gradInputs);

    Eigen::MatrixXd gradW = Eigen::MatrixXd::Zero(w.rows(), w.cols());
    Eigen::VectorXd gradB = Eigen::VectorXd::Zero(F);
    Eigen::MatrixXd gradX = Eigen::MatrixXd::Zero(x.rows(), batch);
    const auto pixel = [&](int h, int wi, int c) { return (long(h) * W + wi) * C + c; };
    const auto close = [](double got, double want) {
        return std::abs(got - want) <= 1e-3 * (1 + std::abs(want));
    };
    for (int n = 0; n < batch; ++n)
        for (int oh = 0; oh < H; ++oh)
            for (int ow = 0; ow < W; ++ow)
                for (int f = 0; f < F; ++f) {
                    const int c0 = f / fg * cg;
                    double z = b(f);
                    for (int kh = 0; kh < K; ++kh)
                        for (int kw = 0; kw < K; ++kw)
                            for (int ci = 0; ci < cg; ++ci) {
                                const int ih = oh + kh - 1, iw = ow + kw - 1;
                                if (ih >= 0 && ih < H && iw >= 0 && iw < W)
                                    z += double(w(f, (kh * K + kw) * cg + ci))
                                        * x(pixel(ih, iw, c0 + ci), n);
                            }
                    const double a = activation == "relu" ? std::max(z, 0.0)
                        : activation == "tanh"            ? std::tanh(z)
                                                          : z;
                    const long row = (long(oh) * W + ow) * F + f;
                    QVERIFY2(close(out(row, n), a),
                        qPrintable(QString("output %1 of sample %2: %3, expected %4")
                                       .arg(row)
                                       .arg(n)
                                       .arg(double(out(row, n)))
                                       .arg(a)));
                    const double slope = activation == "relu" ? (z > 0 ? 1.0 : 0.0)
                        : activation == "tanh"                ? 1 - a * a
                                                              : 1.0;
                    const double g = gradOut(row, n) * slope;
                    gradB(f) += g;
                    for (int kh = 0; kh < K; ++kh)
                        for (int kw = 0; kw < K; ++kw)
                            for (int ci = 0; ci < cg; ++ci) {
                                const int ih = oh + kh - 1, iw = ow + kw - 1;
                                if (ih < 0 || ih >= H || iw < 0 || iw >= W)
                                    continue;
                                const long in = pixel(ih, iw, c0 + ci);
                                gradW(f, (kh * K + kw) * cg + ci) += g * x(in, n);
                                gradX(in, n) += g * w(f, (kh * K + kw) * cg + ci);
                            }
                }
    const engine::Matrix& gw = *params[0].grad;
    const engine::Matrix& gb = *params[1].grad;
    for (long i = 0; i < gw.size(); ++i)
        QVERIFY2(close(gw(i), gradW(i)), qPrintable(QString("dL/dW %1").arg(i)));
    for (long i = 0; i < F; ++i)
        QVERIFY2(close(gb(i), gradB(i)), qPrintable(QString("dL/db %1").arg(i)));
    QCOMPARE(gradIn.rows(), x.rows());
    QCOMPARE(gradIn.cols(), x.cols());
    for (long i = 0; i < gradIn.size(); ++i)
        QVERIFY2(close(gradIn(i), gradX(i)), qPrintable(QString("dL/dx %1").arg(i)));
    engine::setThreadCount(0);
}

QTEST_APPLESS_MAIN(TestCnn)
#include "tst_cnn.moc"
