// `netcanvas-train export PROJECT.json --pytorch-train DIR` checked against the real consumer,
// PyTorch (/usr/bin/python3 with python3-torch and python3-numpy): from the same starting
// weights, train.py and netcanvas-train take the same steps for every optimizer (1e-5), two
// processes under torchrun (gloo) take the same steps as one with the same global batch,
// trained.json loads back and predicts what the PyTorch model predicts, and every example
// exports and trains an epoch. Without PyTorch the PyTorch runs are skipped with a message.

#include "export/Predictor.h"
#include "project/Project.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <cmath>

namespace {

constexpr double kTolerance = 1e-5;
const QString kPython = QStringLiteral("/usr/bin/python3");

struct RunResult {
    int exitCode = -1;
    QString out;
    QString err;
};

RunResult run(const QString& program, const QStringList& args, int timeoutMs = 300000)
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
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

RunResult runCli(const QStringList& args)
{
    return run(QStringLiteral(NETCANVAS_TRAIN_EXE), args);
}

bool writeFile(const QString& file, const QByteArray& data)
{
    QFile f(file);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

nlohmann::json node(int id, const char* type, const char* name, nlohmann::json attrs = {})
{
    return {{"id", id}, {"type", type}, {"name", name}, {"position", {id * 100, 100}},
        {"attributes", attrs.is_null() ? nlohmann::json::object() : attrs}};
}

/// A 2-16-2 tanh network with a softmax head on 64 spiral points (48 to train on, so a batch
/// of 64 is the whole training set), no dropout: 3 epochs are 3 full-batch steps.
nlohmann::json denseProject(const nlohmann::json& optimizer, const nlohmann::json& extraTraining)
{
    nlohmann::json training = {{"epochs", 3}, {"batchSize", 64}, {"validationSplit", 0.25},
        {"seed", 7}, {"optimizer", optimizer}};
    if (extraTraining.is_object())
        training.update(extraTraining);
    return {{"format", "netcanvas"}, {"version", 1}, {"name", "parity"},
        {"nodes",
            {node(1, "Input", "input"),
                node(2, "Dense", "hidden", {{"units", 16}, {"activation", "tanh"}}),
                node(3, "Dense", "logits", {{"units", 2}, {"activation", "identity"}}),
                node(4, "Loss", "loss", {{"loss", "softmax_crossentropy"}})}},
        {"edges",
            {{{"from", 1}, {"fromPort", 0}, {"to", 2}, {"toPort", 0}},
                {{"from", 2}, {"fromPort", 0}, {"to", 3}, {"toPort", 0}},
                {{"from", 3}, {"fromPort", 0}, {"to", 4}, {"toPort", 0}}}},
        {"dataset",
            {{"source", "generator"}, {"generator", "spiral"}, {"samples", 64}, {"seed", 2}}},
        {"training", training}};
}

/// Largest difference between two weight maps; infinity when they name different tensors or
/// shapes.
double maxDifference(const engine::WeightMap& a, const engine::WeightMap& b)
{
    if (a.size() != b.size())
        return INFINITY;
    double worst = 0;
    for (const auto& [id, params] : a) {
        const auto other = b.find(id);
        if (other == b.end() || other->second.size() != params.size())
            return INFINITY;
        for (const auto& [name, m] : params) {
            const auto o = other->second.find(name);
            if (o == other->second.end() || o->second.rows() != m.rows()
                || o->second.cols() != m.cols())
                return INFINITY;
            worst = std::max(worst, double((m - o->second).cwiseAbs().maxCoeff()));
        }
    }
    return worst;
}

/// An example as a project of the test's folder: its data file by absolute path, Fashion-MNIST
/// cut to `imageLimit` images so an epoch takes seconds. Empty when Fashion-MNIST is missing.
nlohmann::json exampleCopy(const QString& file, int imageLimit)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    nlohmann::json p = nlohmann::json::parse(f.readAll().toStdString());
    auto& dataset = p["dataset"];
    const std::string dataPath = dataset.value("path", std::string());
    if (!dataPath.empty() && QFileInfo(QString::fromStdString(dataPath)).isRelative())
        dataset["path"]
            = QFileInfo(file).dir().filePath(QString::fromStdString(dataPath)).toStdString();
    const std::string source = dataset.value("source", std::string());
    if (source == "fashion-mnist" || source == "mnist") {
        if (!QFileInfo::exists("/usr/share/datasets/fashion-mnist"))
            return {};
        dataset["options"]["limit"] = imageLimit;
    }
    return p;
}

} // namespace

