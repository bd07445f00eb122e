// Recurrent layers (SimpleRNN, LSTM, GRU), Embedding and the per-step Dense: finite-difference
// gradient checks over several time steps in double precision, hand-computed forward values,
// shapes on the canvas, gradient clipping by global norm, and a tiny LSTM that learns.

#include "GradientCheck.h"

#include "core/Parallel.h"
#include "core/Rng.h"
#include "export/OnnxExport.h"
#include "export/Predictor.h"
#include "export/PyTorchExport.h"
#include "graph/Graph.h"
#include "graph/Loss.h"
#include "layers/LayerRegistry.h"
#include "layers/Lstm.h"
#include "project/Project.h"
#include "training/Trainer.h"
#include "training/TrainingConfig.h"

#include <nlohmann/json.hpp>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using engine::Graph;
using engine::Matrix;
using engine::NodeId;
using engine::Shape;
using nlohmann::json;

Q_DECLARE_METATYPE(std::vector<int>)

namespace {

Matrix randomMatrix(long rows, long cols, std::uint64_t seed, double scale = 1.0)
{
    engine::Rng rng(seed);
    Matrix m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i)
        m.data()[i] = rng.uniform(-scale, scale);
    return m;
}

std::unique_ptr<engine::Layer> makeLayer(const std::string& type, const json& attrs)
{
    auto layer = engine::LayerRegistry::create(type);
    if (layer)
        layer->setAttributes(attrs);
    return layer;
}

NodeId add(Graph& g, const std::string& type, const json& attrs = json::object())
{
    return g.addNode(makeLayer(type, attrs));
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

double sigmoid(double x)
{
    return 1 / (1 + std::exp(-x));
}

/// Sequences of `steps` values in [-1, 1] (shape steps x 1); the class is whether the first
/// value is positive, so the network must carry it to the end of the sequence.
engine::Dataset firstSign(long samples, int steps, std::uint64_t seed)
{
    engine::Rng rng(seed);
    engine::Dataset d;
    d.name = "first-sign";
    d.inputShape = Shape {steps, 1};
    d.task = engine::TaskKind::Classification;
    d.numClasses = 2;
    d.x.resize(steps, samples);
    d.y.resize(1, samples);
    for (long s = 0; s < samples; ++s) {
        for (int k = 0; k < steps; ++k)
            d.x(k, s) = rng.uniform(-1, 1);
        d.y(0, s) = d.x(0, s) > 0 ? 1 : 0;
    }
    return d;
}

struct RunResult {
    int exitCode = -1;
    QByteArray out, err;
};

RunResult run(const QString& program, const QStringList& args)
{
    QProcess p;
    p.start(program, args);
    RunResult r;
    if (!p.waitForStarted(30000) || !p.waitForFinished(180000))
        return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

/// Largest |expected(k, s) - rows[s][k]|; infinity when the sizes differ.
double maxDiff(const Matrix& expected, const std::vector<std::vector<double>>& rows)
{
    if (long(rows.size()) != expected.cols())
        return INFINITY;
    double worst = 0;
    for (long s = 0; s < expected.cols(); ++s) {
        if (long(rows[std::size_t(s)].size()) != expected.rows())
            return INFINITY;
        for (long k = 0; k < expected.rows(); ++k)
            worst
                = std::max(worst, std::abs(expected(k, s) - rows[std::size_t(s)][std::size_t(k)]));
    }
    return worst;
}

} // namespace

class TestRecurrent : public QObject {
    Q_OBJECT

private slots:
    void gradients_data();
    void gradients();
    void embeddingGradientsAndErrors();
    void simpleRnnForwardByHand();
    void lstmForwardByHandAndInitializers();
    void gruForwardByHand();
    void attributesRoundTrip();
    void shapesOnTheCanvas();
    void clippingScalesToTheNorm();
    void trainerClipsBeforeTheStep();
    void lstmLearnsToRememberTheFirstValue();
    void threadsSplitTheBatch_data();
    void threadsSplitTheBatch();
    void exportAgreesWithOnnxRuntimeAndPyTorch_data();
    void exportAgreesWithOnnxRuntimeAndPyTorch();
};

void TestRecurrent::gradients_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<bool>("sequences");
    QTest::addColumn<std::vector<int>>("shape");
    for (const char* type : {"SimpleRNN", "LSTM", "GRU"}) {
        int steps = 4;
        for (bool sequences : {false, true}) {
            const QByteArray name = QByteArray(type) + (sequences ? " sequences" : " last")
                + " T=" + QByteArray::number(steps);
            QTest::newRow(name.constData()) << type << sequences << std::vector<int> {steps, 3};
            ++steps;
        }
        QTest::newRow((QByteArray(type) + " vector input T=6").constData())
            << type << false << std::vector<int> {6};
    }
    QTest::newRow("TimeDistributed tanh") << "TimeDistributed" << false << std::vector<int> {5, 3};
}

