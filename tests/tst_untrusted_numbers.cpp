// Numbers from untrusted files (issue 20): CSV and time-series cells beyond float's range, and
// prediction inputs that are not finite, are refused with their file, row and column instead of
// turning into inf inside training or a "-nan" prediction.

#include "core/Errors.h"
#include "data/CsvReader.h"
#include "data/TimeSeriesCsv.h"
#include "export/OnnxExport.h"
#include "export/Predictor.h"
#include "graph/Graph.h"
#include "layers/LayerRegistry.h"
#include "project/Project.h"
#include "training/LongRunCheck.h"
#include "training/ResourceEstimate.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#ifdef NETCANVAS_WITH_ONNX
#include <onnx/onnx_pb.h>
#endif

#include <cstdint>
#include <fstream>
#include <functional>
#include <string>

using namespace engine;

namespace {

/// what() of the InputError `f` throws, "not an InputError: ..." for another exception, or "".
std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("not an InputError: ") + e.what();
    }
    return {};
}

/// The mlp_xor example with `change` applied, written into `dir` as project.json.
std::string writeXorProject(
    const QTemporaryDir& dir, const std::function<void(nlohmann::json&)>& change)
{
    const std::string source = qEnvironmentVariable("NETCANVAS_SOURCE_DIR").toStdString();
    std::ifstream in(source + "/resources/examples/mlp_xor.json");
    nlohmann::json j = nlohmann::json::parse(in);
    change(j);
    const std::string file = dir.filePath("project.json").toStdString();
    std::ofstream(file) << j.dump(2);
    return file;
}

/// The mlp_xor example with fresh weights, exported to ONNX as dir/model.onnx.
QString writeXorOnnx(const QTemporaryDir& dir)
{
    const std::string projectFile = writeXorProject(dir, [](nlohmann::json&) {});
    Project p = loadProject(projectFile);
    const GraphContext context = projectContext(p, dir.path().toStdString());
    Graph g = p.buildGraph();
    g.compile(context, 1);
    p.weights = g.weights();
    const QString onnx = dir.filePath("model.onnx");
    exportOnnx(p, context, onnx.toStdString());
    return onnx;
}

} // namespace

class TestUntrustedNumbers : public QObject {
    Q_OBJECT

private slots:
    void csvCellBeyondFloat_data();
    void csvCellBeyondFloat();
    void timeSeriesCellBeyondFloat();
    void predictionInputNotFinite_data();
    void predictionInputNotFinite();
    void trainingSettingOutOfRange_data();
    void trainingSettingOutOfRange();
    void jsonNumberOverflowHasItsPlace();
    void damagedOnnxMetadataHasItsPlace_data();
    void damagedOnnxMetadataHasItsPlace();
    void onnxInitializerDimsAreChecked_data();
    void onnxInitializerDimsAreChecked();
    void hugeNetworkIsRefusedBeforeAllocating();
    void longRunIsWarnedAbout();
    void wideConvolutionIsEstimatedBeforeTraining();
    void longRunIsJudgedOnceFromTheFirstBatches();
};

void TestUntrustedNumbers::csvCellBeyondFloat_data()
{
    QTest::addColumn<QString>("csv");
    QTest::addColumn<QString>("where");
    QTest::newRow("feature 1e39") << "a,b,y\n1,2,0\n3,1e39,1\n"
                                  << "data.csv: row 3, column 2";
    QTest::newRow("feature -1e39") << "a,b,y\n1,2,0\n-1e39,1,1\n"
                                   << "data.csv: row 3, column 1";
    QTest::newRow("feature 1e999") << "a,b,y\n1,2,0.5\n3,1e999,1.5\n"
                                   << "data.csv: row 3, column 2";
    QTest::newRow("regression target 1e39") << "a,b,y\n1,2,0.5\n3,4,1e39\n5,6,0.25\n"
                                            << "data.csv: row 3, column 3";
    QTest::newRow("feature inf") << "a,b,y\n1,2,0\n3,inf,1\n"
                                 << "data.csv: row 3, column 2";
}

void TestUntrustedNumbers::csvCellBeyondFloat()
{
    QFETCH(QString, csv);
    QFETCH(QString, where);
    const std::string e = errorOf([&] { parseCsv(csv.toStdString(), "data.csv"); });
    QVERIFY2(QString::fromStdString(e).startsWith(where + ": "), e.c_str());
}

