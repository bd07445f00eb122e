// Autosave and crash recovery (issue 18): the open project is copied to a recovery file when it
// changed (on a timer and when training stops), the copy goes on save and clean close, and after
// a crash (SIGKILL) the next start restores the project intact, modified, under its old name.

#include "QuietWindow.h"

#include "canvas/CanvasScene.h"
#include "document/Autosave.h"
#include "document/GraphDocument.h"
#include "document/RecoveryStore.h"
#include "project/Project.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <fstream>

using widgets::RecoveryEntry;
using widgets::RecoveryStore;

namespace {

QString example(const char* name)
{
    return qEnvironmentVariable("NETCANVAS_SOURCE_DIR") + "/resources/examples/" + name;
}

nlohmann::json readJson(const QString& file)
{
    // {} while the file is missing or half there.
    std::ifstream in(QFile::encodeName(file).toStdString());
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    return j.is_object() ? j : nlohmann::json::object();
}

/// A recovery file as a crashed process `pid` would have left it.
QString writeOrphan(qint64 pid, const nlohmann::json& project, const QString& originalPath)
{
    QDir().mkpath(RecoveryStore::folder());
    const QString file
        = QDir(RecoveryStore::folder()).filePath(QStringLiteral("recovery-%1.json").arg(pid));
    const nlohmann::json j
        = {{"format", "netcanvas-recovery"}, {"version", 1}, {"savedAt", "2026-12-07T05:31:00"},
            {"originalPath", originalPath.toStdString()}, {"project", project}};
    std::ofstream(QFile::encodeName(file).toStdString()) << j.dump();
    return file;
}

/// A process id no process has (above the kernel's pid_max default of 4194304).
constexpr qint64 kDeadPid = 4194303 + 17;

} // namespace

class TestRecovery : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void autosavesOnlyWhenChanged();
    void restoresAsModifiedUnderItsOriginalPath();
    void restoresUntitled();
    void killedProcessIsRestoredIntact();
};

void TestRecovery::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestRecovery::init()
{
    QDir(RecoveryStore::folder()).removeRecursively();
    qunsetenv("NETCANVAS_RECOVERY");
}

void TestRecovery::autosavesOnlyWhenChanged()
{
    guitest::QuietWindow window;
    widgets::Autosave* autosave = window.autosave();
    QCOMPARE(autosave->interval(), widgets::Autosave::kDefaultIntervalMs);
    const QString own = RecoveryStore::ownFile();

    // Unchanged: nothing is written.
    autosave->saveNow();
    QVERIFY(!QFile::exists(own));

    // An edit, then the timer: the copy holds the document as it is.
    QSignalSpy saved(autosave, &widgets::Autosave::saved);
    autosave->setInterval(20);
    window.scene()->addLayerAt(QStringLiteral("Dense"), {{"units", 7}}, QPointF(900, 600));
    QVERIFY(saved.wait(5000));
    QVERIFY(QFile::exists(own));
    const RecoveryEntry entry = RecoveryStore::read(own);
    QCOMPARE(entry.project, window.document()->toJson());
    QVERIFY(entry.savedAt.isValid());
    // Written only once per change.
    autosave->setInterval(widgets::Autosave::kDefaultIntervalMs);
    QFile::remove(own);
    autosave->saveNow();
    QVERIFY(!QFile::exists(own));
    // This process's own file is not offered as a crashed one.
    window.scene()->addLayerAt(QStringLiteral("Dense"), {{"units", 8}}, QPointF(900, 800));
    autosave->saveNow();
    QVERIFY(QFile::exists(own));
    QVERIFY(RecoveryStore::orphans().empty());

    // Saving removes the copy.
    QTemporaryDir dir;
    QCOMPARE(window.saveToFile(dir.filePath("saved.json")), QString());
    QVERIFY(!QFile::exists(own));
}

