// Layers and losses: finite-difference gradients (double precision), forward values computed by
// hand, attribute round trips and shape errors.

#include "GradientCheck.h"

#include "graph/Activations.h"
#include "graph/Graph.h"
#include "graph/Loss.h"
#include "layers/Conv2D.h"
#include "layers/Dense.h"
#include "layers/Dropout.h"
#include "layers/LayerRegistry.h"

#include <nlohmann/json.hpp>

#include <QProcess>
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
    void imageGradients_data();
    void imageGradients();
    void convForwardByHand();
    void poolingForwardByHand();
    void convGeometryByHand();
    void directConvSumsEachWindow_data();
    void directConvSumsEachWindow();
    void poolingOptionsByHand();
    void convMatchesTorch();
    void windowAttributesKeepTheirForms();
    void logSoftmaxByHand();
    void batchNormStatistics();
    void runningStatisticsAreSavedNotTrained();
    void imageShapeErrors();
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
    QTest::newRow("Flatten") << "Flatten"
                             << "{}" << std::vector<int> {5};
    QTest::newRow("BatchNorm features") << "BatchNorm"
                                        << R"({"momentum":0.2})" << std::vector<int> {5};
    QTest::newRow("LayerNorm features") << "LayerNorm"
                                        << "{}" << std::vector<int> {6};
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
        if (p.name == "b" || p.name == "gamma" || p.name == "beta")
            *p.value = randomMatrix(p.value->rows(), p.value->cols(), 9);
    const auto mode = type == "Dropout" ? engine::Mode::Inference : engine::Mode::Train;
    const auto report = testutil::checkLayer(*layer, inputs, mode);
    QVERIFY2(report.maxRelativeError < 1e-6,
        qPrintable(QString("max relative error %1 at %2")
                       .arg(report.maxRelativeError)
                       .arg(QString::fromStdString(report.worst))));
}

