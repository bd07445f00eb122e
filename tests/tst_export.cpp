// Exported models checked by real consumers: ONNX Runtime (onnxruntime-node, run through node
// and tools/onnx-check/run.js) and PyTorch (/usr/bin/python3 with python3-torch) must give
// NetCanvas's own predictions within 1e-5 on a batch of inputs. Also the CLI's export and
// predict MODEL.onnx, reading back the ONNX file, and the error for a layer with no mapping.

#include "core/Rng.h"
#include "data/DatasetLoading.h"
#include "export/OnnxExport.h"
#include "export/Predictor.h"
#include "export/PyTorchExport.h"
#include "graph/Loss.h"
#include "project/Project.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <random>

using engine::Matrix;

namespace {

constexpr double kTolerance = 1e-5;
const QString kPython = QStringLiteral("/usr/bin/python3");

struct RunResult {
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QString err;
};

RunResult run(const QString& program, const QStringList& args, int timeoutMs = 120000)
{
    QProcess p;
    p.start(program, args);
    RunResult r;
    if (!p.waitForStarted(10000) || !p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = QStringLiteral("did not finish: ") + program + ' ' + args.join(' ');
        return r;
    }
    r.finished = p.exitStatus() == QProcess::NormalExit;
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

RunResult runCli(const QStringList& args)
{
    return run(QStringLiteral(NETCANVAS_TRAIN_EXE), args);
}

nlohmann::json node(int id, const char* type, const char* name, nlohmann::json attrs = {})
{
    return {{"id", id}, {"type", type}, {"name", name}, {"position", {id * 100, 100}},
        {"attributes", attrs.is_null() ? nlohmann::json::object() : attrs}};
}

nlohmann::json dense(int id, const char* name, int units, const char* activation,
    nlohmann::json extra = nlohmann::json::object())
{
    nlohmann::json a {{"units", units}, {"activation", activation}};
    a.update(extra);
    return node(id, "Dense", name, a);
}

nlohmann::json activation(int id, const char* name, const char* function, double alpha = 0.01)
{
    return node(id, "Activation", name, {{"function", function}, {"alpha", alpha}});
}

nlohmann::json project(const char* name, nlohmann::json nodes,
    std::vector<std::pair<int, int>> edges, nlohmann::json dataset)
{
    nlohmann::json e = nlohmann::json::array();
    std::map<int, int> ports;
    for (auto [from, to] : edges)
        e.push_back({{"from", from}, {"fromPort", 0}, {"to", to}, {"toPort", ports[to]++}});
    return {{"format", "netcanvas"}, {"version", 1}, {"name", name}, {"nodes", nodes}, {"edges", e},
        {"dataset", dataset},
        {"training",
            {{"epochs", 30}, {"batchSize", 16}, {"validationSplit", 0.2}, {"seed", 3},
                {"optimizer", {{"type", "adam"}, {"learningRate", 0.01}}}}}};
}

/// Residual (Add) and Concatenate, GELU/ReLU/Tanh/ELU/Leaky ReLU/Sigmoid, dropout, a Dense
/// without bias and a softmax head (softmax cross-entropy over 2 classes).
nlohmann::json residualProject()
{
    return project("residual spiral",
        {node(1, "Input", "input"), dense(2, "stem", 12, "gelu"), dense(3, "branch", 12, "relu"),
            activation(4, "squash", "tanh"), node(5, "Add", "residual"),
            node(6, "Dropout", "drop", {{"rate", 0.1}}),
            dense(7, "side", 6, "elu", {{"alpha", 0.8}}),
            activation(8, "leaky", "leaky_relu", 0.05), node(9, "Concatenate", "join"),
            dense(10, "mix", 8, "sigmoid", {{"use_bias", false}}), activation(11, "smooth", "gelu"),
            dense(12, "logits", 2, "identity"),
            node(13, "Loss", "loss", {{"loss", "softmax_crossentropy"}})},
        {{1, 2}, {2, 3}, {3, 4}, {2, 5}, {4, 5}, {5, 6}, {1, 7}, {7, 8}, {6, 9}, {8, 9}, {9, 10},
            {10, 11}, {11, 12}, {12, 13}},
        {{"source", "generator"}, {"generator", "spiral"}, {"samples", 200}, {"seed", 2}});
}

/// A Softmax activation inside the network, ELU and an identity output (MSE regression), and
/// an Add of three inputs.
nlohmann::json regressionProject()
{
    return project("regression",
        {node(1, "Input", "input"), dense(2, "a", 8, "leaky_relu", {{"alpha", 0.2}}),
            activation(3, "attention", "softmax"), dense(4, "b", 8, "elu"),
            dense(5, "c", 8, "identity"), node(6, "Add", "sum3"), dense(7, "out", 1, "identity"),
            node(8, "Loss", "loss", {{"loss", "mse"}})},
        {{1, 2}, {2, 3}, {1, 4}, {1, 5}, {3, 6}, {4, 6}, {5, 6}, {6, 7}, {7, 8}},
        {{"source", "generator"}, {"generator", "plane"}, {"samples", 200}, {"seed", 4}});
}

/// Binary cross-entropy: the output is the sigmoid of one logit. Flatten is an identity.
nlohmann::json binaryProject()
{
    return project("binary",
        {node(1, "Input", "input"), dense(2, "hidden", 8, "tanh"), dense(3, "out", 1, "identity"),
            node(4, "Loss", "loss", {{"loss", "binary_crossentropy"}}), node(5, "Flatten", "flat")},
        {{1, 5}, {5, 2}, {2, 3}, {3, 4}},
        {{"source", "generator"}, {"generator", "xor"}, {"samples", 200}, {"seed", 5}});
}

nlohmann::json conv(int id, const char* name, int filters, int kernel, int stride,
    const char* padding, const char* activation)
{
    return node(id, "Conv2D", name,
        {{"filters", filters}, {"kernel", kernel}, {"stride", stride}, {"padding", padding},
            {"activation", activation}});
}

nlohmann::json poolNode(
    int id, const char* type, const char* name, int pool, int stride, const char* padding)
{
    return node(id, type, name, {{"pool", pool}, {"stride", stride}, {"padding", padding}});
}

/// A small CNN on 9x9x2 images: an even kernel with "same" padding (asymmetric: 1 before, 2
/// after), image BatchNorm, max pooling with "same" padding, a residual Add of two
/// convolutions kept in NCHW, a valid convolution with stride 2, average pooling whose
/// windows hang over the edge, Flatten, a vector BatchNorm and a softmax head over 3 classes.
nlohmann::json cnnProject()
{
    return project("small cnn",
        {node(1, "Input", "image", {{"shape", {9, 9, 2}}}),
            conv(2, "conv same", 4, 4, 1, "same", "relu"),
            node(3, "BatchNorm", "bn image", {{"epsilon", 1e-3}}),
            poolNode(4, "MaxPool2D", "max pool", 2, 0, "same"),
            conv(5, "conv a", 5, 3, 1, "same", "identity"),
            conv(6, "conv b", 5, 1, 1, "valid", "tanh"), node(7, "Add", "residual"),
            conv(8, "conv valid", 6, 2, 1, "valid", "elu"),
            poolNode(9, "AveragePool2D", "avg pool", 3, 2, "same"), node(10, "Flatten", "flatten"),
            dense(11, "hidden", 10, "relu"), node(12, "BatchNorm", "bn vector"),
            dense(13, "logits", 3, "identity"),
            node(14, "Loss", "loss", {{"loss", "softmax_crossentropy"}})},
        {{1, 2}, {2, 3}, {3, 4}, {4, 5}, {4, 6}, {5, 7}, {6, 7}, {7, 8}, {8, 9}, {9, 10}, {10, 11},
            {11, 12}, {12, 13}, {13, 14}},
        nlohmann::json::object());
}

/// The geometry ONNX models bring: explicit asymmetric pads, dilation, groups, a depthwise
/// convolution, non-square kernels and strides, pools with explicit pads, ceil mode and
/// count_include_pad (partial last windows), ReLU6 and both global pools, ending in log-softmax
/// (MSE over 2 outputs).
nlohmann::json onnxGeometryProject()
{
    return project("onnx geometry",
        {node(1, "Input", "image", {{"shape", {11, 10, 4}}}),
            node(2, "Conv2D", "asymmetric dilated",
                {{"filters", 6}, {"kernel", {3, 2}}, {"stride", {1, 2}}, {"dilation", {2, 1}},
                    {"padding", {0, 1, 1, 2}}, {"activation", "relu6"}}),
            node(3, "Conv2D", "grouped",
                {{"filters", 4}, {"kernel", 3}, {"groups", 2}, {"padding", {1, 1, 1, 1}},
                    {"activation", "elu"}}),
            node(4, "Conv2D", "depthwise",
                {{"filters", 8}, {"kernel", 3}, {"groups", 4}, {"stride", 2}, {"padding", "same"},
                    {"use_bias", false}}),
            node(5, "MaxPool2D", "max ceil",
                {{"pool", 3}, {"stride", 2}, {"padding", {0, 0, 0, 1}}, {"ceilMode", true}}),
            node(6, "AveragePool2D", "avg include pad",
                {{"pool", {2, 3}}, {"stride", 2}, {"padding", {1, 1, 0, 1}},
                    {"countIncludePad", true}, {"ceilMode", true}}),
            node(7, "AveragePool2D", "avg exclude pad",
                {{"pool", 2}, {"stride", {1, 2}}, {"padding", {0, 0, 1, 0}}, {"ceilMode", true}}),
            node(8, "GlobalAveragePool2D", "gap"), node(9, "GlobalMaxPool2D", "gmp"),
            node(10, "Concatenate", "join"), activation(11, "clip", "relu6"),
            dense(12, "out", 2, "log_softmax"), node(13, "Loss", "loss", {{"loss", "mse"}})},
        {{1, 2}, {2, 3}, {3, 5}, {1, 4}, {4, 6}, {6, 7}, {7, 8}, {5, 9}, {8, 10}, {9, 10}, {10, 11},
            {11, 12}, {12, 13}},
        nlohmann::json::object());
}

/// An MLP with LayerNorm after each hidden layer (regression, 2 outputs).
nlohmann::json layerNormProject()
{
    return project("layernorm mlp",
        {node(1, "Input", "input", {{"shape", {6}}}), dense(2, "h1", 16, "gelu"),
            node(3, "LayerNorm", "ln1"), dense(4, "h2", 12, "relu"),
            node(5, "LayerNorm", "ln2", {{"epsilon", 1e-3}}), dense(6, "out", 2, "identity"),
            node(7, "Loss", "loss", {{"loss", "mse"}})},
        {{1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}, {6, 7}}, nlohmann::json::object());
}

/// Features x batch of uniform values in [low, high] (by default [-6, 6], the generators'
/// range), and the same as CSV.
Matrix sampleInputs(long features, long count, QByteArray& csv, float low = -6, float high = 6)
{
    std::mt19937 gen(42);
    std::uniform_real_distribution<float> u(low, high);
    Matrix x(features, count);
    csv.clear();
    for (long c = 0; c < count; ++c) {
        for (long r = 0; r < features; ++r) {
            x(r, c) = u(gen);
            // 9 significant digits: reads back as the same float in every consumer.
            csv += QByteArray::number(double(x(r, c)), 'g', 9);
            csv += r + 1 < features ? ',' : '\n';
        }
    }
    return x;
}

bool writeFile(const QString& file, const QByteArray& data)
{
    QFile f(file);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

/// Max |a - b| over a K x N matrix and N x K rows.
double maxDiff(const Matrix& expected, const std::vector<std::vector<double>>& rows)
{
    if (long(rows.size()) != expected.cols())
        return INFINITY;
    double worst = 0;
    for (long c = 0; c < expected.cols(); ++c) {
        if (long(rows[std::size_t(c)].size()) != expected.rows())
            return INFINITY;
        for (long r = 0; r < expected.rows(); ++r)
            worst = std::max(
                worst, std::abs(double(expected(r, c)) - rows[std::size_t(c)][std::size_t(r)]));
    }
    return worst;
}

/// Rows of a numeric CSV with a header line.
std::vector<std::vector<double>> parseCsvRows(const QByteArray& text)
{
    std::vector<std::vector<double>> rows;
    const QList<QByteArray> lines = text.trimmed().split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        std::vector<double> row;
        for (const QByteArray& field : lines[i].trimmed().split(','))
            row.push_back(field.toDouble());
        rows.push_back(row);
    }
    return rows;
}

/// A layer with no ONNX or PyTorch mapping.
class Mystery final : public engine::Layer {
public:
    std::string type() const override { return "Mystery"; }
    engine::Shape outputShape(const std::vector<engine::Shape>& inputs) const override
    {
        return inputs.at(0);
    }
    void forward(const std::vector<const Matrix*>& inputs, Matrix& out, engine::Mode) override
    {
        out = inputs[0]->array().abs().matrix();
    }
    void backward(const std::vector<const Matrix*>&, const Matrix&, const Matrix&,
        const std::vector<Matrix*>&) override
    { }
};

} // namespace

class TestExport : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void consumersAgree_data();
    void consumersAgree();
    void imageAndNormLayersAgree_data();
    void imageAndNormLayersAgree();
    void cliExportAndPredictOnnx();
    void scaledInputsExportWithTheirScaling_data();
    void scaledInputsExportWithTheirScaling();
    void unsupportedLayerIsNamed();
    void rejectsForeignFiles();

private:
    QString path(const QString& name) const { return m_dir.filePath(name); }
    /// Trains `project` with the CLI; returns the trained file or "" (with a failure recorded).
    QString train(const nlohmann::json& project, const QString& stem);
    /// NetCanvas's own predictions (after the loss's output transform), K x N.
    static Matrix ownPredictions(
        const engine::Project& p, const engine::GraphContext& context, const Matrix& x);
    /// Exports `p` to ONNX and PyTorch, reads the ONNX file back and runs both consumers on
    /// `x` (also given as `inputCsv`): every prediction within the tolerances of NetCanvas's.
    void checkConsumers(const engine::Project& p, const engine::GraphContext& context,
        const Matrix& x, const QString& inputCsv, const QString& stem, double torchTolerance);