void TestUntrustedNumbers::timeSeriesCellBeyondFloat()
{
    std::string text = "t,v\n";
    for (int r = 0; r < 30; ++r)
        text
            += std::to_string(r) + "," + (r == 17 ? std::string("4e38") : std::to_string(r)) + "\n";
    TimeSeriesOptions o;
    o.window = 3;
    const std::string e = errorOf([&] { parseTimeSeries(text, "s.csv", o); });
    QVERIFY2(QString::fromStdString(e).startsWith("s.csv: row 19, column 2: "), e.c_str());
}

void TestUntrustedNumbers::predictionInputNotFinite_data()
{
    QTest::addColumn<QString>("csv");
    QTest::addColumn<QString>("where");
    QTest::newRow("nan") << "a,b\n1,2\nnan,1\n"
                         << "x.csv: row 3, column 1";
    QTest::newRow("inf") << "a,b\n1,2\n1,inf\n"
                         << "x.csv: row 3, column 2";
    QTest::newRow("-inf") << "a,b\n1,-inf\n"
                          << "x.csv: row 2, column 2";
    QTest::newRow("1e39") << "a,b\n1,2\n1,1e39\n"
                          << "x.csv: row 3, column 2";
    QTest::newRow("1e999") << "a,b\n1,2\n1e999,1\n"
                           << "x.csv: row 3, column 1";
    // A first row of such values is data, not a header to skip.
    QTest::newRow("first row nan") << "nan,1\n1,2\n"
                                   << "x.csv: row 1, column 1";
    QTest::newRow("first row 1e999") << "1e999,1\n1,2\n"
                                     << "x.csv: row 1, column 1";
}

void TestUntrustedNumbers::predictionInputNotFinite()
{
    QFETCH(QString, csv);
    QFETCH(QString, where);
    const std::string e = errorOf([&] { parsePredictionCsv(csv.toStdString(), 2, "x.csv"); });
    QVERIFY2(QString::fromStdString(e).startsWith(where + ": "), e.c_str());
}

void TestUntrustedNumbers::trainingSettingOutOfRange_data()
{
    QTest::addColumn<QString>("pointer"); // JSON pointer below "training"
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("minLearningRate 1e308")
        << "/schedule/minLearningRate" << 1e308
        << "training.schedule.minLearningRate: expected a number in [0, 1000], got ";
    QTest::newRow("learningRate 1e10")
        << "/optimizer/learningRate" << 1e10
        << "training.optimizer.learningRate: expected a number in (0, 1000], got ";
    QTest::newRow("l2 1e39") << "/optimizer/l2" << 1e39
                             << "training.optimizer.l2: expected a number in [0, 1000], got ";
    QTest::newRow("l1 1e300") << "/optimizer/l1" << 1e300
                              << "training.optimizer.l1: expected a number in [0, 1000], got ";
    QTest::newRow("weightDecay 1e300")
        << "/optimizer/weightDecay" << 1e300
        << "training.optimizer.weightDecay: expected a number in [0, 1000], got ";
    QTest::newRow("epsilon 1e300")
        << "/optimizer/epsilon" << 1e300
        << "training.optimizer.epsilon: expected a number in (0, 1], got ";
    QTest::newRow("clipNorm 1e300")
        << "/clipNorm" << 1e300 << "training.clipNorm: expected a number in [0, 1000000]";
    QTest::newRow("earlyStoppingMinDelta 1e300")
        << "/earlyStoppingMinDelta" << 1e300
        << "training.earlyStoppingMinDelta: expected a number in [0, 1000000]";
    QTest::newRow("momentum 1") << "/optimizer/momentum" << 1.0
                                << "training.optimizer.momentum: expected a number from 0 up to";
    QTest::newRow("epochs 1e7") << "/epochs" << 1e7
                                << "training.epochs: expected an integer from 1 to 1000000";
}

void TestUntrustedNumbers::trainingSettingOutOfRange()
{
    QFETCH(QString, pointer);
    QFETCH(double, value);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const std::string file = writeXorProject(dir, [&](nlohmann::json& j) {
        j["training"][nlohmann::json::json_pointer(pointer.toStdString())] = value;
    });
    const std::string e = errorOf([&] { loadProject(file); });
    QVERIFY2(QString::fromStdString(e).startsWith(QString::fromStdString(file) + ": " + expected),
        e.c_str());
}