void TestLayers::imageGradients_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("attributes");
    QTest::addColumn<std::vector<int>>("shape"); // h, w, c of the one image input

    const std::vector<int> small {5, 5, 2};
    for (const char* act : {"identity", "relu", "tanh", "sigmoid", "elu"}) {
        const auto attrs = json {{"filters", 3}, {"kernel", 3}, {"activation", act}}.dump();
        QTest::newRow((std::string("Conv2D valid ") + act).c_str())
            << "Conv2D" << QString::fromStdString(attrs) << small;
    }
    QTest::newRow("Conv2D same")
        << "Conv2D"
        << R"({"filters":2,"kernel":3,"padding":"same","activation":"tanh"})"
        << std::vector<int> {5, 4, 2};
    QTest::newRow("Conv2D same, even kernel (uneven padding)")
        << "Conv2D"
        << R"({"filters":2,"kernel":2,"padding":"same"})" << std::vector<int> {5, 5, 1};
    QTest::newRow("Conv2D stride 2 same")
        << "Conv2D"
        << R"({"filters":3,"kernel":3,"stride":2,"padding":"same","activation":"relu"})"
        << std::vector<int> {6, 5, 2};
    QTest::newRow("Conv2D stride 2 valid")
        << "Conv2D"
        << R"({"filters":2,"kernel":3,"stride":2})" << std::vector<int> {7, 7, 1};
    QTest::newRow("Conv2D 1x1 without bias")
        << "Conv2D"
        << R"({"filters":4,"kernel":1,"use_bias":false})" << std::vector<int> {3, 3, 3};
    // ONNX-style geometry: explicit asymmetric pads, dilation, groups, non-square windows.
    QTest::newRow("Conv2D asymmetric pads [0,1,1,2]")
        << "Conv2D"
        << R"({"filters":3,"kernel":3,"padding":[0,1,1,2],"activation":"tanh"})"
        << std::vector<int> {5, 4, 2};
    QTest::newRow("Conv2D stride 2, explicit pads")
        << "Conv2D"
        << R"({"filters":2,"kernel":3,"stride":2,"padding":[1,1,1,1]})"
        << std::vector<int> {6, 7, 2};
    QTest::newRow("Conv2D stride [2,1], kernel [3,2]")
        << "Conv2D"
        << R"({"filters":2,"kernel":[3,2],"stride":[2,1],"padding":[1,0,0,1]})"
        << std::vector<int> {6, 5, 2};
    QTest::newRow("Conv2D dilation 2")
        << "Conv2D"
        << R"({"filters":2,"kernel":3,"dilation":2,"activation":"elu"})"
        << std::vector<int> {7, 6, 2};
    QTest::newRow("Conv2D dilation [2,1], same")
        << "Conv2D"
        << R"({"filters":2,"kernel":3,"dilation":[2,1],"padding":"same"})"
        << std::vector<int> {5, 5, 1};
    QTest::newRow("Conv2D groups 2")
        << "Conv2D"
        << R"({"filters":4,"kernel":3,"groups":2,"padding":[1,0,1,2],"activation":"relu"})"
        << std::vector<int> {5, 4, 4};
    QTest::newRow("Conv2D depthwise (groups = channels, multiplier 2)")
        << "Conv2D"
        << R"({"filters":6,"kernel":3,"groups":3,"stride":2,"padding":"same"})"
        << std::vector<int> {6, 5, 3};
    QTest::newRow("Conv2D non-square kernel [1,3] without bias")
        << "Conv2D"
        << R"({"filters":3,"kernel":[1,3],"use_bias":false})" << std::vector<int> {4, 5, 2};
    QTest::newRow("Conv2D log_softmax fused")
        << "Conv2D"
        << R"({"filters":2,"kernel":2,"activation":"log_softmax"})" << std::vector<int> {3, 3, 2};
    QTest::newRow("MaxPool2D 2x2") << "MaxPool2D"
                                   << R"({"pool":2})" << std::vector<int> {4, 4, 2};
    QTest::newRow("MaxPool2D same")
        << "MaxPool2D"
        << R"({"pool":2,"padding":"same"})" << std::vector<int> {5, 5, 2};
    QTest::newRow("MaxPool2D 3x3 stride 1")
        << "MaxPool2D"
        << R"({"pool":3,"stride":1})" << std::vector<int> {4, 5, 1};
    QTest::newRow("AveragePool2D 2x2") << "AveragePool2D"
                                       << R"({"pool":2})" << std::vector<int> {4, 4, 2};
    QTest::newRow("AveragePool2D same")
        << "AveragePool2D"
        << R"({"pool":2,"padding":"same"})" << std::vector<int> {5, 3, 2};
    QTest::newRow("MaxPool2D explicit pads, ceil mode")
        << "MaxPool2D"
        << R"({"pool":3,"stride":2,"padding":[1,0,0,1],"ceilMode":true})"
        << std::vector<int> {6, 5, 2};
    QTest::newRow("MaxPool2D pool [2,3] stride [1,2]")
        << "MaxPool2D"
        << R"({"pool":[2,3],"stride":[1,2]})" << std::vector<int> {4, 7, 1};
    QTest::newRow("AveragePool2D explicit pads, padding excluded")
        << "AveragePool2D"
        << R"({"pool":3,"stride":2,"padding":[1,1,2,0]})" << std::vector<int> {6, 5, 2};
    QTest::newRow("AveragePool2D explicit pads, countIncludePad")
        << "AveragePool2D"
        << R"({"pool":3,"stride":2,"padding":[1,1,2,0],"countIncludePad":true})"
        << std::vector<int> {6, 5, 2};
    QTest::newRow("AveragePool2D ceil mode, countIncludePad")
        << "AveragePool2D"
        << R"({"pool":2,"stride":2,"padding":[1,1,1,1],"ceilMode":true,"countIncludePad":true})"
        << std::vector<int> {4, 5, 2};
    QTest::newRow("GlobalAveragePool2D") << "GlobalAveragePool2D"
                                         << "{}" << std::vector<int> {3, 4, 3};
    QTest::newRow("GlobalMaxPool2D") << "GlobalMaxPool2D"
                                     << "{}" << std::vector<int> {3, 4, 3};
    QTest::newRow("Flatten image") << "Flatten"
                                   << "{}" << std::vector<int> {3, 2, 2};
    QTest::newRow("Reshape") << "Reshape"
                             << R"({"shape":[6,2]})" << std::vector<int> {3, 2, 2};
    QTest::newRow("BatchNorm image") << "BatchNorm"
                                     << "{}" << std::vector<int> {3, 3, 2};
    QTest::newRow("LayerNorm image") << "LayerNorm"
                                     << "{}" << std::vector<int> {2, 2, 3};
}

void TestLayers::imageGradients()
{
    QFETCH(QString, type);
    QFETCH(QString, attributes);
    QFETCH(std::vector<int>, shape);

    auto layer = makeLayer(type.toStdString(), attributes.toStdString());
    QVERIFY(layer);
    const Shape inShape(shape);
    const long batch = 3;
    Matrix x = randomMatrix(inShape.size(), batch, 21, 2.0);
    if (type == "MaxPool2D" || type == "GlobalMaxPool2D") {
        // Distinct values 0.01 apart keep every window's maximum well clear of the +-eps steps.
        std::vector<long> order(std::size_t(x.size()));
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = long(i);
        engine::Rng rng(5);
        rng.shuffle(order);
        for (Eigen::Index i = 0; i < x.size(); ++i)
            x.data()[i] = 0.01 * double(order[std::size_t(i)]) - 0.5;
    }
    engine::Rng rng(7);
    layer->build({inShape}, rng);
    for (auto& p : layer->params())
        if (p.name == "b" || p.name == "gamma" || p.name == "beta")
            *p.value = randomMatrix(p.value->rows(), p.value->cols(), 9);
    const Shape outShape = layer->outputShape({inShape});
    Matrix out;
    layer->forward({&x}, out, engine::Mode::Train);
    QCOMPARE(out.rows(), outShape.size());
    QCOMPARE(out.cols(), batch);
    const auto report = testutil::checkLayer(*layer, {x}, engine::Mode::Train);
    QVERIFY2(report.maxRelativeError < 1e-6,
        qPrintable(QString("max relative error %1 at %2")
                       .arg(report.maxRelativeError)
                       .arg(QString::fromStdString(report.worst))));
}

