// ONNX import (engine/import/OnnxImport.h): models of the ONNX project's own test data
// (Debian package libonnx-testdata), models written here with the ONNX protobuf API and run by
// ONNX Runtime (tools/onnx-check/run.js), models exported by torch.onnx.export
// (tests/data/torch_onnx_models.py, where python3-torch is installed), and every example exported
// by NetCanvas and imported back. An imported model must predict what the original predicts.

#include "OnnxGraphWriter.h"
#include "core/Errors.h"
#include "export/OnnxExport.h"
#include "export/Predictor.h"
#include "import/OnnxGraphView.h"
#include "import/OnnxImport.h"
#include "project/Project.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <onnx/onnx-ml.pb.h>

#include <fstream>
#include <map>
#include <random>

using engine::Matrix;
using engine::Scalar;
using onnxtest::GraphWriter;

namespace {

const QString kTestData = QStringLiteral("/usr/share/libonnx-testdata/data");

struct RunResult {
    bool finished = false;
    int exitCode = -1;
    QByteArray out, err;
};

RunResult run(const QString& program, const QStringList& args, int timeoutMs = 300000)
{
    QProcess p;
    p.start(program, args);
    RunResult r;
    if (!p.waitForStarted(10000))
        return r;
    r.finished = p.waitForFinished(timeoutMs);
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

/// What the imported project predicts for x (features x samples), after the loss's output
/// transform: the numbers `netcanvas-train predict` prints.
Matrix predictions(const engine::Project& project, const Matrix& x)
{
    engine::TrainedModel model = engine::prepareModel(project, engine::projectContext(project, {}));
    return engine::predict(model, x).values;
}

/// Largest |a - b| relative to the larger of 1 and the largest |b|.
double relativeDiff(const Matrix& a, const Matrix& b)
{
    const double scale = std::max<double>(1.0, b.cwiseAbs().maxCoeff());
    return double((a - b).cwiseAbs().maxCoeff()) / scale;
}

/// An ONNX TensorProto file (test_data_set_0/input_0.pb) as samples: one column per item of
/// the batch axis; NCHW images as the engine's H x W x C columns.
Matrix samplesOf(const QString& file)
{
    std::ifstream in(file.toStdString(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    onnx::TensorProto t;
    if (!t.ParseFromString(bytes))
        return {};
    const engine::onnximport::ConstTensor c = engine::onnximport::tensorValues(t);
    const long n = c.dims.at(0);
    const long features = long(c.values.size()) / n;
    Matrix x(features, n);
    for (long s = 0; s < n; ++s) {
        for (long f = 0; f < features; ++f) {
            long src = f;
            if (c.dims.size() == 4) { // engine row (h * W + w) * C + ch <- NCHW
                const long ch = c.dims[1], h = c.dims[2], w = c.dims[3];
                const long chan = f % ch, pixel = f / ch;
                src = (chan * h + pixel / w) * w + pixel % w;
            }
            x(f, s) = Scalar(c.values[std::size_t(s * features + src)]);
        }
    }
    return x;
}

Matrix readCsv(const QString& file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    std::vector<std::vector<double>> rows;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        rows.emplace_back();
        for (const QByteArray& cell : line.split(','))
            rows.back().push_back(cell.toDouble());
    }
    Matrix m(long(rows.at(0).size()), long(rows.size()));
    for (std::size_t s = 0; s < rows.size(); ++s)
        for (std::size_t k = 0; k < rows[s].size(); ++k)
            m(long(k), long(s)) = Scalar(rows[s][k]);
    return m;
}

void writeCsv(const QString& file, const Matrix& x)
{
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    for (long s = 0; s < x.cols(); ++s) {
        QStringList cells;
        for (long k = 0; k < x.rows(); ++k)
            cells << QString::number(double(x(k, s)), 'g', 9);
        f.write(cells.join(',').toUtf8() + '\n');
    }
}

} // namespace

class TestOnnxImport : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void backendTestData_data();
    void backendTestData();
    void protobufModels_data();
    void protobufModels();
    void torchModels_data();
    void torchModels();
    void examplesRoundTrip_data();
    void examplesRoundTrip();
    void kerasNhwcInput();
    void timeDistributedRoundTrip();
    void unusableNodesAreRefused_data();
    void unusableNodesAreRefused();
    void refusalNamesEveryNodeAndWritesNothing();

private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }
};

void TestOnnxImport::initTestCase()
{
    QVERIFY(m_dir.isValid());
    if (!engine::onnxAvailable())
        QSKIP("built without ONNX support");
}