void TestUntrustedNumbers::jsonNumberOverflowHasItsPlace()
{
    QTemporaryDir dir;
    const std::string file = dir.filePath("project.json").toStdString();
    std::ofstream(file) << "{\"format\": \"netcanvas\", \"version\": 1,\n"
                           "  \"training\": {\"epochs\": 1e999}}\n";
    const std::string e = errorOf([&] { loadProject(file); });
    QVERIFY2(QString::fromStdString(e).startsWith(
                 QString::fromStdString(file) + ": line 2, column 26: number overflow"),
        e.c_str());
    QVERIFY2(e.find("json.exception") == std::string::npos, e.c_str());
}

void TestUntrustedNumbers::damagedOnnxMetadataHasItsPlace_data()
{
    // Same-length replacements keep the protobuf valid and damage only the JSON inside.
    QTest::addColumn<QByteArray>("from");
    QTest::addColumn<QByteArray>("to");
    QTest::addColumn<QString>("where");
    QTest::newRow("weight reference without param")
        << QByteArray("\"param\"") << QByteArray("\"parax\"") << "metadata netcanvas.weights";
    QTest::newRow("context without numClasses")
        << QByteArray("\"numClasses\"") << QByteArray("\"numClassez\"")
        << "metadata netcanvas.context";
    QTest::newRow("project number overflow")
        << QByteArray("\"epochs\":150") << QByteArray("\"e\":1e999999")
        << "metadata netcanvas.project";
}

void TestUntrustedNumbers::damagedOnnxMetadataHasItsPlace()
{
    if (!onnxAvailable())
        QSKIP("built without ONNX");
    QFETCH(QByteArray, from);
    QFETCH(QByteArray, to);
    QFETCH(QString, where);
    QTemporaryDir dir;
    const QString onnx = writeXorOnnx(dir);

    QFile f(onnx);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QByteArray bytes = f.readAll();
    f.close();
    QVERIFY2(bytes.contains(from), from.constData());
    QCOMPARE(to.size(), from.size());
    bytes.replace(from, to);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
    f.close();

    const std::string e = errorOf([&] { loadTrainedModel(onnx.toStdString()); });
    QVERIFY2(QString::fromStdString(e).startsWith(onnx + ": " + where), e.c_str());
    QVERIFY2(e.find("json.exception") == std::string::npos, e.c_str());
}

void TestUntrustedNumbers::onnxInitializerDimsAreChecked_data()
{
    QTest::addColumn<QList<qint64>>("dims");
    QTest::addColumn<int>("values"); ///< float32 values stored as raw_data
    QTest::addColumn<QString>("message");
    QTest::newRow("negative") << QList<qint64> {-1, 4} << 16 << "dims [-1, 4]";
    // 2^40 x 2^40 overflows 64 bits to 0, which would match empty data.
    QTest::newRow("overflowing") << QList<qint64> {qint64(1) << 40, qint64(1) << 40} << 0
                                 << "dims [1099511627776, 1099511627776]";
    QTest::newRow("huge") << QList<qint64> {qint64(1) << 31, 4} << 16 << "dims [2147483648, 4]";
    QTest::newRow("not the data's size") << QList<qint64> {3, 4} << 16 << "the data holds 16";
}

void TestUntrustedNumbers::onnxInitializerDimsAreChecked()
{
#ifndef NETCANVAS_WITH_ONNX
    QSKIP("built without ONNX");
#else
    QFETCH(QList<qint64>, dims);
    QFETCH(int, values);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString onnx = writeXorOnnx(dir);
    onnx::ModelProto model;
    {
        std::ifstream in(onnx.toStdString(), std::ios::binary);
        QVERIFY(model.ParseFromIstream(&in));
    }
    // The hidden layer's W (8x2): the first initializer NetCanvas maps to a weight.
    onnx::TensorProto* weight = nullptr;
    for (onnx::TensorProto& t : *model.mutable_graph()->mutable_initializer()) {
        if (!weight && t.dims_size() == 2 && t.dims(0) == 8 && t.dims(1) == 2)
            weight = &t;
    }
    QVERIFY(weight);
    weight->clear_dims();
    for (qint64 d : dims)
        weight->add_dims(d);
    weight->clear_float_data();
    weight->set_raw_data(std::string(std::size_t(values) * sizeof(float), '\0'));
    {
        std::ofstream out(onnx.toStdString(), std::ios::binary | std::ios::trunc);
        QVERIFY(model.SerializeToOstream(&out));
    }

    const std::string e = errorOf([&] { loadTrainedModel(onnx.toStdString()); });
    const QString place = onnx + ": initializer " + QString::fromStdString(weight->name()) + ": ";
    QVERIFY2(QString::fromStdString(e).startsWith(place), e.c_str());
    QVERIFY2(QString::fromStdString(e).contains(message), e.c_str());
#endif
}