void TestLayers::convForwardByHand()
{
    // 3x3x1 image (row-major):  1  2  0 /  3 -1  4 /  0  5  2
    Matrix x(9, 1);
    x << 1, 2, 0, 3, -1, 4, 0, 5, 2;
    auto conv = makeLayer("Conv2D", R"({"filters":2,"kernel":2})");
    engine::Rng rng(1);
    conv->build({Shape {3, 3, 1}}, rng);
    QCOMPARE(conv->outputShape({Shape {3, 3, 1}}), (Shape {2, 2, 2}));
    auto params = conv->params();
    QCOMPARE(params[0].value->rows(), 2);
    QCOMPARE(params[0].value->cols(), 4);
    // Filter 0: [[1, 2], [-1, 0.5]], bias 1; filter 1: all ones, bias 0.
    *params[0].value << 1, 2, -1, 0.5, 1, 1, 1, 1;
    *params[1].value << 1, 0;
    Matrix out;
    conv->forward({&x}, out, engine::Mode::Inference);
    Matrix expected(8, 1); // per pixel (0,0) (0,1) (1,0) (1,1): filter 0, filter 1
    expected << 2.5, 5, 6, 5, 4.5, 7, 4, 10;
    QVERIFY2(out.isApprox(expected), qPrintable(QString::number(out(0, 0))));
    QCOMPARE(QString::fromStdString(conv->summary()), QString("Conv2D 2 2x2"));
    QCOMPARE(conv->paramCount(), 10L);

    // "same" with a 3x3 all-ones kernel sums each pixel's 3x3 neighbourhood (zeros outside).
    auto same
        = makeLayer("Conv2D", R"({"filters":1,"kernel":3,"padding":"same","activation":"relu"})");
    same->build({Shape {3, 3, 1}}, rng);
    same->params()[0].value->setOnes();
    same->params()[1].value->setZero();
    same->forward({&x}, out, engine::Mode::Inference);
    QCOMPARE(out.rows(), 9);
    QCOMPARE(out(0, 0), 5.0); // 1 + 2 + 3 - 1
    QCOMPARE(out(4, 0), 16.0); // everything
    QCOMPARE(out(8, 0), 10.0); // -1 + 4 + 5 + 2
    QCOMPARE(QString::fromStdString(same->summary()), QString("Conv2D 1 3x3, ReLU"));
}

void TestLayers::poolingForwardByHand()
{
    Matrix x(9, 1);
    x << 1, 2, 0, 3, -1, 4, 0, 5, 2;
    engine::Rng rng(1);
    Matrix out;
    // "same" on 3x3 with 2x2 windows, stride 2: the padding row/column go after the image.
    auto maxPool = makeLayer("MaxPool2D", R"({"pool":2,"padding":"same"})");
    QCOMPARE(maxPool->outputShape({Shape {3, 3, 1}}), (Shape {2, 2, 1}));
    maxPool->build({Shape {3, 3, 1}}, rng);
    maxPool->forward({&x}, out, engine::Mode::Inference);
    Matrix expected(4, 1);
    expected << 3, 4, 5, 2;
    QVERIFY(out == expected);
    QCOMPARE(QString::fromStdString(maxPool->summary()), QString("MaxPool 2x2"));

    auto avgPool = makeLayer("AveragePool2D", R"({"pool":2,"padding":"same"})");
    avgPool->build({Shape {3, 3, 1}}, rng);
    avgPool->forward({&x}, out, engine::Mode::Inference);
    expected << 1.25, 2, 2.5, 2; // means over the pixels inside the image only
    QVERIFY(out == expected);

    // Valid 2x2 over two channels: each channel pooled on its own.
    Matrix two(8, 1); // 2x2x2: pixel (0,0) = (1, -1), (0,1) = (5, -2), ...
    two << 1, -1, 5, -2, 3, -7, 2, -3;
    maxPool->setAttributes(json {{"padding", "valid"}});
    maxPool->build({Shape {2, 2, 2}}, rng);
    maxPool->forward({&two}, out, engine::Mode::Inference);
    QCOMPARE(out.rows(), 2);
    QCOMPARE(out(0, 0), 5.0);
    QCOMPARE(out(1, 0), -1.0);
    Matrix g(2, 1), gin;
    g << 10, 20;
    std::vector<Matrix*> gradIns {&gin};
    maxPool->backward({&two}, out, g, gradIns);
    Matrix routed = Matrix::Zero(8, 1);
    routed(2, 0) = 10; // the 5
    routed(1, 0) = 20; // the -1
    QVERIFY(gin == routed);
}