// The expected outcome of every model of libonnx-testdata's pytorch-converted and
// pytorch-operator sets: "" imports and reproduces output_0, otherwise the text the refusal
// must contain (the operator, or the engine feature the import waits for).
void TestOnnxImport::backendTestData_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("refusal");
    const std::map<QString, QString> expected {
        {"pytorch-converted/test_AvgPool1d", "AveragePool"},
        {"pytorch-converted/test_AvgPool1d_stride", "AveragePool"},
        {"pytorch-converted/test_AvgPool2d", ""},
        {"pytorch-converted/test_AvgPool2d_stride", ""},
        {"pytorch-converted/test_AvgPool3d", "5-D input"},
        {"pytorch-converted/test_AvgPool3d_stride", "5-D input"},
        {"pytorch-converted/test_AvgPool3d_stride1_pad0_gpu_input", "5-D input"},
        {"pytorch-converted/test_BatchNorm1d_3d_input_eval", "BatchNormalization"},
        {"pytorch-converted/test_BatchNorm2d_eval", ""},
        {"pytorch-converted/test_BatchNorm2d_momentum_eval", ""},
        {"pytorch-converted/test_BatchNorm3d_eval", "5-D input"},
        {"pytorch-converted/test_BatchNorm3d_momentum_eval", "5-D input"},
        {"pytorch-converted/test_ConstantPad2d", "Pad"},
        {"pytorch-converted/test_Conv1d", "Conv"},
        {"pytorch-converted/test_Conv1d_dilated", "Conv"},
        {"pytorch-converted/test_Conv1d_groups", "Conv"},
        {"pytorch-converted/test_Conv1d_pad1", "Conv"},
        {"pytorch-converted/test_Conv1d_pad1size1", "Conv"},
        {"pytorch-converted/test_Conv1d_pad2", "Conv"},
        {"pytorch-converted/test_Conv1d_pad2size1", "Conv"},
        {"pytorch-converted/test_Conv1d_stride", "Conv"},
        {"pytorch-converted/test_Conv2d", ""},
        {"pytorch-converted/test_Conv2d_depthwise", ""},
        {"pytorch-converted/test_Conv2d_depthwise_padded", ""},
        {"pytorch-converted/test_Conv2d_depthwise_strided", ""},
        {"pytorch-converted/test_Conv2d_depthwise_with_multiplier", ""},
        {"pytorch-converted/test_Conv2d_dilated", ""},
        {"pytorch-converted/test_Conv2d_groups", ""},
        {"pytorch-converted/test_Conv2d_groups_thnn", ""},
        {"pytorch-converted/test_Conv2d_no_bias", ""},
        {"pytorch-converted/test_Conv2d_padding", ""},
        {"pytorch-converted/test_Conv2d_strided", ""},
        {"pytorch-converted/test_Conv3d", "5-D input"},
        {"pytorch-converted/test_Conv3d_dilated", "5-D input"},
        {"pytorch-converted/test_Conv3d_dilated_strided", "5-D input"},
        {"pytorch-converted/test_Conv3d_groups", "5-D input"},
        {"pytorch-converted/test_Conv3d_no_bias", "5-D input"},
        {"pytorch-converted/test_Conv3d_stride", "5-D input"},
        {"pytorch-converted/test_Conv3d_stride_padding", "5-D input"},
        {"pytorch-converted/test_ConvTranspose2d", "ConvTranspose"},
        {"pytorch-converted/test_ConvTranspose2d_no_bias", "ConvTranspose"},
        {"pytorch-converted/test_ELU", ""},
        {"pytorch-converted/test_Embedding", ""},
        {"pytorch-converted/test_Embedding_sparse", ""},
        {"pytorch-converted/test_GLU", "Split"},
        {"pytorch-converted/test_GLU_dim", "Split"},
        {"pytorch-converted/test_LeakyReLU", ""},
        {"pytorch-converted/test_LeakyReLU_with_negval", ""},
        {"pytorch-converted/test_Linear", ""},
        {"pytorch-converted/test_Linear_no_bias", ""},
        {"pytorch-converted/test_LogSoftmax", ""},
        {"pytorch-converted/test_MaxPool1d", "MaxPool"},
        {"pytorch-converted/test_MaxPool1d_stride", "MaxPool"},
        {"pytorch-converted/test_MaxPool1d_stride_padding_dilation", "MaxPool"},
        {"pytorch-converted/test_MaxPool2d", ""},
        {"pytorch-converted/test_MaxPool2d_stride_padding_dilation", "MaxPool: dilated"},
        {"pytorch-converted/test_MaxPool3d", "5-D input"},
        {"pytorch-converted/test_MaxPool3d_stride", "5-D input"},
        {"pytorch-converted/test_MaxPool3d_stride_padding", "5-D input"},
        {"pytorch-converted/test_PReLU_1d", "PRelu"},
        {"pytorch-converted/test_PReLU_1d_multiparam", "PRelu"},
        {"pytorch-converted/test_PReLU_2d", "PRelu"},
        {"pytorch-converted/test_PReLU_2d_multiparam", "PRelu"},
        {"pytorch-converted/test_PReLU_3d", "5-D input"},
        {"pytorch-converted/test_PReLU_3d_multiparam", "5-D input"},
        {"pytorch-converted/test_PixelShuffle", "Reshape"},
        {"pytorch-converted/test_PoissonNLLLLoss_no_reduce", "Exp"},
        {"pytorch-converted/test_ReLU", ""},
        {"pytorch-converted/test_ReflectionPad2d", "Pad"},
        {"pytorch-converted/test_ReplicationPad2d", "Pad"},
        {"pytorch-converted/test_SELU", "Selu"},
        {"pytorch-converted/test_Sigmoid", ""},
        {"pytorch-converted/test_Softmax", ""},
        {"pytorch-converted/test_Softmin", "Neg"},
        {"pytorch-converted/test_Softplus", "Softplus"},
        {"pytorch-converted/test_Softsign", "Abs"},
        {"pytorch-converted/test_Tanh", ""},
        {"pytorch-converted/test_ZeroPad2d", "Pad"},
        {"pytorch-converted/test_log_softmax_dim3", "LogSoftmax: normalizing along axis 3"},
        {"pytorch-converted/test_log_softmax_lastdim", ""},
        {"pytorch-converted/test_softmax_functional_dim3", "Softmax: normalizing along axis 3"},
        {"pytorch-converted/test_softmax_lastdim", ""},
        {"pytorch-operator/test_operator_add_broadcast", "second graph input"},
        {"pytorch-operator/test_operator_add_size1_broadcast", "second graph input"},
        {"pytorch-operator/test_operator_add_size1_right_broadcast", "second graph input"},
        {"pytorch-operator/test_operator_add_size1_singleton_broadcast", "second graph input"},
        {"pytorch-operator/test_operator_addconstant", "Add: Add with a constant"},
        {"pytorch-operator/test_operator_addmm", "Gemm"},
        {"pytorch-operator/test_operator_basic", "fixed shape"},
        {"pytorch-operator/test_operator_chunk", "fixed shape"},
        {"pytorch-operator/test_operator_clip", "Clip"},
        {"pytorch-operator/test_operator_concat2", "second graph input"},
        {"pytorch-operator/test_operator_conv", ""},
        {"pytorch-operator/test_operator_convtranspose", "ConvTranspose"},
        {"pytorch-operator/test_operator_exp", "Exp"},
        {"pytorch-operator/test_operator_flatten", "flattened in C, H, W order"},
        {"pytorch-operator/test_operator_index", "Slice"},
        {"pytorch-operator/test_operator_max", "Max"},
        {"pytorch-operator/test_operator_maxpool", "MaxPool"},
        {"pytorch-operator/test_operator_min", "Min"},
        {"pytorch-operator/test_operator_mm", "Gemm"},
        {"pytorch-operator/test_operator_non_float_params", "Add"},
        {"pytorch-operator/test_operator_pad", "Pad"},
        {"pytorch-operator/test_operator_params", "Add"},
        {"pytorch-operator/test_operator_permute2", "6-D input"},
        {"pytorch-operator/test_operator_pow", "Pow"},
        {"pytorch-operator/test_operator_reduced_mean", "ReduceMean"},
        {"pytorch-operator/test_operator_reduced_mean_keepdim", "ReduceMean"},
        {"pytorch-operator/test_operator_reduced_sum", "ReduceSum"},
        {"pytorch-operator/test_operator_reduced_sum_keepdim", "ReduceSum"},
        {"pytorch-operator/test_operator_repeat", "Tile"},
        {"pytorch-operator/test_operator_repeat_dim_overflow", "Tile"},
        {"pytorch-operator/test_operator_selu", "Selu"},
        {"pytorch-operator/test_operator_sqrt", "Sqrt"},
        {"pytorch-operator/test_operator_symbolic_override", "InstanceNormalization"},
        {"pytorch-operator/test_operator_symbolic_override_nested", "fixed shape"},
        {"pytorch-operator/test_operator_view", "fixed shape"},
    };
    if (!QDir(kTestData).exists()) {
        QTest::newRow("missing") << QString() << QString();
        return;
    }
    // Every model of the two sets has an expectation, so a new one is noticed.
    for (const QString set :
        {QStringLiteral("pytorch-converted"), QStringLiteral("pytorch-operator")})
        for (const QString& dir :
            QDir(kTestData + "/" + set).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            QVERIFY2(expected.count(set + "/" + dir), qPrintable("no expectation for " + dir));
    for (const auto& [model, refusal] : expected)
        QTest::newRow(qPrintable(model.section('/', 1))) << model << refusal;
}

