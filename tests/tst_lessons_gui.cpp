// Lessons in the window: Lessons menu, welcome page, Lesson dock with live checks and prompts,
// locked settings, Save as Lesson, presentation mode (offscreen).

#include "MainWindow.h"
#include "canvas/CanvasView.h"
#include "data/DatasetSpec.h"
#include "inspector/Inspector.h"
#include "inspector/ProjectSettingsPanel.h"
#include "plots/LossPlot.h"
#include "plots/TrainingPanel.h"
#include "project/Lesson.h"
#include "teaching/LessonPanel.h"
#include "teaching/PresentationMode.h"
#include "teaching/SaveLessonDialog.h"
#include "teaching/WelcomePage.h"
#include "training/TrainingController.h"

#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <set>

namespace {

class TestWindow : public MainWindow {
public:
    QStringList errors;

protected:
    QMessageBox::StandardButton askToSaveChanges() override { return QMessageBox::Discard; }
    void showError(const QString&, const QString& message) override { errors << message; }
};

QString grabDir()
{
    const QByteArray dir = qgetenv("NETCANVAS_LESSONS_GRABS");
    return dir.isEmpty() ? QString() : QString::fromLocal8Bit(dir);
}

void saveGrab(QWidget* w, const QString& name)
{
    if (!grabDir().isEmpty())
        QVERIFY(w->grab().save(grabDir() + "/" + name));
}

/// Trains the open document through the window's controller and waits for the end.
bool trainToEnd(MainWindow& w)
{
    widgets::TrainingController* c = w.trainingPanel()->controller();
    QSignalSpy finished(c, &widgets::TrainingController::finished);
    w.trainingPanel()->train();
    return finished.wait(60000);
}

/// The JSON of a file in the lesson resources the window opens lessons from.
nlohmann::json lessonResourceJson(const QString& name)
{
    QFile f(QStringLiteral(":/lessons/") + name);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
}

bool fashionMnistInstalled()
{
    return QFileInfo::exists(QString(engine::kFashionMnistDir) + "/train-images-idx3-ubyte.gz")
        || QFileInfo::exists(QString(engine::kFashionMnistDir) + "/train-images-idx3-ubyte");
}

/// Presses Train the way a user does (the Train action, F5) and waits for the run to end.
/// Returns "" or what went wrong, so that a failed session names its reason.
QString pressTrainAndWait(MainWindow& w, int timeoutMs)
{
    widgets::TrainingController* c = w.trainingPanel()->controller();
    QAction* train = w.trainingPanel()->trainAction();
    if (!train->isEnabled())
        return QStringLiteral("the Train action is disabled: %1")
            .arg(w.trainingPanel()->statusText());
    QSignalSpy finished(c, &widgets::TrainingController::finished);
    QSignalSpy failed(c, &widgets::TrainingController::failed);
    train->trigger();
    QElapsedTimer clock;
    clock.start();
    while (finished.isEmpty() && failed.isEmpty() && clock.elapsed() < timeoutMs)
        QTest::qWait(20);
    if (!failed.isEmpty())
        return QStringLiteral("training failed: %1").arg(failed.first().first().toString());
    if (finished.isEmpty())
        return QStringLiteral("training did not finish within %1 s").arg(timeoutMs / 1000);
    return {};
}

/// "label [variant]: metric = value" for a failure message.
QString describeCheckState(const widgets::LessonPanel* panel, int index)
{
    const engine::LessonCheck& c = panel->lesson().checks.at(index);
    const engine::LessonMetrics* m = panel->metricsFor(QString::fromStdString(c.variant));
    const engine::CheckResult r = m ? engine::evaluateCheck(c, *m) : engine::CheckResult {};
    return QStringLiteral("%1 [%2]: %3 = %4, panel shows \"%5\"")
        .arg(QString::fromStdString(engine::describeCheck(c)),
            c.variant.empty() ? QStringLiteral("main") : QString::fromStdString(c.variant),
            QString::fromStdString(c.metric),
            !m            ? QStringLiteral("(not trained)")
                : r.value ? QString::number(*r.value)
                          : QStringLiteral("(none)"),
            panel->checkLabel(index)->text());
}

/// Labels under `root` too small for their text (a word-wrapped one too short for its lines, any
/// other too narrow), as "text (w x h, needs ...)".
QStringList clippedLabels(QWidget* root)
{
    QStringList out;
    for (QLabel* l : root->findChildren<QLabel*>()) {
        if (!l->isVisibleTo(root) || l->text().isEmpty())
            continue;
        const bool tooShort = l->wordWrap() && l->height() < l->heightForWidth(l->width());
        const bool tooNarrow
            = !l->wordWrap() && l->width() < l->fontMetrics().horizontalAdvance(l->text());
        if (tooShort || tooNarrow)
            out << QStringLiteral("\"%1\" (%2 x %3, needs %4)")
                       .arg(l->text().left(40))
                       .arg(l->width())
                       .arg(l->height())
                       .arg(tooShort ? QStringLiteral("%1 high").arg(l->heightForWidth(l->width()))
                                     : QStringLiteral("%1 wide").arg(
                                         l->fontMetrics().horizontalAdvance(l->text())));
    }
    return out;
}

} // namespace