void TestLayers::directConvSumsEachWindow_data()
{
    QTest::addColumn<QString>("attributes");
    // Windows (3x3 over 1 or 3 channels, and over 32 on CPUs with AVX2) are summed without
    // GEMM, read from the image when no window reaches the padding, else from a padded copy;
    // 20 filters leave remainders after the 16- and 8-filter tiles.
    QTest::newRow("valid") << R"({"filters":20,"kernel":3,"activation":"relu"})";
    QTest::newRow("stride 2, dilation 2")
        << R"({"filters":20,"kernel":3,"stride":2,"dilation":[2,1]})";
    QTest::newRow("same") << R"({"filters":20,"kernel":3,"padding":"same"})";
    QTest::newRow("explicit pads, stride [1,2]")
        << R"({"filters":32,"kernel":[2,3],"stride":[1,2],"padding":[0,1,1,0]})";
    QTest::newRow("pads after only") << R"({"filters":20,"kernel":3,"padding":[0,0,2,1]})";
}

void TestLayers::directConvSumsEachWindow()
{
    QFETCH(QString, attributes);
    for (const int channels : {1, 3, 32}) {
        const Shape in {7, 9, channels};
        auto layer = makeLayer("Conv2D", attributes.toStdString());
        auto& conv = dynamic_cast<engine::Conv2D&>(*layer);
        engine::Rng rng(4);
        conv.build({in}, rng);
        *conv.params()[1].value = randomMatrix(conv.filters(), 1, 6);
        const Matrix x = randomMatrix(in.size(), 5, 7);
        const auto g = conv.geometryFor(in);
        const Matrix& w = *conv.params()[0].value;
        for (const auto mode : {engine::Mode::Inference, engine::Mode::Train}) {
            Matrix out;
            conv.forward({&x}, out, mode);
            QCOMPARE(out.rows(), long(g.h.out) * g.w.out * conv.filters());
            for (long b = 0; b < x.cols(); ++b)
                for (int oh = 0; oh < g.h.out; ++oh)
                    for (int ow = 0; ow < g.w.out; ++ow)
                        for (int f = 0; f < conv.filters(); ++f) {
                            double sum = (*conv.params()[1].value)(f, 0);
                            long col = 0;
                            for (int kh = 0; kh < conv.kernel().h; ++kh)
                                for (int kw = 0; kw < conv.kernel().w; ++kw)
                                    for (int c = 0; c < channels; ++c, ++col) {
                                        const int ih = oh * conv.stride().h - g.h.padBefore
                                            + kh * conv.dilation().h;
                                        const int iw = ow * conv.stride().w - g.w.padBefore
                                            + kw * conv.dilation().w;
                                        if (ih >= 0 && ih < in[0] && iw >= 0 && iw < in[1])
                                            sum += w(f, col)
                                                * x((long(ih) * in[1] + iw) * channels + c, b);
                                    }
                            if (conv.activation() == engine::ActivationKind::ReLU)
                                sum = std::max(sum, 0.0);
                            const long row = (long(oh) * g.w.out + ow) * conv.filters() + f;
                            QVERIFY2(std::abs(out(row, b) - sum) < 1e-5,
                                qPrintable(QStringLiteral("%1 channels, sample %2, pixel (%3, %4), "
                                                          "filter %5: %6, expected %7")
                                               .arg(channels)
                                               .arg(b)
                                               .arg(oh)
                                               .arg(ow)
                                               .arg(f)
                                               .arg(out(row, b))
                                               .arg(sum)));
                        }
        }
    }
}