void TestOnnxImport::backendTestData()
{
    QFETCH(QString, model);
    QFETCH(QString, refusal);
    if (model.isEmpty())
        QSKIP("libonnx-testdata is not installed (/usr/share/libonnx-testdata/data)");
    const QString dir = kTestData + "/" + model;
    engine::Project project;
    QString error;
    try {
        project = engine::importOnnx((dir + "/model.onnx").toStdString());
    } catch (const engine::InputError& e) {
        error = QString::fromStdString(e.what());
    }
    if (!refusal.isEmpty()) {
        QVERIFY2(!error.isEmpty(), "imported, but expected to be refused");
        QVERIFY2(error.startsWith(dir + "/model.onnx: "), qPrintable(error));
        QVERIFY2(error.contains(refusal), qPrintable(error));
        return;
    }
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const Matrix x = samplesOf(dir + "/test_data_set_0/input_0.pb");
    const Matrix expected = samplesOf(dir + "/test_data_set_0/output_0.pb");
    const Matrix got = predictions(project, x);
    QCOMPARE(got.rows(), expected.rows());
    QCOMPARE(got.cols(), expected.cols());
    const double diff = relativeDiff(got, expected);
    QVERIFY2(diff <= 1e-5, qPrintable(QString("relative difference %1").arg(diff)));
}

// Graphs written here, run by ONNX Runtime on the same rows. Inputs are flat [N, F]; image and
// sequence models reshape inside the graph (one channel: NCHW and the engine's H x W x C agree).
void TestOnnxImport::protobufModels_data()
{
    QTest::addColumn<QString>("kind");
    for (const char* k : {"gemm_transB_alpha_beta", "gemm_plain", "matmul_add", "conv_same_stride2",
             "conv_valid_pools", "batchnorm_flat", "concat_residual", "lstm_batch_first",
             "gru_batch_first", "gelu_erf", "matmul_per_step", "conv_pads_0_1_1_2",
             "conv_strides_2_1", "conv_dilations_2", "conv_group_2", "conv_depthwise_x2",
             "conv_kernel_1x3", "maxpool_pads_ceil", "avgpool_exclude_pad", "avgpool_include_pad",
             "global_avgpool_gemm", "global_maxpool_gemm", "clip_0_6", "logsoftmax",
             "leakyrelu_0_2", "elu", "residual_network"})
        QTest::newRow(k) << QString(k);
}

