// netcanvas-train as users script it (CLI.md): runs the built binary with QProcess and checks
// exit statuses, the final line, the JSON summary, reproducibility, errors, Ctrl+C and predict.

#include "data/DatasetLoading.h"
#include "export/DiagramSvg.h"
#include "project/Project.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QPainter>
#include <QProcess>
#include <QRegularExpression>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>

#include <sys/resource.h>
#include <sys/stat.h>

namespace {

struct RunResult {
    int exitCode = -1;
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    QString out;
    QString err;
};

/// Runs netcanvas-train with `args`; `childSetup`, when given, runs in the child before exec
/// (e.g. to limit the file size it may write).
RunResult runCli(const QStringList& args, const QString& workDir = {},
    const std::function<void()>& childSetup = {})
{
    QProcess p;
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    if (childSetup)
        p.setChildProcessModifier(childSetup);
    p.start(QStringLiteral(NETCANVAS_TRAIN_EXE), args);
    RunResult r;
    if (!p.waitForStarted(10000) || !p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = QStringLiteral("did not finish: ") + args.join(' ');
        return r;
    }
    r.exitCode = p.exitCode();
    r.exitStatus = p.exitStatus();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString example(const char* name)
{
    return QStringLiteral(NETCANVAS_EXAMPLES_DIR "/") + QLatin1String(name);
}

/// key -> value of the "final:" line, which must be the last line on stdout.
QMap<QString, QString> parseFinal(const QString& out)
{
    QMap<QString, QString> fields;
    const QStringList lines = out.split('\n', Qt::SkipEmptyParts);
    if (lines.isEmpty() || !lines.last().startsWith(QLatin1String("final: ")))
        return fields;
    const QStringList parts = lines.last().mid(7).split(' ', Qt::SkipEmptyParts);
    for (const QString& part : parts) {
        const qsizetype eq = part.indexOf('=');
        if (eq <= 0)
            return {};
        fields.insert(part.left(eq), part.mid(eq + 1));
    }
    return fields;
}

/// The final line without samples_per_s, the one field that depends on the machine's speed.
QString finalWithoutSpeed(const QString& out)
{
    QString line;
    for (const QString& l : out.split('\n', Qt::SkipEmptyParts)) {
        if (l.startsWith(QLatin1String("final: ")))
            line = l;
    }
    return line.remove(QRegularExpression(QStringLiteral(" samples_per_s=\\S+")));
}

double number(const QMap<QString, QString>& f, const QString& key)
{
    bool ok = false;
    const double v = f.value(key).toDouble(&ok);
    return ok ? v : std::nan("");
}

QByteArray readAll(const QString& file)
{
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString& file, const QByteArray& data)
{
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(data), data.size());
}

nlohmann::json readJson(const QString& file)
{
    return nlohmann::json::parse(readAll(file).toStdString());
}

void writeJson(const QString& file, const nlohmann::json& j)
{
    writeAll(file, QByteArray::fromStdString(j.dump(2)));
}

/// mlp_xor with its hidden layer ("small", `smallUnits`) followed by a Dense "wide" (node id 5,
/// `wideUnits`) before the output.
nlohmann::json xorWithWideLayer(int smallUnits, int wideUnits)
{
    nlohmann::json j = readJson(QStringLiteral(NETCANVAS_EXAMPLES_DIR "/mlp_xor.json"));
    j["nodes"][1]["name"] = "small";
    j["nodes"][1]["attributes"]["units"] = smallUnits;
    nlohmann::json wide = j["nodes"][1];
    wide["id"] = 5;
    wide["name"] = "wide";
    wide["attributes"]["units"] = wideUnits;
    j["nodes"].push_back(wide);
    j["edges"][1]["from"] = 5;
    j["edges"].push_back({{"from", 2}, {"fromPort", 0}, {"to", 5}, {"toPort", 0}});
    return j;
}

bool closeEnough(double a, double b)
{
    return std::abs(a - b) <= 1e-5 * std::max(1.0, std::abs(b));
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void versionAndHelp();
    void trainsXorMlp();
    void perceptronCannotLearnXor();
    void spiralAndRegression();
    void summaryMatchesFinalLine();
    void seedReproducesBitForBit();
    void outStoresTheRunHistory();
    void resumeStartsFromTheStoredWeights();
    void resumeWithoutWeightsSaysSo();
    void resumedRunEqualsTheUninterruptedOne_data();
    void resumedRunEqualsTheUninterruptedOne();
    void badCommandLine_data();
    void badCommandLine();
    void malformedProject_data();
    void malformedProject();
    void divergenceExitsWith2();
    void ctrlCStopsWithoutOutput();
    void longRunIsWarnedBeforeTheFirstBatch();
    void datasetOutsideProjectNeedsAllowPath();
    void pipeAsDatasetIsRefused();
    void predictRoundTrip();
    void predictNamesClasses();
    void predictReportsBadCsv_data();
    void predictReportsBadCsv();
    void exportWeightsNpy();
    void exportWeightsNpyFailsWholly();
    void exportSvgDiagram_data();
    void exportSvgDiagram();
    void exportSvgAutoLayoutAndErrors();

private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }
    /// Trains mlp_xor once and returns the trained project's path (shared by predict/export).
    QString trainedXorModel();
    QString m_trainedModel;
};

void TestCli::initTestCase()
{
    QVERIFY2(QFile::exists(QStringLiteral(NETCANVAS_TRAIN_EXE)), NETCANVAS_TRAIN_EXE);
    QVERIFY(m_dir.isValid());
}

QString TestCli::trainedXorModel()
{
    if (m_trainedModel.isEmpty()) {
        const QString model = path("xor_trained.json");
        const RunResult r = runCli({example("mlp_xor.json"), "--quiet", "--out", model});
        if (r.exitCode == 0 && QFile::exists(model))
            m_trainedModel = model;
    }
    return m_trainedModel;
}