void TestRecurrent::gradients()
{
    QFETCH(QString, type);
    QFETCH(bool, sequences);
    QFETCH(std::vector<int>, shape);

    const json attrs = type == "TimeDistributed"
        ? json {{"units", 4}, {"activation", "tanh"}}
        : json {{"units", 4}, {"return_sequences", sequences}};
    auto layer = makeLayer(type.toStdString(), attrs);
    QVERIFY(layer);
    const Shape in(shape);
    engine::Rng rng(7);
    layer->build({in}, rng);
    // Random biases so every gate's bias path carries realistic values; weights of scale 0.6
    // keep the gates away from saturation, where finite differences lose precision.
    for (auto& p : layer->params())
        *p.value = randomMatrix(p.value->rows(), p.value->cols(), 9 + p.value->size(), 0.6);
    const auto report = testutil::checkLayer(*layer, {randomMatrix(in.size(), 3, 100, 1.5)});
    QVERIFY2(report.maxRelativeError < 1e-7,
        qPrintable(QString("max relative error %1 at %2")
                       .arg(report.maxRelativeError)
                       .arg(QString::fromStdString(report.worst))));
    // The parameters named in the report exist: a layer without parameters would pass vacuously.
    QVERIFY(!layer->params().empty());
}

void TestRecurrent::embeddingGradientsAndErrors()
{
    auto layer = makeLayer("Embedding", {{"vocab_size", 7}, {"units", 3}});
    engine::Rng rng(3);
    layer->build({Shape {5}}, rng);
    Matrix ids(5, 3);
    ids << 0, 6, 2, 1, 1, 2, 6, 3, 2, 4, 5, 2, 0, 0, 1;
    const auto report = testutil::checkLayer(*layer, {ids});
    QVERIFY2(report.maxRelativeError < 1e-8, report.worst.c_str());

    // Step k of sample s is column id of E.
    Matrix out;
    layer->forward({&ids}, out, engine::Mode::Inference);
    const Matrix& e = *layer->params()[0].value;
    QCOMPARE(out.rows(), 15L);
    QVERIFY(out.block(3 * 3, 1, 3, 1).isApprox(e.col(5)));
    QVERIFY(out.block(0, 0, 3, 1).isApprox(e.col(0)));

    ids(2, 1) = 7; // outside the vocabulary
    try {
        layer->forward({&ids}, out, engine::Mode::Inference);
        QFAIL("an id outside the vocabulary was accepted");
    } catch (const engine::InputError& e) {
        const QString message = e.what();
        QVERIFY2(message.contains("0 to 6") && message.contains("step 3 of sample 2"), e.what());
    }
    QCOMPARE(layer->outputShape({Shape {5, 1}}), (Shape {5, 3}));
    QVERIFY_THROWS_EXCEPTION(engine::ShapeError, layer->outputShape({Shape {5, 2}}));
}

void TestRecurrent::simpleRnnForwardByHand()
{
    auto layer = makeLayer("SimpleRNN", {{"units", 1}, {"return_sequences", true}});
    engine::Rng rng(1);
    layer->build({Shape {2, 1}}, rng);
    auto p = layer->params();
    (*p[0].value)(0, 0) = 0.5; // W
    (*p[1].value)(0, 0) = -1.0; // R
    (*p[2].value)(0, 0) = 0.1; // b
    Matrix x(2, 1);
    x << 1.0, 2.0;
    Matrix out;
    layer->forward({&x}, out, engine::Mode::Inference);
    const double h0 = std::tanh(0.5 * 1 + 0.1);
    const double h1 = std::tanh(0.5 * 2 - h0 + 0.1);
    QCOMPARE(out.rows(), 2L);
    QVERIFY(std::abs(out(0, 0) - h0) < 1e-12);
    QVERIFY(std::abs(out(1, 0) - h1) < 1e-12);
}