void TestOnnxImport::protobufModels()
{
    QFETCH(QString, kind);
    const std::string k = kind.toStdString();
    long features = 6;
    const bool image = k.rfind("conv", 0) == 0 || k.find("pool") != std::string::npos;
    if (image)
        features = 36; // 1 x 6 x 6
    if (k.find("batch_first") != std::string::npos || k == "matmul_per_step")
        features = 12; // T = 4 steps of F = 3
    if (k == "residual_network")
        features = 64; // 1 x 8 x 8
    GraphWriter g(features);
    std::string out = "out";
    // A first 1 x 1 Conv gives the windows under test `channels` channels of 6 x 6.
    const auto channelsOf = [&g](long channels) {
        g.node("Reshape", {"x", g.ints("shape", {-1, 1, 6, 6})}, "img");
        g.node(
            "Conv", {"img", g.weight("K0", {channels, 1, 1, 1}), g.weight("B0", {channels})}, "c0");
        return std::string("c0");
    };
    // Flatten and a Gemm to two outputs: NCHW and the engine's H x W x C order both hold.
    const auto dense = [&g](const std::string& input, std::int64_t features) {
        g.node("Flatten", {input}, "f");
        g.node("Gemm", {"f", g.weight("W", {features, 2}), g.weight("b", {2})}, "out");
    };
    const auto convOf = [&g](const std::string& input, std::vector<std::int64_t> kernel) {
        return g.node("Conv", {input, g.weight("K", kernel), g.weight("B", {kernel[0]})}, "c");
    };
    if (k == "conv_pads_0_1_1_2") { // pads [top, left, bottom, right]: 4 x 5 x 7
        GraphWriter::setInts(convOf(channelsOf(1), {4, 1, 3, 3}), "pads", {0, 1, 1, 2});
        dense("c", 4 * 5 * 7);
    } else if (k == "conv_strides_2_1") { // 4 x 3 x 6
        auto* c = convOf(channelsOf(1), {4, 1, 3, 3});
        GraphWriter::setInts(c, "strides", {2, 1});
        GraphWriter::setInts(c, "pads", {1, 1, 1, 1});
        dense("c", 4 * 3 * 6);
    } else if (k == "conv_dilations_2") { // a 5 x 5 reach: 3 x 2 x 2
        GraphWriter::setInts(convOf(channelsOf(1), {3, 1, 3, 3}), "dilations", {2, 2});
        dense("c", 3 * 2 * 2);
    } else if (k == "conv_group_2") { // 4 channels in 2 groups of 2 -> 6 x 4 x 4
        GraphWriter::setInt(convOf(channelsOf(4), {6, 2, 3, 3}), "group", 2);
        dense("c", 6 * 4 * 4);
    } else if (k == "conv_depthwise_x2") { // group = 3 channels, 2 filters each: 6 x 4 x 4
        GraphWriter::setInt(convOf(channelsOf(3), {6, 1, 3, 3}), "group", 3);
        dense("c", 6 * 4 * 4);
    } else if (k == "conv_kernel_1x3") { // 4 x 6 x 4
        GraphWriter::setInts(convOf(channelsOf(2), {4, 2, 1, 3}), "kernel_shape", {1, 3});
        dense("c", 4 * 6 * 4);
    } else if (k == "maxpool_pads_ceil") { // ceil((6 + 2 - 3) / 2) + 1 = 4: 2 x 4 x 4
        auto* p = g.node("MaxPool", {channelsOf(2)}, "p");
        GraphWriter::setInts(p, "kernel_shape", {3, 3});
        GraphWriter::setInts(p, "strides", {2, 2});
        GraphWriter::setInts(p, "pads", {1, 1, 1, 1});
        GraphWriter::setInt(p, "ceil_mode", 1);
        dense("p", 2 * 4 * 4);
    } else if (k == "avgpool_exclude_pad" || k == "avgpool_include_pad") { // 2 x 3 x 3
        auto* p = g.node("AveragePool", {channelsOf(2)}, "p");
        GraphWriter::setInts(p, "kernel_shape", {3, 3});
        GraphWriter::setInts(p, "strides", {2, 2});
        GraphWriter::setInts(p, "pads", {1, 1, 1, 1});
        GraphWriter::setInt(p, "count_include_pad", k == "avgpool_include_pad" ? 1 : 0);
        dense("p", 2 * 3 * 3);
    } else if (k == "global_avgpool_gemm" || k == "global_maxpool_gemm") {
        convOf(channelsOf(1), {4, 1, 3, 3});
        g.node(k == "global_avgpool_gemm" ? "GlobalAveragePool" : "GlobalMaxPool", {"c"}, "p");
        dense("p", 4);
    } else if (k == "clip_0_6") { // alpha 8 spreads the sums past both bounds
        GraphWriter::setFloat(
            g.node("Gemm", {"x", g.weight("W", {6, 5}), g.weight("b", {5})}, "y"), "alpha", 8.0f);
        g.node("Clip", {"y", g.weight("lo", {}, {0.0f}), g.weight("hi", {}, {6.0f})}, "out");
    } else if (k == "logsoftmax") {
        g.node("Gemm", {"x", g.weight("W", {6, 4}), g.weight("b", {4})}, "y");
        g.node("LogSoftmax", {"y"}, "out");
    } else if (k == "leakyrelu_0_2" || k == "elu") {
        g.node("Gemm", {"x", g.weight("W", {6, 5}), g.weight("b", {5})}, "y");
        if (k == "elu")
            g.node("Elu", {"y"}, "a");
        else
            GraphWriter::setFloat(g.node("LeakyRelu", {"y"}, "a"), "alpha", 0.2f);
        g.node("Gemm", {"a", g.weight("W2", {5, 3})}, "out");
    } else if (k == "residual_network") {
        out = onnxtest::residualNetwork(g);
    } else if (k == "gemm_transB_alpha_beta") {
        auto* n = g.node("Gemm", {"x", g.weight("W", {4, 6}), g.weight("b", {4})}, "y", "/fc/Gemm");
        GraphWriter::setInt(n, "transB", 1);
        GraphWriter::setFloat(n, "alpha", 0.5f);
        GraphWriter::setFloat(n, "beta", 2.0f);
        g.node("Softmax", {"y"}, "out");
        out = "out";
    } else if (k == "gemm_plain") {
        g.node("Gemm", {"x", g.weight("W", {6, 3}), g.weight("b", {1, 3})}, "y");
        g.node("Sigmoid", {"y"}, "s");
        g.node("Gemm", {"s", g.weight("W2", {3, 1})}, "z");
        g.node("Sigmoid", {"z"}, "out");
        out = "out";
    } else if (k == "matmul_add") {
        g.node("MatMul", {"x", g.weight("W", {6, 5})}, "m");
        g.node("Add", {"m", g.weight("b", {5})}, "y");
        auto* lr = g.node("LeakyRelu", {"y"}, "a");
        GraphWriter::setFloat(lr, "alpha", 0.2f);
        g.node("MatMul", {"a", g.weight("W2", {5, 2})}, "m2");
        g.node("Add", {g.weight("b2", {2}), "m2"}, "out");
        out = "out";
    } else if (k.rfind("conv", 0) == 0) {
        g.node("Reshape", {"x", g.ints("shape", {-1, 1, 6, 6})}, "img");
        if (k == "conv_same_stride2") {
            auto* c = g.node("Conv", {"img", g.weight("K", {4, 1, 3, 3}), g.weight("B", {4})}, "c");
            GraphWriter::setInts(c, "strides", {2, 2});
            GraphWriter::setInts(c, "pads", {0, 0, 1, 1}); // TensorFlow "same" at stride 2
            g.node("Relu", {"c"}, "r");
            g.node("Flatten", {"r"}, "f");
        } else {
            auto* c = g.node("Conv", {"img", g.weight("K", {3, 1, 3, 3})}, "c");
            GraphWriter::setInts(c, "kernel_shape", {3, 3});
            auto* p = g.node("MaxPool", {"c"}, "p");
            GraphWriter::setInts(p, "kernel_shape", {2, 2});
            GraphWriter::setInts(p, "strides", {2, 2});
            auto* a = g.node("AveragePool", {"p"}, "a");
            GraphWriter::setInts(a, "kernel_shape", {2, 2});
            GraphWriter::setInts(a, "pads", {0, 0, 1, 1});
            GraphWriter::setInts(a, "strides", {1, 1});
            g.node("Flatten", {"a"}, "f");
        }
        g.node("Gemm", {"f", g.weight("W", {k == "conv_same_stride2" ? 36 : 12, 2})}, "out");
        out = "out";
    } else if (k == "batchnorm_flat") {
        g.node("Gemm", {"x", g.weight("W", {6, 4})}, "y");
        auto* bn = g.node("BatchNormalization",
            {"y", g.weight("scale", {4}), g.weight("bias", {4}), g.weight("mean", {4}),
                g.weight("var", {4}, {0.5f, 1.0f, 2.0f, 0.25f})},
            "n");
        GraphWriter::setFloat(bn, "epsilon", 1e-3f);
        g.node("Tanh", {"n"}, "out");
        out = "out";
    } else if (k == "concat_residual") {
        g.node("Gemm", {"x", g.weight("W1", {6, 3})}, "a");
        g.node("Gemm", {"x", g.weight("W2", {6, 3})}, "b");
        auto* cat = g.node("Concat", {"a", "b"}, "ab");
        GraphWriter::setInt(cat, "axis", 1);
        g.node("Elu", {"ab"}, "e");
        g.node("Add", {"e", "x"}, "out"); // residual over the input
        out = "out";
    } else if (k == "lstm_batch_first" || k == "gru_batch_first") {
        // What torch.onnx.export writes for a batch_first module and out[:, -1, :].
        const bool lstm = k == "lstm_batch_first";
        const long h = 5, gates = lstm ? 4 : 3;
        g.node("Reshape", {"x", g.ints("shape", {-1, 4, 3})}, "seq");
        GraphWriter::setInts(g.node("Transpose", {"seq"}, "tm"), "perm", {1, 0, 2});
        g.node("Shape", {"seq"}, "shape_of");
        auto* batch = g.node("Gather", {"shape_of", g.ints("zero", {0}, true)}, "batch");
        GraphWriter::setInt(batch, "axis", 0);
        auto* un = g.node("Unsqueeze", {"batch", g.ints("axes0", {0})}, "batch1");
        (void)un;
        auto* cat = g.node(
            "Concat", {g.ints("one", {1}), "batch1", g.ints("hidden", {h})}, "state_shape");
        GraphWriter::setInt(cat, "axis", 0);
        g.node("ConstantOfShape", {"state_shape"}, "h0");
        std::vector<std::string> inputs {"tm", g.weight("Wr", {1, gates * h, 3}),
            g.weight("Rr", {1, gates * h, h}), g.weight("Br", {1, 2 * gates * h}), "", "h0"};
        if (lstm)
            inputs.push_back("h0");
        onnx::NodeProto* rnn = g.node(lstm ? "LSTM" : "GRU", inputs, "Y", "/rnn/RNN");
        rnn->add_output("Y_h");
        GraphWriter::setInt(rnn, "hidden_size", h);
        if (!lstm)
            GraphWriter::setInt(rnn, "linear_before_reset", 1);
        g.node("Squeeze", {"Y", g.ints("axes1", {1})}, "Ys");
        GraphWriter::setInts(g.node("Transpose", {"Ys"}, "Yb"), "perm", {1, 0, 2});
        auto* last = g.node("Gather", {"Yb", g.ints("minus1", {-1}, true)}, "last");
        GraphWriter::setInt(last, "axis", 1);
        g.node("Gemm", {"last", g.weight("Wd", {h, 2})}, "out");
        out = "out";
    } else if (k == "matmul_per_step") {
        // A Dense on every step of [N, T, F] (Keras Dense on a sequence): TimeDistributed.
        g.node("Reshape", {"x", g.ints("shape", {-1, 4, 3})}, "seq");
        g.node("MatMul", {"seq", g.weight("W", {3, 5})}, "m", "/time_distributed/MatMul");
        g.node("Add", {"m", g.weight("b", {5})}, "y");
        g.node("Tanh", {"y"}, "out");
        out = "out";
    } else if (k == "gelu_erf") {
        g.node("Gemm", {"x", g.weight("W", {6, 4})}, "y");
        g.node("Div", {"y", g.weight("sqrt2", {}, {1.41421356f})}, "d");
        g.node("Erf", {"d"}, "e");
        g.node("Add", {"e", g.weight("one", {}, {1.0f})}, "e1");
        g.node("Mul", {"y", "e1"}, "m");
        g.node("Mul", {"m", g.weight("half", {}, {0.5f})}, "out");
        out = "out";
    }
    const QString file = path(kind + ".onnx");
    g.save(file, out);

    Matrix x = Matrix::Random(features, 7);
    if (k == "concat_residual")
        x = Matrix::Random(6, 7);
    const QString csv = path(kind + ".csv");
    writeCsv(csv, x);
    engine::Project project;
    QElapsedTimer clock;
    clock.start();
    try {
        project = engine::importOnnx(file.toStdString());
    } catch (const engine::InputError& e) {
        QFAIL(e.what());
    }
    if (k == "residual_network")
        qInfo("imported %zu cards in %lld ms", project.nodes.size(), clock.elapsed());
    const Matrix got = predictions(project, x);

    const RunResult ort = run(
        QStringLiteral("node"), {QStringLiteral(NETCANVAS_ONNX_CHECK_DIR) + "/run.js", file, csv});
    if (!ort.finished || ort.exitCode != 0)
        QSKIP(qPrintable("ONNX Runtime did not run: " + ort.err));
    const QJsonObject result = QJsonDocument::fromJson(ort.out)
                                   .object()["outputs"]
                                   .toObject()[QString::fromStdString(out)]
                                   .toObject();
    const QJsonArray data = result["data"].toArray();
    QCOMPARE(long(data.size()), long(got.size()));
    Matrix expected(got.rows(), got.cols());
    for (long i = 0; i < long(data.size()); ++i)
        expected(i % got.rows(), i / got.rows()) = Scalar(data[int(i)].toDouble());
    const double diff = relativeDiff(got, expected);
    QVERIFY2(diff <= 1e-5, qPrintable(QString("relative difference %1").arg(diff)));
}