void TestCli::versionAndHelp()
{
    const RunResult v = runCli({"--version"});
    QCOMPARE(v.exitCode, 0);
    QVERIFY2(v.out.startsWith(QStringLiteral("netcanvas-train " NETCANVAS_VERSION "\n")),
        qPrintable(v.out));
    QVERIFY2(v.out.contains(QLatin1String("GEMM")), qPrintable(v.out));

    const RunResult h = runCli({"--help"});
    QCOMPARE(h.exitCode, 0);
    for (const char* word :
        {"--epochs", "--seed", "--threads", "--out", "--summary", "--quiet", "predict", "export"})
        QVERIFY2(h.out.contains(QLatin1String(word)), word);
}

void TestCli::trainsXorMlp()
{
    const RunResult r = runCli({example("mlp_xor.json")});
    QCOMPARE(r.exitStatus, QProcess::NormalExit);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto f = parseFinal(r.out);
    QVERIFY2(!f.isEmpty(), qPrintable(r.out));
    QCOMPARE(f.value("stopped"), QStringLiteral("completed"));
    QCOMPARE(number(f, "train_accuracy"), 1.0);
    QVERIFY(number(f, "train_loss") < 0.1);
    QVERIFY(number(f, "val_accuracy") >= 0.9);
    QVERIFY(number(f, "samples_per_s") > 0);
    QVERIFY(!f.contains("test_accuracy")); // the example has no test split

    // One progress line per epoch on stderr, with the promised keys.
    const int epochs = f.value("epochs").toInt();
    QVERIFY(epochs > 0);
    const QStringList lines = r.err.split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), epochs);
    const QString last = lines.last();
    QVERIFY2(last.startsWith(QStringLiteral("epoch %1/%1 ").arg(epochs)), qPrintable(last));
    for (const char* key :
        {"train_loss=", "train_accuracy=", "val_loss=", "val_accuracy=", "samples/s=", "elapsed="})
        QVERIFY2(last.contains(QLatin1String(key)), key);

    const RunResult quiet = runCli({example("mlp_xor.json"), "--quiet", "--epochs", "3"});
    QCOMPARE(quiet.exitCode, 0);
    QVERIFY2(quiet.err.isEmpty(), qPrintable(quiet.err));
    QCOMPARE(parseFinal(quiet.out).value("epochs"), QStringLiteral("3"));
}

void TestCli::perceptronCannotLearnXor()
{
    const RunResult r = runCli({example("perceptron_xor.json"), "--quiet"});
    QCOMPARE(r.exitCode, 0);
    const auto f = parseFinal(r.out);
    QCOMPARE(f.value("stopped"), QStringLiteral("completed"));
    // A line through XOR gets at most 3 of 4 quadrants right; in practice it stays near chance.
    QVERIFY2(number(f, "train_accuracy") < 0.75, qPrintable(r.out));
    QVERIFY2(number(f, "train_loss") > 0.5, qPrintable(r.out));
}

void TestCli::spiralAndRegression()
{
    const RunResult s = runCli({example("spiral.json"), "--quiet"});
    QCOMPARE(s.exitCode, 0);
    QVERIFY2(number(parseFinal(s.out), "train_accuracy") >= 0.95, qPrintable(s.out));

    const RunResult r = runCli({example("regression_plane.json"), "--quiet"});
    QCOMPARE(r.exitCode, 0);
    const auto f = parseFinal(r.out);
    QVERIFY2(number(f, "train_loss") < 0.01, qPrintable(r.out));
    QVERIFY(f.contains("val_loss"));
    QVERIFY(f.contains("test_loss"));
    // Accuracy does not apply to regression, so it is omitted.
    QVERIFY(!f.contains("train_accuracy"));
    QVERIFY(!f.contains("val_accuracy"));
    QVERIFY(!f.contains("test_accuracy"));
}

void TestCli::summaryMatchesFinalLine()
{
    for (const char* name : {"mlp_xor.json", "regression_plane.json"}) {
        const QString summary = path(QStringLiteral("summary_%1").arg(QLatin1String(name)));
        const RunResult r = runCli({example(name), "--quiet", "--summary", summary});
        QCOMPARE(r.exitCode, 0);
        const auto f = parseFinal(r.out);
        const nlohmann::json j = readJson(summary);

        QCOMPARE(j.at("epochs").get<int>(), f.value("epochs").toInt());
        QCOMPARE(QString::fromStdString(j.at("stopped").get<std::string>()), f.value("stopped"));
        QVERIFY(std::abs(j.at("samples_per_s").get<double>() - number(f, "samples_per_s")) <= 1);
        const std::pair<const char*, const char*> groups[]
            = {{"train", "train"}, {"validation", "val"}, {"test", "test"}};
        for (const auto& [group, prefix] : groups) {
            const QString loss = QStringLiteral("%1_loss").arg(QLatin1String(prefix));
            const QString acc = QStringLiteral("%1_accuracy").arg(QLatin1String(prefix));
            QCOMPARE(j.contains(group), f.contains(loss));
            if (!j.contains(group))
                continue;
            QVERIFY(closeEnough(j[group].at("loss").get<double>(), number(f, loss)));
            QCOMPARE(j[group].contains("accuracy"), f.contains(acc));
            if (f.contains(acc))
                QVERIFY(closeEnough(j[group].at("accuracy").get<double>(), number(f, acc)));
        }
    }
}