    QTemporaryDir m_dir;
    QString m_onnxCheckDir;
    QString m_skipOnnxRuntime; ///< why ONNX Runtime cannot run here, or empty
    bool m_torch = false;
};

void TestExport::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(engine::onnxAvailable(), "the engine was built without ONNX (NETCANVAS_WITH_ONNX)");
    m_onnxCheckDir = QStringLiteral(NETCANVAS_ONNX_CHECK_DIR);
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty())
        m_skipOnnxRuntime = QStringLiteral("node is not installed (apt-get install nodejs npm)");
    else if (!QFileInfo::exists(m_onnxCheckDir + "/node_modules/onnxruntime-node/package.json"))
        m_skipOnnxRuntime
            = QStringLiteral("onnxruntime-node is not installed: run 'npm ci --ignore-scripts' in ")
            + m_onnxCheckDir;
    m_torch = QFileInfo::exists(kPython) && run(kPython, {"-c", "import torch"}).exitCode == 0;
    if (!m_torch)
        qInfo("python3-torch is not installed: the PyTorch scripts are only compiled, not run");
}

QString TestExport::train(const nlohmann::json& project, const QString& stem)
{
    const QString file = path(stem + ".json");
    const QString trained = path(stem + ".trained.json");
    if (!writeFile(file, QByteArray::fromStdString(project.dump(2))))
        return {};
    const RunResult r = runCli({file, "--quiet", "--threads", "1", "--out", trained});
    if (r.exitCode != 0 || !QFileInfo::exists(trained)) {
        qWarning("training failed: %s", qPrintable(r.err));
        return {};
    }
    return trained;
}