class TestLessonsGui : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void everyLessonOpens();
    void perceptronChecksTick();
    void hiddenLayerCheckTicks();
    void everyLessonTicksInWindow_data();
    void everyLessonTicksInWindow();
    void unreachableCheckShowsCross();
    void variantSwitchMidRun();
    void badLessonFileNamesThePlace();
    void lockedSettings();
    void checksAndLocksReadAsWords();
    void saveAsLessonRoundTrip();
    void saveLessonDialogReportsBadCheck();
    void welcomePage();
    void presentationMode();
};

void TestLessonsGui::initTestCase()
{
    QVERIFY(MainWindow::lessonResources().size() >= 7);
}

void TestLessonsGui::everyLessonOpens()
{
    TestWindow w;
    w.resize(1300, 850);
    w.show();
    const QStringList lessons = MainWindow::lessonResources();
    QVERIFY(lessons.first().endsWith("perceptron.json"));
    QVERIFY(lessons.contains(QStringLiteral(":/lessons/sequences.json")));
    QVERIFY(lessons.contains(QStringLiteral(":/lessons/autoencoders.json")));
    QCOMPARE(w.lessonsMenu()->actions().size(), lessons.size() + 2); // separator, dock toggle
    for (const QString& path : lessons) {
        QCOMPARE(w.openLesson(path), QString());
        QVERIFY(w.lessonPanel()->hasLesson());
        QVERIFY(w.lessonDock()->isVisible());
        QVERIFY(!w.document()->project().nodes.empty());
        const engine::Lesson& l = w.lessonPanel()->lesson();
        QVERIFY(w.lessonPanel()
                    ->findChild<QLabel*>("LessonTitle")
                    ->text()
                    .startsWith(QString::fromStdString(l.title.substr(0, 2))));
        // Every variant loads as the document.
        for (const engine::LessonVariant& v : l.variants) {
            const QString id = QString::fromStdString(v.id);
            QCOMPARE(w.openLessonVariant(id), QString());
            QCOMPARE(w.lessonPanel()->currentVariant(), id);
            QVERIFY(w.lessonPanel()->variantButton(id)->isChecked());
            QCOMPARE(w.lessonPanel()->hasLesson(), true);
        }
    }
    QVERIFY(w.errors.isEmpty());
    // An example closes the lesson.
    QCOMPARE(w.openExample(MainWindow::exampleResources().first()), QString());
    QVERIFY(!w.lessonPanel()->hasLesson());
    QVERIFY(!w.lessonDock()->isVisible());
}