void TestUntrustedNumbers::hugeNetworkIsRefusedBeforeAllocating()
{
    // Dense 784 -> 1e6 -> 1e6: the second layer's 1e12 weights alone are 4 TB.
    Graph g;
    const NodeId in = g.addNode(LayerRegistry::create("Input"), -1, "input");
    const NodeId wide = g.addNode(LayerRegistry::create("Dense"), -1, "wide");
    const NodeId huge = g.addNode(LayerRegistry::create("Dense"), -1, "huge");
    const NodeId loss = g.addNode(LayerRegistry::create("Loss"), -1, "loss");
    g.setAttributes(wide, {{"units", 1000000}});
    g.setAttributes(huge, {{"units", 1000000}});
    g.setAttributes(loss, {{"loss", "mse"}});
    g.connect({in, 0, wide, 0});
    g.connect({wide, 0, huge, 0});
    g.connect({huge, 0, loss, 0});
    GraphContext context;
    context.inputShape = Shape {784};
    context.targetRows = 1000000;
    const GraphCheck check = g.check(context);
    QVERIFY2(check.ok(), check.summary().c_str());

    const MemoryEstimate sgd = estimateTrainingMemory(check, 32, "sgd");
    const MemoryEstimate adam = estimateTrainingMemory(check, 32, "adam");
    QCOMPARE(sgd.largestNode, huge);
    // value + gradient (sgd), plus two moments (adam), 4 bytes each.
    QVERIFY(sgd.bytes > 1e12 * 8 && sgd.bytes < 1e12 * 8 * 1.01);
    QVERIFY(adam.bytes > 1e12 * 16 && adam.bytes < 1e12 * 16 * 1.01);
    QVERIFY(estimateTrainingMemory(check, 64, "sgd").bytes > sgd.bytes);

    const std::string e = errorOf([&] { requireMemoryFits(adam, g, 8e9, 32); });
    QVERIFY2(
        QString::fromStdString(e).startsWith("network: training needs about 16 TB"), e.c_str());
    QVERIFY2(e.find("8.0 GB is available") != std::string::npos, e.c_str());
    QVERIFY2(e.find("node 'huge'") != std::string::npos, e.c_str());
    QVERIFY(errorOf([&] { requireMemoryFits(adam, g, 1e15 * 20, 32); }).empty());
}

void TestUntrustedNumbers::longRunIsWarnedAbout()
{
    // 10 batches in 2 s, 1000 batches per epoch, 1e6 epochs: 200 s per epoch, 6.3 years.
    const auto warning = longRunWarning(2.0, 10, 1000, 1000000);
    QVERIFY(warning.has_value());
    QVERIFY2(warning->find("days") != std::string::npos, warning->c_str());
    QVERIFY2(warning->find("1000000 epochs") != std::string::npos, warning->c_str());
    // 10 epochs of 200 s: 33 min, below the hour.
    QVERIFY(!longRunWarning(2.0, 10, 1000, 10).has_value());
    QVERIFY(longRunWarning(2.0, 10, 1000, 20).has_value());
    QVERIFY(!longRunWarning(2.0, 0, 1000, 20).has_value());
    // Short epochs of a long run are not "0.0 s per epoch": 5 batches in 12.5 ms, 16 per epoch
    // is 40 ms per epoch; one batch of 0.2 ms per epoch is 200 µs.
    const auto shortEpochs = longRunWarning(0.001, 5, 1, 100000000);
    QVERIFY2(shortEpochs && shortEpochs->find("200 \u00b5s per epoch") != std::string::npos,
        shortEpochs ? shortEpochs->c_str() : "no warning");
    const auto msEpochs = longRunWarning(0.0125, 5, 16, 1000000);
    QVERIFY2(msEpochs && msEpochs->find("40 ms per epoch") != std::string::npos,
        msEpochs ? msEpochs->c_str() : "no warning");
}