Matrix TestExport::ownPredictions(
    const engine::Project& p, const engine::GraphContext& context, const Matrix& x)
{
    engine::Graph graph = p.buildGraph();
    graph.compile(context, p.training.seed);
    graph.setWeights(p.weights, true);
    const Matrix pred = graph.forward(x, engine::Mode::Inference);
    Matrix shown;
    engine::Loss::create(graph.lossType())->outputTransform(pred, shown);
    return shown;
}

void TestExport::consumersAgree_data()
{
    QTest::addColumn<QByteArray>("projectJson");
    QTest::addColumn<int>("outputs");
    QTest::newRow("residual-concat-softmax")
        << QByteArray::fromStdString(residualProject().dump()) << 2;
    QTest::newRow("softmax-inside-mse")
        << QByteArray::fromStdString(regressionProject().dump()) << 1;
    QTest::newRow("binary-sigmoid") << QByteArray::fromStdString(binaryProject().dump()) << 1;
}

void TestExport::consumersAgree()
{
    QFETCH(QByteArray, projectJson);
    QFETCH(int, outputs);
    const QString stem = QString::fromLatin1(QTest::currentDataTag());
    const QString trained = train(nlohmann::json::parse(projectJson.toStdString()), stem);
    QVERIFY(!trained.isEmpty());

    const engine::Project p = engine::loadProject(trained.toStdString());
    QVERIFY(!p.weights.empty());
    const engine::Dataset data = engine::loadDataset(p.dataset, m_dir.path().toStdString());
    engine::GraphContext context;
    context.inputShape = data.inputShape;
    context.numClasses = data.task == engine::TaskKind::Classification ? data.numClasses : 0;
    context.targetRows = data.targetRows();

    QByteArray csv;
    const Matrix x = sampleInputs(data.inputShape.size(), 64, csv);
    const QString inputCsv = path(stem + ".inputs.csv");
    QVERIFY(writeFile(inputCsv, "x0,x1\n" + csv));
    QCOMPARE(ownPredictions(p, context, x).rows(), outputs);
    checkConsumers(p, context, x, inputCsv, stem, kTolerance);
    if (QTest::currentTestFailed())
        return;
    if (!m_skipOnnxRuntime.isEmpty())
        QSKIP(qPrintable(m_skipOnnxRuntime));
}

