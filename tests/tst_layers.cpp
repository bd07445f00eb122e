// Layers and losses: finite-difference gradients (double precision), forward values computed by
// hand, attribute round trips and shape errors.

#include "GradientCheck.h"

#include "Activations.h"
#include "LayerRegistry.h"
#include "Loss.h"
#include "layers/Dense.h"
#include "layers/Dropout.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>

using engine::Matrix;
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

std::unique_ptr<engine::Layer> makeLayer(const std::string& type, const std::string& attrs)
{
    auto layer = engine::LayerRegistry::create(type);
    if (layer)
        layer->setAttributes(json::parse(attrs));
    return layer;
}

} // namespace

class TestLayers : public QObject {
    Q_OBJECT

private slots:
    void gradients_data();
    void gradients();
    void denseForwardByHand();
    void activationValuesByHand_data();
    void activationValuesByHand();
    void dropoutTrainAndInference();
    void concatenateInterleavesChannels();
    void attributesRoundTrip();
    void badAttributeNamesTheKey();
    void shapeErrorsNameBothShapes();
    void lossGradients_data();
    void lossGradients();
    void lossValuesByHand();
    void lossesStayFiniteOnHugeLogits();
};

void TestLayers::gradients_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("attributes");
    QTest::addColumn<std::vector<int>>("inputSizes"); // one vector-shaped input per entry

    for (const auto& act : engine::activationNames()) {
        const auto attrs = json {{"units", 4}, {"activation", act}, {"alpha", 0.3}}.dump();
        QTest::newRow(("Dense " + act).c_str())
            << "Dense" << QString::fromStdString(attrs) << std::vector<int> {5};
        const auto fn = json {{"function", act}, {"alpha", 0.3}}.dump();
        QTest::newRow(("Activation " + act).c_str())
            << "Activation" << QString::fromStdString(fn) << std::vector<int> {6};
    }
    QTest::newRow("Dense without bias")
        << "Dense"
        << R"({"units":3,"use_bias":false})" << std::vector<int> {4};
    QTest::newRow("Add of three") << "Add"
                                  << "{}" << std::vector<int> {5, 5, 5};
    QTest::newRow("Concatenate") << "Concatenate"
                                 << "{}" << std::vector<int> {3, 2, 4};
    QTest::newRow("Loss pass-through") << "Loss"
                                       << "{}" << std::vector<int> {3};
    QTest::newRow("Dropout inference") << "Dropout"
                                       << R"({"rate":0.4})" << std::vector<int> {5};
}

void TestLayers::gradients()
{
    QFETCH(QString, type);
    QFETCH(QString, attributes);
    QFETCH(std::vector<int>, inputSizes);

    auto layer = makeLayer(type.toStdString(), attributes.toStdString());
    QVERIFY(layer);
    std::vector<Shape> shapes;
    std::vector<Matrix> inputs;
    for (std::size_t i = 0; i < inputSizes.size(); ++i) {
        shapes.push_back(Shape {inputSizes[i]});
        inputs.push_back(randomMatrix(inputSizes[i], 3, 100 + i, 2.0));
    }
    engine::Rng rng(7);
    layer->build(shapes, rng);
    // Non-zero biases so their gradient path is exercised with realistic values.
    for (auto& p : layer->params())
        if (p.name == "b")
            *p.value = randomMatrix(p.value->rows(), p.value->cols(), 9);
    const auto mode = type == "Dropout" ? engine::Mode::Inference : engine::Mode::Train;
    const auto report = testutil::checkLayer(*layer, inputs, mode);
    QVERIFY2(report.maxRelativeError < 1e-6,
        qPrintable(QString("max relative error %1 at %2")
                       .arg(report.maxRelativeError)
                       .arg(QString::fromStdString(report.worst))));
}

void TestLayers::denseForwardByHand()
{
    engine::Dense dense;
    dense.setAttributes(json {{"units", 2}, {"activation", "relu"}});
    engine::Rng rng(1);
    dense.build({Shape {3}}, rng);
    auto params = dense.params();
    *params[0].value << 1, 2, 3, -1, -2, -3; // W: 2x3
    *params[1].value << 0.5, 0.25; // b
    Matrix x(3, 2);
    x << 1, 0, 1, 1, 1, -1; // columns: (1,1,1), (0,1,-1)
    Matrix out;
    dense.forward({&x}, out, engine::Mode::Train);
    // sample 1: z = (6.5, -5.75) -> relu (6.5, 0); sample 2: z = (-0.5, 1.25) -> (0, 1.25)
    QCOMPARE(out.rows(), 2);
    QCOMPARE(out(0, 0), 6.5);
    QCOMPARE(out(1, 0), 0.0);
    QCOMPARE(out(0, 1), 0.0);
    QCOMPARE(out(1, 1), 1.25);
    QCOMPARE(dense.paramCount(), 8L);
    QCOMPARE(QString::fromStdString(dense.summary()), QString("Dense 2, ReLU"));
}