void TestOnnxImport::torchModels_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("refusal");
    for (const char* name : {"mlp", "cnn", "cnn_view", "lstm", "gru", "rnn", "gelu", "lstm2",
             "gru_hn", "text_lstm", "residual"})
        QTest::newRow(name) << QString(name) << QString();
}

void TestOnnxImport::torchModels()
{
    QFETCH(QString, name);
    QFETCH(QString, refusal);
    static bool generated = false;
    static QString skip;
    const QString dir = path("torch");
    if (!generated) {
        generated = true;
        const RunResult check = run("/usr/bin/python3", {"-c", "import torch"});
        if (!check.finished || check.exitCode != 0) {
            skip = "python3-torch is not installed";
        } else {
            const RunResult r = run("/usr/bin/python3",
                {qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + "/tests/data/torch_onnx_models.py",
                    dir});
            if (!r.finished || r.exitCode != 0)
                skip = "torch_onnx_models.py failed: " + r.err.right(400);
        }
    }
    if (!skip.isEmpty())
        QSKIP(qPrintable(skip));
    engine::Project project;
    try {
        project = engine::importOnnx((dir + "/" + name + ".onnx").toStdString());
    } catch (const engine::InputError& e) {
        QVERIFY2(!refusal.isEmpty() && QString(e.what()).contains(refusal), e.what());
        return;
    }
    QVERIFY2(refusal.isEmpty(), qPrintable("imported, but expected a refusal naming " + refusal));
    const Matrix got = predictions(project, readCsv(dir + "/" + name + ".input.csv"));
    const Matrix expected = readCsv(dir + "/" + name + ".expected.csv");
    QCOMPARE(got.rows(), expected.rows());
    const double diff = relativeDiff(got, expected);
    QVERIFY2(diff <= 1e-5, qPrintable(QString("relative difference %1").arg(diff)));
    // Exported again, ONNX Runtime gives the same numbers on the same rows.
    const QString again = path(name + ".again.onnx");
    engine::exportOnnx(project, engine::projectContext(project, {}), again.toStdString());
    const RunResult ort = run(QStringLiteral("node"),
        {QStringLiteral(NETCANVAS_ONNX_CHECK_DIR) + "/run.js", again,
            dir + "/" + name + ".input.csv"});
    if (ort.finished && ort.exitCode == 0) {
        const QJsonArray data = QJsonDocument::fromJson(ort.out)
                                    .object()["outputs"]
                                    .toObject()["output"]
                                    .toObject()["data"]
                                    .toArray();
        QCOMPARE(long(data.size()), long(expected.size()));
        Matrix reexported(expected.rows(), expected.cols());
        for (long i = 0; i < long(data.size()); ++i)
            reexported(i % expected.rows(), i / expected.rows()) = Scalar(data[int(i)].toDouble());
        const double diffAgain = relativeDiff(reexported, expected);
        QVERIFY2(diffAgain <= 1e-5,
            qPrintable(QString("re-exported: relative difference %1").arg(diffAgain)));
    } else {
        QVERIFY2(ort.exitCode != 2, ort.err.constData()); // ONNX Runtime refused the model
        qWarning("ONNX Runtime did not run the re-exported model: %s", ort.err.constData());
    }
    // Node names come from the ONNX graph.
    QVERIFY(std::any_of(project.nodes.begin(), project.nodes.end(),
        [](const engine::NodeRecord& n) { return n.name.find('/') != std::string::npos; }));
}