void TestRecurrent::lstmForwardByHandAndInitializers()
{
    auto layer = makeLayer("LSTM", {{"units", 2}});
    engine::Rng rng(5);
    layer->build({Shape {3, 2}}, rng);
    auto p = layer->params();
    QCOMPARE(p[0].name, std::string("W"));
    QCOMPARE(p[0].value->rows(), 8L);
    // Forget-gate bias 1 (ONNX gate order i, o, f, c: rows 4..5), other biases 0.
    const Matrix& b = *p[2].value;
    QCOMPARE(b(4, 0), 1.0);
    QCOMPARE(b(5, 0), 1.0);
    QCOMPARE(b(0, 0), 0.0);
    QCOMPARE(b(7, 0), 0.0);
    // Each recurrent gate block is orthogonal.
    const Matrix& r = *p[1].value;
    for (int g = 0; g < 4; ++g) {
        const Matrix block = r.middleRows(2 * g, 2);
        QVERIFY((block.transpose() * block - Matrix::Identity(2, 2)).norm() < 1e-10);
    }

    // One unit, one feature, two steps, by hand in ONNX's equations.
    auto one = makeLayer("LSTM", {{"units", 1}});
    one->build({Shape {2, 1}}, rng);
    auto q = one->params();
    Matrix& w = *q[0].value;
    Matrix& u = *q[1].value;
    Matrix& bias = *q[2].value;
    w << 0.5, -0.3, 0.8, 0.2; // i o f c
    u << 0.1, 0.4, -0.2, 0.7;
    bias << 0.05, -0.1, 1.0, 0.2;
    Matrix x(2, 1);
    x << 1.0, -2.0;
    double h = 0, c = 0;
    for (int t = 0; t < 2; ++t) {
        const double xt = x(t, 0);
        const double i = sigmoid(w(0, 0) * xt + u(0, 0) * h + bias(0, 0));
        const double o = sigmoid(w(1, 0) * xt + u(1, 0) * h + bias(1, 0));
        const double f = sigmoid(w(2, 0) * xt + u(2, 0) * h + bias(2, 0));
        const double g = std::tanh(w(3, 0) * xt + u(3, 0) * h + bias(3, 0));
        c = f * c + i * g;
        h = o * std::tanh(c);
    }
    Matrix out;
    one->forward({&x}, out, engine::Mode::Inference);
    QCOMPARE(out.rows(), 1L);
    QVERIFY2(std::abs(out(0, 0) - h) < 1e-12, qPrintable(QString::number(out(0, 0) - h)));
    QVERIFY(std::abs(static_cast<engine::Lstm&>(*one).cellStates()(1, 0) - c) < 1e-12);

    // forget_bias sets the forget rows only; recurrent_initializer "uniform" is PyTorch's
    // U(-1/sqrt(H), 1/sqrt(H)), no longer orthogonal.
    auto remembering = makeLayer(
        "LSTM", {{"units", 4}, {"forget_bias", 3.0}, {"recurrent_initializer", "uniform"}});
    remembering->build({Shape {3, 2}}, rng);
    auto rp = remembering->params();
    const Matrix& rb = *rp[2].value;
    QCOMPARE(rb.middleRows(8, 4), Matrix::Constant(4, 1, 3.0));
    QCOMPARE(rb.topRows(8).cwiseAbs().maxCoeff(), 0.0);
    const Matrix& ru = *rp[1].value;
    QVERIFY(ru.cwiseAbs().maxCoeff() <= 0.5);
    const Matrix firstBlock = ru.topRows(4);
    QVERIFY((firstBlock.transpose() * firstBlock - Matrix::Identity(4, 4)).norm() > 0.1);
}