void TestLessonsGui::perceptronChecksTick()
{
    TestWindow w;
    w.resize(1300, 850);
    w.show();
    QCOMPARE(w.openLesson(":/lessons/perceptron.json"), QString());
    widgets::LessonPanel* panel = w.lessonPanel();
    QVERIFY(!panel->checkPassed(0));
    QCOMPARE(panel->checkLabel(0)->text(), QString(QChar(0x25CB)));

    QSignalSpy ticks(panel, &widgets::LessonPanel::checkChanged);
    QVERIFY(trainToEnd(w));
    QTRY_VERIFY_WITH_TIMEOUT(panel->checkPassed(0), 10000); // AND: 100%
    QCOMPARE(panel->checkLabel(0)->text(), QString(QChar(0x2713)));
    QVERIFY(!ticks.isEmpty());
    QVERIFY(!panel->checkPassed(1)); // OR has not been trained yet

    // Predict, then run: the guess is typed before XOR trains, the answer appears after.
    QCOMPARE(w.openLessonVariant("xor"), QString());
    panel->promptEdit(0)->setText("50%");
    QVERIFY(panel->promptAnswer(0)->isHidden());
    QVERIFY(trainToEnd(w));
    QTRY_VERIFY_WITH_TIMEOUT(panel->checkPassed(2), 10000); // XOR <= 75%
    QTRY_VERIFY(!panel->promptAnswer(0)->isHidden());
    QVERIFY(panel->promptAnswer(0)->text().contains("50%"));
    QVERIFY(panel->promptAnswer(0)->text().contains("75%"));
    // The AND check keeps its tick after switching.
    QVERIFY(panel->checkPassed(0));
    saveGrab(&w, "lesson-window.png");
    saveGrab(w.lessonDock(), "lesson-panel.png");
}

void TestLessonsGui::hiddenLayerCheckTicks()
{
    TestWindow w;
    w.show();
    QCOMPARE(w.openLesson(":/lessons/hidden_layer.json"), QString());
    QVERIFY(!w.lessonPanel()->checkPassed(0));
    QVERIFY(trainToEnd(w));
    QTRY_VERIFY_WITH_TIMEOUT(w.lessonPanel()->checkPassed(0), 10000);
    const engine::LessonMetrics* m = w.lessonPanel()->metricsFor("");
    QVERIFY(m && m->finished);
    QVERIFY(*m->value("validation.accuracy") >= 0.95);
}

void TestLessonsGui::everyLessonTicksInWindow_data()
{
    QTest::addColumn<int>("menuIndex");
    const QStringList lessons = MainWindow::lessonResources();
    QVERIFY(lessons.size() >= 9);
    for (int i = 0; i < lessons.size(); ++i)
        QTest::newRow(qPrintable(QFileInfo(lessons[i]).fileName())) << i;
}

