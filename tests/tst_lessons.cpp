// The lesson format (engine/project/Lesson.h) and every shipped lesson's claim, trained headless.

#include "core/Errors.h"
#include "project/Lesson.h"

#include <QDir>
#include <QFileInfo>
#include <QtTest>

#include <filesystem>

using namespace engine;

namespace {

std::filesystem::path lessonsDir()
{
    const QByteArray src = qgetenv("NETCANVAS_SOURCE_DIR");
    return std::filesystem::path(src.isEmpty() ? "." : src.constData()) / "resources" / "lessons";
}

bool usesFashionMnist(const Project& p)
{
    return p.dataset.source == "fashion-mnist";
}

bool fashionMnistInstalled()
{
    return QFileInfo::exists(QString(kFashionMnistDir) + "/train-images-idx3-ubyte.gz")
        || QFileInfo::exists(QString(kFashionMnistDir) + "/train-images-idx3-ubyte");
}

nlohmann::json minimalLesson()
{
    Project p;
    nlohmann::json j = p.toJson();
    j["lesson"] = {{"title", "T"}, {"paragraphs", {"p"}}, {"steps", {"s"}},
        {"checks", {{{"metric", "train.loss"}, {"op", "<"}, {"value", 0.5}}}}};
    return j;
}

LessonMetrics history(std::initializer_list<std::pair<double, double>> trainVal)
{
    LessonMetrics m;
    for (const auto& [t, v] : trainVal) {
        LessonEpoch e;
        e.trainLoss = t;
        e.validationLoss = v;
        m.epochs.push_back(e);
    }
    m.finished = true;
    return m;
}

} // namespace

class TestLessons : public QObject {
    Q_OBJECT
private slots:
    void shippedLessons_data();
    void shippedLessons();
    void textbookThresholds();
    void badLessons_data();
    void badLessons();
    void roundTrip();
    void metrics();
    void checksAndSettingsReadAsWords_data();
    void checksAndSettingsReadAsWords();
    void lockedSettingsReadAsWords();
    void shippedChecksAndLocksReadAsWords();
    void fileErrorsNameTheFile();
};

void TestLessons::shippedLessons_data()
{
    QTest::addColumn<QString>("file");
    const QDir dir(QString::fromStdString(lessonsDir().string()));
    int lessons = 0;
    for (const QString& name : dir.entryList({"*.json"}, QDir::Files, QDir::Name)) {
        const Project p = loadProject((lessonsDir() / name.toStdString()));
        if (!p.extra.contains("lesson"))
            continue; // a variant's project
        QTest::newRow(qPrintable(name)) << name;
        ++lessons;
    }
    QVERIFY2(lessons >= 9,
        qPrintable(QString("found %1 lessons in %2").arg(lessons).arg(dir.absolutePath())));
}

// Trains the lesson's project and every variant as the GUI would, and requires every check to
// pass: what the panel promises is what the engine does.
void TestLessons::shippedLessons()
{
    QFETCH(QString, file);
    const LessonFile lf = loadLesson(lessonsDir() / file.toStdString());
    QVERIFY(!lf.lesson.title.empty());
    QVERIFY(!lf.lesson.paragraphs.empty());
    QVERIFY(!lf.lesson.steps.empty());
    QVERIFY(!lf.lesson.checks.empty());
    if (usesFashionMnist(lf.project) && !fashionMnistInstalled())
        QSKIP("Fashion-MNIST is not installed (apt install dataset-fashion-mnist)");

    std::map<std::string, LessonMetrics> runs;
    auto run = [&](const std::string& variant) -> const LessonMetrics& {
        auto it = runs.find(variant);
        if (it != runs.end())
            return it->second;
        Project p = lf.project;
        if (!variant.empty())
            p = loadProject(lessonsDir() / lf.lesson.findVariant(variant)->project);
        return runs[variant] = trainForLesson(p, lessonsDir());
    };
    for (const LessonVariant& v : lf.lesson.variants)
        QVERIFY2(std::filesystem::exists(lessonsDir() / v.project), v.project.c_str());
    for (const LessonCheck& c : lf.lesson.checks) {
        const LessonMetrics& m = run(c.variant);
        const CheckResult r = evaluateCheck(c, m);
        const QString what = QString("%1 [%2]: %3 = %4")
                                 .arg(QString::fromStdString(describeCheck(c)),
                                     QString::fromStdString(c.variant.empty() ? "main" : c.variant),
                                     QString::fromStdString(c.metric),
                                     r.value ? QString::number(*r.value) : QString("(none)"));
        QVERIFY2(r.passed, qPrintable(what));
    }
}