void TestRecurrent::gruForwardByHand()
{
    auto layer = makeLayer("GRU", {{"units", 1}});
    engine::Rng rng(5);
    layer->build({Shape {2, 1}}, rng);
    auto p = layer->params();
    QCOMPARE(p.size(), std::size_t(4));
    QCOMPARE(p[3].name, std::string("Rb"));
    Matrix& w = *p[0].value;
    Matrix& u = *p[1].value;
    Matrix& b = *p[2].value;
    Matrix& rb = *p[3].value;
    w << 0.5, -0.3, 0.8; // z r h
    u << 0.1, 0.4, -0.6;
    b << 0.05, -0.1, 0.2;
    rb << 0.3;
    Matrix x(2, 1);
    x << 1.0, -2.0;
    double h = 0;
    for (int t = 0; t < 2; ++t) {
        const double xt = x(t, 0);
        const double z = sigmoid(w(0, 0) * xt + u(0, 0) * h + b(0, 0));
        const double r = sigmoid(w(1, 0) * xt + u(1, 0) * h + b(1, 0));
        const double n = std::tanh(w(2, 0) * xt + b(2, 0) + r * (u(2, 0) * h + rb(0, 0)));
        h = (1 - z) * n + z * h;
    }
    Matrix out;
    layer->forward({&x}, out, engine::Mode::Inference);
    QVERIFY2(std::abs(out(0, 0) - h) < 1e-12, qPrintable(QString::number(out(0, 0) - h)));
}

void TestRecurrent::attributesRoundTrip()
{
    for (const char* type : {"SimpleRNN", "LSTM", "GRU"}) {
        auto layer = makeLayer(type,
            {{"units", 12}, {"return_sequences", true}, {"recurrent_initializer", "uniform"}});
        json expected {
            {"units", 12}, {"return_sequences", true}, {"recurrent_initializer", "uniform"}};
        if (std::string(type) == "LSTM")
            expected["forget_bias"] = 1.0;
        QCOMPARE(layer->attributes(), expected);
        auto copy = makeLayer(type, layer->attributes());
        QCOMPARE(copy->attributes(), layer->attributes());
        QCOMPARE(QString::fromStdString(copy->summary()), QString(type) + " 12, sequences");
        try {
            layer->setAttributes({{"units", 0}});
            QFAIL("units 0 was accepted");
        } catch (const engine::InputError& e) {
            QCOMPARE(std::string(e.where()), std::string("units"));
        }
        QCOMPARE(layer->attributes().at("units"), 12);
        try {
            layer->setAttributes({{"recurrent_initializer", "zeros"}});
            QFAIL("recurrent_initializer zeros was accepted");
        } catch (const engine::InputError& e) {
            QCOMPARE(std::string(e.where()), std::string("recurrent_initializer"));
        }
    }
    try {
        makeLayer("LSTM", {{"forget_bias", -1.0}});
        QFAIL("forget_bias -1 was accepted");
    } catch (const engine::InputError& e) {
        QCOMPARE(std::string(e.where()), std::string("forget_bias"));
    }
}

void TestRecurrent::shapesOnTheCanvas()
{
    Graph g = chain(
        {{"Input", {{"shape", {30, 1}}}}, {"LSTM", {{"units", 32}, {"return_sequences", true}}},
            {"GRU", {{"units", 32}}}, {"Dense", {{"units", 1}}}, {"Loss", {{"loss", "mse"}}}});
    const auto check = g.check();
    QVERIFY2(check.ok(), check.summary().c_str());
    const auto ids = g.nodeIds();
    QCOMPARE(QString::fromStdString(check.shapes.at(ids[0]).toString()), QString("30x1"));
    QCOMPARE(QString::fromStdString(check.shapes.at(ids[1]).toString()), QString("30x32"));
    QCOMPARE(QString::fromStdString(check.shapes.at(ids[2]).toString()), QString("32"));
    QCOMPARE(check.paramCounts.at(ids[1]), 4L * 32 * (1 + 32 + 1));
    QCOMPARE(check.paramCounts.at(ids[2]), 3L * 32 * (32 + 32 + 1) + 32);

    Graph text
        = chain({{"Input", {{"shape", {20}}}}, {"Embedding", {{"vocab_size", 50}, {"units", 8}}},
            {"SimpleRNN", {{"units", 16}, {"return_sequences", true}}},
            {"TimeDistributed", {{"units", 50}}}, {"Loss", {{"loss", "mse"}}}});
    const auto textCheck = text.check();
    const auto textIds = text.nodeIds();
    QCOMPARE(textCheck.shapes.at(textIds[1]), (Shape {20, 8}));
    QCOMPARE(textCheck.shapes.at(textIds[2]), (Shape {20, 16}));
    QCOMPARE(textCheck.shapes.at(textIds[3]), (Shape {20, 50}));

    // An image is refused with advice.
    Graph image = chain({{"Input", {{"shape", {28, 28, 1}}}}, {"LSTM", {{"units", 8}}},
        {"Dense", {{"units", 10}}}, {"Loss", {{"loss", "softmax_crossentropy"}}}});
    const auto bad = image.check();
    QVERIFY(!bad.ok());
    QVERIFY2(
        QString::fromStdString(bad.summary()).contains("Reshape to 28x28"), bad.summary().c_str());
}