void TestLayers::activationValuesByHand_data()
{
    QTest::addColumn<QString>("function");
    QTest::addColumn<double>("input");
    QTest::addColumn<double>("expected");
    QTest::newRow("sigmoid(0)") << "sigmoid" << 0.0 << 0.5;
    QTest::newRow("sigmoid(2)") << "sigmoid" << 2.0 << 1.0 / (1.0 + std::exp(-2.0));
    QTest::newRow("tanh(1)") << "tanh" << 1.0 << std::tanh(1.0);
    QTest::newRow("relu(-1)") << "relu" << -1.0 << 0.0;
    QTest::newRow("relu(2)") << "relu" << 2.0 << 2.0;
    QTest::newRow("leaky(-2)") << "leaky_relu" << -2.0 << -0.02;
    QTest::newRow("elu(-1)") << "elu" << -1.0 << std::exp(-1.0) - 1.0;
    QTest::newRow("gelu(1)") << "gelu" << 1.0 << 0.8413447460685429;
    QTest::newRow("gelu(-1)") << "gelu" << -1.0 << -0.15865525393145707;
    QTest::newRow("identity(3)") << "identity" << 3.0 << 3.0;
}

void TestLayers::activationValuesByHand()
{
    QFETCH(QString, function);
    QFETCH(double, input);
    QFETCH(double, expected);
    const auto kind = engine::activationFromName(function.toStdString());
    QVERIFY(kind);
    const double alpha = *kind == engine::ActivationKind::ELU ? 1.0 : 0.01;
    Matrix z(1, 1), a;
    z(0, 0) = input;
    engine::activationForward(*kind, alpha, z, a);
    QVERIFY2(std::abs(a(0, 0) - expected) < 1e-12, qPrintable(QString::number(a(0, 0), 'g', 17)));
}

void TestLayers::dropoutTrainAndInference()
{
    engine::Dropout dropout;
    dropout.setAttributes(json {{"rate", 0.25}});
    engine::Rng rng(3);
    dropout.build({Shape {100}}, rng);
    Matrix x = Matrix::Constant(100, 50, 2.0), out;
    dropout.forward({&x}, out, engine::Mode::Inference);
    QVERIFY(out == x);

    dropout.forward({&x}, out, engine::Mode::Train);
    const long zeros = (out.array() == 0).count();
    QVERIFY2(zeros > 1000 && zeros < 1500, qPrintable(QString::number(zeros))); // ~1250 of 5000
    // Survivors are scaled by 1 / (1 - rate) so the expected activation is unchanged.
    QVERIFY(((out.array() == 0) || ((out.array() - 2.0 / 0.75).abs() < 1e-12)).all());

    Matrix g = Matrix::Ones(100, 50), gin;
    std::vector<Matrix*> gradIns {&gin};
    dropout.backward({&x}, out, g, gradIns);
    QVERIFY(((gin.array() == 0) == (out.array() == 0)).all());
}

void TestLayers::concatenateInterleavesChannels()
{
    // Two 1x2 images with 1 and 2 channels: channel runs interleave per pixel.
    auto concat = engine::LayerRegistry::create("Concatenate");
    engine::Rng rng(1);
    concat->build({Shape {1, 2, 1}, Shape {1, 2, 2}}, rng);
    QCOMPARE(concat->outputShape({Shape {1, 2, 1}, Shape {1, 2, 2}}), (Shape {1, 2, 3}));
    Matrix a(2, 1), b(4, 1), out;
    a << 1, 2;
    b << 10, 11, 20, 21;
    concat->forward({&a, &b}, out, engine::Mode::Train);
    Matrix expected(6, 1);
    expected << 1, 10, 11, 2, 20, 21;
    QVERIFY(out == expected);
}

void TestLayers::attributesRoundTrip()
{
    for (const auto& entry : engine::LayerRegistry::entries()) {
        auto a = makeLayer(entry.type, entry.attributes);
        QVERIFY2(a, entry.type.c_str());
        auto b = engine::LayerRegistry::create(entry.type);
        b->setAttributes(a->attributes());
        QCOMPARE(QString::fromStdString(b->attributes().dump()),
            QString::fromStdString(a->attributes().dump()));
        QCOMPARE(b->summary(), a->summary());
    }
    QVERIFY(!engine::LayerRegistry::create("NoSuchLayer"));
}

void TestLayers::badAttributeNamesTheKey()
{
    engine::Dense dense;
    dense.setAttributes(json {{"units", 7}});
    try {
        dense.setAttributes(json {{"units", -3}, {"activation", "relu"}});
        QFAIL("negative units accepted");
    } catch (const engine::InputError& e) {
        QCOMPARE(QString::fromStdString(e.where()), QString("units"));
        QVERIFY(QString(e.what()).contains("positive integer"));
    }
    QCOMPARE(dense.units(), 7); // unchanged after the failed edit
    QVERIFY(dense.activation() == engine::ActivationKind::Identity);
    QVERIFY_THROWS_EXCEPTION(
        engine::InputError, dense.setAttributes(json {{"activation", "swish"}}));
    QVERIFY_THROWS_EXCEPTION(engine::InputError, dense.setAttributes(json {{"units", 2.5}}));
}