class TestPyTorchTrainExport : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void exportWritesTheFolder();
    void exportNamesAMissingDataset();
    void optimizerStepsMatchNetCanvas_data();
    void optimizerStepsMatchNetCanvas();
    void otherNetworksStepAsNetCanvas_data();
    void otherNetworksStepAsNetCanvas();
    void normalizationLayersStepAsNetCanvas();
    void earlyStoppingRestoresTheBestAsNetCanvas();
    void trainedWeightsAreTheStart_data();
    void trainedWeightsAreTheStart();
    void twoProcessesMatchOne();
    void trainedProjectPredictsAsPyTorch();
    void everyExampleExportsAndTrains_data();
    void everyExampleExportsAndTrains();

private:
    QString path(const QString& name) const { return m_dir.filePath(name); }
    /// Writes the project to NAME.json and exports it to NAME.torch; returns the folder.
    QString exportProject(
        const nlohmann::json& project, const QString& name, const QStringList& extra = {});
    RunResult trainPy(const QString& folder, const QStringList& args);
    /// netcanvas-train and train.py on the exported project: the same weights (1e-5).
    void compareThreeSteps(
        const QString& folder, const QStringList& allow, const QString& finalStart = {});
    void requireTorch();

    QTemporaryDir m_dir;
    QString m_noTorch; ///< why PyTorch runs are skipped, or empty
};

void TestPyTorchTrainExport::initTestCase()
{
    QVERIFY(m_dir.isValid());
    if (!QFileInfo::exists(kPython))
        m_noTorch = kPython + " is not installed";
    else if (run(kPython, {"-c", "import torch, numpy"}).exitCode != 0)
        m_noTorch = QStringLiteral(
            "python3-torch or python3-numpy is not installed: train.py was not run");
    if (!m_noTorch.isEmpty())
        qInfo("%s", qPrintable(m_noTorch));
}

void TestPyTorchTrainExport::requireTorch()
{
    if (!m_noTorch.isEmpty())
        QSKIP(qPrintable(m_noTorch));
}

QString TestPyTorchTrainExport::exportProject(
    const nlohmann::json& project, const QString& name, const QStringList& extra)
{
    const QString file = path(name + ".json");
    const QString folder = path(name + ".torch");
    if (!writeFile(file, QByteArray::fromStdString(project.dump(2))))
        return {};
    const RunResult r = runCli(QStringList {"export", file, "--pytorch-train", folder} + extra);
    if (r.exitCode != 0) {
        qWarning("export failed: %s", qPrintable(r.err));
        return {};
    }
    return folder;
}

RunResult TestPyTorchTrainExport::trainPy(const QString& folder, const QStringList& args)
{
    return run(kPython, QStringList {folder + "/train.py", "--quiet"} + args);
}

void TestPyTorchTrainExport::exportWritesTheFolder()
{
    const QString folder = exportProject(denseProject({{"type", "sgd"}}, {}), "folder");
    QVERIFY(!folder.isEmpty());
    for (const char* name : {"model.py", "train.py", "weight_layout.py", "netcanvas_project.json",
             "netcanvas_export.json", "README.txt", "x_train.npy", "y_train.npy",
             "x_validation.npy", "y_validation.npy", "x_test.npy", "y_test.npy"})
        QVERIFY2(QFileInfo::exists(folder + "/" + name), name);
    // 48 training samples of 2 float32 features: the .npy header, then 384 bytes.
    QFile x(folder + "/x_train.npy");
    QVERIFY(x.open(QIODevice::ReadOnly));
    const QByteArray bytes = x.readAll();
    QVERIFY(bytes.startsWith("\x93NUMPY"));
    QVERIFY2(bytes.contains("'shape': (48, 2)"), bytes.left(120).constData());
    // Untrained: the starting weights are in model.py, the project carries none.
    const engine::Project stored
        = engine::loadProject((folder + "/netcanvas_project.json").toStdString());
    QVERIFY(stored.weights.empty());
    QFile readme(folder + "/README.txt");
    QVERIFY(readme.open(QIODevice::ReadOnly));
    QVERIFY(readme.readAll().contains("torchrun --nproc_per_node=4 train.py"));
}