void TestRecurrent::clippingScalesToTheNorm()
{
    Matrix w1(2, 1), g1(2, 1), w2(1, 1), g2(1, 1);
    g1 << 3, 4;
    g2 << 12; // global norm 13
    const std::vector<engine::Param> params {{"a", &w1, &g1}, {"b", &w2, &g2}};
    QCOMPARE(engine::clipGradientsByGlobalNorm(params, 20), 13.0); // below: unchanged
    QCOMPARE(g1(1, 0), 4.0);
    QCOMPARE(engine::clipGradientsByGlobalNorm(params, 6.5), 13.0);
    const double norm = std::sqrt(g1.squaredNorm() + g2.squaredNorm());
    QVERIFY2(std::abs(norm - 6.5) < 1e-12, qPrintable(QString::number(norm, 'g', 17)));
    QVERIFY(std::abs(g1(0, 0) - 1.5) < 1e-12 && std::abs(g2(0, 0) - 6) < 1e-12);

    const auto config = engine::TrainingConfig::fromJson({{"clipNorm", 2.5}});
    QCOMPARE(config.clipNorm, 2.5);
    QCOMPARE(config.toJson().at("clipNorm"), 2.5);
    QVERIFY(!engine::TrainingConfig().toJson().contains("clipNorm"));
    try {
        engine::TrainingConfig::fromJson({{"clipNorm", -1}});
        QFAIL("a negative clipNorm was accepted");
    } catch (const engine::InputError& e) {
        QCOMPARE(std::string(e.where()), std::string("clipNorm"));
    }
}

void TestRecurrent::trainerClipsBeforeTheStep()
{
    // Plain SGD moves the weights by -lr * g: with clipping, the whole step has norm lr * clip.
    for (const double clip : {0.0, 0.01}) {
        Graph g = chain({{"Input", {{"shape", {6, 1}}}}, {"LSTM", {{"units", 4}}},
            {"Dense", {{"units", 2}}}, {"Loss", {{"loss", "softmax_crossentropy"}}}});
        engine::DatasetSplits splits;
        splits.train = firstSign(32, 6, 11);
        engine::TrainingConfig config;
        config.batchSize = 32;
        config.optimizer.type = "sgd";
        config.optimizer.learningRate = 0.5;
        config.clipNorm = clip;
        engine::Trainer trainer(g, std::move(splits), config);
        std::vector<Matrix> before;
        for (const auto& p : g.params())
            before.push_back(*p.value);
        trainer.trainBatch();
        double step = 0;
        const auto after = g.params();
        for (std::size_t i = 0; i < after.size(); ++i)
            step += (*after[i].value - before[i]).squaredNorm();
        step = std::sqrt(step);
        if (clip > 0)
            QVERIFY2(std::abs(step - 0.5 * clip) < 1e-12, qPrintable(QString::number(step)));
        else
            QVERIFY2(step > 0.5 * 0.01 * 2, qPrintable(QString::number(step)));
    }
}