// The textbook numbers the issue asks for, so that editing a lesson cannot weaken them.
void TestLessons::textbookThresholds()
{
    auto metricsOf = [](const std::string& file) {
        const Project p = loadProject(lessonsDir() / file);
        return trainForLesson(p, lessonsDir());
    };
    const LessonMetrics andRun = metricsOf("perceptron.json");
    const LessonMetrics orRun = metricsOf("perceptron_or.json");
    const LessonMetrics xorRun = metricsOf("perceptron_xor.json");
    QCOMPARE(*andRun.value("train.accuracy"), 1.0);
    QCOMPARE(*orRun.value("train.accuracy"), 1.0);
    QVERIFY(*xorRun.value("train.accuracy") <= 0.75);
    QVERIFY(*metricsOf("hidden_layer.json").value("validation.accuracy") >= 0.95);

    const double sigmoid = *metricsOf("activations.json").value("gradientRatio");
    const double relu = *metricsOf("activations_relu.json").value("gradientRatio");
    QVERIFY2(sigmoid < 0.01, qPrintable(QString::number(sigmoid)));
    QVERIFY2(relu > 0.1, qPrintable(QString::number(relu)));

    QCOMPARE(*metricsOf("lr_too_large.json").value("diverged"), 1.0);
    QCOMPARE(*metricsOf("overfitting.json").value("overfitting"), 1.0);
    QCOMPARE(*metricsOf("overfitting_l2.json").value("overfitting"), 0.0);
    QCOMPARE(*metricsOf("overfitting_dropout.json").value("overfitting"), 0.0);
    QCOMPARE(*metricsOf("overfitting_early_stopping.json").value("earlyStopped"), 1.0);

    QVERIFY(*metricsOf("depth.json").value("train.accuracy") <= 0.7);
    QVERIFY(*metricsOf("depth_batchnorm.json").value("train.accuracy") >= 0.9);
    QVERIFY(*metricsOf("depth_residual.json").value("train.accuracy") >= 0.9);

    // Lesson 8: the first of 30 bits; a SimpleRNN near chance, an LSTM nearly perfect.
    const double rnn = *metricsOf("sequences.json").value("validation.accuracy");
    const double lstm = *metricsOf("sequences_lstm.json").value("validation.accuracy");
    QVERIFY2(rnn <= 0.65, qPrintable(QString::number(rnn)));
    QVERIFY2(lstm >= 0.95, qPrintable(QString::number(lstm)));
}

void TestLessons::badLessons_data()
{
    QTest::addColumn<QString>("pointer"); // JSON pointer to change
    QTest::addColumn<QString>("value"); // JSON text; "" removes the key
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("not an object") << "/lesson"
                                   << "3"
                                   << "lesson"
                                   << "expected an object";
    QTest::newRow("unknown key") << "/lesson/colour"
                                 << "\"red\""
                                 << "lesson.colour"
                                 << "unknown key";
    QTest::newRow("missing title") << "/lesson/title"
                                   << ""
                                   << "lesson.title"
                                   << "missing";
    QTest::newRow("paragraph not text") << "/lesson/paragraphs/0"
                                        << "5"
                                        << "lesson.paragraphs[0]"
                                        << "expected a text";
    QTest::newRow("unknown metric") << "/lesson/checks/0/metric"
                                    << "\"val_acc\""
                                    << "lesson.checks[0].metric"
                                    << "validation.accuracy";
    QTest::newRow("bad op") << "/lesson/checks/0/op"
                            << "\"=>\""
                            << "lesson.checks[0].op"
                            << "expected one of";
    QTest::newRow("value not number") << "/lesson/checks/0/value"
                                      << "\"high\""
                                      << "lesson.checks[0].value"
                                      << "expected a number";
    QTest::newRow("check key typo") << "/lesson/checks/0/treshold"
                                    << "1"
                                    << "lesson.checks[0].treshold"
                                    << "unknown key";
    QTest::newRow("boolean metric with number") << "/lesson/checks/0"
                                                << R"({"metric":"diverged","op":"==","value":1})"
                                                << "lesson.checks[0].value"
                                                << "true or false";
    QTest::newRow("boolean metric with <") << "/lesson/checks/0"
                                           << R"({"metric":"overfitting","op":"<","value":true})"
                                           << "lesson.checks[0].op"
                                           << "compare with ==";
    QTest::newRow("unknown variant") << "/lesson/checks/0/variant"
                                     << "\"relu\""
                                     << "lesson.checks[0].variant"
                                     << "no variant \"relu\"";
    QTest::newRow("variant without project") << "/lesson/variants"
                                             << R"([{"id":"a","title":"A"}])"
                                             << "lesson.variants[0].project"
                                             << "missing";
    QTest::newRow("duplicate variant")
        << "/lesson/variants"
        << R"([{"id":"a","title":"A","project":"a.json"},{"id":"a","title":"B","project":"b.json"}])"
        << "lesson.variants[1].id"
        << "earlier variant";
    QTest::newRow("prompt without answer") << "/lesson/prompts"
                                           << R"([{"question":"q"}])"
                                           << "lesson.prompts[0].answer"
                                           << "missing";
    QTest::newRow("locked unknown path") << "/lesson/locked"
                                         << R"(["training.optimizer.lr"])"
                                         << "lesson.locked[0]"
                                         << "names no setting";
    QTest::newRow("locked node out of range")
        << "/lesson/locked"
        << R"([{"path":"nodes[9].attributes.units","reason":"r"}])"
        << "lesson.locked[0]"
        << "names no setting";
    QTest::newRow("bad project inside lesson") << "/training/batchSize"
                                               << "0"
                                               << "training.batchSize"
                                               << "";
}

