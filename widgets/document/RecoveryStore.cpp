#include "document/RecoveryStore.h"

#include "core/AtomicFile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

#include <algorithm>
#include <cerrno>

#ifdef Q_OS_UNIX
#include <signal.h>
#endif

namespace widgets {

namespace {

constexpr const char* kFormat = "netcanvas-recovery";

/// True when process `pid` still runs (so its recovery file is in use, not an orphan).
bool processAlive(qint64 pid)
{
    if (pid == QCoreApplication::applicationPid())
        return true;
#ifdef Q_OS_UNIX
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
#else
    Q_UNUSED(pid);
    return false; // without a cheap check, every other file is offered
#endif
}

} // namespace

QString RecoveryStore::folder()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("recovery"));
}

QString RecoveryStore::ownFile()
{
    return QDir(folder()).filePath(
        QStringLiteral("recovery-%1.json").arg(QCoreApplication::applicationPid()));
}

QString RecoveryStore::write(const nlohmann::json& project, const QString& originalPath)
{
    if (!QDir().mkpath(folder()))
        return QObject::tr("%1: cannot create the folder").arg(QDir::toNativeSeparators(folder()));
    const nlohmann::json j = {{"format", kFormat}, {"version", 1},
        {"savedAt", QDateTime::currentDateTime().toString(Qt::ISODate).toStdString()},
        {"originalPath", originalPath.toStdString()}, {"project", project}};
    try {
        engine::writeFileAtomically(QFile::encodeName(ownFile()).toStdString(), j.dump() + "\n");
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

void RecoveryStore::removeOwn()
{
    QFile::remove(ownFile());
}

RecoveryEntry RecoveryStore::read(const QString& file)
{
    RecoveryEntry entry;
    try {
        const nlohmann::json j
            = nlohmann::json::parse(engine::readFileBytes(QFile::encodeName(file).toStdString()));
        if (!j.is_object() || j.value("format", "") != kFormat || !j.contains("project")
            || !j["project"].is_object())
            return {};
        entry.savedAt
            = QDateTime::fromString(QString::fromStdString(j.value("savedAt", "")), Qt::ISODate);
        entry.originalPath = QString::fromStdString(j.value("originalPath", ""));
        entry.project = j["project"];
        entry.projectName = QString::fromStdString(entry.project.value("name", ""));
        if (entry.projectName.isEmpty() && !entry.originalPath.isEmpty())
            entry.projectName = QFileInfo(entry.originalPath).completeBaseName();
        entry.file = file;
    } catch (const std::exception&) {
        return {};
    }
    return entry;
}

std::vector<RecoveryEntry> RecoveryStore::orphans()
{
    std::vector<RecoveryEntry> found;
    static const QRegularExpression name(QStringLiteral("^recovery-(\\d+)\\.json$"));
    const QDir dir(folder());
    for (const QString& file : dir.entryList({QStringLiteral("recovery-*.json")}, QDir::Files)) {
        const auto m = name.match(file);
        if (!m.hasMatch() || processAlive(m.captured(1).toLongLong()))
            continue;
        RecoveryEntry entry = read(dir.filePath(file));
        if (!entry.file.isEmpty())
            found.push_back(std::move(entry));
    }
    std::sort(found.begin(), found.end(),
        [](const RecoveryEntry& a, const RecoveryEntry& b) { return a.savedAt > b.savedAt; });
    return found;
}

} // namespace widgets