void TestRecurrent::lstmLearnsToRememberTheFirstValue()
{
    Graph g = chain({{"Input", {{"shape", {10, 1}}}}, {"LSTM", {{"units", 8}}},
        {"Dense", {{"units", 2}}}, {"Loss", {{"loss", "softmax_crossentropy"}}}});
    engine::DatasetSplits splits;
    splits.train = firstSign(256, 10, 21);
    splits.validation = firstSign(128, 10, 22);
    engine::TrainingConfig config;
    config.epochs = 30;
    config.batchSize = 32;
    config.optimizer.type = "adam";
    config.optimizer.learningRate = 0.02;
    config.clipNorm = 5;
    engine::Trainer trainer(g, std::move(splits), config);
    const engine::Metrics start = trainer.evaluate(trainer.data().validation);
    const engine::TrainResult result = trainer.run();
    QCOMPARE(result.reason, engine::StopReason::Completed);
    const engine::Metrics end = trainer.evaluate(trainer.data().validation);
    QVERIFY2(end.loss < 0.3 * start.loss,
        qPrintable(QString("validation loss %1 -> %2").arg(start.loss).arg(end.loss)));
    QVERIFY2(*end.accuracy > 0.9, qPrintable(QString::number(*end.accuracy)));
}

void TestRecurrent::threadsSplitTheBatch_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<bool>("sequences");
    for (const char* type : {"SimpleRNN", "LSTM", "GRU"})
        for (bool sequences : {false, true})
            QTest::newRow(qPrintable(QString("%1 %2").arg(type, sequences ? "seq" : "last")))
                << QString(type) << sequences;
}

void TestRecurrent::threadsSplitTheBatch()
{
    // Each thread runs the whole recurrence over its own samples: with 2 threads the outputs
    // and every gradient equal the single-threaded ones. 48 samples of 6x3 with 8 units are
    // well above the work at which parallelRanges() splits.
    QFETCH(QString, type);
    QFETCH(bool, sequences);
    const Shape in {6, 3};
    const Matrix x = randomMatrix(in.size(), 48, 21, 1.5);
    struct Result {
        Matrix out, gradIn;
        std::vector<Matrix> grads;
    };
    const auto run = [&](int threads) {
        engine::setThreadCount(threads);
        auto layer = makeLayer(type.toStdString(), {{"units", 8}, {"return_sequences", sequences}});
        engine::Rng rng(5);
        layer->build({in}, rng);
        for (auto& p : layer->params())
            *p.value = randomMatrix(p.value->rows(), p.value->cols(), 3 + p.value->size(), 0.7);
        Result r;
        layer->forward({&x}, r.out, engine::Mode::Train);
        const Matrix gradOut = randomMatrix(r.out.rows(), r.out.cols(), 8, 1.0);
        layer->backward({&x}, r.out, gradOut, {&r.gradIn});
        for (auto& p : layer->params())
            r.grads.push_back(*p.grad);
        return r;
    };
    const Result one = run(1);
    const Result two = run(2);
    engine::setThreadCount(0);
    QVERIFY(one.out.cwiseAbs().maxCoeff() > 0.1);
    QVERIFY(one.gradIn.cwiseAbs().maxCoeff() > 1e-3);
    QVERIFY(two.out.isApprox(one.out, 1e-12));
    QVERIFY(two.gradIn.isApprox(one.gradIn, 1e-12));
    QCOMPARE(two.grads.size(), one.grads.size());
    for (std::size_t i = 0; i < one.grads.size(); ++i)
        QVERIFY2(two.grads[i].isApprox(one.grads[i], 1e-12), qPrintable(QString::number(i)));
}