void TestLessons::badLessons()
{
    QFETCH(QString, pointer);
    QFETCH(QString, value);
    QFETCH(QString, where);
    QFETCH(QString, messagePart);
    nlohmann::json j = minimalLesson();
    // Sanity: the unmodified lesson loads, so the error below comes from the change.
    QCOMPARE(LessonFile::fromJson(j).lesson.checks.size(), std::size_t(1));
    const nlohmann::json::json_pointer ptr(pointer.toStdString());
    if (value.isEmpty())
        j[ptr.parent_pointer()].erase(ptr.back());
    else
        j[ptr] = nlohmann::json::parse(value.toStdString());
    try {
        LessonFile::fromJson(j);
        QFAIL("no error");
    } catch (const InputError& e) {
        QCOMPARE(QString::fromStdString(e.where()), where);
        QVERIFY2(QString::fromStdString(e.message()).contains(messagePart), e.what());
    }
}

void TestLessons::roundTrip()
{
    const LessonFile a = loadLesson(lessonsDir() / "learning_rate.json");
    QCOMPARE(a.lesson.variants.size(), std::size_t(4));
    const nlohmann::json j = a.toJson();
    const LessonFile b = LessonFile::fromJson(j);
    QCOMPARE(b.toJson(), j);
    QCOMPARE(b.lesson.checks.size(), a.lesson.checks.size());
    QCOMPARE(b.lesson.checks[2].metric, std::string("diverged"));
    QCOMPARE(b.lesson.checks[2].value, 1.0);

    const QString path = QDir::temp().filePath("tst_lessons_roundtrip.json");
    saveLesson(a, path.toStdString());
    const LessonFile c = loadLesson(path.toStdString());
    QCOMPARE(c.toJson(), j);
    QFile::remove(path);
}

void TestLessons::metrics()
{
    // Validation loss rose >10% above its minimum while training loss kept falling.
    QCOMPARE(*history({{1.0, 0.9}, {0.5, 0.6}, {0.2, 0.8}}).value("overfitting"), 1.0);
    // Rose, but training loss did not fall: not overfitting, just noise or a bad step.
    QCOMPARE(*history({{1.0, 0.9}, {0.5, 0.6}, {0.6, 0.8}}).value("overfitting"), 0.0);
    // Less than 10% above the minimum.
    QCOMPARE(*history({{1.0, 0.9}, {0.5, 0.6}, {0.2, 0.65}}).value("overfitting"), 0.0);
    QCOMPARE(*history({{1.0, 0.9}, {0.5, 0.6}, {0.2, 0.65}}).value("validation.minLoss"), 0.6);

    LessonMetrics running = history({{1.0, 0.9}});
    running.finished = false;
    QVERIFY(!running.value("diverged"));
    QVERIFY(!running.value("overfitting"));
    QVERIFY(!running.value("train.accuracy"));
    QCOMPARE(*running.value("epochs"), 1.0);

    LessonMetrics g;
    QVERIFY(!g.value("gradientRatio"));
    g.gradientNorms = {0.001, 0.5, 1.0};
    QCOMPARE(*g.value("gradientRatio"), 0.001);
    LessonCheck c {"gradientRatio", Comparison::Less, 0.01, "", ""};
    QVERIFY(evaluateCheck(c, g).passed);
    QCOMPARE(
        describeCheck(c), std::string("first-layer gradient norm below 0.01 × the last layer's"));
    g.gradientNorms = {0.1, 1.0};
    QVERIFY(!evaluateCheck(c, g).passed);
    QVERIFY(!evaluateCheck(c, LessonMetrics {}).passed);
}