void TestLayers::shapeErrorsNameBothShapes()
{
    auto add = engine::LayerRegistry::create("Add");
    try {
        add->outputShape({Shape {64}, Shape {32}});
        QFAIL("mismatched Add accepted");
    } catch (const engine::ShapeError& e) {
        QVERIFY2(QString(e.what()).contains("64") && QString(e.what()).contains("32"), e.what());
    }
    auto concat = engine::LayerRegistry::create("Concatenate");
    QVERIFY_THROWS_EXCEPTION(
        engine::ShapeError, concat->outputShape({Shape {4, 4, 1}, Shape {3, 4, 1}}));
    QCOMPARE(concat->outputShape({Shape {4}, Shape {6}}), Shape {10});
}

void TestLayers::lossGradients_data()
{
    QTest::addColumn<QString>("loss");
    QTest::addColumn<int>("outputs");
    QTest::addColumn<bool>("indexTargets");
    for (const auto& l : engine::Loss::types()) {
        QTest::newRow((l + " dense targets").c_str()) << QString::fromStdString(l) << 3 << false;
        QTest::newRow((l + " class indices").c_str()) << QString::fromStdString(l) << 4 << true;
    }
    QTest::newRow("binary_crossentropy one logit") << "binary_crossentropy" << 1 << true;
}

void TestLayers::lossGradients()
{
    QFETCH(QString, loss);
    QFETCH(int, outputs);
    QFETCH(bool, indexTargets);
    auto l = engine::Loss::create(loss.toStdString());
    QVERIFY(l);
    const long batch = 5;
    Matrix pred = randomMatrix(outputs, batch, 11, 3.0);
    Matrix target;
    if (indexTargets) {
        target.resize(1, batch);
        for (long j = 0; j < batch; ++j)
            target(0, j) = double(j % std::max(2, outputs));
    } else if (loss.contains("crossentropy")) {
        target = (randomMatrix(outputs, batch, 12).array() + 1.0) / 2.0; // in [0, 1]
        if (loss == "softmax_crossentropy")
            target = target.array().rowwise() / target.colwise().sum().array(); // distributions
    } else {
        target = randomMatrix(outputs, batch, 12, 3.0);
    }
    const auto report = testutil::checkLoss(*l, pred, target);
    QVERIFY2(report.maxRelativeError < 1e-6,
        qPrintable(QString("max relative error %1 at %2")
                       .arg(report.maxRelativeError)
                       .arg(QString::fromStdString(report.worst))));
}

void TestLayers::lossValuesByHand()
{
    auto ce = engine::Loss::create("softmax_crossentropy");
    Matrix logits = Matrix::Zero(2, 1), target(1, 1);
    target(0, 0) = 1;
    QVERIFY(std::abs(ce->value(logits, target) - std::log(2.0)) < 1e-12);

    auto bce = engine::Loss::create("binary_crossentropy");
    Matrix z(1, 2), t(1, 2);
    z << 0.0, 2.0;
    t << 1.0, 0.0;
    // mean of -log(sigmoid(0)) and -log(1 - sigmoid(2))
    const double expected = (std::log(2.0) + std::log(1.0 + std::exp(2.0))) / 2.0;
    QVERIFY(std::abs(bce->value(z, t) - expected) < 1e-12);

    auto mse = engine::Loss::create("mse");
    Matrix p(2, 1), y(2, 1);
    p << 1, 3;
    y << 0, 1;
    QCOMPARE(mse->value(p, y), 2.5); // (1 + 4) / 2 elements

    auto mae = engine::Loss::create("mae");
    QCOMPARE(mae->value(p, y), 1.5);

    std::vector<int> labels;
    Matrix scores(3, 2);
    scores << 0.1, 5, 2, -1, 0.3, 0;
    ce->predictLabels(scores, labels);
    QCOMPARE(labels, (std::vector<int> {1, 0}));
}

void TestLayers::lossesStayFiniteOnHugeLogits()
{
    Matrix logits(2, 2), classes(1, 2), g;
    logits << 1000, -1000, -1000, 1000;
    classes << 1, 1; // sample 1 is confidently wrong, sample 2 confidently right
    auto ce = engine::Loss::create("softmax_crossentropy");
    QCOMPARE(ce->value(logits, classes), 1000.0); // (2000 + 0) / 2
    ce->gradient(logits, classes, g);
    QVERIFY(g.allFinite());

    Matrix z(1, 2), t(1, 2);
    z << 1000, -1000;
    t << 0, 0;
    auto bce = engine::Loss::create("binary_crossentropy");
    QCOMPARE(bce->value(z, t), 500.0); // (1000 + 0) / 2
    bce->gradient(z, t, g);
    QVERIFY(g.allFinite());
}

QTEST_APPLESS_MAIN(TestLayers)
#include "tst_layers.moc"