namespace {

/// Trains `p` for `steps` plain SGD steps on random data (so BatchNorm's running statistics
/// and every weight move away from their initial values) and stores the weights in it.
void trainInProcess(engine::Project& p, const engine::GraphContext& context, int steps)
{
    engine::Graph g = p.buildGraph();
    g.compile(context, p.training.seed);
    const auto loss = engine::Loss::create(g.lossType());
    std::mt19937 gen(11);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const long batch = 16;
    for (int step = 0; step < steps; ++step) {
        Matrix x(context.inputShape.size(), batch);
        for (Eigen::Index i = 0; i < x.size(); ++i)
            x.data()[i] = normal(gen);
        Matrix target(context.numClasses > 0 ? 1 : context.targetRows, batch);
        for (Eigen::Index i = 0; i < target.size(); ++i)
            target.data()[i] = context.numClasses > 0
                ? engine::Scalar(std::uniform_int_distribution<int>(0, context.numClasses - 1)(gen))
                : normal(gen);
        const Matrix pred = g.forward(x, engine::Mode::Train);
        Matrix grad;
        loss->gradient(pred, target, grad);
        g.backward(grad);
        for (engine::Param& param : g.params())
            *param.value -= engine::Scalar(0.05) * *param.grad;
    }
    p.weights = g.weights();
}

} // namespace