void TestLayers::convGeometryByHand()
{
    // 3x3x1 image (row-major):  1  2  0 /  3 -1  4 /  0  5  2
    Matrix x(9, 1);
    x << 1, 2, 0, 3, -1, 4, 0, 5, 2;
    engine::Rng rng(1);
    Matrix out;

    // Dilation 2: a 2x2 kernel of ones taps the four corners: 1 + 0 + 0 + 2.
    auto dilated = makeLayer("Conv2D", R"({"filters":1,"kernel":2,"dilation":2})");
    QCOMPARE(dilated->outputShape({Shape {3, 3, 1}}), (Shape {1, 1, 1}));
    dilated->build({Shape {3, 3, 1}}, rng);
    dilated->params()[0].value->setOnes();
    dilated->params()[1].value->setZero();
    dilated->forward({&x}, out, engine::Mode::Inference);
    QCOMPARE(out(0, 0), 3.0);
    QCOMPARE(QString::fromStdString(dilated->summary()), QString("Conv2D 1 2x2 dilation 2"));

    // Explicit pads [top 1, left 0, bottom 0, right 2] with a 1x1 identity kernel: the image
    // moved down one row, two zero columns on its right.
    auto padded = makeLayer("Conv2D", R"({"filters":1,"kernel":1,"padding":[1,0,0,2]})");
    QCOMPARE(padded->outputShape({Shape {3, 3, 1}}), (Shape {4, 5, 1}));
    padded->build({Shape {3, 3, 1}}, rng);
    padded->params()[0].value->setOnes();
    padded->params()[1].value->setZero();
    padded->forward({&x}, out, engine::Mode::Inference);
    Matrix expected(20, 1);
    expected << 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 3, -1, 4, 0, 0, 0, 5, 2, 0, 0;
    QVERIFY(out == expected);

    // Kernel [1, 2] (one row, two columns) with weights (1, 10) over the first row: 1 + 20, 2 + 0.
    auto wide = makeLayer("Conv2D", R"({"filters":1,"kernel":[1,2],"use_bias":false})");
    QCOMPARE(wide->outputShape({Shape {3, 3, 1}}), (Shape {3, 2, 1}));
    wide->build({Shape {3, 3, 1}}, rng);
    *wide->params()[0].value << 1, 10;
    wide->forward({&x}, out, engine::Mode::Inference);
    QCOMPARE(out(0, 0), 21.0);
    QCOMPARE(out(1, 0), 2.0);

    // Groups 2 on one pixel of 4 channels: filter 0 sees channels 0-1, filter 1 channels 2-3.
    Matrix pixel(4, 1);
    pixel << 1, 2, 3, 4;
    auto grouped = makeLayer("Conv2D", R"({"filters":2,"kernel":1,"groups":2})");
    grouped->build({Shape {1, 1, 4}}, rng);
    QCOMPARE(grouped->params()[0].value->cols(), 2); // KH * KW * Cin / groups
    QCOMPARE(grouped->paramCount(), 2L * 2 + 2);
    *grouped->params()[0].value << 1, 10, 100, 1000;
    grouped->params()[1].value->setZero();
    grouped->forward({&pixel}, out, engine::Mode::Inference);
    QCOMPARE(out(0, 0), 21.0);
    QCOMPARE(out(1, 0), 4300.0);

    // Depthwise, multiplier 2: filters 0-1 scale channel 0, filters 2-3 channel 1.
    Matrix two(2, 1);
    two << 3, 5;
    auto depthwise = makeLayer("Conv2D", R"({"filters":4,"kernel":1,"groups":2})");
    depthwise->build({Shape {1, 1, 2}}, rng);
    *depthwise->params()[0].value << 1, 2, 3, 4;
    depthwise->params()[1].value->setZero();
    depthwise->forward({&two}, out, engine::Mode::Inference);
    Matrix scaled(4, 1);
    scaled << 3, 6, 15, 20;
    QVERIFY(out == scaled);

    try {
        grouped->outputShape({Shape {2, 2, 3}});
        QFAIL("groups 2 accepted for 3 channels");
    } catch (const engine::ShapeError& e) {
        QVERIFY2(QString(e.what()).contains("groups 2") && QString(e.what()).contains("3 input"),
            e.what());
    }
}

void TestLayers::poolingOptionsByHand()
{
    // 3x3x1:  1  2  0 /  3 -1  4 /  0  5  2
    Matrix x(9, 1);
    x << 1, 2, 0, 3, -1, 4, 0, 5, 2;
    engine::Rng rng(1);
    Matrix out;
    // 2x2 windows, stride 2, one padded row and column before: windows start at -1 and 1.
    auto excluded = makeLayer("AveragePool2D", R"({"pool":2,"padding":[1,1,0,0]})");
    QCOMPARE(excluded->outputShape({Shape {3, 3, 1}}), (Shape {2, 2, 1}));
    excluded->build({Shape {3, 3, 1}}, rng);
    excluded->forward({&x}, out, engine::Mode::Inference);
    Matrix expected(4, 1);
    expected << 1, 1, 1.5, 2.5; // (1) / 1, (2 + 0) / 2, (3 + 0) / 2, (-1 + 4 + 5 + 2) / 4
    QVERIFY(out == expected);

    auto included
        = makeLayer("AveragePool2D", R"({"pool":2,"padding":[1,1,0,0],"countIncludePad":true})");
    included->build({Shape {3, 3, 1}}, rng);
    included->forward({&x}, out, engine::Mode::Inference);
    expected << 0.25, 0.5, 0.75, 2.5; // the padded cells count as zeros
    QVERIFY(out == expected);

    // Ceil mode: 3 pixels, window 2, stride 2 -> 2 windows, the last one partial.
    auto ceilMax = makeLayer("MaxPool2D", R"({"pool":2,"ceilMode":true})");
    QCOMPARE(ceilMax->outputShape({Shape {3, 3, 1}}), (Shape {2, 2, 1}));
    auto floorMax = makeLayer("MaxPool2D", R"({"pool":2})");
    QCOMPARE(floorMax->outputShape({Shape {3, 3, 1}}), (Shape {1, 1, 1}));
    ceilMax->build({Shape {3, 3, 1}}, rng);
    ceilMax->forward({&x}, out, engine::Mode::Inference);
    expected << 3, 4, 5, 2;
    QVERIFY(out == expected);
    // A last window that would start in the trailing padding is dropped (PyTorch, ORT):
    // 4 + 1 pad, window 2, stride 2 -> ceil((5 - 2) / 2) + 1 = 3, but window 3 starts at 4.
    auto dropped = makeLayer("MaxPool2D", R"({"pool":2,"padding":[0,0,1,1],"ceilMode":true})");
    QCOMPARE(dropped->outputShape({Shape {4, 4, 1}}), (Shape {2, 2, 1}));

    auto ceilAvg
        = makeLayer("AveragePool2D", R"({"pool":2,"ceilMode":true,"countIncludePad":true})");
    ceilAvg->build({Shape {3, 3, 1}}, rng);
    ceilAvg->forward({&x}, out, engine::Mode::Inference);
    // Cells beyond the padded image never count, even with countIncludePad (PyTorch).
    expected << 1.25, 2, 2.5, 2;
    QVERIFY(out == expected);

    auto tooMuch = makeLayer("MaxPool2D", R"({"pool":2,"padding":[2,0,0,0]})");
    QVERIFY_THROWS_EXCEPTION(engine::ShapeError, tooMuch->outputShape({Shape {3, 3, 1}}));

    // Global pools: H x W x C -> C.
    Matrix img(6, 1); // 1x3x2: pixels (1, -1), (5, -2), (3, -7)
    img << 1, -1, 5, -2, 3, -7;
    auto gap = makeLayer("GlobalAveragePool2D", "{}");
    QCOMPARE(gap->outputShape({Shape {1, 3, 2}}), (Shape {2}));
    gap->build({Shape {1, 3, 2}}, rng);
    gap->forward({&img}, out, engine::Mode::Inference);
    QCOMPARE(out.rows(), 2);
    QCOMPARE(out(0, 0), 3.0);
    QCOMPARE(out(1, 0), -10.0 / 3.0);
    auto gmp = makeLayer("GlobalMaxPool2D", "{}");
    gmp->build({Shape {1, 3, 2}}, rng);
    gmp->forward({&img}, out, engine::Mode::Inference);
    QCOMPARE(out(0, 0), 5.0);
    QCOMPARE(out(1, 0), -1.0);
    QVERIFY_THROWS_EXCEPTION(engine::ShapeError, gmp->outputShape({Shape {12}}));
}