void TestLessons::checksAndSettingsReadAsWords_data()
{
    QTest::addColumn<QString>("metric");
    QTest::addColumn<QString>("op");
    QTest::addColumn<double>("threshold");
    QTest::addColumn<QString>("check");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("valueText");
    QTest::newRow("accuracy") << "validation.accuracy"
                              << ">=" << 0.95 << "validation accuracy at least 95\u00a0%" << 0.975
                              << "97.5\u00a0%";
    QTest::newRow("loss") << "train.loss"
                          << "<" << 0.1 << "training loss below 0.1" << 0.0004 << "0.0004";
    QTest::newRow("epochs") << "epochs"
                            << "<" << 50.0 << "trained for fewer than 50 epochs" << 17.0
                            << "17 epochs";
    QTest::newRow("one epoch") << "epochs"
                               << ">=" << 1.0 << "trained for at least 1 epoch" << 1.0 << "1 epoch";
    QTest::newRow("diverged") << "diverged"
                              << "==" << 1.0 << "training diverged" << 1.0 << "yes";
    QTest::newRow("not overfitting")
        << "overfitting"
        << "==" << 0.0 << "validation loss did not rise while training loss fell" << 0.0 << "no";
}

void TestLessons::checksAndSettingsReadAsWords()
{
    QFETCH(QString, metric);
    QFETCH(QString, op);
    QFETCH(double, threshold);
    nlohmann::json j = minimalLesson();
    j["lesson"]["checks"]
        = {{{"metric", metric.toStdString()}, {"op", op.toStdString()}, {"value", threshold}}};
    if (isBooleanMetric(metric.toStdString()))
        j["lesson"]["checks"][0]["value"] = threshold != 0;
    const LessonFile file = LessonFile::fromJson(j);
    QTEST(QString::fromStdString(describeCheck(file.lesson.checks.at(0))), "check");
    QFETCH(double, value);
    QTEST(QString::fromStdString(describeMetricValue(metric.toStdString(), value)), "valueText");
}

void TestLessons::lockedSettingsReadAsWords()
{
    const LessonFile perceptron = loadLesson(lessonsDir() / "perceptron.json");
    QCOMPARE(perceptron.lesson.locked.at(0).path, std::string("nodes[1].attributes.units"));
    QCOMPARE(describeSetting(perceptron.project, "nodes[1].attributes.units"),
        std::string("the neuron layer's units"));
    QCOMPARE(describeSetting(perceptron.project, "training.epochs"),
        std::string("the number of epochs"));
    QCOMPARE(describeSetting(perceptron.project, "nodes[1].attributes.use_bias"),
        std::string("the neuron layer's bias"));
    // Nothing better to say about a path the project lacks than the path.
    QCOMPARE(describeSetting(perceptron.project, "nodes[9].attributes.units"),
        std::string("nodes[9].attributes.units"));
}

void TestLessons::shippedChecksAndLocksReadAsWords()
{
    int locks = 0;
    for (const QFileInfo& f : QDir(QString::fromStdString(lessonsDir().string()))
                                  .entryInfoList({QStringLiteral("*.json")}, QDir::Files)) {
        if (!loadProject(f.absoluteFilePath().toStdString()).extra.contains("lesson"))
            continue; // a variant's project
        const LessonFile file = loadLesson(f.absoluteFilePath().toStdString());
        for (const LessonCheck& c : file.lesson.checks) {
            const QString text = QString::fromStdString(describeCheck(c));
            QVERIFY2(!text.contains(QRegularExpression(QStringLiteral("[<>=]"))),
                qPrintable(f.fileName() + ": " + text));
        }
        for (const LockedSetting& lock : file.lesson.locked) {
            QVERIFY2(describeSetting(file.project, lock.path) != lock.path,
                qPrintable(f.fileName() + ": " + QString::fromStdString(lock.path)));
            ++locks;
        }
    }
    QVERIFY(locks >= 5);
}

void TestLessons::fileErrorsNameTheFile()
{
    nlohmann::json j = minimalLesson();
    j["lesson"]["checks"][0]["op"] = "~";
    const QString path = QDir::temp().filePath("tst_lessons_bad.json");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray::fromStdString(j.dump(2)));
    f.close();
    try {
        loadLesson(path.toStdString());
        QFAIL("no error");
    } catch (const InputError& e) {
        QCOMPARE(QString::fromStdString(e.where()), path + ": lesson.checks[0].op");
    }
    QFile::remove(path);
}

QTEST_GUILESS_MAIN(TestLessons)
#include "tst_lessons.moc"