void TestOnnxImport::examplesRoundTrip_data()
{
    QTest::addColumn<QString>("file");
    const QString dir = qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + "/resources/examples";
    for (const QString& f : QDir(dir).entryList({"*.json"}))
        QTest::newRow(qPrintable(f)) << dir + "/" + f;
}

void TestOnnxImport::examplesRoundTrip()
{
    QFETCH(QString, file);
    engine::Project original = engine::loadProject(file.toStdString());
    engine::GraphContext context;
    engine::FeatureScaling scaling;
    try {
        context = engine::projectContext(
            original, QFileInfo(file).absolutePath().toStdString(), &scaling);
    } catch (const engine::InputError& e) {
        QSKIP(qPrintable(QString("its dataset is not available: ") + e.what()));
    }
    // Weights as a fresh compile draws them (trained ones round-trip the same way).
    engine::Graph graph = original.buildGraph();
    graph.compile(context, 5);
    original.weights = graph.weights();
    if (!scaling.isIdentity())
        original.dataset.options["scalingStats"] = engine::scalingToJson(scaling);
    const QString onnxFile = path(QFileInfo(file).baseName() + ".onnx");
    engine::exportOnnx(original, context, onnxFile.toStdString());

    engine::Project imported;
    try {
        imported = engine::importOnnx(onnxFile.toStdString());
    } catch (const engine::InputError& e) {
        QFAIL(e.what());
    }
    // Identical weights, layer by layer in execution order.
    std::vector<std::pair<std::string, Matrix>> before, after;
    for (engine::NodeId id : graph.executionOrder())
        if (original.weights.count(id))
            for (const auto& [name, value] : original.weights.at(id))
                before.emplace_back(name, value);
    engine::Graph back = imported.buildGraph();
    back.compile(engine::projectContext(imported, {}), 1);
    for (engine::NodeId id : back.executionOrder())
        if (imported.weights.count(id))
            for (const auto& [name, value] : imported.weights.at(id))
                after.emplace_back(name, value);
    QCOMPARE(after.size(), before.size());
    for (std::size_t i = 0; i < before.size(); ++i) {
        QCOMPARE(after[i].first, before[i].first);
        QVERIFY2(after[i].second == before[i].second.cast<float>().cast<Scalar>(),
            after[i].first.c_str());
    }
    // Identical predictions on the same raw rows.
    const bool ids = std::any_of(original.nodes.begin(), original.nodes.end(),
        [](const engine::NodeRecord& n) { return n.type == "Embedding"; });
    Matrix x = Matrix::Random(context.inputShape.size(), 9);
    if (ids)
        x = (x.array() > 0).cast<Scalar>().matrix();
    engine::TrainedModel model = engine::prepareModel(original, context, scaling);
    const Matrix expected = engine::predict(model, x).values;
    const Matrix got = predictions(imported, x);
    QCOMPARE(got.rows(), expected.rows());
    const double diff = relativeDiff(got, expected);
    QVERIFY2(diff <= 1e-5, qPrintable(QString("relative difference %1").arg(diff)));
}