// What the student does: pick the lesson from the Lessons menu, press Train, then each variant's
// button in the Lesson dock and Train again. Every check must tick once its network has trained
// (tst_lessons proves the same claims headless), and not before: a run counts only for the
// variant it trained.
void TestLessonsGui::everyLessonTicksInWindow()
{
    QFETCH(int, menuIndex);
    const QString path = MainWindow::lessonResources().at(menuIndex);
    const QString fileName = QFileInfo(path).fileName();
    const engine::LessonFile file = engine::LessonFile::fromJson(lessonResourceJson(fileName));
    const engine::Lesson& lesson = file.lesson;

    // Every network of the lesson, in the order the dock lists them.
    std::vector<std::pair<QString, engine::Project>> networks {{QString(), file.project}};
    for (const engine::LessonVariant& v : lesson.variants) {
        const nlohmann::json j = lessonResourceJson(QString::fromStdString(v.project));
        QVERIFY2(j.is_object(), v.project.c_str());
        networks.emplace_back(QString::fromStdString(v.id), engine::Project::fromJson(j));
    }
    for (const auto& [id, project] : networks)
        if (project.dataset.source == "fashion-mnist" && !fashionMnistInstalled())
            QSKIP(qPrintable(QStringLiteral("%1 trains on Fashion-MNIST, which is not installed in "
                                            "%2 (apt install dataset-fashion-mnist)")
                                 .arg(fileName, QString(engine::kFashionMnistDir))));

    TestWindow w;
    w.resize(1300, 850);
    w.show();
    QAction* entry = w.lessonsMenu()->actions().at(menuIndex);
    QCOMPARE(entry->text(), QString::fromStdString(lesson.title));
    entry->trigger();
    QVERIFY2(w.errors.isEmpty(), qPrintable(w.errors.join('\n')));
    widgets::LessonPanel* panel = w.lessonPanel();
    QVERIFY(panel->hasLesson());
    QCOMPARE(panel->lesson().toJson(), lesson.toJson());
    QVERIFY(w.lessonDock()->isVisible());

    std::set<QString> trained;
    qint64 totalMs = 0;
    for (const auto& [id, expected] : networks) {
        const QString name = id.isEmpty() ? QStringLiteral("main") : id;
        if (!id.isEmpty()) {
            QPushButton* button = panel->variantButton(id);
            QVERIFY(button);
            button->click();
            QVERIFY2(w.errors.isEmpty(), qPrintable(w.errors.join('\n')));
        }
        QCOMPARE(panel->currentVariant(), id);
        QVERIFY(panel->variantButton(id)->isChecked());
        // The canvas holds this network with its own settings, not the previous one's.
        const engine::Project open = w.document()->project();
        QCOMPARE(open.nodes.size(), expected.nodes.size());
        QVERIFY2(open.toJson()["training"] == expected.toJson()["training"],
            qPrintable(QString::fromStdString(open.toJson()["training"].dump())));
        QCOMPARE(open.dataset.source, expected.dataset.source);

        // The run must use the network's settings as headless training does, whatever the live
        // editors of the training panel held before.
        int sessionEpochs = 0;
        QString sessionLabel;
        std::vector<double> rates;
        widgets::TrainingController* controller = w.trainingPanel()->controller();
        const QMetaObject::Connection onSession
            = connect(controller, &widgets::TrainingController::sessionStarted, this,
                [&](const widgets::TrainingSessionInfo& info) {
                    sessionEpochs = info.totalEpochs;
                    sessionLabel = info.label;
                });
        const QMetaObject::Connection onSnapshot
            = connect(controller, &widgets::TrainingController::snapshotReady, this,
                [&](const widgets::TrainingSnapshot& s) {
                    for (const widgets::EpochPoint& e : s.epochs)
                        rates.push_back(e.learningRate);
                });
        QElapsedTimer clock;
        clock.start();
        const QString error = pressTrainAndWait(w, 300000);
        const qint64 ms = clock.elapsed();
        disconnect(onSession);
        disconnect(onSnapshot);
        QVERIFY2(error.isEmpty(), qPrintable(QStringLiteral("%1: %2").arg(name, error)));
        QCOMPARE(sessionEpochs, expected.training.epochs);
        // The run's name in the loss plot states what the worker was given.
        const engine::TrainingConfig& tc = expected.training;
        QCOMPARE(sessionLabel,
            QStringLiteral("lr %1, %2, batch %3, seed %4")
                .arg(tc.optimizer.learningRate, 0, 'g', 3)
                .arg(QString::fromStdString(tc.optimizer.type))
                .arg(tc.batchSize)
                .arg(qulonglong(tc.seed)));
        // Constant rate: every lesson so far; a schedule would change the rate per epoch.
        if (expected.training.schedule.type == "constant"
            && expected.training.schedule.warmupEpochs == 0)
            for (double rate : rates)
                QVERIFY2(qFuzzyCompare(rate, expected.training.optimizer.learningRate),
                    qPrintable(QStringLiteral("%1 trained at learning rate %2 instead of %3")
                                   .arg(name)
                                   .arg(rate)
                                   .arg(expected.training.optimizer.learningRate)));
        totalMs += ms;
        trained.insert(id);
        const engine::LessonMetrics* m = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((m = panel->metricsFor(id)) && m->finished, 10000);

        for (int i = 0; i < int(lesson.checks.size()); ++i) {
            const QString variant = QString::fromStdString(lesson.checks[i].variant);
            if (trained.count(variant)) {
                QTRY_VERIFY2_WITH_TIMEOUT(
                    panel->checkPassed(i), qPrintable(describeCheckState(panel, i)), 10000);
                QCOMPARE(panel->checkLabel(i)->text(), QString(QChar(0x2713)));
            } else {
                QVERIFY2(!panel->checkPassed(i), qPrintable(describeCheckState(panel, i)));
                QCOMPARE(panel->checkLabel(i)->text(), QString(QChar(0x25CB)));
            }
        }
        for (int i = 0; i < int(lesson.prompts.size()); ++i) {
            const bool answered = trained.count(QString::fromStdString(lesson.prompts[i].variant));
            QCOMPARE(!panel->promptAnswer(i)->isHidden(), answered);
        }
        qInfo("%s [%s]: every check of it ticked, trained in %lld ms", qPrintable(fileName),
            qPrintable(name), ms);
    }
    qInfo("%s: %zu networks, %lld ms of training", qPrintable(fileName), networks.size(), totalMs);
    // What the student reads at the end is whole: every paragraph, check and measured value.
    QCoreApplication::processEvents();
    const QStringList clipped = clippedLabels(panel);
    QVERIFY2(clipped.isEmpty(), qPrintable(clipped.join('\n')));
    // The whole text, not only what the dock shows without scrolling: the checks are last.
    saveGrab(panel->checkLabel(0)->parentWidget(),
        QFileInfo(fileName).completeBaseName() + "-ticked.png");
    QVERIFY2(w.errors.isEmpty(), qPrintable(w.errors.join('\n')));
}