void TestUntrustedNumbers::longRunIsJudgedOnceFromTheFirstBatches()
{
    // The window's and the CLI's rule: judged after 5 batches or 2 s, whichever comes first,
    // and only once per run.
    LongRunCheck check(1000000);
    QVERIFY(!check.afterBatch(1, 1000, 0.5));
    QVERIFY(!check.afterBatch(4, 1000, 1.9));
    QVERIFY(!check.judged());
    const auto warning = check.afterBatch(5, 1000, 1.0);
    QVERIFY(warning && warning->find("this run will take about") == 0);
    QVERIFY(check.judged());
    QVERIFY(!check.afterBatch(6, 1000, 1.2)); // once
    LongRunCheck slow(1000000);
    QVERIFY(slow.afterBatch(2, 1000, 2.5)); // 2 s passed before 5 batches
    LongRunCheck brief(2);
    QVERIFY(!brief.afterBatch(5, 10, 0.01));
    QVERIFY(brief.judged()); // judged, nothing to say
}

void TestUntrustedNumbers::wideConvolutionIsEstimatedBeforeTraining()
{
    // fashion_cnn with 4096 filters in conv1 (issue 20): netcanvas-train peaked at 5.8 GB resident
    // at batch 64 when Conv2D unrolled the whole batch into patches; since it unrolls cache-sized
    // blocks, conv1's outputs and pre-activations (with gradients) are what takes the memory
    // (3.2 GB), and one batch took 25 s on 2 threads: 5.6 h per epoch.
    const auto fashionCnn = [](int filters, NodeId& conv1) {
        Graph g;
        NodeId previous = g.addNode(LayerRegistry::create("Input"), -1, "image");
        const auto append = [&](const char* type, const char* name, nlohmann::json attributes) {
            const NodeId id = g.addNode(LayerRegistry::create(type), -1, name);
            if (!attributes.empty())
                g.setAttributes(id, attributes);
            g.connect({previous, 0, id, 0});
            previous = id;
            return id;
        };
        conv1 = append("Conv2D", "conv1", {{"filters", filters}, {"kernel", 3}});
        append("MaxPool2D", "pool1", {{"pool", 2}});
        append("Conv2D", "conv2", {{"filters", 64}, {"kernel", 3}});
        append("MaxPool2D", "pool2", {{"pool", 2}});
        append("Flatten", "flatten", {});
        append("Dense", "hidden", {{"units", 128}});
        append("Dense", "logits", {{"units", 10}});
        append("Loss", "loss", {{"loss", "softmax_crossentropy"}});
        return g;
    };
    GraphContext context;
    context.inputShape = Shape {28, 28, 1};
    context.numClasses = 10;
    context.targetRows = 1;
    NodeId conv1 = -1;
    const Graph wide = fashionCnn(4096, conv1);
    const GraphCheck check = wide.check(context);
    QVERIFY2(check.ok(), check.summary().c_str());

    const MemoryEstimate memory = estimateTrainingMemory(check, 64, "adam");
    // 64 x 26 x 26 x 4096 values x (output, pre-activation) x (value, gradient) x 4 bytes = 2.8 GB
    // for conv1, the pooled 13 x 13 x 4096 and the rest add the remainder.
    QVERIFY2(memory.bytes > 2.8e9 && memory.bytes < 4e9, formatBytes(memory.bytes).c_str());
    QCOMPARE(memory.largestNode, conv1);
    const std::string e = errorOf([&] { requireMemoryFits(memory, wide, 2e9, 64); });
    QVERIFY2(e.find("node 'conv1'") != std::string::npos, e.c_str());

    // Before the first batch: its arithmetic alone (about 1.9 GFLOP per sample) takes hours for
    // 10 epochs of 54000 samples, even at a pace this engine does not reach.
    const auto warning = arithmeticRunWarning(check, 54000, 10, 2);
    QVERIFY(warning.has_value());
    QVERIFY2(warning->find("at least") != std::string::npos, warning->c_str());
    QVERIFY2(warning->find(" h ") != std::string::npos, warning->c_str());
    QVERIFY2(warning->find("GFLOP per sample") != std::string::npos, warning->c_str());
    // The example as shipped (32 filters) trains in minutes: no warning.
    const GraphCheck shipped = fashionCnn(32, conv1).check(context);
    QVERIFY(!arithmeticRunWarning(shipped, 54000, 10, 2).has_value());
    QVERIFY(estimateTrainingMemory(shipped, 64, "adam").bytes < 0.5e9);
}

QTEST_APPLESS_MAIN(TestUntrustedNumbers)
#include "tst_untrusted_numbers.moc"
