// Hyper-parameter sweeps (issue 17): the axis syntax, the runs a spec spans, settings applied to a
// project with errors that name the key and value, and `netcanvas-train --sweep` run as users
// script it: every run of a sweep equals the single run of its settings (same seed and threads).

#include "core/Errors.h"
#include "project/Project.h"
#include "sweep/Sweep.h"
#include "sweep/SweepRunner.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <fstream>

#include <csignal>

namespace {

struct RunResult {
    int exitCode = -1;
    QString out;
    QString err;
};

RunResult runCli(const QStringList& args)
{
    QProcess p;
    p.start(QStringLiteral(NETCANVAS_TRAIN_EXE), args);
    RunResult r;
    if (!p.waitForStarted(10000) || !p.waitForFinished(300000)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = QStringLiteral("did not finish: ") + args.join(' ');
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString xorExample()
{
    return QStringLiteral(NETCANVAS_EXAMPLES_DIR "/mlp_xor.json");
}

QJsonArray readArray(const QString& file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).array();
}

QJsonObject readObject(const QString& file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

/// The example with `settings` applied by hand (not by the sweep code under test), saved as
/// `file`: what a user would write to train those settings alone.
void writeVariant(const QString& file, const std::vector<std::pair<std::string, double>>& settings)
{
    std::ifstream in(xorExample().toStdString());
    nlohmann::json j = nlohmann::json::parse(in);
    for (const auto& [key, value] : settings) {
        if (key == "learningRate")
            j["training"]["optimizer"]["learningRate"] = value;
        else if (key == "batchSize")
            j["training"]["batchSize"] = int(value);
        else if (key == "hidden.units")
            for (auto& node : j["nodes"])
                if (node["name"] == "hidden")
                    node["attributes"]["units"] = int(value);
    }
    std::ofstream(file.toStdString()) << j.dump(2);
}

engine::Project xorProject()
{
    return engine::loadProject(xorExample().toStdString());
}

} // namespace

class TestSweep : public QObject {
    Q_OBJECT

private slots:
    void parsesAxes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("values");
        QTest::newRow("list") << "learningRate=1e-3, 0.01,0.1"
                              << QStringList {"1e-3", "0.01", "0.1"};
        QTest::newRow("log range")
            << "learningRate=1e-4..1e-1:log4" << QStringList {"0.0001", "0.001", "0.01", "0.1"};
        QTest::newRow("integer log range")
            << "batchSize=16..128:log4" << QStringList {"16", "32", "64", "128"};
        QTest::newRow("integers round, repeats go")
            << "batchSize=1..3:log5" << QStringList {"1", "2", "3"};
        QTest::newRow("linear range") << "l2=0..0.3:lin4" << QStringList {"0", "0.1", "0.2", "0.3"};
        QTest::newRow("node attribute") << "hidden.units=2,4" << QStringList {"2", "4"};
        QTest::newRow("optimizer") << "optimizer=sgd,adam" << QStringList {"sgd", "adam"};
    }
    void parsesAxes()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, values);
        const engine::SweepAxis axis = engine::SweepAxis::parse(text.toStdString());
        QStringList got;
        for (const std::string& v : axis.values)
            got << QString::fromStdString(v);
        QCOMPARE(got, values);
        QCOMPARE(QString::fromStdString(axis.key), text.section('=', 0, 0));
    }

    void rejectsBadAxes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown key") << "learningrate=0.1"
                                     << "unknown setting 'learningrate'";
        QTest::newRow("not a number") << "learningRate=abc"
                                      << "learningRate=abc: expected a number";
        QTest::newRow("negative rate") << "learningRate=-1"
                                       << "learningRate=-1: expected";
        QTest::newRow("fractional batch") << "batchSize=2.5"
                                          << "expected an integer";
        QTest::newRow("unknown optimizer") << "optimizer=adamm"
                                           << "expected an optimizer";
        QTest::newRow("no values") << "learningRate="
                                   << "empty value";
        QTest::newRow("no key") << "=1,2"
                                << "expected KEY=";
        QTest::newRow("log of zero") << "l2=0..1:log3"
                                     << "positive ends";
        QTest::newRow("range count missing") << "l2=1..2"
                                             << "needs a count";
        QTest::newRow("one value range") << "l2=1..2:log1"
                                         << "2 to 100 values";
        QTest::newRow("repeated value") << "batchSize=16,16"
                                        << "listed twice";
    }
    void rejectsBadAxes()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        try {
            engine::SweepAxis::parse(text.toStdString());
            QFAIL("accepted");
        } catch (const engine::InputError& e) {
            const QString what = QString::fromStdString(e.what());
            QVERIFY2(what.contains(message), qPrintable(what));
        }
    }

    void spansTheCartesianProduct()
    {
        engine::SweepSpec spec;
        spec.addAxis(engine::SweepAxis::parse("batchSize=16,64"));
        spec.addAxis(engine::SweepAxis::parse("learningRate=0.001,0.01,0.1"));
        const std::vector<engine::SweepRun> runs = spec.runs();
        QCOMPARE(runs.size(), std::size_t(6));
        QCOMPARE(runs[0].index, 1);
        QCOMPARE(runs[0].label(), std::string("batchSize=16 learningRate=0.001"));
        QCOMPARE(runs[2].label(), std::string("batchSize=16 learningRate=0.1"));
        QCOMPARE(runs[5].index, 6);
        QCOMPARE(runs[5].label(), std::string("batchSize=64 learningRate=0.1"));

        QVERIFY_THROWS_EXCEPTION(
            engine::InputError, spec.addAxis(engine::SweepAxis::parse("l2=0,1")));
        engine::SweepSpec twice;
        twice.addAxis(engine::SweepAxis::parse("l2=0,1"));
        QVERIFY_THROWS_EXCEPTION(
            engine::InputError, twice.addAxis(engine::SweepAxis::parse("l2=2")));
    }

    void appliesSettingsToACopy()
    {
        const engine::Project base = xorProject();
        engine::SweepRun run;
        run.settings = {{"learningRate", "0.3"}, {"hidden.units", "5"}, {"optimizer", "sgd"},
            {"batchSize", "7"}, {"l2", "0.01"}, {"l1", "0.02"}, {"epochs", "3"}, {"seed", "9"},
            {"hidden.activation", "relu"}};
        const engine::Project p = engine::projectForRun(base, run);
        QCOMPARE(p.training.optimizer.learningRate, 0.3);
        QCOMPARE(p.training.optimizer.type, std::string("sgd"));
        QCOMPARE(p.training.batchSize, 7);
        QCOMPARE(p.training.optimizer.l2, 0.01);
        QCOMPARE(p.training.optimizer.l1, 0.02);
        QCOMPARE(p.training.epochs, 3);
        QCOMPARE(p.training.seed, std::uint64_t(9));
        const auto hidden = std::find_if(
            p.nodes.begin(), p.nodes.end(), [](const auto& n) { return n.name == "hidden"; });
        QCOMPARE(hidden->attributes["units"].get<int>(), 5);
        QCOMPARE(hidden->attributes["activation"].get<std::string>(), std::string("relu"));
        QVERIFY(p.weights.empty());
        // The base is untouched.
        QVERIFY(base.toJson() == xorProject().toJson());
    }

    void sweepsADropoutRate()
    {
        // XOR with a Dropout node "drop" between the hidden and the output layer.
        std::ifstream in(xorExample().toStdString());
        nlohmann::json j = nlohmann::json::parse(in);
        j["nodes"].push_back({{"id", 5}, {"type", "Dropout"}, {"name", "drop"},
            {"position", {0, 0}}, {"attributes", {{"rate", 0.5}}}});
        j["edges"]
            = nlohmann::json::array({{{"from", 1}, {"fromPort", 0}, {"to", 2}, {"toPort", 0}},
                {{"from", 2}, {"fromPort", 0}, {"to", 5}, {"toPort", 0}},
                {{"from", 5}, {"fromPort", 0}, {"to", 3}, {"toPort", 0}},
                {{"from", 3}, {"fromPort", 0}, {"to", 4}, {"toPort", 0}}});
        engine::Project p = engine::Project::fromJson(j);
        engine::applySweepSetting(p, "drop.rate", "0.25");
        QCOMPARE(p.nodes.back().attributes["rate"].get<double>(), 0.25);
        QVERIFY(p.buildGraph().hasNode(5));
        try {
            engine::applySweepSetting(p, "drop.rate", "1.5");
            QFAIL("accepted a rate of 1.5");
        } catch (const engine::InputError& e) {
            QVERIFY2(QString::fromStdString(e.what()).startsWith("drop.rate=1.5: "), e.what());
        }
        QCOMPARE(p.nodes.back().attributes["rate"].get<double>(), 0.25);
        try {
            engine::applySweepSetting(p, "drop.units", "4");
            QFAIL("accepted units of a Dropout layer");
        } catch (const engine::InputError& e) {
            QCOMPARE(QString::fromStdString(e.what()),
                QStringLiteral("drop.units=4: node 'drop' (Dropout) has no attribute 'units' (it "
                               "has rate)"));
        }
    }

    void appliedErrorsNameKeyAndValue_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown node") << "hiden.units"
                                      << "4"
                                      << "hiden.units=4: no node named 'hiden' (nodes: input, "
                                         "hidden, output, loss)";
        QTest::newRow("layer without units")
            << "input.units"
            << "4"
            << "input.units=4: node 'input' (Input) has no attribute 'units'";
        QTest::newRow("units not a number") << "hidden.units"
                                            << "many"
                                            << "hidden.units=many: expected an integer, got 'many'";
        QTest::newRow("units zero") << "hidden.units"
                                    << "0"
                                    << "hidden.units=0: expected a positive";
        QTest::newRow("bad activation") << "hidden.activation"
                                        << "wobbly"
                                        << "hidden.activation=wobbly: ";
        QTest::newRow("training key") << "batchSize"
                                      << "0"
                                      << "batchSize=0: expected an integer";
    }
    void appliedErrorsNameKeyAndValue()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, message);
        engine::Project p = xorProject();
        try {
            engine::applySweepSetting(p, key.toStdString(), value.toStdString());
            QFAIL("accepted");
        } catch (const engine::InputError& e) {
            const QString what = QString::fromStdString(e.what());
            QVERIFY2(what.startsWith(message), qPrintable(what));
        }
    }

    void plansThreads()
    {
        using engine::SweepPlan;
        QCOMPARE(SweepPlan::forThreads(6, 2).parallelRuns, 2);
        QCOMPARE(SweepPlan::forThreads(6, 2).threadsPerRun, 1);
        QCOMPARE(SweepPlan::forThreads(2, 8).parallelRuns, 2);
        QCOMPARE(SweepPlan::forThreads(2, 8).threadsPerRun, 1);
        QCOMPARE(SweepPlan::forThreads(6, 1).parallelRuns, 1);
        QCOMPARE(SweepPlan::forThreads(6, 1).threadsPerRun, 1);
        QCOMPARE(SweepPlan::forThreads(1, 4).parallelRuns, 1);
        QCOMPARE(SweepPlan::forThreads(1, 4).threadsPerRun, 4);
    }

    // Issue 17: "a 2x3 sweep writes six runs whose results equal six single runs".
    void sweepRunsEqualSingleRuns_data()
    {
        QTest::addColumn<QStringList>("sweep");
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("threadsPerRun");
        // Two threads, six runs: two at a time on one thread each.
        QTest::newRow("2x3, 2 threads")
            << QStringList {"--sweep", "batchSize=16,64", "--sweep", "learningRate=1e-3..1e-1:log3"}
            << 2 << 1;
        // Four threads, two runs: side by side on one thread each, with products wide enough for
        // BLAS's last bits to depend on its thread count (a 400-unit layer does).
        QTest::newRow("2 runs on 4 threads") << QStringList {"--sweep", "hidden.units=300,400",
            "--sweep", "batchSize=256"} << 4 << 1;
        // One run alone takes every thread.
        QTest::newRow("1 run, 2 threads")
            << QStringList {"--sweep", "hidden.units=400", "--sweep", "batchSize=256"} << 2 << 2;
    }
    void sweepRunsEqualSingleRuns()
    {
        QFETCH(QStringList, sweep);
        QFETCH(int, threads);
        QFETCH(int, threadsPerRun);
        QTemporaryDir dir;
        const QString summary = dir.filePath("sweep.json");
        const RunResult r = runCli(QStringList {xorExample(), "--epochs", "4", "--quiet",
                                       "--threads", QString::number(threads), "--summary", summary}
            + sweep);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray runs = readArray(summary);
        const QStringList finals = r.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(finals.size(), runs.size());
        QVERIFY(runs.size() >= 1);
        for (int i = 0; i < runs.size(); ++i) {
            const QJsonObject run = runs[i].toObject();
            QCOMPARE(run["run"].toInt(), i + 1);
            QCOMPARE(run["threads"].toInt(), threadsPerRun);
            QCOMPARE(run["seed"].toInt(), 1);
            QCOMPARE(run["stopped"].toString(), QStringLiteral("completed"));
            QCOMPARE(run["history"].toArray().size(), 4);
            QVERIFY(run["best_validation"].toObject()["loss"].toDouble()
                <= run["validation"].toObject()["loss"].toDouble());
            // The run's settings, applied by hand, trained alone with its thread count.
            // The line starts with the swept settings (in sweep order) and the run's number.
            std::vector<std::pair<std::string, double>> settings;
            const QString runTag = QStringLiteral(" run=%1 ").arg(i + 1);
            const qsizetype tagsEnd = finals[i].indexOf(runTag);
            QVERIFY2(finals[i].startsWith("final: ") && tagsEnd > 0, qPrintable(finals[i]));
            QStringList tags = finals[i].mid(7, tagsEnd - 7).split(' ');
            QStringList expectedTags;
            const QJsonObject s = run["settings"].toObject();
            for (auto it = s.begin(); it != s.end(); ++it) {
                settings.emplace_back(it.key().toStdString(), it.value().toDouble());
                expectedTags << it.key() + '=' + QString::number(it.value().toDouble());
            }
            tags.sort();
            QCOMPARE(tags, expectedTags);
            const QString single = dir.filePath(QStringLiteral("single%1.json").arg(i));
            writeVariant(single, settings);
            const QString singleSummary = dir.filePath(QStringLiteral("summary%1.json").arg(i));
            const RunResult alone = runCli({single, "--epochs", "4", "--quiet", "--threads",
                QString::number(threadsPerRun), "--summary", singleSummary});
            QVERIFY2(alone.exitCode == 0, qPrintable(alone.err));
            const QJsonObject expected = readObject(singleSummary);
            QCOMPARE(run["train"].toObject(), expected["train"].toObject());
            QCOMPARE(run["validation"].toObject(), expected["validation"].toObject());
            QCOMPARE(run["epochs"].toInt(), expected["epochs"].toInt());
            QString line = "final: " + finals[i].mid(tagsEnd + runTag.size());
            line.remove(QRegularExpression(" samples_per_s=\\S+"));
            QString aloneLine = alone.out.trimmed();
            aloneLine.remove(QRegularExpression(" samples_per_s=\\S+"));
            QCOMPARE(line, aloneLine);
        }
    }

    void progressLinesNameTheRun()
    {
        const RunResult r = runCli(
            {xorExample(), "--epochs", "2", "--threads", "2", "--sweep", "optimizer=sgd,adam"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QRegularExpression(
                     "^optimizer=sgd run=1: epoch 2/2 ", QRegularExpression::MultilineOption)),
            qPrintable(r.err));
        QVERIFY2(r.err.contains(QRegularExpression(
                     "^optimizer=adam run=2: epoch 1/2 ", QRegularExpression::MultilineOption)),
            qPrintable(r.err));
    }

    void ctrlCStopsEveryRunAndWritesNothing()
    {
        QTemporaryDir dir;
        const QString summary = dir.filePath("sweep.json");
        QProcess p;
        p.setReadChannel(QProcess::StandardError);
        p.start(QStringLiteral(NETCANVAS_TRAIN_EXE),
            {xorExample(), "--epochs", "1000000", "--threads", "2", "--summary", summary, "--sweep",
                "learningRate=0.01,0.1", "--sweep", "batchSize=16,32"});
        QVERIFY(p.waitForStarted(10000));
        // Interrupt once the runs are under way (a first progress line is out).
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
        QVERIFY2(finished, "SIGINT did not stop the sweep");
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        // Every run ended interrupted (those that had not started too), none written.
        const QStringList finals
            = QString::fromUtf8(p.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(finals.size(), 4);
        for (const QString& line : finals)
            QVERIFY2(line.endsWith(QLatin1String("stopped=interrupted")), qPrintable(line));
        QVERIFY(!QFile::exists(summary));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 0);
    }

    void badSweepsExitWithOneLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown key") << QStringList {"--sweep", "rate=1,2"}
                                     << "netcanvas-train: --sweep rate=1,2: unknown setting 'rate'";
        QTest::newRow("bad value") << QStringList {"--sweep", "learningRate=0.1,fast"}
                                   << "netcanvas-train: --sweep learningRate=fast: expected";
        QTest::newRow("three keys") << QStringList {"--sweep", "l1=0,1", "--sweep", "l2=0,1",
            "--sweep", "epochs=1,2"} << "netcanvas-train: --sweep epochs: at most 2 settings";
        QTest::newRow("unknown node") << QStringList {"--sweep", "hiden.units=2,4"}
                                      << "mlp_xor.json: --sweep hiden.units=2: no node named";
        QTest::newRow("units of a loss")
            << QStringList {"--sweep", "loss.units=2"}
            << "mlp_xor.json: --sweep loss.units=2: node 'loss' (Loss) has no attribute 'units'";
        QTest::newRow("shapes that do not fit") << QStringList {"--sweep", "output.units=1,3"}
                                                << "mlp_xor.json: --sweep run 2 (output.units=3): ";
        QTest::newRow("with --out") << QStringList {"--sweep", "l2=0,1", "--out", "x.json"}
                                    << "netcanvas-train: --out: not with --sweep";
    }
    void badSweepsExitWithOneLine()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString summary = dir.filePath("sweep.json");
        const RunResult r = runCli(QStringList {xorExample(), "--summary", summary} + args);
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.out, QString());
        const QStringList lines = r.err.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines[0].contains(message), qPrintable(lines[0]));
        QVERIFY(!QFile::exists(summary));
    }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