// The other side: a single perceptron cannot separate XOR, so a check asking it for 100% must
// show a cross after the run, while the lesson's own XOR check (<= 75%) ticks. The lesson is
// opened as a file (File > Open), with its variants beside it in the same folder.
void TestLessonsGui::unreachableCheckShowsCross()
{
    QTemporaryDir dir;
    nlohmann::json j = lessonResourceJson("perceptron.json");
    QVERIFY(j.is_object());
    j["lesson"]["checks"].push_back({{"metric", "train.accuracy"}, {"op", ">="}, {"value", 1.0},
        {"label", "XOR: training accuracy reaches 100%"}, {"variant", "xor"}});
    const int unreachable = int(j["lesson"]["checks"].size()) - 1;
    auto write = [&](const QString& name, const std::string& text) {
        QFile out(dir.filePath(name));
        return out.open(QIODevice::WriteOnly) && out.write(text.data(), qint64(text.size())) > 0;
    };
    QVERIFY(write("perceptron.json", j.dump(2)));
    for (const auto& v : j["lesson"]["variants"]) {
        const QString project = QString::fromStdString(v["project"].get<std::string>());
        QVERIFY(write(project, lessonResourceJson(project).dump(2)));
    }

    TestWindow w;
    w.show();
    QCOMPARE(w.openFile(dir.filePath("perceptron.json")), QString());
    widgets::LessonPanel* panel = w.lessonPanel();
    QVERIFY(panel->hasLesson());
    QCOMPARE(int(panel->lesson().checks.size()), unreachable + 1);
    panel->variantButton("xor")->click();
    QCOMPARE(panel->currentVariant(), QString("xor"));
    QCOMPARE(pressTrainAndWait(w, 60000), QString());

    int xorCheck = -1;
    for (int i = 0; i < unreachable; ++i)
        if (panel->lesson().checks[i].variant == "xor")
            xorCheck = i;
    QVERIFY(xorCheck >= 0);
    QTRY_VERIFY2_WITH_TIMEOUT(
        panel->checkPassed(xorCheck), qPrintable(describeCheckState(panel, xorCheck)), 10000);
    QVERIFY2(!panel->checkPassed(unreachable), qPrintable(describeCheckState(panel, unreachable)));
    QCOMPARE(panel->checkLabel(unreachable)->text(), QString(QChar(0x2717)));
    QVERIFY(panel->checkLabel(unreachable)->toolTip().contains("Not reached"));
    // AND and OR were not trained: neither ticked nor crossed.
    for (int i = 0; i < unreachable; ++i)
        if (panel->lesson().checks[i].variant != "xor")
            QCOMPARE(panel->checkLabel(i)->text(), QString(QChar(0x25CB)));
    QVERIFY2(w.errors.isEmpty(), qPrintable(w.errors.join('\n')));
}