void TestCli::seedReproducesBitForBit()
{
    const QString a = path("seed_a.json"), b = path("seed_b.json"), c = path("seed_c.json");
    const QStringList common
        = {example("spiral.json"), "--quiet", "--epochs", "20", "--threads", "2"};
    const RunResult ra = runCli(common + QStringList {"--seed", "7", "--out", a});
    const RunResult rb = runCli(common + QStringList {"--seed", "7", "--out", b});
    const RunResult rc = runCli(common + QStringList {"--seed", "8", "--out", c});
    QCOMPARE(ra.exitCode, 0);
    QCOMPARE(rb.exitCode, 0);
    QCOMPARE(rc.exitCode, 0);
    QCOMPARE(finalWithoutSpeed(ra.out), finalWithoutSpeed(rb.out));
    const QByteArray fa = readAll(a);
    QVERIFY(!fa.isEmpty());
    QVERIFY(fa == readAll(b));
    // The seed matters: another one trains other weights.
    QVERIFY(fa != readAll(c));
    QVERIFY(finalWithoutSpeed(ra.out) != finalWithoutSpeed(rc.out));
    // The trained project records the seed it was trained with.
    QCOMPARE(readJson(a).at("training").at("seed").get<int>(), 7);
}

void TestCli::outStoresTheRunHistory()
{
    const QString model = path("history_xor.json");
    const RunResult r = runCli(
        {example("mlp_xor.json"), "--quiet", "--epochs", "5", "--seed", "3", "--out", model});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto f = parseFinal(r.out);
    const nlohmann::json j = readJson(model);
    QVERIFY2(j.contains("history"), j.dump().substr(0, 300).c_str());
    const nlohmann::json& h = j["history"];
    QVERIFY2(h.at("label").get<std::string>().find("seed 3") != std::string::npos,
        h.at("label").dump().c_str());
    QCOMPARE(h.at("settings").at("epochs").get<int>(), 5);
    const nlohmann::json& epochs = h.at("epochs");
    QCOMPARE(int(epochs.size()), 5);
    for (int e = 0; e < 5; ++e)
        QCOMPARE(epochs[std::size_t(e)].at("epoch").get<int>(), e + 1);
    // The last epoch is the run's final result.
    const nlohmann::json& last = epochs.back();
    QVERIFY(closeEnough(last.at("trainLoss").get<double>(), number(f, "train_loss")));
    QVERIFY(closeEnough(last.at("validationLoss").get<double>(), number(f, "val_loss")));
    QVERIFY(closeEnough(last.at("validationAccuracy").get<double>(), number(f, "val_accuracy")));
    QVERIFY(last.contains("trainAccuracy"));

    // Regression: losses only.
    const QString plane = path("history_plane.json");
    const RunResult p
        = runCli({example("regression_plane.json"), "--quiet", "--epochs", "2", "--out", plane});
    QCOMPARE(p.exitCode, 0);
    const nlohmann::json pe = readJson(plane).at("history").at("epochs");
    QCOMPARE(int(pe.size()), 2);
    QVERIFY(pe[0].contains("validationLoss"));
    QVERIFY(!pe[0].contains("trainAccuracy"));
    QVERIFY(!pe[0].contains("validationAccuracy"));
}

void TestCli::resumeStartsFromTheStoredWeights()
{
    const QString trained = path("resume_xor.json");
    const RunResult first = runCli(
        {example("mlp_xor.json"), "--quiet", "--epochs", "5", "--seed", "3", "--out", trained});
    QVERIFY2(first.exitCode == 0, qPrintable(first.err));
    const nlohmann::json epochs = readJson(trained).at("history").at("epochs");
    QCOMPARE(int(epochs.size()), 5);
    const double freshLoss = epochs.front().at("trainLoss").get<double>();
    const double trainedLoss = epochs.back().at("trainLoss").get<double>();
    // The test below means something only when 5 epochs moved the loss well away from a fresh
    // network's.
    QVERIFY2(trainedLoss < 0.5 * freshLoss,
        qPrintable(QStringLiteral("fresh %1, trained %2").arg(freshLoss).arg(trainedLoss)));

    const QString resumedFile = path("resume_xor_more.json");
    const RunResult resumed = runCli(
        {trained, "--quiet", "--epochs", "1", "--seed", "3", "--resume", "--out", resumedFile});
    QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
    const double resumedLoss = number(parseFinal(resumed.out), "train_loss");
    // The run goes on from the trained loss; a fresh start would be near freshLoss.
    QVERIFY2(std::abs(resumedLoss - trainedLoss) < 0.25 * std::abs(freshLoss - trainedLoss),
        qPrintable(QStringLiteral("fresh %1, trained %2, resumed %3")
                       .arg(freshLoss)
                       .arg(trainedLoss)
                       .arg(resumedLoss)));

    // Without --resume the same file starts afresh (the stored weights are ignored).
    const RunResult again = runCli({trained, "--quiet", "--epochs", "1", "--seed", "3"});
    QCOMPARE(again.exitCode, 0);
    QVERIFY2(std::abs(number(parseFinal(again.out), "train_loss") - freshLoss) < 1e-6,
        qPrintable(again.out));
}

void TestCli::resumeWithoutWeightsSaysSo()
{
    const QString untrained = example("mlp_xor.json");
    const RunResult r = runCli({untrained, "--quiet", "--resume", "--out", path("nothing.json")});
    QCOMPARE(r.exitStatus, QProcess::NormalExit);
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.endsWith('\n') && r.err.count('\n') == 1, qPrintable(r.err));
    QVERIFY2(
        r.err.contains(untrained) && r.err.contains(QLatin1String("--resume")), qPrintable(r.err));
    QVERIFY(!QFile::exists(path("nothing.json")));
}

void TestCli::resumedRunEqualsTheUninterruptedOne_data()
{
    QTest::addColumn<QString>("optimizer");
    for (const char* type : {"sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"})
        QTest::newRow(type) << QString::fromLatin1(type);
}

