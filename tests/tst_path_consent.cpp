// The window asks before a project reads outside its folder (issue 20): the Dataset dock loads a
// project's data through the session's PathConsent; a file elsewhere is read only after the user
// answered "Allow this folder", and "Cancel" leaves the data unloaded with a message naming it.

#include "data/DatasetActions.h"
#include "data/DatasetLoader.h"
#include "data/DatasetPanel.h"
#include "data/PathConsent.h"
#include "document/GraphDocument.h"
#include "project/Project.h"
#include "training/TrainingController.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMainWindow>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUndoStack>

using namespace widgets;

namespace {

void writeCsv(const QString& path, int rows = 4)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("a,b,label\n");
    for (int i = 0; i < rows; ++i)
        f.write(QByteArray::number(i) + "," + QByteArray::number(i * 2) + ","
            + QByteArray::number(i % 2) + "\n");
}

engine::Project csvProject(const QString& dataPath)
{
    engine::Project p;
    auto node = [](engine::NodeId id, const char* type, nlohmann::json attrs) {
        engine::NodeRecord r;
        r.id = id;
        r.type = type;
        r.name = std::string(type) + std::to_string(id);
        r.attributes = std::move(attrs);
        return r;
    };
    p.nodes = {node(1, "Input", {{"shape", {2}}}),
        node(2, "Dense", {{"units", 2}, {"activation", "identity"}}),
        node(3, "Loss", {{"loss", "softmax_crossentropy"}})};
    p.edges = {{1, 0, 2, 0}, {2, 0, 3, 0}};
    p.dataset.source = "csv";
    p.dataset.path = QFile::encodeName(dataPath).toStdString();
    p.dataset.options = {{"target", "label"}};
    return p;
}

/// Records each question and answers it with `answer`.
struct RecordingAsker {
    bool answer = false;
    QStringList files;
    QStringList projects;
    PathConsent::Asker asker()
    {
        return [this](QWidget*, const QString& file, const QString& project) {
            files << file;
            projects << project;
            return answer;
        };
    }
};

} // namespace