// A student who clicks another variant while one trains: the run stops, counts for the variant
// it trained, and the next Train runs the new variant with its own settings.
void TestLessonsGui::variantSwitchMidRun()
{
    TestWindow w;
    w.show();
    QCOMPARE(w.openLesson(":/lessons/learning_rate.json"), QString());
    widgets::LessonPanel* panel = w.lessonPanel();
    widgets::TrainingController* controller = w.trainingPanel()->controller();
    panel->variantButton("small")->click();
    QCOMPARE(w.trainingPanel()->learningRateEdit()->value(), 0.0001);
    QSignalSpy sessions(controller, &widgets::TrainingController::sessionStarted);
    w.trainingPanel()->trainAction()->trigger();
    QVERIFY(controller->isRunning());
    panel->variantButton("large")->click();
    QVERIFY(!controller->isRunning());
    QVERIFY(!controller->canResume()); // Train starts the new network, it does not "Continue"
    QCOMPARE(panel->currentVariant(), QString("large"));
    QVERIFY(panel->variantButton("large")->isChecked());
    // The live editor follows the opened network, not the run that was stopped.
    QCOMPARE(w.trainingPanel()->learningRateEdit()->value(), 500.0);
    const engine::LessonMetrics* small = panel->metricsFor("small");
    QVERIFY(small && small->finished);
    QVERIFY(!panel->metricsFor("large"));

    QCOMPARE(pressTrainAndWait(w, 60000), QString());
    QCOMPARE(sessions.size(), 2);
    QVERIFY2(
        sessions.last().first().value<widgets::TrainingSessionInfo>().label.startsWith("lr 500,"),
        qPrintable(sessions.last().first().value<widgets::TrainingSessionInfo>().label));
    int diverged = -1;
    for (int i = 0; i < int(panel->lesson().checks.size()); ++i)
        if (panel->lesson().checks[i].variant == "large")
            diverged = i;
    QVERIFY(diverged >= 0);
    QTRY_VERIFY2_WITH_TIMEOUT(
        panel->checkPassed(diverged), qPrintable(describeCheckState(panel, diverged)), 10000);
    QVERIFY(w.errors.isEmpty());
}

void TestLessonsGui::badLessonFileNamesThePlace()
{
    QTemporaryDir dir;
    engine::LessonFile f
        = engine::loadLesson(std::filesystem::path(qgetenv("NETCANVAS_SOURCE_DIR").constData())
            / "resources" / "lessons" / "perceptron.json");
    nlohmann::json j = f.toJson();
    j["lesson"]["checks"][1]["metric"] = "accuracy";
    const QString path = dir.filePath("bad.json");
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(QByteArray::fromStdString(j.dump(2)));
    out.close();

    TestWindow w;
    const auto before = w.document()->toJson();
    const QString error = w.openFile(path);
    QVERIFY2(error.contains("bad.json: lesson.checks[1].metric"), qPrintable(error));
    QVERIFY2(error.contains("unknown metric \"accuracy\""), qPrintable(error));
    QCOMPARE(w.document()->toJson(), before); // nothing changed
    QVERIFY(!w.lessonPanel()->hasLesson());
    // A plain project is not a lesson.
    const QString plain = w.openLesson(
        QString(qgetenv("NETCANVAS_SOURCE_DIR")) + "/resources/examples/spiral.json");
    QVERIFY2(plain.contains("not a lesson"), qPrintable(plain));
}

void TestLessonsGui::lockedSettings()
{
    TestWindow w;
    w.show();
    QCOMPARE(w.openLesson(":/lessons/activations.json"), QString()); // locks training.epochs
    widgets::ProjectSettingsPanel* settings = w.inspector()->settingsPanel();
    QTRY_VERIFY(!settings->epochsSpin()->isEnabled());
    QVERIFY(settings->epochsSpin()->toolTip().contains("Locked by the lesson"));
    QVERIFY(settings->learningRateSpin()->isEnabled());
    // Closing the lesson unlocks.
    w.newDocument();
    QVERIFY(settings->epochsSpin()->isEnabled());

    // A node attribute lock applies when the inspector shows that node.
    QCOMPARE(w.openLesson(":/lessons/perceptron.json"), QString()); // nodes[1].attributes.units
    w.inspector()->showNode(w.document()->project().nodes[1].id);
    w.lessonPanel()->applyLocks();
    QWidget* units = w.inspector()->editorFor("units");
    QVERIFY(units);
    QVERIFY(!units->isEnabled());
    QVERIFY(units->toolTip().contains("exactly one neuron"));
}