// Iris with a Dropout layer (its masks come from a generator of their own), a validation split
// and early stopping's bookkeeping: 10 epochs, then 10 resumed from the written file, give the
// weights of 20 epochs in one run. Before the trained file stored the optimizer state, the
// epoch and the generators, the resumed run restarted all three.
void TestCli::resumedRunEqualsTheUninterruptedOne()
{
    QFETCH(QString, optimizer);
    nlohmann::json j = readJson(example("iris.json"));
    j["dataset"]["path"] = example("iris.csv").toStdString();
    j["nodes"].push_back({{"id", 9}, {"type", "Dropout"}, {"name", "drop"},
        {"position", {360, 300}}, {"attributes", {{"rate", 0.3}}}});
    j["edges"] = nlohmann::json::array({{{"from", 1}, {"to", 2}}, {{"from", 2}, {"to", 9}},
        {{"from", 9}, {"to", 3}}, {{"from", 3}, {"to", 4}}});
    j["training"]["optimizer"] = {{"type", optimizer.toStdString()}, {"learningRate", 0.01}};
    j["training"]["earlyStoppingPatience"] = 50;
    const QString project = path("resume_iris_" + optimizer + ".json");
    writeJson(project, j);
    const QStringList common {"--quiet", "--threads", "2", "--allow-path", NETCANVAS_EXAMPLES_DIR};

    const QString whole = path("resume_whole_" + optimizer + ".json");
    const RunResult w = runCli(QStringList {project, "--epochs", "20", "--out", whole} + common);
    QVERIFY2(w.exitCode == 0, qPrintable(w.err));
    const QString half = path("resume_half_" + optimizer + ".json");
    const RunResult h = runCli(QStringList {project, "--epochs", "10", "--out", half} + common);
    QVERIFY2(h.exitCode == 0, qPrintable(h.err));
    const QString resumed = path("resume_resumed_" + optimizer + ".json");
    const RunResult r = runCli(
        QStringList {half, "--epochs", "10", "--resume", "--out", resumed} + common);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(parseFinal(r.out).value("epochs"), QStringLiteral("20"));
    QCOMPARE(number(parseFinal(r.out), "val_loss"), number(parseFinal(w.out), "val_loss"));

    const engine::Project a = engine::loadProject(whole.toStdString());
    const engine::Project b = engine::loadProject(resumed.toStdString());
    QCOMPARE(a.weights.size(), b.weights.size());
    double largest = 0;
    for (const auto& [id, params] : a.weights)
        for (const auto& [name, value] : params)
            largest = std::max(largest,
                double((value - b.weights.at(id).at(name)).cwiseAbs().maxCoeff()));
    QVERIFY2(largest < 1e-6, qPrintable(QStringLiteral("largest difference %1").arg(largest)));
    // The resumed file's curves go on from the first run's: 20 epochs, numbered 1..20, and the
    // stored state says where the run stands (so that resuming again goes on from 20).
    const auto& epochs = b.history.epochs;
    QCOMPARE(int(epochs.size()), 20);
    QCOMPARE(epochs.back().epoch, 20);
    QVERIFY(b.trainingState.has_value());
    QCOMPARE(b.trainingState->epochsDone, 20);
    QCOMPARE(b.training.epochs, 10); // the project's own setting is kept
}

void TestCli::badCommandLine_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    const QString xor_ = example("mlp_xor.json");
    QTest::newRow("unknown option") << QStringList {xor_, "--bogus"} << "--bogus";
    QTest::newRow("epochs not a number") << QStringList {xor_, "--epochs", "abc"} << "--epochs";
    QTest::newRow("epochs zero") << QStringList {xor_, "--epochs=0"} << "--epochs";
    QTest::newRow("epochs missing value") << QStringList {xor_, "--epochs"} << "--epochs";
    QTest::newRow("negative seed") << QStringList {xor_, "--seed", "-1"} << "--seed";
    QTest::newRow("threads zero") << QStringList {xor_, "--threads", "0"} << "--threads";
    QTest::newRow("no project") << QStringList {} << "PROJECT.json";
    QTest::newRow("two projects") << QStringList {xor_, xor_} << "unexpected";
    QTest::newRow("predict without input") << QStringList {"predict", xor_} << "--input";
    QTest::newRow("export without kind") << QStringList {"export", xor_} << "--weights-npy";
}

void TestCli::badCommandLine()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    const RunResult r = runCli(args);
    QCOMPARE(r.exitStatus, QProcess::NormalExit);
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.endsWith('\n') && r.err.count('\n') == 1, qPrintable(r.err));
    QVERIFY2(r.err.startsWith(QLatin1String("netcanvas-train: ")), qPrintable(r.err));
    QVERIFY2(r.err.contains(mentions), qPrintable(r.err));
}

void TestCli::malformedProject_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("where");

    const nlohmann::json good = readJson(example("mlp_xor.json"));
    QTest::newRow("syntax error") << QByteArray("{\"format\": \"netcanvas\",\n \"nodes\": [}")
                                  << "line 2";
    nlohmann::json badUnits = good;
    badUnits["nodes"][1]["attributes"]["units"] = -3;
    QTest::newRow("bad units") << QByteArray::fromStdString(badUnits.dump())
                               << "nodes[1].attributes.units";
    nlohmann::json badBatch = good;
    badBatch["training"]["batchSize"] = "many";
    QTest::newRow("bad batch size")
        << QByteArray::fromStdString(badBatch.dump()) << "training.batchSize";
    nlohmann::json badGenerator = good;
    badGenerator["dataset"]["generator"] = "moons";
    QTest::newRow("unknown generator")
        << QByteArray::fromStdString(badGenerator.dump()) << "dataset.generator";
    nlohmann::json unconnected = good;
    unconnected["edges"] = nlohmann::json::array({unconnected["edges"][0]});
    QTest::newRow("unconnected loss") << QByteArray::fromStdString(unconnected.dump()) << "loss";
    nlohmann::json wrongOutputs = good;
    wrongOutputs["nodes"][2]["attributes"]["units"] = 3;
    QTest::newRow("outputs do not fit the classes")
        << QByteArray::fromStdString(wrongOutputs.dump()) << "3 outputs";
    QTest::newRow("missing file") << QByteArray() << "";
}