void TestExport::imageAndNormLayersAgree_data()
{
    QTest::addColumn<QByteArray>("projectJson");
    QTest::addColumn<QList<int>>("inputShape");
    QTest::addColumn<int>("numClasses");
    QTest::addColumn<int>("steps");
    QTest::addColumn<float>("inputLow");
    QTest::newRow("small-cnn") << QByteArray::fromStdString(cnnProject().dump())
                               << QList<int> {9, 9, 2} << 3 << 5 << -2.0f;
    QTest::newRow("onnx-geometry") << QByteArray::fromStdString(onnxGeometryProject().dump())
                                   << QList<int> {11, 10, 4} << 0 << 5 << -2.0f;
    QTest::newRow("layernorm-mlp") << QByteArray::fromStdString(layerNormProject().dump())
                                   << QList<int> {6} << 0 << 5 << -3.0f;
    QFile example(QStringLiteral(NETCANVAS_EXAMPLES_DIR "/fashion_cnn.json"));
    QVERIFY2(example.open(QIODevice::ReadOnly), qPrintable(example.fileName()));
    // Initialized, untrained weights; inputs in [0, 1] like the scaled images.
    QTest::newRow("fashion_cnn example")
        << example.readAll() << QList<int> {28, 28, 1} << 10 << 0 << 0.0f;
}

void TestExport::imageAndNormLayersAgree()
{
    QFETCH(QByteArray, projectJson);
    QFETCH(QList<int>, inputShape);
    QFETCH(int, numClasses);
    QFETCH(int, steps);
    QFETCH(float, inputLow);
    const QString stem = QString::fromLatin1(QTest::currentDataTag()).replace(' ', '_');
    engine::Project p = engine::Project::fromJson(nlohmann::json::parse(projectJson.toStdString()));
    engine::GraphContext context;
    context.inputShape = engine::Shape(std::vector<int>(inputShape.begin(), inputShape.end()));
    context.numClasses = numClasses;
    context.targetRows = numClasses > 0 ? 1 : 2;
    trainInProcess(p, context, steps);
    QVERIFY(!p.weights.empty());

    QByteArray csv;
    const Matrix x = sampleInputs(context.inputShape.size(), 24, csv, inputLow, 2.0f);
    const QString inputCsv = path(stem + ".inputs.csv");
    QVERIFY(writeFile(inputCsv, csv));
    checkConsumers(p, context, x, inputCsv, stem, 1e-4);
    if (QTest::currentTestFailed())
        return;
    if (!m_skipOnnxRuntime.isEmpty())
        QSKIP(qPrintable(m_skipOnnxRuntime));
}

void TestExport::checkConsumers(const engine::Project& p, const engine::GraphContext& context,
    const Matrix& x, const QString& inputCsv, const QString& stem, double torchTolerance)
{
    const Matrix expected = ownPredictions(p, context, x);
    const long outputs = expected.rows();
    QVERIFY(expected.allFinite());
    // Trained weights matter: predictions must not be constant across samples.
    QVERIFY((expected.rowwise().maxCoeff() - expected.rowwise().minCoeff()).maxCoeff() > 1e-3);

    // ONNX: written, read back bit-exactly, run by ONNX Runtime.
    const QString onnxFile = path(stem + ".onnx");
    engine::exportOnnx(p, context, onnxFile.toStdString());
    const engine::OnnxNetCanvasModel back = engine::readNetCanvasOnnx(onnxFile.toStdString());
    QCOMPARE(back.inputFeatures, context.inputShape.size());
    QCOMPARE(back.context.inputShape, context.inputShape);
    QCOMPARE(back.project.weights.size(), p.weights.size());
    for (const auto& [id, params] : p.weights)
        for (const auto& [name, value] : params)
            QVERIFY2(back.project.weights.at(id).at(name) == value,
                qPrintable(QString("weights %1.%2").arg(id).arg(QString::fromStdString(name))));
    QCOMPARE(ownPredictions(back.project, back.context, x), expected);

    if (m_skipOnnxRuntime.isEmpty()) {
        const RunResult ort
            = run(QStringLiteral("node"), {m_onnxCheckDir + "/run.js", onnxFile, inputCsv});
        QVERIFY2(ort.finished && ort.exitCode == 0, qPrintable(ort.err));
        const QJsonObject output = QJsonDocument::fromJson(ort.out)
                                       .object()[QStringLiteral("outputs")]
                                       .toObject()[QStringLiteral("output")]
                                       .toObject();
        const QJsonArray dims = output[QStringLiteral("dims")].toArray();
        QCOMPARE(dims.size(), 2);
        QCOMPARE(dims[0].toInt(), int(x.cols()));
        QCOMPARE(dims[1].toInt(), int(outputs));
        const QJsonArray values = output[QStringLiteral("data")].toArray();
        std::vector<std::vector<double>> rows(std::size_t(x.cols()));
        for (qsizetype i = 0; i < values.size(); ++i)
            rows[std::size_t(i / outputs)].push_back(values[i].toDouble());
        const double diff = maxDiff(expected, rows);
        qInfo("%s: ONNX Runtime max abs diff %.3g", qPrintable(stem), diff);
        QVERIFY2(diff <= kTolerance, qPrintable(QString("max abs diff %1").arg(diff)));
    } else {
        qWarning("ONNX Runtime check skipped: %s", qPrintable(m_skipOnnxRuntime));
    }

    // PyTorch: the script compiles; where torch is installed it predicts the same.
    const QString script = path(stem + ".py");
    engine::exportPyTorch(p, context, script.toStdString());
    const RunResult compiled = run(kPython, {"-m", "py_compile", script});
    QVERIFY2(compiled.finished && compiled.exitCode == 0, qPrintable(compiled.err));
    if (m_torch) {
        const RunResult torch = run(kPython, {script, "--input", inputCsv});
        QVERIFY2(torch.finished && torch.exitCode == 0, qPrintable(torch.err));
        const double diff = maxDiff(expected, parseCsvRows(torch.out));
        qInfo("%s: PyTorch max abs diff %.3g", qPrintable(stem), diff);
        QVERIFY2(diff <= torchTolerance, qPrintable(QString("max abs diff %1").arg(diff)));
    }
}