// Keras models (through tf2onnx) take NHWC images and transpose them to NCHW inside the graph:
// the input is then the engine's H x W x C as it is. Same weights as the flat-input form
// NetCanvas exports (Reshape [N, 6, 6, 2] + Transpose), which ONNX Runtime runs.
void TestOnnxImport::kerasNhwcInput()
{
    const auto write = [this](bool nhwc) {
        GraphWriter g = nhwc ? GraphWriter(std::vector<long> {6, 6, 2}) : GraphWriter(72);
        const std::string kernel = g.weight("K", {3, 2, 3, 3});
        const std::string bias = g.weight("B", {3});
        const std::string dense = g.weight("W", {12, 4});
        const std::string denseBias = g.weight("b", {4});
        std::string image = "x";
        if (!nhwc) {
            g.node("Reshape", {"x", g.ints("shape", {-1, 6, 6, 2})}, "nhwc");
            image = "nhwc";
        }
        GraphWriter::setInts(g.node("Transpose", {image}, "nchw"), "perm", {0, 3, 1, 2});
        auto* c = g.node("Conv", {"nchw", kernel, bias}, "c", "/conv2d/Conv2D");
        GraphWriter::setInts(c, "kernel_shape", {3, 3});
        g.node("Relu", {"c"}, "r");
        auto* p = g.node("MaxPool", {"r"}, "p");
        GraphWriter::setInts(p, "kernel_shape", {2, 2});
        GraphWriter::setInts(p, "strides", {2, 2});
        GraphWriter::setInts(g.node("Transpose", {"p"}, "back"), "perm", {0, 2, 3, 1});
        g.node("Reshape", {"back", g.ints("flat", {-1, 12})}, "f");
        g.node("MatMul", {"f", dense}, "m", "/dense/MatMul");
        g.node("Add", {"m", denseBias}, "logits", "/dense/BiasAdd");
        g.node("Softmax", {"logits"}, "out");
        const QString file = path(nhwc ? "keras_nhwc.onnx" : "keras_flat.onnx");
        g.save(file, "out");
        return engine::importOnnx(file.toStdString());
    };
    const engine::Project nhwc = write(true);
    const engine::Project flat = write(false);
    QCOMPARE(nhwc.nodes.front().attributes["shape"], nlohmann::json({6, 6, 2}));
    const Matrix x = Matrix::Random(72, 5);
    const Matrix a = predictions(nhwc, x);
    const Matrix b = predictions(flat, x);
    QCOMPARE(a.rows(), 4);
    QVERIFY2(relativeDiff(a, b) <= 1e-6, qPrintable(QString::number(relativeDiff(a, b))));
    const QString csv = path("keras.csv");
    writeCsv(csv, x);
    const RunResult ort = run(QStringLiteral("node"),
        {QStringLiteral(NETCANVAS_ONNX_CHECK_DIR) + "/run.js", path("keras_flat.onnx"), csv});
    if (!ort.finished || ort.exitCode != 0)
        QSKIP(qPrintable("ONNX Runtime did not run: " + ort.err));
    const QJsonArray data = QJsonDocument::fromJson(ort.out)
                                .object()["outputs"]
                                .toObject()["out"]
                                .toObject()["data"]
                                .toArray();
    QCOMPARE(long(data.size()), long(a.size()));
    Matrix expected(a.rows(), a.cols());
    for (long i = 0; i < long(data.size()); ++i)
        expected(i % a.rows(), i / a.rows()) = Scalar(data[int(i)].toDouble());
    QVERIFY2(
        relativeDiff(a, expected) <= 1e-5, qPrintable(QString::number(relativeDiff(a, expected))));
    QCOMPARE(nhwc.nodes.back().attributes["loss"], "softmax_crossentropy");
}

// Attribute values the checker lets through must not crash the importer, and graphs that would
// mix samples must not import: each is a refusal naming the node.
void TestOnnxImport::unusableNodesAreRefused_data()
{
    QTest::addColumn<QString>("kind");
    for (const char* k :
        {"zero_stride", "short_strides", "negative_pads", "bad_perm", "reshape_across_batch"})
        QTest::newRow(k) << QString(k);
}