void TestRecurrent::exportAgreesWithOnnxRuntimeAndPyTorch_data()
{
    // layers after the Input (as [type, attributes] pairs), the input shape, the number of
    // classes of a softmax head (0: the last layer's output is the prediction, MSE), and the
    // vocabulary when the inputs are token ids.
    QTest::addColumn<QByteArray>("layers");
    QTest::addColumn<QList<int>>("inputShape");
    QTest::addColumn<int>("classes");
    QTest::addColumn<int>("vocab");
    const auto row = [](const char* tag, const json& layers, QList<int> shape, int classes,
                         int vocab = 0) {
        QTest::newRow(tag) << QByteArray::fromStdString(layers.dump()) << shape << classes << vocab;
    };
    // One feature per step keeps W 2-D ([G*H, 1]) in both formats.
    for (const char* type : {"SimpleRNN", "LSTM", "GRU"}) {
        const std::string t(type);
        row(qPrintable(QString::fromStdString(t + " last state")),
            json::array({{t, {{"units", 5}}}, {"Dense", {{"units", 3}}}}), {6, 3}, 3);
        row(qPrintable(QString::fromStdString(t + " sequences")),
            json::array({{t, {{"units", 4}, {"return_sequences", true}}}}), {7, 3}, 0);
        row(qPrintable(QString::fromStdString(t + " one feature")),
            json::array({{t, {{"units", 3}}}}), {5, 1}, 0);
    }
    // Stacked: sequences into a last-state layer.
    row("LSTM-GRU-SimpleRNN stack",
        json::array({{"LSTM", {{"units", 5}, {"return_sequences", true}}},
            {"GRU", {{"units", 4}, {"return_sequences", true}}}, {"SimpleRNN", {{"units", 3}}},
            {"Dense", {{"units", 3}}}}),
        {6, 3}, 3);
    row("Embedding-LSTM-TimeDistributed softmax",
        json::array({{"Embedding", {{"vocab_size", 11}, {"units", 4}}},
            {"LSTM", {{"units", 5}, {"return_sequences", true}}},
            {"TimeDistributed", {{"units", 3}, {"activation", "softmax"}}}}),
        {8}, 0, 11);
    row("TimeDistributed-GRU",
        json::array({{"TimeDistributed", {{"units", 4}, {"activation", "tanh"}}},
            {"GRU", {{"units", 3}}}, {"Dense", {{"units", 2}}}}),
        {5, 1}, 2);
}