// Check values and locks read as words, not as data ("17.000", "nodes[1].attributes.units").
void TestLessonsGui::checksAndLocksReadAsWords()
{
    QTemporaryDir dir;
    nlohmann::json j = lessonResourceJson("perceptron.json");
    QVERIFY(j.is_object());
    j["training"]["epochs"] = 17;
    j["lesson"]["checks"] = {{{"metric", "epochs"}, {"op", "<="}, {"value", 17}},
        {{"metric", "train.accuracy"}, {"op", ">="}, {"value", 0.5}}};
    j["lesson"]["locked"].push_back({{"path", "training.epochs"}});
    auto write = [&](const QString& name, const std::string& text) {
        QFile out(dir.filePath(name));
        return out.open(QIODevice::WriteOnly) && out.write(text.data(), qint64(text.size())) > 0;
    };
    QVERIFY(write("perceptron.json", j.dump(2)));
    for (const auto& v : j["lesson"]["variants"]) {
        const QString project = QString::fromStdString(v["project"].get<std::string>());
        QVERIFY(write(project, lessonResourceJson(project).dump(2)));
    }
    TestWindow w;
    w.show();
    QCOMPARE(w.openFile(dir.filePath("perceptron.json")), QString());
    widgets::LessonPanel* panel = w.lessonPanel();
    auto label = [panel](const QString& name) {
        auto* l = panel->findChild<QLabel*>(name);
        return l ? l->text() : QStringLiteral("(no label %1)").arg(name);
    };
    QCOMPARE(label("LessonLock_0"),
        QString("The neuron layer's units: A perceptron has exactly one neuron; lesson 2 adds "
                "more."));
    QCOMPARE(label("LessonLock_1"), QString("The number of epochs"));
    QCOMPARE(label("LessonCheckText_0"), QString("Trained for at most 17 epochs"));
    QCOMPARE(label("LessonCheckText_1"), QString("Training accuracy at least 50\u00a0%"));

    QCOMPARE(pressTrainAndWait(w, 60000), QString());
    const engine::LessonMetrics* m = panel->metricsFor(QString());
    QVERIFY(m);
    QTRY_COMPARE(label("LessonCheckValue_0"), QString("%1 epochs").arg(m->epochs.size()));
    QVERIFY(m->epochs.back().trainAccuracy);
    QCOMPARE(label("LessonCheckValue_1"),
        QString::fromStdString(
            engine::describeMetricValue("train.accuracy", *m->epochs.back().trainAccuracy)));
    QVERIFY2(QRegularExpression("^[0-9]+(\\.[0-9]+)?\u00a0%$")
                 .match(label("LessonCheckValue_1"))
                 .hasMatch(),
        qPrintable(label("LessonCheckValue_1")));
    saveGrab(panel->checkLabel(0)->parentWidget(), "checks-in-words.png");
}

void TestLessonsGui::saveAsLessonRoundTrip()
{
    QTemporaryDir dir;
    TestWindow w;
    QCOMPARE(w.openExample(":/examples/spiral.json"), QString());
    widgets::SaveLessonDialog dialog(w.document()->project(), {});
    dialog.titleEdit()->setText("Spiral lesson");
    dialog.paragraphsEdit()->setPlainText("First paragraph.\n\nSecond\nparagraph.");
    dialog.stepsEdit()->setPlainText("Press Train.\n\nWatch the boundary.");
    dialog.checksEdit()->setPlainText(
        "validation.accuracy >= 0.9 | Spiral solved\ndiverged == false");
    dialog.promptsEdit()->setPlainText("How many layers? | Two or three");
    dialog.lockedEdit()->setPlainText("training.optimizer.learningRate | Fixed rate");
    engine::Lesson lesson;
    QString error;
    QVERIFY2(dialog.buildLesson(lesson, error), qPrintable(error));
    QCOMPARE(lesson.paragraphs.size(), std::size_t(2));
    QCOMPARE(lesson.paragraphs[1], std::string("Second paragraph."));
    QCOMPARE(lesson.steps.size(), std::size_t(2));
    QCOMPARE(lesson.checks.size(), std::size_t(2));
    QCOMPARE(lesson.checks[0].label, std::string("Spiral solved"));
    QCOMPARE(lesson.checks[1].value, 0.0);

    const QString path = dir.filePath("spiral_lesson.json");
    QCOMPARE(w.saveAsLesson(path, lesson), QString());
    QVERIFY(w.lessonPanel()->hasLesson());
    const engine::LessonFile loaded = engine::loadLesson(path.toStdString());
    QCOMPARE(loaded.lesson.toJson(), lesson.toJson());
    QCOMPARE(loaded.project.nodes.size(), w.document()->project().nodes.size());

    // The dialog refills from a lesson: saving it again gives the same lesson.
    widgets::SaveLessonDialog again(loaded.project, loaded.lesson);
    engine::Lesson second;
    QVERIFY2(again.buildLesson(second, error), qPrintable(error));
    QCOMPARE(second.toJson(), lesson.toJson());
}