void TestExport::cliExportAndPredictOnnx()
{
    const QString trained = train(residualProject(), QStringLiteral("cli"));
    QVERIFY(!trained.isEmpty());
    const QString onnxFile = path("cli.onnx");
    const QString script = path("cli.py");
    const RunResult e1 = runCli({"export", trained, "--onnx", onnxFile});
    QVERIFY2(e1.exitCode == 0, qPrintable(e1.err));
    QVERIFY(QFileInfo(onnxFile).size() > 0);
    const RunResult e2 = runCli({"export", trained, "--pytorch", script});
    QVERIFY2(e2.exitCode == 0, qPrintable(e2.err));
    QVERIFY(QFileInfo(script).size() > 0);

    QByteArray csv;
    sampleInputs(2, 20, csv);
    const QString input = path("cli.inputs.csv");
    QVERIFY(writeFile(input, csv));
    const RunResult fromJson = runCli({"predict", trained, "--input", input});
    const RunResult fromOnnx = runCli({"predict", onnxFile, "--input", input});
    QVERIFY2(fromJson.exitCode == 0, qPrintable(fromJson.err));
    QVERIFY2(fromOnnx.exitCode == 0, qPrintable(fromOnnx.err));
    QCOMPARE(fromOnnx.out.count('\n'), 21); // header + one row per sample
    QVERIFY(fromOnnx.out.startsWith("p0,p1,label\n"));
    QCOMPARE(fromOnnx.out, fromJson.out); // same weights, same engine: identical text

    // The ONNX file is self-contained: it predicts after the project is gone.
    QVERIFY(QFile::remove(trained));
    const RunResult alone = runCli({"predict", onnxFile, "--input", input});
    QVERIFY2(alone.exitCode == 0, qPrintable(alone.err));
    QCOMPARE(alone.out, fromJson.out);
}

namespace {

/// The numeric prediction columns (p.., y..) of `netcanvas-train predict` output, one row per
/// sample; the label columns are left out.
std::vector<std::vector<double>> predictedValues(const QByteArray& text)
{
    std::vector<std::vector<double>> rows;
    const QList<QByteArray> lines = text.trimmed().split('\n');
    if (lines.isEmpty())
        return rows;
    qsizetype valueColumns = 0;
    for (const QByteArray& name : lines[0].trimmed().split(','))
        valueColumns += name.startsWith('p') || name.startsWith('y') ? 1 : 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> fields = lines[i].trimmed().split(',');
        std::vector<double> row;
        for (qsizetype c = 0; c < valueColumns && c < fields.size(); ++c)
            row.push_back(fields[c].toDouble());
        rows.push_back(row);
    }
    return rows;
}

/// Every shipped example and lesson whose dataset options scale the inputs.
QList<QFileInfo> scaledProjectFiles()
{
    QList<QFileInfo> files;
    for (const QString& dir :
        {QStringLiteral(NETCANVAS_EXAMPLES_DIR), QStringLiteral(NETCANVAS_LESSONS_DIR)}) {
        for (const QFileInfo& info : QDir(dir).entryInfoList({"*.json"}, QDir::Files)) {
            QFile f(info.filePath());
            if (!f.open(QIODevice::ReadOnly))
                continue;
            const nlohmann::json j
                = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
            if (j.is_object() && j.contains("dataset")
                && engine::scalingMethod(engine::Project::fromJson(j).dataset) != "none")
                files.push_back(info);
        }
    }
    return files;
}

} // namespace

void TestExport::scaledInputsExportWithTheirScaling_data()
{
    QTest::addColumn<QString>("projectFile");
    const QList<QFileInfo> files = scaledProjectFiles();
    // iris (the CSV import's default, standardize) must be among them, or the scan is broken.
    QVERIFY(std::any_of(files.begin(), files.end(),
        [](const QFileInfo& f) { return f.fileName() == QLatin1String("iris.json"); }));
    for (const QFileInfo& f : files)
        QTest::newRow(qPrintable(f.fileName())) << f.filePath();
}