void TestRecurrent::exportAgreesWithOnnxRuntimeAndPyTorch()
{
    QFETCH(QByteArray, layers);
    QFETCH(QList<int>, inputShape);
    QFETCH(int, classes);
    QFETCH(int, vocab);
    if (!engine::onnxAvailable())
        QSKIP("the engine was built without ONNX");

    const Shape shape(std::vector<int>(inputShape.begin(), inputShape.end()));
    json nodes = json::array({{{"id", 1}, {"type", "Input"}, {"name", "input"},
        {"attributes", {{"shape", shape.dims()}}}}});
    json edges = json::array();
    for (const json& layer : json::parse(layers.toStdString())) {
        const int id = int(nodes.size()) + 1;
        nodes.push_back({{"id", id}, {"type", layer[0]},
            {"name", layer[0].get<std::string>() + " " + std::to_string(id)},
            {"attributes", layer[1]}});
        edges.push_back({{"from", id - 1}, {"to", id}});
    }
    const int lossId = int(nodes.size()) + 1;
    nodes.push_back({{"id", lossId}, {"type", "Loss"}, {"name", "loss"},
        {"attributes", {{"loss", classes > 0 ? "softmax_crossentropy" : "mse"}}}});
    edges.push_back({{"from", lossId - 1}, {"to", lossId}});
    engine::Project p;
    try {
        p = engine::Project::fromJson({{"format", "netcanvas"}, {"version", 1},
            {"name", "recurrent export"}, {"nodes", nodes}, {"edges", edges}});
    } catch (const engine::InputError& e) {
        QFAIL(e.what());
    }

    engine::GraphContext context;
    context.inputShape = shape;
    context.numClasses = classes;
    Graph g = p.buildGraph();
    const engine::GraphCheck check = g.check();
    context.targetRows = classes > 0 ? 1 : check.shapes.at(check.outputNode).size();
    g.compile(context, 1);
    std::uint64_t seed = 50;
    for (auto& param : g.params())
        *param.value = randomMatrix(param.value->rows(), param.value->cols(), ++seed, 0.8);
    p.weights = g.weights();

    const long samples = 9;
    Matrix x = randomMatrix(shape.size(), samples, 77, 2.0);
    if (vocab > 0)
        x = ((x.array() + 2) / 4 * (vocab - 1)).round().matrix();
    Matrix expected;
    engine::Loss::create(g.lossType())
        ->outputTransform(g.forward(x, engine::Mode::Inference), expected);
    // Real work for the consumers: outputs differ between samples.
    QVERIFY((expected.rowwise().maxCoeff() - expected.rowwise().minCoeff()).maxCoeff() > 1e-2);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString csv = dir.filePath("x.csv");
    {
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (long s = 0; s < samples; ++s) {
            QStringList fields;
            for (long k = 0; k < x.rows(); ++k)
                fields << QString::number(double(float(x(k, s))), 'g', 9);
            f.write(fields.join(',').toUtf8() + "\n");
        }
    }

    // ONNX: the checker passes (exportOnnx runs it), the weights read back as float32 values,
    // and engine::Predictor on the .onnx file alone predicts the same.
    const QString onnxFile = dir.filePath("recurrent.onnx");
    try {
        engine::exportOnnx(p, context, onnxFile.toStdString());
    } catch (const engine::InputError& e) {
        QFAIL(e.what());
    }
    const auto back = engine::readNetCanvasOnnx(onnxFile.toStdString());
    QCOMPARE(back.project.weights.size(), p.weights.size());
    for (const auto& [id, params] : p.weights)
        for (const auto& [name, value] : params)
            QVERIFY2(back.project.weights.at(id).at(name)
                    == Matrix(value.cast<float>().cast<engine::Scalar>()),
                qPrintable(QString("weights %1.%2").arg(id).arg(QString::fromStdString(name))));
    engine::TrainedModel model = engine::loadTrainedModel(onnxFile.toStdString());
    const engine::Predictions predicted = engine::predict(model, x);
    QCOMPARE(predicted.values.rows(), expected.rows());
    const double roundTrip = (predicted.values - expected).cwiseAbs().maxCoeff();
    qInfo("Predictor on the .onnx file: max abs diff %.3g", roundTrip);
    QVERIFY2(roundTrip <= 1e-5, qPrintable(QString("max abs diff %1").arg(roundTrip)));

    const QString checkDir = QStringLiteral(NETCANVAS_SOURCE_DIR "/tools/onnx-check");
    if (QStandardPaths::findExecutable("node").isEmpty()
        || !QFileInfo::exists(checkDir + "/node_modules/onnxruntime-node/package.json")) {
        qWarning("ONNX Runtime check skipped: node or onnxruntime-node is missing (npm ci "
                 "--ignore-scripts in tools/onnx-check)");
    } else {
        const RunResult ort = run("node", {checkDir + "/run.js", onnxFile, csv});
        QVERIFY2(ort.exitCode == 0, ort.err.constData());
        const QJsonObject output = QJsonDocument::fromJson(ort.out)["outputs"]["output"].toObject();
        const QJsonArray dims = output["dims"].toArray();
        QCOMPARE(dims.size(), 2);
        QCOMPARE(dims[0].toInt(), int(samples));
        QCOMPARE(dims[1].toInt(), int(expected.rows()));
        const QJsonArray values = output["data"].toArray();
        std::vector<std::vector<double>> rows(static_cast<std::size_t>(samples));
        for (qsizetype i = 0; i < values.size(); ++i)
            rows[std::size_t(i / expected.rows())].push_back(values[i].toDouble());
        const double diff = maxDiff(expected, rows);
        qInfo("ONNX Runtime: max abs diff %.3g", diff);
        QVERIFY2(diff <= 1e-5, qPrintable(QString("max abs diff %1").arg(diff)));
    }

    // PyTorch script: compiles everywhere, predicts the same where torch imports.
    const QString script = dir.filePath("recurrent.py");
    engine::exportPyTorch(p, context, script.toStdString());
    const QString python = QStringLiteral("/usr/bin/python3");
    const RunResult compiled = run(python, {"-m", "py_compile", script});
    QVERIFY2(compiled.exitCode == 0, compiled.err.constData());
    if (run(python, {"-c", "import torch"}).exitCode != 0)
        QSKIP("PyTorch check skipped: torch does not import in /usr/bin/python3 "
              "(apt-get install python3-torch)");
    const RunResult torch = run(python, {script, "--input", csv});
    QVERIFY2(torch.exitCode == 0, torch.err.constData());
    std::vector<std::vector<double>> rows;
    const QList<QByteArray> lines = torch.out.trimmed().split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) { // line 0: the column names
        rows.emplace_back();
        for (const QByteArray& field : lines[i].trimmed().split(','))
            rows.back().push_back(field.toDouble());
    }
    const double diff = maxDiff(expected, rows);
    qInfo("PyTorch: max abs diff %.3g", diff);
    QVERIFY2(diff <= 1e-5, qPrintable(QString("max abs diff %1").arg(diff)));
}

QTEST_APPLESS_MAIN(TestRecurrent)
#include "tst_recurrent.moc"