void TestLayers::convMatchesTorch()
{
    const QString python = QStringLiteral("/usr/bin/python3");
    QProcess probe;
    probe.start(python, {"-c", "import torch"});
    if (!probe.waitForFinished(60000) || probe.exitCode() != 0)
        QSKIP("python3-torch is not installed: Conv2D was not compared with torch conv2d");

    // Every new option at once: kernel 3x2, stride (2, 1), dilation (1, 2), 2 groups,
    // asymmetric explicit padding.
    const Shape in {6, 7, 4};
    auto conv = makeLayer("Conv2D",
        R"({"filters":6,"kernel":[3,2],"stride":[2,1],"dilation":[1,2],"groups":2,)"
        R"("padding":[1,0,2,1]})");
    engine::Rng rng(3);
    conv->build({in}, rng);
    auto params = conv->params();
    *params[1].value = randomMatrix(6, 1, 4);
    const Matrix x = randomMatrix(in.size(), 2, 5);
    Matrix out;
    conv->forward({&x}, out, engine::Mode::Inference);

    // torch: NCHW input, OIHW weight [6, 2, 3, 2]; F.pad takes (left, right, top, bottom).
    json job {{"x", std::vector<double>(x.data(), x.data() + x.size())},
        {"w",
            std::vector<double>(
                params[0].value->data(), params[0].value->data() + params[0].value->size())},
        {"b", std::vector<double>(params[1].value->data(), params[1].value->data() + 6)}};
    const char* script = R"PY(
import json, sys, torch
import torch.nn.functional as F
j = json.load(sys.stdin)
x = torch.tensor(j["x"], dtype=torch.float64).reshape(2, 6, 7, 4).permute(0, 3, 1, 2)
# engine W: filters x (KH*KW*Cg), column-major storage, column (kh*KW + kw)*Cg + ci
w = torch.tensor(j["w"], dtype=torch.float64).reshape(3 * 2 * 2, 6).t()
w = w.reshape(6, 3, 2, 2).permute(0, 3, 1, 2)
y = F.conv2d(F.pad(x, (0, 1, 1, 2)), w, torch.tensor(j["b"], dtype=torch.float64),
             stride=(2, 1), dilation=(1, 2), groups=2)
print(json.dumps(y.permute(0, 2, 3, 1).reshape(2, -1).tolist()))
)PY";
    QProcess torch;
    torch.start(python, {"-c", script});
    QVERIFY(torch.waitForStarted(10000));
    torch.write(QByteArray::fromStdString(job.dump()));
    torch.closeWriteChannel();
    QVERIFY(torch.waitForFinished(120000));
    QVERIFY2(torch.exitCode() == 0, torch.readAllStandardError().constData());
    const json rows = json::parse(torch.readAllStandardOutput().toStdString());
    QCOMPARE(long(rows.size()), 2L);
    QCOMPARE(long(rows[0].size()), long(out.rows()));
    double worst = 0;
    for (long b = 0; b < 2; ++b)
        for (long i = 0; i < out.rows(); ++i)
            worst = std::max(worst, std::abs(double(out(i, b)) - rows[b][i].get<double>()));
    QVERIFY2(worst < 1e-9, qPrintable(QString("max abs difference %1").arg(worst)));
}