/// A model trained on scaled inputs, exported to ONNX and PyTorch, predicts from raw rows what
/// `netcanvas-train predict` predicts from them: each file carries the scaling as its first
/// step (Sub and Mul with the stored statistics; buffers in the PyTorch module).
void TestExport::scaledInputsExportWithTheirScaling()
{
    QFETCH(QString, projectFile);
    const QString stem = "scaled_" + QFileInfo(projectFile).completeBaseName();
    QFile f(projectFile);
    QVERIFY(f.open(QIODevice::ReadOnly));
    nlohmann::json j = nlohmann::json::parse(f.readAll().toStdString());
    // The copy lives in the temporary folder with its data beside it (a project reads only its
    // own folder).
    const QDir sourceDir = QFileInfo(projectFile).absoluteDir();
    if (const std::string dataPath = j["dataset"].value("path", std::string()); !dataPath.empty()) {
        const QString data = sourceDir.absoluteFilePath(QString::fromStdString(dataPath));
        const QString copy = path(stem + "_" + QFileInfo(data).fileName());
        QVERIFY(QFile::exists(copy) || QFile::copy(data, copy));
        j["dataset"]["path"] = QFileInfo(copy).fileName().toStdString();
    }
    j["training"]["epochs"] = 3;
    const QString trained = train(j, stem);
    QVERIFY(!trained.isEmpty());

    // Raw rows: the same data loaded without scaling.
    engine::DatasetSpec rawSpec = engine::Project::fromJson(j).dataset;
    rawSpec.options["scaling"] = "none";
    rawSpec.options.erase("scalingStats");
    const engine::Dataset raw = engine::loadDataset(rawSpec, QFileInfo(trained).absolutePath().toStdString());
    const long count = std::min<long>(raw.size(), 150);
    QByteArray csv;
    for (long c = 0; c < count; ++c)
        for (long r = 0; r < raw.x.rows(); ++r) {
            csv += QByteArray::number(double(raw.x(r, c)), 'g', 9);
            csv += r + 1 < raw.x.rows() ? ',' : '\n';
        }
    const QString inputCsv = path(stem + ".raw.csv");
    QVERIFY(writeFile(inputCsv, csv));

    const RunResult predicted = runCli({"predict", trained, "--input", inputCsv});
    QVERIFY2(predicted.exitCode == 0, qPrintable(predicted.err));
    const std::vector<std::vector<double>> expectedRows = predictedValues(predicted.out);
    QCOMPARE(long(expectedRows.size()), count);
    const long outputs = long(expectedRows.front().size());
    Matrix expected(outputs, count);
    for (long c = 0; c < count; ++c)
        for (long r = 0; r < outputs; ++r)
            expected(r, c) = engine::Scalar(expectedRows[std::size_t(c)][std::size_t(r)]);

    const QString onnxFile = path(stem + ".onnx");
    const QString script = path(stem + ".py");
    const RunResult toOnnx = runCli({"export", trained, "--onnx", onnxFile});
    QVERIFY2(toOnnx.exitCode == 0, qPrintable(toOnnx.err));
    const RunResult toTorch = runCli({"export", trained, "--pytorch", script});
    QVERIFY2(toTorch.exitCode == 0, qPrintable(toTorch.err));

    // predict on the .onnx scales once, as predict on the project does.
    const RunResult fromOnnx = runCli({"predict", onnxFile, "--input", inputCsv});
    QVERIFY2(fromOnnx.exitCode == 0, qPrintable(fromOnnx.err));
    QCOMPARE(fromOnnx.out, predicted.out);

    // The graph starts with the scaling: Sub then Mul, constants equal to the stored ones.
    const engine::FeatureScaling stored
        = engine::storedScaling(engine::loadProject(trained.toStdString()).dataset);
    QCOMPARE(long(stored.shift.size()), raw.x.rows());
    const RunResult ops = run(kPython,
        {"-c",
            "import json, sys, onnx\n"
            "from onnx import numpy_helper\n"
            "m = onnx.load(sys.argv[1])\n"
            "inits = {t.name: numpy_helper.to_array(t).tolist() for t in m.graph.initializer}\n"
            "a, b = m.graph.node[:2]\n"
            "second = lambda n: inits.get(n.input[1]) if len(n.input) > 1 else None\n"
            "print(json.dumps({'ops': [a.op_type, b.op_type], 'first_input': a.input[0],"
            " 'chained': b.input[0] == a.output[0], 'shift': second(a), 'scale': second(b)}))\n",
            onnxFile});
    if (run(kPython, {"-c", "import onnx"}).exitCode == 0) {
        QVERIFY2(ops.exitCode == 0, qPrintable(ops.err));
        const QJsonObject o = QJsonDocument::fromJson(ops.out).object();
        QCOMPARE(o["ops"].toArray(), QJsonArray({"Sub", "Mul"}));
        QCOMPARE(o["first_input"].toString(), QStringLiteral("input"));
        QVERIFY(o["chained"].toBool());
        const QJsonArray shift = o["shift"].toArray();
        const QJsonArray scale = o["scale"].toArray();
        QCOMPARE(shift.size(), qsizetype(stored.shift.size()));
        QCOMPARE(scale.size(), qsizetype(stored.scale.size()));
        for (qsizetype i = 0; i < shift.size(); ++i) {
            QCOMPARE(float(shift[i].toDouble()), float(stored.shift[std::size_t(i)]));
            QCOMPARE(float(scale[i].toDouble()), float(stored.scale[std::size_t(i)]));
        }
    } else {
        qWarning("python3-onnx is not installed: the graph's first nodes were not inspected");
    }

    if (m_skipOnnxRuntime.isEmpty()) {
        const RunResult ort
            = run(QStringLiteral("node"), {m_onnxCheckDir + "/run.js", onnxFile, inputCsv});
        QVERIFY2(ort.finished && ort.exitCode == 0, qPrintable(ort.err));
        const QJsonArray values = QJsonDocument::fromJson(ort.out)
                                      .object()[QStringLiteral("outputs")]
                                      .toObject()[QStringLiteral("output")]
                                      .toObject()[QStringLiteral("data")]
                                      .toArray();
        std::vector<std::vector<double>> rows(static_cast<std::size_t>(count));
        for (qsizetype i = 0; i < values.size() && i / outputs < count; ++i)
            rows[std::size_t(i / outputs)].push_back(values[i].toDouble());
        const double diff = maxDiff(expected, rows);
        qInfo("%s: ONNX Runtime on raw rows, max abs diff %.3g", qPrintable(stem), diff);
        QVERIFY2(diff <= kTolerance, qPrintable(QString("ONNX max abs diff %1").arg(diff)));
    } else {
        qWarning("ONNX Runtime check skipped: %s", qPrintable(m_skipOnnxRuntime));
    }

    if (!m_torch)
        QSKIP("python3-torch is not installed: the exported PyTorch script was not run");
    const RunResult torch = run(kPython, {script, "--input", inputCsv});
    QVERIFY2(torch.finished && torch.exitCode == 0, qPrintable(torch.err));
    const double diff = maxDiff(expected, parseCsvRows(torch.out));
    qInfo("%s: PyTorch on raw rows, max abs diff %.3g", qPrintable(stem), diff);
    QVERIFY2(diff <= kTolerance, qPrintable(QString("PyTorch max abs diff %1").arg(diff)));
    // The scaling is part of the module's state, where PyTorch users look for it.
    const RunResult buffers = run(kPython,
        {"-c",
            "import importlib.util, sys\n"
            "spec = importlib.util.spec_from_file_location('exported', sys.argv[1])\n"
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
            "names = dict(m.build_model().named_buffers())\n"
            "print(sorted(k for k in names if k.startswith('input_')))\n",
            script});
    QVERIFY2(buffers.exitCode == 0, qPrintable(buffers.err));
    QCOMPARE(buffers.out.trimmed(), QByteArray("['input_scale', 'input_shift']"));
}