void TestCli::malformedProject()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, where);
    const QString file
        = path(QStringLiteral("malformed_%1.json").arg(QTest::currentDataTag()).replace(' ', '_'));
    QFile::remove(file);
    if (!content.isEmpty())
        writeAll(file, content);
    const QString out = path("malformed_out.json");
    const RunResult r = runCli({file, "--quiet", "--out", out});
    QCOMPARE(r.exitStatus, QProcess::NormalExit);
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.count('\n') == 1, qPrintable(r.err));
    QVERIFY2(r.err.startsWith(file + ": "), qPrintable(r.err));
    QVERIFY2(r.err.contains(where), qPrintable(r.err));
    QVERIFY(!QFile::exists(out));
}

void TestCli::divergenceExitsWith2()
{
    nlohmann::json p = readJson(example("regression_plane.json"));
    p["training"]["optimizer"] = {{"type", "sgd"}, {"learningRate", 1000.0}};
    const QString file = path("diverging.json");
    writeJson(file, p);
    const QString out = path("diverged_out.json");
    const QString summary = path("diverged_summary.json");
    const RunResult r = runCli({file, "--out", out, "--summary", summary});
    QCOMPARE(r.exitStatus, QProcess::NormalExit);
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(parseFinal(r.out).value("stopped"), QStringLiteral("diverged"));
    QVERIFY2(r.err.contains(QLatin1String("learning rate")), qPrintable(r.err));
    QVERIFY(!QFile::exists(out));
    QCOMPARE(readJson(summary).at("stopped").get<std::string>(), std::string("diverged"));
}

void TestCli::ctrlCStopsWithoutOutput()
{
    const QString out = path("interrupted_out.json");
    const QString summary = path("interrupted_summary.json");
    QProcess p;
    p.setReadChannel(QProcess::StandardError);
    p.start(QStringLiteral(NETCANVAS_TRAIN_EXE),
        {example("mlp_xor.json"), "--epochs", "1000000", "--out", out, "--summary", summary});
    QVERIFY(p.waitForStarted(10000));
    // Interrupt once training is under way (its first progress line is out).
    QByteArray err;
    while (!err.contains("epoch 1/")) {
        if (!p.waitForReadyRead(60000)) {
            p.kill();
            p.waitForFinished();
            QFAIL("no progress line");
        }
        err += p.readAllStandardError();
    }
    QCOMPARE(::kill(static_cast<pid_t>(p.processId()), SIGINT), 0);
    const bool finished = p.waitForFinished(30000);
    if (!finished) {
        p.kill();
        p.waitForFinished();
    }
    QVERIFY2(finished, "SIGINT did not stop the run");
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 130);
    const auto f = parseFinal(QString::fromUtf8(p.readAllStandardOutput()));
    QCOMPARE(f.value("stopped"), QStringLiteral("interrupted"));
    QVERIFY(f.value("epochs").toInt() < 1000000);
    QVERIFY(!QFile::exists(out));
    QVERIFY(!QFile::exists(summary));
    const QStringList leftovers = QDir(m_dir.path()).entryList({"interrupted_*"});
    QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(' ')));
}

/// Dense 4096 -> 4096 on XOR for 100000 epochs: about 100 MFLOP per sample, hours in all. The
/// warning comes before training starts, not after a batch or an epoch.
void TestCli::longRunIsWarnedBeforeTheFirstBatch()
{
    nlohmann::json j = xorWithWideLayer(4096, 4096);
    j["training"]["epochs"] = 100000;
    const QString project = path("long_run.json");
    writeJson(project, j);
    QProcess p;
    p.setReadChannel(QProcess::StandardError);
    p.start(QStringLiteral(NETCANVAS_TRAIN_EXE), {project, "--threads", "2"});
    QVERIFY(p.waitForStarted(10000));
    QByteArray err;
    while (!err.contains('\n') && p.waitForReadyRead(60000))
        err += p.readAllStandardError();
    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
    }
    const QByteArray first = err.left(err.indexOf('\n'));
    QVERIFY2(first.startsWith("netcanvas-train: warning: this run will take at least "),
        err.constData());
    QVERIFY2(first.contains(" h ") || first.contains(" days "), first.constData());
    QCOMPARE(p.exitCode(), 130);
}

void TestCli::predictRoundTrip()
{
    const QString model = trainedXorModel();
    QVERIFY(!model.isEmpty());
    // The four XOR quadrants, with a header row and a blank line and spaces to ignore.
    const QString input = path("xor_points.csv");
    writeAll(input, "x1,x2\n3,4\n-2.5,3\n 4 , -1.5\n\n-3,-3.5\n");
    const QString output = path("xor_predictions.csv");
    const RunResult r = runCli({"predict", model, "--input", input, "--output", output});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(r.out.isEmpty());

    const QStringList lines = QString::fromUtf8(readAll(output)).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 5);
    QCOMPARE(lines[0], QStringLiteral("p1,label"));
    const int expected[] = {1, 0, 0, 1};
    for (int i = 0; i < 4; ++i) {
        const QStringList cells = lines[i + 1].split(',');
        QCOMPARE(cells.size(), 2);
        bool ok = false;
        const double p1 = cells[0].toDouble(&ok);
        QVERIFY(ok);
        QVERIFY(p1 >= 0 && p1 <= 1);
        QCOMPARE(cells[1].toInt(), expected[i]);
        QCOMPARE(p1 > 0.5, expected[i] == 1);
    }

    // Without --output the same CSV goes to stdout; a header is optional.
    const QString noHeader = path("xor_points_no_header.csv");
    writeAll(noHeader, "3,4\n-2.5,3\n4,-1.5\n-3,-3.5\n");
    const RunResult s = runCli({"predict", model, "--input", noHeader});
    QCOMPARE(s.exitCode, 0);
    QCOMPARE(s.out.toUtf8(), readAll(output));
}