void TestLayers::windowAttributesKeepTheirForms()
{
    // Old projects: ints and words stay ints and words (files written before the lists).
    auto old = makeLayer("Conv2D", R"({"filters":4,"kernel":3,"stride":2,"padding":"same"})");
    const json a = old->attributes();
    QCOMPARE(a["kernel"], json(3));
    QCOMPARE(a["stride"], json(2));
    QCOMPARE(a["padding"], json("same"));
    QCOMPARE(a["dilation"], json(1));
    QCOMPARE(a["groups"], json(1));
    QCOMPARE(QString::fromStdString(old->summary()), QString("Conv2D 4 3x3 /2"));
    // Lists: a square list collapses to its int, the others stay lists.
    auto lists = makeLayer("Conv2D",
        R"({"kernel":[1,3],"stride":[2,2],"padding":[0,1,1,2],"dilation":[2,1],"groups":2})");
    const json b = lists->attributes();
    QCOMPARE(b["kernel"], json::parse("[1,3]"));
    QCOMPARE(b["stride"], json(2));
    QCOMPARE(b["padding"], json::parse("[0,1,1,2]"));
    QCOMPARE(b["dilation"], json::parse("[2,1]"));
    QCOMPARE(QString::fromStdString(lists->summary()),
        QString("Conv2D 8 1x3 /2 dilation 2x1, 2 groups"));
    auto pool = makeLayer("AveragePool2D",
        R"({"pool":[2,3],"stride":[1,2],"padding":[1,1,0,0],"ceilMode":true,"countIncludePad":true})");
    const json c = pool->attributes();
    QCOMPARE(c["pool"], json::parse("[2,3]"));
    QCOMPARE(c["stride"], json::parse("[1,2]"));
    QCOMPARE(c["ceilMode"], json(true));
    QCOMPARE(c["countIncludePad"], json(true));
    QCOMPARE(QString::fromStdString(pool->summary()), QString("AvgPool 2x3 /1x2"));
    auto oldPool = makeLayer("MaxPool2D", R"({"pool":2,"stride":0,"padding":"valid"})");
    QCOMPARE(oldPool->attributes()["pool"], json(2));
    QCOMPARE(oldPool->attributes()["stride"], json(0));

    // Bad forms name the key and leave the layer unchanged.
    for (const char* bad : {R"({"kernel":[1,2,3]})", R"({"kernel":0})", R"({"padding":"full"})",
             R"({"padding":[1,1]})", R"({"padding":3})", R"({"dilation":[1,"2"]})",
             R"({"stride":[0,1]})"}) {
        const json j = json::parse(bad);
        try {
            lists->setAttributes(j);
            QFAIL(bad);
        } catch (const engine::InputError& e) {
            QCOMPARE(QString::fromStdString(e.where()), QString::fromStdString(j.begin().key()));
        }
    }
    QCOMPARE(lists->attributes(), b);
}

void TestLayers::logSoftmaxByHand()
{
    Matrix z(3, 2), a;
    z << 1, 1000, 2, 1000, 3, 1000;
    engine::activationForward(engine::ActivationKind::LogSoftmax, 0, z, a);
    const double logSum = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
    for (int i = 0; i < 3; ++i) {
        QVERIFY(std::abs(a(i, 0) - (i + 1 - logSum)) < 1e-12);
        QVERIFY(std::abs(a(i, 1) + std::log(3.0)) < 1e-9); // huge equal logits stay finite
    }
    QVERIFY(engine::isPerSample(engine::ActivationKind::LogSoftmax));
    QVERIFY(!engine::isPerSample(engine::ActivationKind::ReLU6));
}

void TestLayers::batchNormStatistics()
{
    auto bn = makeLayer("BatchNorm", R"({"epsilon":1e-12})");
    engine::Rng rng(1);
    bn->build({Shape {2}}, rng);
    auto params = bn->params();
    QCOMPARE(params.size(), std::size_t(4));
    *params[0].value << 2, 1; // gamma
    *params[1].value << 0, 1; // beta
    *params[2].value << 1, 2; // running mean
    *params[3].value << 4, 0.25; // running variance
    Matrix x(2, 1), out;
    x << 3, 2.5;
    bn->forward({&x}, out, engine::Mode::Inference);
    // 2 (3 - 1) / 2 + 0 and 1 (2.5 - 2) / 0.5 + 1
    QVERIFY(std::abs(out(0, 0) - 2.0) < 1e-9);
    QVERIFY(std::abs(out(1, 0) - 2.0) < 1e-9);
    QCOMPARE((*params[2].value)(0, 0), 1.0); // inference leaves the statistics alone

    Matrix batch(2, 2);
    batch << 1, 3, 2, 2; // feature 0: mean 2, variance 1 (unbiased 2); feature 1 constant
    bn->forward({&batch}, out, engine::Mode::Train);
    QVERIFY(std::abs(out(0, 0) + 2.0) < 1e-9); // 2 * (1 - 2) / 1
    QVERIFY(std::abs(out(0, 1) - 2.0) < 1e-9);
    QVERIFY(std::abs(out(1, 0) - 1.0) < 1e-9); // zero deviation: beta
    // PyTorch: running = 0.9 running + 0.1 batch, with the unbiased batch variance.
    QVERIFY(std::abs((*params[2].value)(0, 0) - 1.1) < 1e-12);
    QVERIFY(std::abs((*params[3].value)(0, 0) - 3.8) < 1e-12);
    QVERIFY(std::abs((*params[3].value)(1, 0) - 0.225) < 1e-12);

    // Per channel for images: two pixels of one channel share the statistics.
    auto bnImage = makeLayer("BatchNorm", "{}");
    bnImage->build({Shape {1, 2, 1}}, rng);
    QCOMPARE(bnImage->params()[0].value->rows(), 1);
    Matrix img(2, 1);
    img << -1, 1;
    bnImage->forward({&img}, out, engine::Mode::Train);
    QVERIFY(std::abs(out(0, 0) + 1.0) < 1e-4 && std::abs(out(1, 0) - 1.0) < 1e-4);

    auto ln = makeLayer("LayerNorm", R"({"epsilon":1e-12})");
    ln->build({Shape {4}}, rng);
    Matrix v(4, 1);
    v << 1, 2, 3, 4; // mean 2.5, variance 1.25
    ln->forward({&v}, out, engine::Mode::Inference);
    QVERIFY(std::abs(out(0, 0) + 1.5 / std::sqrt(1.25)) < 1e-9);
    QVERIFY(std::abs(out(3, 0) - 1.5 / std::sqrt(1.25)) < 1e-9);
}

