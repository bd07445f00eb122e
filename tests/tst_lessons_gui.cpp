// Lessons in the window: Lessons menu, welcome page, Lesson dock with live checks and prompts,
// locked settings, Save as Lesson, presentation mode (offscreen).

#include "CanvasView.h"
#include "Inspector.h"
#include "Lesson.h"
#include "LessonPanel.h"
#include "MainWindow.h"
#include "PresentationMode.h"
#include "ProjectSettingsPanel.h"
#include "SaveLessonDialog.h"
#include "TrainingController.h"
#include "TrainingPanel.h"
#include "WelcomePage.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

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

} // namespace

class TestLessonsGui : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void everyLessonOpens();
    void perceptronChecksTick();
    void hiddenLayerCheckTicks();
    void badLessonFileNamesThePlace();
    void lockedSettings();
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
    engine::Project p = MainWindow::defaultProject();
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
    act->setChecked(true);
    QVERIFY(w.presentationMode()->isActive());
    const QFont big = QApplication::font();
    QVERIFY(big.pointSizeF() > before.pointSizeF() * 1.4 || big.pixelSize() > before.pixelSize());
    act->setChecked(false);
    QCOMPARE(QApplication::font(), before);
    QVERIFY(w.findChild<QAction*>("FullScreenAction"));
    QCOMPARE(w.findChild<QAction*>("FullScreenAction")->shortcut(), QKeySequence(Qt::Key_F11));
}

QTEST_MAIN(TestLessonsGui)
#include "tst_lessons_gui.moc"