/// Where the data names its classes (Iris species), predict adds a label_name column, also when
/// it runs the exported ONNX file (which carries the names).
void TestCli::predictNamesClasses()
{
    // The project and its data side by side, as a user moves an example folder.
    nlohmann::json iris = readJson(example("iris.json"));
    QVERIFY(QFile::copy(example("iris.csv"), path("iris.csv")));
    iris["dataset"]["path"] = "iris.csv";
    const QString project = path("iris.json");
    writeJson(project, iris);
    const QString model = path("iris_trained.json");
    const RunResult trained = runCli({project, "--quiet", "--epochs", "40", "--out", model});
    QVERIFY2(trained.exitCode == 0, qPrintable(trained.err));

    // Raw rows of each species (iris.csv: setosa, versicolor, virginica).
    const QString input = path("iris_rows.csv");
    writeAll(input,
        "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n"
        "6.4,3.2,4.5,1.5\n7.7,3.0,6.1,2.3\n");
    const RunResult r = runCli({"predict", model, "--input", input});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines[0], QStringLiteral("p0,p1,p2,label,label_name"));
    const QStringList species {"setosa", "versicolor", "virginica"};
    for (int i = 0; i < 3; ++i) {
        const QStringList cells = lines[i + 1].split(',');
        QCOMPARE(cells.size(), 5);
        const int label = cells[3].toInt();
        QVERIFY(label >= 0 && label < 3);
        QCOMPARE(cells[4], species[label]);
        QCOMPARE(cells[4], species[i]); // trained on raw rows' scaling: each flower right
    }

    const QString onnx = path("iris.onnx");
    const RunResult exported = runCli({"export", model, "--onnx", onnx});
    QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
    const RunResult fromOnnx = runCli({"predict", onnx, "--input", input});
    QVERIFY2(fromOnnx.exitCode == 0, qPrintable(fromOnnx.err));
    QCOMPARE(fromOnnx.out, r.out);
}

void TestCli::predictReportsBadCsv_data()
{
    QTest::addColumn<QByteArray>("csv");
    QTest::addColumn<QString>("where");
    QTest::newRow("not a number") << QByteArray("a,b\n1,2\n3,abc\n") << "row 3, column 2";
    QTest::newRow("too many columns") << QByteArray("1,2\n1,2,3\n") << "row 2";
    QTest::newRow("too few columns") << QByteArray("1\n") << "row 1";
    QTest::newRow("no rows") << QByteArray("x,y\n") << "no data rows";
    // Not finite or beyond float: refused, never a "-nan" prediction with exit 0.
    QTest::newRow("nan") << QByteArray("a,b\n1,2\nnan,1\n") << "row 3, column 1";
    QTest::newRow("inf") << QByteArray("a,b\n1,inf\n") << "row 2, column 2";
    QTest::newRow("1e39") << QByteArray("1e39,1\n") << "row 1, column 1";
}

void TestCli::predictReportsBadCsv()
{
    QFETCH(QByteArray, csv);
    QFETCH(QString, where);
    const QString model = trainedXorModel();
    QVERIFY(!model.isEmpty());
    const QString input = path("bad_input.csv");
    writeAll(input, csv);
    const QString output = path("bad_predictions.csv");
    const RunResult r = runCli({"predict", model, "--input", input, "--output", output});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.count('\n') == 1, qPrintable(r.err));
    QVERIFY2(r.err.startsWith(input + ": " + where), qPrintable(r.err));
    QVERIFY(!QFile::exists(output));
}

void TestCli::exportWeightsNpy()
{
    const QString model = trainedXorModel();
    QVERIFY(!model.isEmpty());
    const QString dir = path("npy");
    const RunResult r = runCli({"export", model, "--weights-npy", dir});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));

    const engine::Project project = engine::loadProject(model.toStdString());
    int arrays = 0;
    for (const auto& [id, params] : project.weights) {
        std::string nodeName;
        for (const auto& n : project.nodes) {
            if (n.id == id)
                nodeName = n.name;
        }
        for (const auto& [param, value] : params) {
            ++arrays;
            const QString file
                = dir + '/' + QString::fromStdString(nodeName + "." + param) + ".npy";
            const QByteArray bytes = readAll(file);
            QVERIFY2(bytes.startsWith(QByteArray("\x93NUMPY\x01\x00", 8)), qPrintable(file));
            const int headerLength = uchar(bytes[8]) | (uchar(bytes[9]) << 8);
            QCOMPARE((10 + headerLength) % 16, 0);
            const QByteArray header = bytes.mid(10, headerLength);
            QVERIFY2(header.contains("'descr': '<f4'"), header.constData());
            QVERIFY(header.contains("'fortran_order': False"));
            const QByteArray shape = value.cols() == 1
                ? QByteArray("(") + QByteArray::number(value.rows()) + ",)"
                : QByteArray("(") + QByteArray::number(value.rows()) + ", "
                    + QByteArray::number(value.cols()) + ")";
            QVERIFY2(header.contains("'shape': " + shape), header.constData());
            QCOMPARE(bytes.size(), 10 + headerLength + qsizetype(value.size()) * 4);
            // Row-major data, as NumPy's C order expects.
            const char* data = bytes.constData() + 10 + headerLength;
            for (Eigen::Index row = 0; row < value.rows(); ++row) {
                for (Eigen::Index col = 0; col < value.cols(); ++col) {
                    float v = 0;
                    std::memcpy(&v, data + 4 * (row * value.cols() + col), 4);
                    QVERIFY(v == float(value(row, col))); // bit-exact, not fuzzy
                }
            }
        }
    }
    QCOMPARE(arrays, 4); // hidden.W, hidden.b, output.W, output.b
    QCOMPARE(QDir(dir).entryList(QDir::Files).size(), arrays);
}