void TestPyTorchTrainExport::exportNamesAMissingDataset()
{
    nlohmann::json p = denseProject({{"type", "sgd"}}, {});
    p["dataset"] = {{"source", "csv"}, {"path", "missing.csv"}};
    const QString file = path("missing.json");
    QVERIFY(writeFile(file, QByteArray::fromStdString(p.dump(2))));
    const RunResult r = runCli({"export", file, "--pytorch-train", path("missing.torch")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("missing.json") && r.err.contains("missing.csv"), qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(path("missing.torch")));
}

void TestPyTorchTrainExport::optimizerStepsMatchNetCanvas_data()
{
    QTest::addColumn<QByteArray>("optimizer");
    QTest::addColumn<QByteArray>("training");
    QTest::newRow("sgd") << QByteArray(R"({"type":"sgd","learningRate":0.5})") << QByteArray("{}");
    QTest::newRow("sgd l1 l2") << QByteArray(
        R"({"type":"sgd","learningRate":0.5,"l1":0.01,"l2":0.05})")
                               << QByteArray("{}");
    QTest::newRow("momentum") << QByteArray(
        R"({"type":"momentum","learningRate":0.2,"momentum":0.9})")
                              << QByteArray("{}");
    QTest::newRow("nesterov") << QByteArray(
        R"({"type":"nesterov","learningRate":0.2,"momentum":0.8})")
                              << QByteArray("{}");
    QTest::newRow("rmsprop") << QByteArray(R"({"type":"rmsprop","learningRate":0.01,"rho":0.8})")
                             << QByteArray("{}");
    QTest::newRow("adam") << QByteArray(R"({"type":"adam","learningRate":0.05})")
                          << QByteArray("{}");
    QTest::newRow("adamw") << QByteArray(
        R"({"type":"adamw","learningRate":0.05,"weightDecay":0.5})")
                           << QByteArray("{}");
    QTest::newRow("clipNorm, cosine with warm-up")
        << QByteArray(R"({"type":"momentum","learningRate":0.5,"momentum":0.9})")
        << QByteArray(
               R"({"clipNorm":0.05,"schedule":{"type":"cosine","warmupEpochs":2,"minLearningRate":0.01}})");
}

void TestPyTorchTrainExport::optimizerStepsMatchNetCanvas()
{
    requireTorch();
    QFETCH(QByteArray, optimizer);
    QFETCH(QByteArray, training);
    const QString name = QStringLiteral("parity_") + QTest::currentDataTag();
    const nlohmann::json project = denseProject(nlohmann::json::parse(optimizer.toStdString()),
        nlohmann::json::parse(training.toStdString()));
    const QString folder = exportProject(project, name.simplified().replace(' ', '_'));
    QVERIFY(!folder.isEmpty());
    compareThreeSteps(folder, {});
    if (QTest::currentTestFailed())
        return;
    // Biases start at zero: non-zero ones show the steps were taken, not skipped.
    const engine::Project a = engine::loadProject((folder + "/trained.json").toStdString());
    QVERIFY(a.weights.at(3).at("b").cwiseAbs().maxCoeff() > 0);
}

void TestPyTorchTrainExport::compareThreeSteps(
    const QString& folder, const QStringList& allow, const QString& finalStart)
{
    const QString expected
        = finalStart.isEmpty() ? QStringLiteral("final: epochs=3 train_loss=") : finalStart;
    const QString ours = folder + "/netcanvas.json";
    const RunResult nc = runCli(
        QStringList {folder + "/netcanvas_project.json", "--quiet", "--threads", "1", "--out", ours}
        + allow);
    QVERIFY2(nc.exitCode == 0, qPrintable(nc.err));
    QVERIFY2(nc.out.startsWith(expected), qPrintable(nc.out));
    const RunResult py = trainPy(folder, {"--no-onnx"});
    QVERIFY2(py.exitCode == 0, qPrintable(py.err));
    QVERIFY2(py.out.startsWith(expected), qPrintable(py.out));

    const engine::Project a = engine::loadProject(ours.toStdString());
    const engine::Project b = engine::loadProject((folder + "/trained.json").toStdString());
    const double diff = maxDifference(a.weights, b.weights);
    QVERIFY2(diff <= kTolerance, qPrintable(QString("weights differ by %1").arg(diff)));
}

void TestPyTorchTrainExport::otherNetworksStepAsNetCanvas_data()
{
    QTest::addColumn<QString>("example");
    QTest::addColumn<bool>("lstmAsGru");
    for (const char* name : {"rnn_first_bit", "lstm_first_bit", "temperature_lstm", "fashion_cnn"})
        QTest::newRow(name) << QString::fromLatin1(name) << false;
    QTest::newRow("lstm_first_bit with a GRU") << QStringLiteral("lstm_first_bit") << true;
}

void TestPyTorchTrainExport::otherNetworksStepAsNetCanvas()
{
    requireTorch();
    QFETCH(QString, example);
    QFETCH(bool, lstmAsGru);
    // 3 full-batch SGD steps without dropout: the layers' forward and backward passes and the
    // weight layout are compared here, the optimizers above (Adam's normalized step would turn
    // float32 rounding of near-zero gradients of a large network into differences of 1e-5).
    const QString examples = QStringLiteral(NETCANVAS_EXAMPLES_DIR);
    nlohmann::json p = exampleCopy(examples + "/" + example + ".json", 300);
    if (p.is_null())
        QSKIP("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    p["training"]["epochs"] = 3;
    p["training"]["batchSize"] = 4096;
    p["training"]["earlyStoppingPatience"] = 0;
    p["training"]["optimizer"] = {{"type", "sgd"}, {"learningRate", 0.05}};
    for (auto& n : p["nodes"]) {
        if (n["type"] == "Dropout")
            n["attributes"]["rate"] = 0.0;
        if (lstmAsGru && n["type"] == "LSTM")
            n["type"] = "GRU";
    }
    const QStringList allow {"--allow-path", examples};
    const QString folder = exportProject(p, "steps_" + example + (lstmAsGru ? "_gru" : ""), allow);
    QVERIFY(!folder.isEmpty());
    compareThreeSteps(folder, allow);
}

void TestPyTorchTrainExport::normalizationLayersStepAsNetCanvas()
{
    requireTorch();
    // BatchNorm (batch statistics in training, running statistics after) and LayerNorm.
    nlohmann::json p = denseProject({{"type", "momentum"}, {"learningRate", 0.1}}, {});
    p["nodes"] = {node(1, "Input", "input"),
        node(2, "Dense", "hidden", {{"units", 8}, {"activation", "identity"}}),
        node(3, "BatchNorm", "bn"), node(4, "Activation", "relu", {{"function", "relu"}}),
        node(5, "LayerNorm", "ln"),
        node(6, "Dense", "logits", {{"units", 2}, {"activation", "identity"}}),
        node(7, "Loss", "loss", {{"loss", "softmax_crossentropy"}})};
    nlohmann::json edges = nlohmann::json::array();
    for (int id = 1; id < 7; ++id)
        edges.push_back({{"from", id}, {"fromPort", 0}, {"to", id + 1}, {"toPort", 0}});
    p["edges"] = edges;
    const QString folder = exportProject(p, "norms");
    QVERIFY(!folder.isEmpty());
    compareThreeSteps(folder, {});
}

void TestPyTorchTrainExport::earlyStoppingRestoresTheBestAsNetCanvas()
{
    requireTorch();
    // No epoch improves by 1e6: the run stops after epoch 2 with epoch 1's weights, in both.
    const QString folder = exportProject(
        denseProject({{"type", "adam"}, {"learningRate", 0.05}},
            {{"epochs", 10}, {"earlyStoppingPatience", 1}, {"earlyStoppingMinDelta", 1e6}}),
        "early");
    QVERIFY(!folder.isEmpty());
    // Of 10 epochs, 2 ran: the stop was early in both.
    compareThreeSteps(folder, {}, QStringLiteral("final: epochs=2 train_loss="));
}

void TestPyTorchTrainExport::trainedWeightsAreTheStart_data()
{
    QTest::addColumn<QString>("example");
    QTest::newRow("iris") << QStringLiteral("iris");
    QTest::newRow("lstm_first_bit") << QStringLiteral("lstm_first_bit");
}

void TestPyTorchTrainExport::trainedWeightsAreTheStart()
{
    requireTorch();
    QFETCH(QString, example);
    // A trained project exports its weights: 0 epochs of train.py give them back unchanged
    // through model.py's layout and trained.json's.
    const QString examples = QStringLiteral(NETCANVAS_EXAMPLES_DIR);
    const QString source = path(example + ".json");
    QVERIFY(writeFile(source,
        QByteArray::fromStdString(exampleCopy(examples + "/" + example + ".json", 300).dump())));
    const QString trained = path(example + ".trained.json");
    const RunResult t
        = runCli({source, "--epochs", "2", "--quiet", "--out", trained, "--allow-path", examples});
    QVERIFY2(t.exitCode == 0, qPrintable(t.err));
    const QString folder = path(example + ".trained.torch");
    const RunResult e
        = runCli({"export", trained, "--pytorch-train", folder, "--allow-path", examples});
    QVERIFY2(e.exitCode == 0, qPrintable(e.err));
    const RunResult py = trainPy(folder, {"--epochs", "0", "--no-onnx"});
    QVERIFY2(py.exitCode == 0, qPrintable(py.err));
    const engine::Project a = engine::loadProject(trained.toStdString());
    const engine::Project b = engine::loadProject((folder + "/trained.json").toStdString());
    QVERIFY(!a.weights.empty());
    QCOMPARE(maxDifference(a.weights, b.weights), 0.0);
}

void TestPyTorchTrainExport::twoProcessesMatchOne()
{
    requireTorch();
    // Mini-batches of 16 of 48 samples: both runs see the same global batches.
    const QString folder = exportProject(denseProject({{"type", "adam"}, {"learningRate", 0.02}},
                                             {{"batchSize", 16}, {"epochs", 2}}),
        "ddp");
    QVERIFY(!folder.isEmpty());
    const RunResult one = trainPy(folder, {"--no-onnx", "--output-dir", path("ddp1")});
    QVERIFY2(one.exitCode == 0, qPrintable(one.err));
    // --redirects/--tee: torchrun of PyTorch 1.13 on Python 3.11 fails without them.
    const RunResult two = run(kPython,
        {"-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "--redirects", "1",
            "--tee", "1", folder + "/train.py", "--quiet", "--no-onnx", "--output-dir",
            path("ddp2")});
    QVERIFY2(two.exitCode == 0, qPrintable(two.err + two.out));
    QVERIFY2(two.out.contains("final: epochs=2"), qPrintable(two.out));
    const engine::Project a = engine::loadProject(path("ddp1/trained.json").toStdString());
    const engine::Project b = engine::loadProject(path("ddp2/trained.json").toStdString());
    const double diff = maxDifference(a.weights, b.weights);
    QVERIFY2(diff <= kTolerance, qPrintable(QString("weights differ by %1").arg(diff)));
    // Biases start at zero: non-zero ones show the steps were taken.
    QVERIFY(a.weights.at(3).at("b").cwiseAbs().maxCoeff() > 0);
}

void TestPyTorchTrainExport::trainedProjectPredictsAsPyTorch()
{
    requireTorch();
    // Iris: standardized inputs, so trained.json and trained.pt must both take raw rows.
    const QString examples = QStringLiteral(NETCANVAS_EXAMPLES_DIR);
    const QString folder = path("iris.torch");
    const RunResult e = runCli({"export", examples + "/iris.json", "--pytorch-train", folder});
    QVERIFY2(e.exitCode == 0, qPrintable(e.err));
    // The project keeps its scaling statistics, so trained.json predicts on raw inputs.
    const engine::Project stored
        = engine::loadProject((folder + "/netcanvas_project.json").toStdString());
    QVERIFY(stored.dataset.options.contains("scalingStats"));
    const RunResult py = trainPy(folder, {"--epochs", "20"});
    QVERIFY2(py.exitCode == 0, qPrintable(py.err));
    QVERIFY(QFileInfo::exists(folder + "/model.onnx"));

    const QString input = path("iris_input.csv");
    QVERIFY(
        writeFile(input, "5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n5.9,3.0,4.2,1.5\n6.3,2.8,5.1,1.5\n"));
    const RunResult ours = runCli({"predict", folder + "/trained.json", "--input", input});
    QVERIFY2(ours.exitCode == 0, qPrintable(ours.err));
    const QString script
        = QStringLiteral("import sys, torch\n"
                         "sys.path.insert(0, sys.argv[1])\n"
                         "import model\n"
                         "net = model.Net()\n"
                         "net.load_state_dict(torch.load(sys.argv[1] + '/trained.pt'))\n"
                         "net.eval()\n"
                         "with torch.no_grad():\n"
                         "    y = net.predict(model.read_inputs(sys.argv[2]))\n"
                         "for row in y.tolist():\n"
                         "    print(','.join(repr(v) for v in row))\n");
    const RunResult theirs = run(kPython, {"-c", script, folder, input});
    QVERIFY2(theirs.exitCode == 0, qPrintable(theirs.err));

    const QStringList a = ours.out.trimmed().split('\n');
    const QStringList b = theirs.out.trimmed().split('\n');
    QCOMPARE(a.size(), b.size() + 1); // ours has a header
    for (int i = 0; i < b.size(); ++i) {
        const QStringList x = a[i + 1].split(',');
        const QStringList y = b[i].split(',');
        for (int c = 0; c < y.size(); ++c)
            QVERIFY2(std::abs(x[c].toDouble() - y[c].toDouble()) <= kTolerance,
                qPrintable(a[i + 1] + " vs " + b[i]));
    }
}

void TestPyTorchTrainExport::everyExampleExportsAndTrains_data()
{
    QTest::addColumn<QString>("file");
    const QDir examples(QStringLiteral(NETCANVAS_EXAMPLES_DIR));
    for (const QString& name : examples.entryList({"*.json"}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(name)) << examples.filePath(name);
}

void TestPyTorchTrainExport::everyExampleExportsAndTrains()
{
    requireTorch();
    QFETCH(QString, file);
    const nlohmann::json p = exampleCopy(file, 600);
    if (p.is_null())
        QSKIP("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    const QString name = "example_" + QFileInfo(file).baseName();
    const QString folder = exportProject(p, name, {"--allow-path", QFileInfo(file).absolutePath()});
    QVERIFY(!folder.isEmpty());
    const RunResult py = trainPy(folder, {"--epochs", "1"});
    QVERIFY2(py.exitCode == 0, qPrintable(py.err));
    QVERIFY2(py.out.startsWith("final: epochs=1 train_loss="), qPrintable(py.out));
    QVERIFY2(!py.err.contains("not written"), qPrintable(py.err));
    for (const char* out : {"trained.json", "trained.pt", "model.onnx"})
        QVERIFY2(QFileInfo::exists(folder + "/" + out), out);
    // trained.json is a NetCanvas project with every weight of the network (all required).
    try {
        const engine::TrainedModel model
            = engine::loadTrainedModel((folder + "/trained.json").toStdString());
        QVERIFY(model.graph.isCompiled());
    } catch (const std::exception& e) {
        QFAIL(e.what());
    }
}

QTEST_GUILESS_MAIN(TestPyTorchTrainExport)
#include "tst_pytorch_train_export.moc"