void TestRecovery::restoresAsModifiedUnderItsOriginalPath()
{
    const nlohmann::json project
        = engine::loadProject(example("fashion_mlp.json").toStdString()).toJson();
    QTemporaryDir dir;
    const QString original = dir.filePath("my_mlp.json");
    const QString orphan = writeOrphan(kDeadPid, project, original);
    const auto orphans = RecoveryStore::orphans();
    QCOMPARE(orphans.size(), std::size_t(1));
    QCOMPARE(orphans.front().originalPath, original);

    guitest::QuietWindow window;
    qputenv("NETCANVAS_RECOVERY", "restore");
    QVERIFY(window.offerRecovery());
    QCOMPARE(window.document()->toJson(), project);
    QVERIFY(window.isWindowModified());
    QCOMPARE(window.windowFilePath(), original);
    // The crashed process's copy is replaced by this one's.
    QVERIFY(!QFile::exists(orphan));
    QVERIFY(QFile::exists(RecoveryStore::ownFile()));
    QVERIFY(RecoveryStore::orphans().empty());
}

void TestRecovery::restoresUntitled()
{
    nlohmann::json project = engine::loadProject(example("mlp_xor.json").toStdString()).toJson();
    project["name"] = "my xor";
    writeOrphan(kDeadPid, project, QString());
    guitest::QuietWindow window;
    qputenv("NETCANVAS_RECOVERY", "discard");
    QVERIFY(!window.offerRecovery());
    QVERIFY(RecoveryStore::orphans().empty()); // discarded

    writeOrphan(kDeadPid, project, QString());
    qputenv("NETCANVAS_RECOVERY", "restore");
    QVERIFY(window.offerRecovery());
    QCOMPARE(window.windowFilePath(), QString());
    QVERIFY(window.isWindowModified());
    QVERIFY2(window.windowTitle().contains("my xor"), qPrintable(window.windowTitle()));
    QCOMPARE(window.document()->project().name, std::string("my xor"));
}

void TestRecovery::killedProcessIsRestoredIntact()
{
#ifndef Q_OS_UNIX
    QSKIP("SIGKILL is Unix");
#endif
    // A real netcanvas trains the XOR example (its weights change: the copy is written when the
    // run stops), is killed, and a second netcanvas restores the copy.
    QTemporaryDir dir;
    const QString project = dir.filePath("xor.json");
    QVERIFY(QFile::copy(example("mlp_xor.json"), project));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("XDG_DATA_HOME", dir.filePath("data"));
    env.insert("XDG_CONFIG_HOME", dir.filePath("config"));
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("NETCANVAS_AUTOSAVE_MS", "200");
    const QString folder = dir.filePath("data/NetCanvas/NetCanvas/recovery");

    QProcess first;
    first.setProcessEnvironment(env);
    first.start(NETCANVAS_APP_EXE, {project, "--train"});
    QVERIFY(first.waitForStarted());
    const QString copy
        = QDir(folder).filePath(QStringLiteral("recovery-%1.json").arg(first.processId()));
    QTRY_VERIFY_WITH_TIMEOUT(
        readJson(copy).value("project", nlohmann::json()).contains("weights"), 120000);
    const RecoveryEntry written = RecoveryStore::read(copy);
    ::kill(pid_t(first.processId()), SIGKILL);
    QVERIFY(first.waitForFinished());
    QCOMPARE(first.exitStatus(), QProcess::CrashExit);
    QVERIFY(QFile::exists(copy)); // the crash left it
    QCOMPARE(written.originalPath, QFileInfo(project).absoluteFilePath());
    QVERIFY(!written.project["weights"].empty());

    // The next start restores it (answering the prompt by NETCANVAS_RECOVERY) and at once keeps
    // its own copy of what it restored: the same project, weights and all.
    env.insert("NETCANVAS_RECOVERY", "restore");
    QProcess second;
    second.setProcessEnvironment(env);
    second.start(NETCANVAS_APP_EXE, QStringList());
    QVERIFY(second.waitForStarted());
    const QString secondCopy
        = QDir(folder).filePath(QStringLiteral("recovery-%1.json").arg(second.processId()));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(secondCopy) && !QFile::exists(copy), 60000);
    const RecoveryEntry restored = RecoveryStore::read(secondCopy);
    ::kill(pid_t(second.processId()), SIGKILL);
    second.waitForFinished();
    QCOMPARE(restored.originalPath, written.originalPath);
    QCOMPARE(restored.project, written.project);
}

QTEST_MAIN(TestRecovery)
#include "tst_recovery.moc"