/// A write that fails half-way (here: a file-size limit, as a full disk would) leaves the target
/// folder as it was and no temporary behind; a stale temporary of ours is removed next time.
void TestCli::exportWeightsNpyFailsWholly()
{
    // input -> small (1 unit) -> wide (64 units) -> output: the small layer's arrays come first
    // (node id order) and fit under the limit, the output's 1x64 W does not.
    nlohmann::json j = xorWithWideLayer(1, 64);
    j["training"]["epochs"] = 1;
    const QString project = path("npy_fail.json");
    writeJson(project, j);
    const QString trained = path("npy_fail_trained.json");
    const RunResult t = runCli({project, "--quiet", "--out", trained});
    QVERIFY2(t.exitCode == 0, qPrintable(t.err));

    const QString parent = path("npy_fail_parent");
    const QString dir = parent + "/weights";
    QVERIFY(QDir().mkpath(dir));
    writeAll(dir + "/small.W.npy", "old weights");
    writeAll(dir + "/notes.txt", "mine");
    // A temporary folder a killed export left two minutes ago.
    const QString stale = parent + "/.weights.tmp-1-0";
    QVERIFY(QDir().mkpath(stale));
    writeAll(stale + "/small.W.npy", "half");
    const auto twoMinutesAgo
        = std::filesystem::file_time_type::clock::now() - std::chrono::minutes(2);
    std::filesystem::last_write_time(stale.toStdString(), twoMinutesAgo);

    const RunResult r = runCli({"export", trained, "--weights-npy", dir}, {}, [] {
        // 300 bytes per file: small.W (136) and small.b (132) fit, output.W (384) does not.
        const rlimit limit {300, 300};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        std::signal(SIGXFSZ, SIG_IGN);
    });
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.count('\n') == 1, qPrintable(r.err));
    QVERIFY2(r.err.startsWith(dir), qPrintable(r.err));
    QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden).size(), 2);
    QCOMPARE(readAll(dir + "/small.W.npy"), QByteArray("old weights"));
    QCOMPARE(readAll(dir + "/notes.txt"), QByteArray("mine"));
    QCOMPARE(QDir(parent).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
        QStringList {"weights"}); // the stale temporary went too

    // Without the limit the export replaces the arrays and keeps the folder's other files.
    const RunResult ok = runCli({"export", trained, "--weights-npy", dir});
    QVERIFY2(ok.exitCode == 0, qPrintable(ok.err));
    QVERIFY(readAll(dir + "/small.W.npy").startsWith("\x93NUMPY"));
    QCOMPARE(readAll(dir + "/notes.txt"), QByteArray("mine"));
    QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden).size(), 7); // 6 arrays + notes
    QCOMPARE(QDir(parent).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
        QStringList {"weights"});
}

void TestCli::exportSvgDiagram_data()
{
    QTest::addColumn<QString>("project");
    QTest::addColumn<bool>("trained");
    QTest::newRow("fashion_cnn") << example("fashion_cnn.json") << false;
    QTest::newRow("spiral") << example("spiral.json") << false;
    QTest::newRow("trained xor") << QString() << true;
}

void TestCli::exportSvgDiagram()
{
    QFETCH(QString, project);
    QFETCH(bool, trained);
    if (trained)
        project = trainedXorModel();
    QVERIFY(!project.isEmpty());
    const QString stem = QString::fromLatin1(QTest::currentDataTag()).replace(' ', '_');
    const QString target = path(stem + ".svg");
    const RunResult r = runCli({"export", project, "--svg", target});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(target), qPrintable(r.out));

    // Well-formed XML whose <text> elements name every node.
    const QByteArray svg = readAll(target);
    QXmlStreamReader xml(svg);
    QStringList texts;
    bool rootIsSvg = false;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (xml.name() == QLatin1String("svg") && texts.isEmpty())
            rootIsSvg = true;
        if (xml.name() == QLatin1String("text"))
            texts << xml.readElementText();
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(rootIsSvg);
    const engine::Project p = engine::loadProject(project.toStdString());
    QVERIFY(!p.nodes.empty());
    for (const engine::NodeRecord& n : p.nodes)
        QVERIFY2(texts.contains(QString::fromStdString(n.name)), n.name.c_str());

    // No two boxes overlap, and the picture holds them all.
    // Shapes as the CLI finds them: from the dataset when the Input leaves the shape open.
    std::optional<engine::GraphContext> context;
    if (p.nodes.front().attributes.value("shape", nlohmann::json::array()).empty()) {
        const engine::Dataset data = engine::loadDataset(p.dataset, m_dir.path().toStdString());
        context = engine::GraphContext {data.inputShape,
            data.task == engine::TaskKind::Classification ? data.numClasses : 0, data.targetRows()};
    }
    const engine::DiagramLayout layout = engine::layoutDiagram(p, context);
    QCOMPARE(layout.boxes.size(), p.nodes.size());
    for (std::size_t i = 0; i < layout.boxes.size(); ++i) {
        const engine::DiagramBox& a = layout.boxes[i];
        QVERIFY(a.x >= 0 && a.y >= 0 && a.x + a.width <= layout.width
            && a.y + a.height <= layout.height);
        for (std::size_t j = i + 1; j < layout.boxes.size(); ++j) {
            const engine::DiagramBox& b = layout.boxes[j];
            const bool apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y
                || b.y + b.height <= a.y;
            QVERIFY2(apart, qPrintable(QString("boxes %1 and %2 overlap").arg(a.id).arg(b.id)));
        }
    }

    // Qt's own SVG renderer draws it (the PNG is kept for a look: NETCANVAS_SVG_PNG_DIR).
    QSvgRenderer renderer(svg);
    QVERIFY(renderer.isValid());
    QCOMPARE(renderer.defaultSize(), QSize(int(layout.width), int(layout.height)));
    QImage image(renderer.defaultSize(), QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    renderer.render(&painter);
    painter.end();
    long inked = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            inked += image.pixel(x, y) != qRgb(255, 255, 255) ? 1 : 0;
    QVERIFY(qAlpha(image.pixel(0, 0)) == 255); // the white background was drawn
    QVERIFY2(inked > 0.05 * image.width() * image.height(), "the drawing is nearly empty");
    const QString pngDir = qEnvironmentVariable("NETCANVAS_SVG_PNG_DIR", m_dir.path());
    QVERIFY(image.save(QDir(pngDir).filePath("export-" + stem + ".png")));
}