class TestPathConsent : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        DatasetCache::clear();
        PathConsent::reset();
    }
    void cleanup() { PathConsent::reset(); }

    void projectReadingItsOwnFolderNeverAsks()
    {
        QTemporaryDir project;
        QDir(project.path()).mkdir("data");
        writeCsv(project.filePath("data/points.csv"));
        RecordingAsker asker;
        PathConsent::setAsker(asker.asker());
        GraphDocument doc;
        doc.load(csvProject("data/points.csv"));
        DatasetPanel panel(&doc);
        QSignalSpy shown(&panel, &DatasetPanel::dataShown);
        panel.setProjectDirectory(project.path());
        QVERIFY(shown.wait(20000));
        QVERIFY(panel.data());
        QCOMPARE(panel.data()->data.size(), 4L);
        QCOMPARE(asker.files.size(), 0);
    }

    void cancelLeavesTheDataUnloadedAndNamesThePath()
    {
        QTemporaryDir project, elsewhere;
        const QString outside = elsewhere.filePath("secret.csv");
        writeCsv(outside);
        RecordingAsker asker; // answers Cancel
        PathConsent::setAsker(asker.asker());
        GraphDocument doc;
        doc.load(csvProject(outside));
        DatasetPanel panel(&doc);
        panel.setProjectDirectory(project.path());
        QTRY_COMPARE(asker.files.size(), 1);
        const QString resolved = QFileInfo(outside).canonicalFilePath();
        QCOMPARE(asker.files.first(), resolved);
        QVERIFY2(asker.projects.first().contains(QFileInfo(project.path()).canonicalFilePath())
                || asker.projects.first().contains(project.path()),
            qPrintable(asker.projects.first()));
        QTRY_VERIFY(panel.messageLabel()->text().contains(resolved.toHtmlEscaped()));
        QVERIFY(panel.messageLabel()->isVisibleTo(&panel));
        QVERIFY(panel.messageLabel()->text().contains("not loaded"));
        if (const QString shot = qEnvironmentVariable("NETCANVAS_SHOT_DIR"); !shot.isEmpty()) {
            panel.resize(420, 360);
            panel.grab().save(shot + "/consent-cancelled.png");
        }
        QVERIFY(!panel.data());
        QVERIFY(!panel.loader()->isLoading());
        // Nothing is lost: the project still names its file, and nothing was allowed.
        QCOMPARE(doc.datasetSpec().path, QFile::encodeName(outside).toStdString());
        QVERIFY(PathConsent::allowedFolders().filter(elsewhere.path()).isEmpty());
        QVERIFY(!PathConsent::policy().permits(QFile::encodeName(outside).toStdString(),
            QFile::encodeName(project.path()).toStdString()));
        // Not asked again on its own; "Ask again" asks again.
        QTest::qWait(300); // longer than the panel's reload delay: a stray reload would ask
        QCOMPARE(asker.files.size(), 1);
        emit panel.messageLabel()->linkActivated("reload");
        QTRY_COMPARE(asker.files.size(), 2);
    }

    void allowLoadsAndCoversTheFolderForTheSession()
    {
        QTemporaryDir project, otherProject, elsewhere;
        writeCsv(elsewhere.filePath("shared.csv"), 5);
        writeCsv(elsewhere.filePath("other.csv"), 7);
        RecordingAsker asker;
        asker.answer = true;
        PathConsent::setAsker(asker.asker());
        {
            GraphDocument doc;
            doc.load(csvProject(elsewhere.filePath("shared.csv")));
            DatasetPanel panel(&doc);
            QSignalSpy shown(&panel, &DatasetPanel::dataShown);
            panel.setProjectDirectory(project.path());
            QTRY_VERIFY(panel.data());
            QCOMPARE(panel.data()->data.size(), 5L);
            QCOMPARE(asker.files.size(), 1);
            QVERIFY(!panel.messageLabel()->isVisibleTo(&panel));
        }
        // Another project reading the same folder: no second question.
        GraphDocument doc;
        doc.load(csvProject(elsewhere.filePath("other.csv")));
        DatasetPanel panel(&doc);
        panel.setProjectDirectory(otherProject.path());
        QTRY_VERIFY(panel.data());
        QCOMPARE(panel.data()->data.size(), 7L);
        QCOMPARE(asker.files.size(), 1);
        // Training in the window reads through the same session policy.
        QVERIFY(DatasetCache::acquire(doc.datasetSpec(), otherProject.path()));
    }

    void relativePathClimbingOutIsAskedWithItsResolvedPath()
    {
        QTemporaryDir root;
        QDir(root.path()).mkpath("project");
        QDir(root.path()).mkpath("outside");
        writeCsv(root.filePath("outside/data.csv"));
        RecordingAsker asker;
        PathConsent::setAsker(asker.asker());
        GraphDocument doc;
        doc.load(csvProject("../outside/data.csv"));
        DatasetPanel panel(&doc);
        panel.setProjectDirectory(root.filePath("project"));
        QTRY_COMPARE(asker.files.size(), 1);
        QCOMPARE(
            asker.files.first(), QFileInfo(root.filePath("outside/data.csv")).canonicalFilePath());
        QVERIFY(!panel.data());
    }

    void aRefusalIsShownInTheWindowEvenWithTheDockBehindAnother()
    {
        QTemporaryDir project, elsewhere;
        writeCsv(elsewhere.filePath("data.csv"));
        RecordingAsker asker; // answers Cancel
        PathConsent::setAsker(asker.asker());
        GraphDocument doc;
        QUndoStack stack;
        QMainWindow window;
        window.resize(900, 600);
        DatasetActions actions(&doc, &stack, &window);
        auto* other = new QDockWidget("Training", &window);
        other->setWidget(new QLabel("training"));
        window.addDockWidget(Qt::BottomDockWidgetArea, other);
        window.addDockWidget(Qt::BottomDockWidgetArea, actions.dock());
        window.tabifyDockWidget(actions.dock(), other);
        other->raise();
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // The main window's tab bar of the two docks names the one in front.
        const auto frontDock = [&window] {
            for (QTabBar* bar : window.findChildren<QTabBar*>())
                if (bar->count() == 2)
                    return bar->tabText(bar->currentIndex());
            return QString();
        };
        QTRY_COMPARE(frontDock(), QString("Training"));
        doc.load(csvProject(elsewhere.filePath("data.csv")));
        actions.setProjectDirectory(project.path());
        QTRY_COMPARE(asker.files.size(), 1);
        // The refusal's message is in view: the Dataset dock came to the front.
        QTRY_COMPARE(frontDock(), QString("Dataset"));
        QVERIFY(actions.panel()->messageLabel()->isVisible());
        QVERIFY(actions.panel()->messageLabel()->text().contains("not loaded"));
    }

    void trainingInTheWindowReadsOnlyWhatWasAllowed()
    {
        QTemporaryDir project, elsewhere;
        const QString outside = elsewhere.filePath("train.csv");
        writeCsv(outside, 20);
        engine::Project p = csvProject(outside);
        p.training.epochs = 2;
        p.training.batchSize = 4;
        TrainingController c;
        QSignalSpy failed(&c, &TrainingController::failed);
        QSignalSpy finished(&c, &TrainingController::finished);
        c.train(p, project.path());
        QVERIFY(failed.wait(20000));
        const QString message = failed.first().first().toString();
        QVERIFY2(message.contains(QFileInfo(outside).canonicalFilePath())
                && message.contains("Dataset dock"),
            qPrintable(message));
        QCOMPARE(finished.count(), 0);
        QTRY_COMPARE(c.state(), TrainingController::State::Idle);

        PathConsent::allowFolder(elsewhere.path());
        c.train(p, project.path());
        QVERIFY(finished.wait(60000));
        QCOMPARE(failed.count(), 1);
    }

    void theDefaultQuestionNamesThePathAndOffersAllowOrCancel()
    {
        QTemporaryDir project, elsewhere;
        const QString outside = elsewhere.filePath("scores.csv");
        writeCsv(outside);
        const QString resolved = QFileInfo(outside).canonicalFilePath();
        QString text;
        QStringList buttons;
        // The real message box, answered by clicking its "Allow this folder" button.
        PathConsent::setAsker([&](QWidget* parent, const QString& file, const QString& proj) {
            QTimer* poll = new QTimer;
            QObject::connect(poll, &QTimer::timeout, [&, poll] {
                auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
                if (!box)
                    return;
                poll->stop();
                poll->deleteLater();
                text = box->text() + "\n" + box->informativeText();
                QPushButton* allow = nullptr;
                for (QAbstractButton* b : box->buttons()) {
                    buttons << b->text();
                    if (b->text() == QStringLiteral("Allow this folder"))
                        allow = qobject_cast<QPushButton*>(b);
                }
                const QString shot = qEnvironmentVariable("NETCANVAS_SHOT_DIR");
                if (!shot.isEmpty())
                    box->window()->grab().save(shot + "/consent-question.png");
                if (allow)
                    allow->click();
                else
                    box->reject();
            });
            poll->start(20);
            return PathConsent::askWithMessageBox(parent, file, proj);
        });
        GraphDocument doc;
        doc.load(csvProject(outside));
        QWidget window;
        window.resize(700, 500);
        auto* panel = new DatasetPanel(&doc, &window);
        panel->resize(700, 500);
        window.show();
        panel->setProjectDirectory(project.path());
        QTRY_VERIFY(panel->data());
        QVERIFY2(text.contains(resolved.toHtmlEscaped()), qPrintable(text));
        QVERIFY2(text.contains(QFileInfo(project.path()).absoluteFilePath().toHtmlEscaped()),
            qPrintable(text));
        QVERIFY(buttons.contains("Allow this folder"));
        QVERIFY(buttons.contains("Cancel") || buttons.contains("&Cancel"));
    }
};

QTEST_MAIN(TestPathConsent)
#include "tst_path_consent.moc"