void TestLessonsGui::saveLessonDialogReportsBadCheck()
{
    engine::Project p = MainWindow::startProject();
    widgets::SaveLessonDialog dialog(p, {});
    dialog.titleEdit()->setText("T");
    dialog.checksEdit()->setPlainText("validation.accuracy >= 0.9\nloss is small");
    engine::Lesson lesson;
    QString error;
    QVERIFY(!dialog.buildLesson(lesson, error));
    QVERIFY2(error.contains("Checks, line 2"), qPrintable(error));
    dialog.checksEdit()->setPlainText("val.acc >= 0.9");
    QVERIFY(!dialog.buildLesson(lesson, error));
    QVERIFY2(error.contains("lesson.checks[0].metric"), qPrintable(error));
    dialog.accept();
    QVERIFY(dialog.errorLabel()->isVisibleTo(&dialog));
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
}

void TestLessonsGui::welcomePage()
{
    TestWindow w;
    w.resize(1300, 850);
    w.show();
    w.showWelcomePage();
    widgets::WelcomePage* page = w.welcomePage();
    QVERIFY(page->isVisible());
    QCOMPARE(page->geometry().size(), w.view()->size());
    saveGrab(&w, "welcome.png");
    auto* lesson = page->findChild<QPushButton*>("WelcomeLesson_0");
    QVERIFY(lesson);
    QVERIFY(lesson->text().startsWith("1. "));
    QVERIFY(page->findChild<QPushButton*>("WelcomeExample_0"));
    lesson->click();
    QVERIFY(!page->isVisible());
    QVERIFY(w.lessonPanel()->hasLesson());

    w.showWelcomePage();
    page->findChild<QPushButton*>("WelcomeNew")->click();
    QVERIFY(!page->isVisible());
    QVERIFY(!w.lessonPanel()->hasLesson());
}

void TestLessonsGui::presentationMode()
{
    TestWindow w;
    w.show();
    const QFont before = QApplication::font();
    QAction* act = w.findChild<QAction*>("PresentationModeAction");
    QVERIFY(act);
    // The loss plot's legend entries are made after a run starts, so train before switching.
    QVERIFY(trainToEnd(w));
    QCPLegend* legend = w.trainingPanel()->lossPlot()->plot()->legend;
    QVERIFY(legend->itemCount() > 0);
    const double legendPoints = legend->item(0)->font().pointSizeF();
    act->setChecked(true);
    QVERIFY(w.presentationMode()->isActive());
    const QFont big = QApplication::font();
    QVERIFY(big.pointSizeF() > before.pointSizeF() * 1.4 || big.pixelSize() > before.pixelSize());
    // Plot text grows with the rest, the legend's included (it kept 8 pt on a projector).
    QVERIFY2(legend->item(0)->font().pointSizeF() > legendPoints * 1.4,
        qPrintable(QString::number(legend->item(0)->font().pointSizeF())));
    act->setChecked(false);
    QCOMPARE(QApplication::font(), before);
    QCOMPARE(legend->item(0)->font().pointSizeF(), legendPoints);
    // Switched on directly (as --presentation does), the menu shows it.
    w.presentationMode()->setActive(true);
    QVERIFY(act->isChecked());
    w.presentationMode()->setActive(false);
    QVERIFY(!act->isChecked());
    QCOMPARE(QApplication::font(), before);
    QVERIFY(w.findChild<QAction*>("FullScreenAction"));
    QCOMPARE(w.findChild<QAction*>("FullScreenAction")->shortcut(), QKeySequence(Qt::Key_F11));
}

QTEST_MAIN(TestLessonsGui)
#include "tst_lessons_gui.moc"