void TestCli::exportSvgAutoLayoutAndErrors()
{
    // Every node at the same place (no positions stored): a left-to-right layout.
    nlohmann::json j = readJson(example("spiral.json"));
    for (auto& n : j["nodes"])
        n["position"] = {0, 0};
    const engine::Project p = engine::Project::fromJson(j);
    const engine::DiagramLayout layout = engine::layoutDiagram(p);
    QVERIFY(layout.autoLayout);
    std::map<engine::NodeId, engine::DiagramBox> boxes;
    for (const engine::DiagramBox& b : layout.boxes)
        boxes[b.id] = b;
    for (const engine::Edge& e : p.edges)
        QVERIFY2(boxes.at(e.from).x + boxes.at(e.from).width < boxes.at(e.to).x,
            "edges run left to right");
    const QString unplaced = path("unplaced.json");
    writeJson(unplaced, j);
    QCOMPARE(runCli({"export", unplaced, "--svg", path("unplaced.svg")}).exitCode, 0);

    // Bad input: one line naming the file and the place, nothing written.
    j["nodes"][1]["type"] = "Warp";
    const QString broken = path("broken.json");
    writeJson(broken, j);
    const QString target = path("broken.svg");
    const RunResult r = runCli({"export", broken, "--svg", target});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.count('\n') == 1, qPrintable(r.err));
    QVERIFY2(r.err.contains("broken.json") && r.err.contains("nodes[1]"), qPrintable(r.err));
    QVERIFY(!QFile::exists(target));
    const RunResult missing = runCli({"export", path("missing.json"), "--svg", target});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains("missing.json"), qPrintable(missing.err));
    QVERIFY(!QFile::exists(target));

    // ONNX export and predict exist (tst_export checks them); a missing file is bad input.
    const RunResult onnx = runCli({"predict", path("missing.onnx"), "--input", path("x.csv")});
    QCOMPARE(onnx.exitCode, 1);
    QVERIFY2(onnx.err.count('\n') == 1, qPrintable(onnx.err));
    QVERIFY2(onnx.err.contains(QLatin1String("missing.onnx")), qPrintable(onnx.err));
}

// A GUI application: QSvgRenderer draws text, which needs the font database.
void TestCli::datasetOutsideProjectNeedsAllowPath()
{
    // A project in project/ whose dataset reaches out to ../outside/series.csv.
    QVERIFY(
        QDir(m_dir.path()).mkpath("paths/project") && QDir(m_dir.path()).mkpath("paths/outside"));
    QByteArray csv = "t,value\n";
    for (int i = 0; i < 60; ++i)
        csv += QByteArray::number(i) + "," + QByteArray::number(i % 5) + "\n";
    writeAll(path("paths/outside/series.csv"), csv);
    const QString project = path("paths/project/ts.json");
    nlohmann::json j = readJson(example("mlp_xor.json"));
    j["dataset"] = {
        {"source", "timeseries"}, {"path", "../outside/series.csv"}, {"options", {{"window", 2}}}};
    writeJson(project, j);
    const QString outside = QFileInfo(path("paths/outside")).canonicalFilePath();

    const RunResult refused = runCli({project, "--quiet", "--epochs", "1"});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains(project + ": dataset.path: " + outside
                 + "/series.csv is outside "
                   "the project's folder"),
        qPrintable(refused.err));
    QVERIFY2(refused.err.contains("--allow-path " + outside), qPrintable(refused.err));

    const RunResult allowed
        = runCli({project, "--quiet", "--epochs", "1", "--allow-path", path("paths/outside")});
    QVERIFY2(allowed.exitCode != 1, qPrintable(allowed.err));
    QCOMPARE(parseFinal(allowed.out).value("epochs"), QStringLiteral("1"));

    const RunResult notFolder = runCli({project, "--allow-path", path("paths/none")});
    QCOMPARE(notFolder.exitCode, 1);
    QVERIFY2(notFolder.err.contains("--allow-path " + path("paths/none") + ": not a folder"),
        qPrintable(notFolder.err));
    QVERIFY(runCli({"--help"}).out.contains("--allow-path DIR"));
}

void TestCli::pipeAsDatasetIsRefused()
{
    // A named pipe nobody writes to: reading it would block for ever.
    QVERIFY(QDir(m_dir.path()).mkpath("pipe"));
    const QString fifo = path("pipe/data.csv");
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const QString project = path("pipe/p.json");
    nlohmann::json j = readJson(example("mlp_xor.json"));
    j["dataset"] = {{"source", "csv"}, {"path", "data.csv"}};
    writeJson(project, j);
    const RunResult r = runCli({project, "--quiet"});
    QCOMPARE(r.exitStatus, QProcess::NormalExit);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(
        r.err.contains(fifo + ": is a named pipe (FIFO), not a regular file"), qPrintable(r.err));
}

QTEST_MAIN(TestCli)
#include "tst_cli.moc"