void TestExport::unsupportedLayerIsNamed()
{
    engine::Project p = engine::Project::fromJson(binaryProject());
    engine::Graph g = p.buildGraph();
    // Splice a layer with no mapping between the hidden layer and the output.
    g.disconnect({2, 0, 3, 0});
    const engine::NodeId mystery = g.addNode(std::make_unique<Mystery>(), 20, "odd one");
    g.connect({2, 0, mystery, 0});
    g.connect({mystery, 0, 3, 0});
    engine::TrainedModel model;
    model.context.inputShape = engine::Shape {2};
    model.context.numClasses = 2;
    g.compile(model.context, 1);
    model.graph = std::move(g);
    model.project = p;

    for (int kind = 0; kind < 2; ++kind) {
        try {
            if (kind == 0)
                engine::onnxModelBytes(model);
            else
                engine::pytorchScript(model);
            QFAIL("exporting a Mystery layer must fail");
        } catch (const engine::InputError& e) {
            QCOMPARE(QString::fromStdString(e.where()), QStringLiteral("nodes 'odd one'"));
            QVERIFY2(QString::fromStdString(e.message()).contains("Mystery"), e.what());
            QVERIFY2(QString::fromStdString(e.message()).contains(kind == 0 ? "ONNX" : "PyTorch"),
                e.what());
        }
    }
}

void TestExport::rejectsForeignFiles()
{
    const QString garbage = path("garbage.onnx");
    QVERIFY(writeFile(garbage, "this is not a protobuf \xff\xff\xff\xff"));
    try {
        engine::readNetCanvasOnnx(garbage.toStdString());
        QFAIL("a garbage file must not load");
    } catch (const engine::InputError& e) {
        QCOMPARE(QString::fromStdString(e.where()), garbage);
    }
    QByteArray csv;
    sampleInputs(2, 3, csv);
    QVERIFY(writeFile(path("few.csv"), csv));
    const RunResult r = runCli({"predict", garbage, "--input", path("few.csv")});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY2(r.err.contains("garbage.onnx"), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