void TestOnnxImport::unusableNodesAreRefused()
{
    QFETCH(QString, kind);
    GraphWriter g(std::vector<long> {2, 5, 5});
    std::string node = "/bad/Conv";
    if (kind == "reshape_across_batch") {
        // [N, 2, 5, 5] -> [N * 10, 5]: samples would mix.
        node = "/bad/Reshape";
        g.node("Reshape", {"x", g.ints("shape", {-1, 5})}, "r", node);
        g.node("Relu", {"r"}, "out");
    } else if (kind == "bad_perm") {
        node = "/bad/Transpose";
        GraphWriter::setInts(g.node("Transpose", {"x"}, "t", node), "perm", {0, 7, 1, 2});
        g.node("Flatten", {"t"}, "out");
    } else {
        auto* c = g.node("Conv", {"x", g.weight("K", {2, 2, 3, 3})}, "c", node);
        if (kind == "zero_stride")
            GraphWriter::setInts(c, "strides", {0, 0});
        if (kind == "short_strides")
            GraphWriter::setInts(c, "strides", {1});
        if (kind == "negative_pads")
            GraphWriter::setInts(c, "pads", {-1, -1, 0, 0});
        g.node("Flatten", {"c"}, "out");
    }
    const QString file = path(kind + ".onnx");
    g.save(file, "out");
    try {
        engine::importOnnx(file.toStdString());
        QFAIL("imported a malformed model");
    } catch (const engine::InputError& e) {
        QVERIFY2(QString(e.what()).startsWith(file + ": "), e.what());
        QVERIFY2(QString(e.what()).contains(QString::fromStdString(node)), e.what());
    }
}

// NetCanvas's own export runs a TimeDistributed Dense as one Gemm over [N * T, F] rows; the
// import makes it a TimeDistributed again (with its per-step softmax), same weights and numbers.
void TestOnnxImport::timeDistributedRoundTrip()
{
    const auto project = engine::Project::fromJson(nlohmann::json::parse(R"({
        "format": "netcanvas", "version": 1, "name": "per step",
        "dataset": {"source": "csv", "path": ""},
        "nodes": [
            {"id": 1, "type": "Input", "name": "in", "attributes": {"shape": [5, 3]}},
            {"id": 2, "type": "LSTM", "name": "lstm",
             "attributes": {"units": 4, "return_sequences": true}},
            {"id": 3, "type": "TimeDistributed", "name": "per step",
             "attributes": {"units": 3, "activation": "softmax"}},
            {"id": 4, "type": "TimeDistributed", "name": "per step relu",
             "attributes": {"units": 2, "activation": "relu"}},
            {"id": 5, "type": "Loss", "name": "loss", "attributes": {"loss": "mse"}}],
        "edges": [{"from": 1, "to": 2}, {"from": 2, "to": 3}, {"from": 3, "to": 4},
                  {"from": 4, "to": 5}]})"));
    engine::Project trained = project;
    const engine::GraphContext context = engine::projectContext(trained, {});
    engine::Graph graph = trained.buildGraph();
    graph.compile(context, 3);
    trained.weights = graph.weights();
    const QString file = path("per_step.onnx");
    engine::exportOnnx(trained, context, file.toStdString());
    engine::Project imported;
    try {
        imported = engine::importOnnx(file.toStdString());
    } catch (const engine::InputError& e) {
        QFAIL(e.what());
    }
    QStringList types;
    for (const engine::NodeRecord& n : imported.nodes)
        types << QString::fromStdString(n.type);
    QCOMPARE(types.join(' '),
        QStringLiteral("Input LSTM TimeDistributed TimeDistributed Activation Loss"));
    QCOMPARE(imported.nodes[2].attributes["activation"], "softmax");
    const Matrix x = Matrix::Random(15, 6);
    engine::TrainedModel model = engine::prepareModel(trained, context);
    const Matrix expected = engine::predict(model, x).values;
    const Matrix got = predictions(imported, x);
    QVERIFY2(relativeDiff(got, expected) <= 1e-5,
        qPrintable(QString::number(relativeDiff(got, expected))));
}

void TestOnnxImport::refusalNamesEveryNodeAndWritesNothing()
{
    GraphWriter g(16);
    g.node("Reshape", {"x", g.ints("shape", {-1, 4, 2, 2})}, "img");
    auto* d2s = g.node("DepthToSpace", {"img"}, "up", "/layer2/PixelShuffle");
    GraphWriter::setInt(d2s, "blocksize", 2);
    g.node("Flatten", {"up"}, "f");
    g.node("Softplus", {"f"}, "sp", "/head/Softplus");
    g.node("Gemm", {"x", g.weight("W", {16, 16})}, "lin", "/side/Gemm");
    g.node("Add", {"sp", "lin"}, "out");
    const QString file = path("refused.onnx");
    g.save(file, "out");
    try {
        engine::importOnnx(file.toStdString());
        QFAIL("imported a model with DepthToSpace and Softplus");
    } catch (const engine::InputError& e) {
        const QString what = e.what();
        QVERIFY2(
            what.startsWith(file + ": cannot import 1 node: /layer2/PixelShuffle (DepthToSpace)"),
            qPrintable(what));
    }
    // Two independent unmappable nodes are both named, in one line.
    GraphWriter h(4);
    h.node("Softplus", {"x"}, "a", "/a/Softplus");
    h.node("Selu", {"x"}, "b", "/b/Selu");
    h.node("Add", {"a", "b"}, "out");
    const QString file2 = path("refused2.onnx");
    h.save(file2, "out");
    try {
        engine::importOnnx(file2.toStdString());
        QFAIL("imported a model with Softplus and Selu");
    } catch (const engine::InputError& e) {
        QCOMPARE(QString(e.what()),
            file2 + ": cannot import 2 nodes: /a/Softplus (Softplus), /b/Selu (Selu)");
    }
    // The CLI writes nothing and says so in one line with exit status 1.
    const QString target = path("refused.json");
    const RunResult r = run(QStringLiteral(NETCANVAS_TRAIN_EXE), {"import", file, "--out", target});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY2(r.err.contains("/layer2/PixelShuffle (DepthToSpace)"), r.err.constData());
    QVERIFY(!QFile::exists(target));
    // And a model that maps is written as a project that loads.
    GraphWriter ok(3);
    ok.node("Gemm", {"x", ok.weight("W", {3, 2})}, "out");
    const QString good = path("good.onnx");
    ok.save(good, "out");
    const RunResult w = run(QStringLiteral(NETCANVAS_TRAIN_EXE), {"import", good, "--out", target});
    QVERIFY2(w.exitCode == 0, w.err.constData());
    QVERIFY(!engine::loadProject(target.toStdString()).weights.empty());
}

QTEST_GUILESS_MAIN(TestOnnxImport)
#include "tst_onnx_import.moc"