void TestLayers::runningStatisticsAreSavedNotTrained()
{
    engine::Graph g;
    const auto in = g.addNode(makeLayer("Input", R"({"shape":[3]})"));
    const auto bn = g.addNode(makeLayer("BatchNorm", "{}"));
    const auto fc = g.addNode(makeLayer("Dense", R"({"units":2})"));
    const auto loss = g.addNode(makeLayer("Loss", R"({"loss":"softmax_crossentropy"})"));
    g.connect({in, 0, bn, 0});
    g.connect({bn, 0, fc, 0});
    g.connect({fc, 0, loss, 0});
    g.compile({Shape {3}, 2, 1}, 1);
    std::vector<std::string> trained;
    for (const auto& p : g.params())
        trained.push_back(p.name);
    QCOMPARE(trained, (std::vector<std::string> {"gamma", "beta", "W", "b"}));
    const auto w = g.weights();
    QCOMPARE(w.at(bn).size(), std::size_t(4));
    QVERIFY(w.at(bn).count("running_mean") && w.at(bn).count("running_var"));
    QCOMPARE(g.compiled().paramCounts.at(bn), 12L);

    auto changed = w;
    changed[bn]["running_var"].setConstant(7);
    g.setWeights(changed, true);
    QCOMPARE(g.weights().at(bn).at("running_var")(2, 0), 7.0);
}

void TestLayers::imageShapeErrors()
{
    auto conv = makeLayer("Conv2D", R"({"filters":8,"kernel":5})");
    try {
        conv->outputShape({Shape {784}});
        QFAIL("a vector input accepted by Conv2D");
    } catch (const engine::ShapeError& e) {
        QCOMPARE(QString(e.what()),
            QString("Conv2D needs an image input HxWxC, got 784: add a Reshape or use Input "
                    "shape 28x28x1"));
    }
    try {
        conv->outputShape({Shape {3, 3, 8}});
        QFAIL("a kernel larger than the image accepted");
    } catch (const engine::ShapeError& e) {
        QVERIFY2(
            QString(e.what()).contains("5x5") && QString(e.what()).contains("3x3x8"), e.what());
    }
    conv->setAttributes(json {{"padding", "same"}, {"stride", 2}});
    QCOMPARE(conv->outputShape({Shape {28, 28, 1}}), (Shape {14, 14, 8}));
    conv->setAttributes(json {{"padding", "valid"}, {"stride", 1}, {"kernel", 3}});
    QCOMPARE(conv->outputShape({Shape {28, 28, 1}}), (Shape {26, 26, 8}));
    QCOMPARE(conv->paramCountFor({Shape {28, 28, 1}}), 80L);

    auto pool = makeLayer("MaxPool2D", R"({"pool":2})");
    QCOMPARE(pool->outputShape({Shape {7, 7, 4}}), (Shape {3, 3, 4}));
    QVERIFY_THROWS_EXCEPTION(engine::ShapeError, pool->outputShape({Shape {10}}));
    QVERIFY_THROWS_EXCEPTION(engine::ShapeError, pool->outputShape({Shape {1, 5, 2}}));

    auto reshape = makeLayer("Reshape", R"({"shape":[28,28,1]})");
    QCOMPARE(reshape->outputShape({Shape {784}}), (Shape {28, 28, 1}));
    try {
        reshape->outputShape({Shape {100}});
        QFAIL("a reshape changing the size accepted");
    } catch (const engine::ShapeError& e) {
        QVERIFY2(QString(e.what()).contains("784") && QString(e.what()).contains("100"), e.what());
    }
    auto flatten = makeLayer("Flatten", "{}");
    QCOMPARE(flatten->outputShape({Shape {4, 4, 3}}), (Shape {48}));
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
    QTest::newRow("relu6(-1)") << "relu6" << -1.0 << 0.0;
    QTest::newRow("relu6(3.5)") << "relu6" << 3.5 << 3.5;
    QTest::newRow("relu6(7)") << "relu6" << 7.0 << 6.0;
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
