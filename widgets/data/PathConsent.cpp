#include "data/PathConsent.h"

#include "data/DatasetLoader.h"

#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>

#include <algorithm>
#include <mutex>
#include <optional>

namespace widgets {

namespace {

std::mutex g_mutex;
std::optional<engine::PathPolicy> g_policy; ///< guarded by g_mutex; made on first use
PathConsent::Asker g_asker; ///< GUI thread only; null: askWithMessageBox

std::filesystem::path toPath(const QString& path)
{
    return std::filesystem::path(QFile::encodeName(path).toStdString());
}

/// The session's policy (call with g_mutex held). Our own copies of the shipped examples' data
/// (DatasetLoader::extractExampleData) are always readable: a saved example names them.
engine::PathPolicy& sessionPolicy()
{
    if (!g_policy) {
        g_policy.emplace();
        g_policy->allow(toPath(DatasetLoader::exampleDataFolder()));
    }
    return *g_policy;
}

} // namespace

engine::PathPolicy PathConsent::policy()
{
    std::lock_guard lock(g_mutex);
    return sessionPolicy();
}

void PathConsent::allowFolder(const QString& dir)
{
    if (dir.isEmpty())
        return;
    const auto resolved = engine::PathPolicy::resolved(toPath(dir));
    std::lock_guard lock(g_mutex);
    const auto& allowed = sessionPolicy().allowedFolders();
    if (std::find(allowed.begin(), allowed.end(), resolved) == allowed.end())
        sessionPolicy().allow(resolved);
}

void PathConsent::allowFileFolder(const QString& file)
{
    if (!file.isEmpty())
        allowFolder(QFileInfo(file).absolutePath());
}

QStringList PathConsent::allowedFolders()
{
    std::lock_guard lock(g_mutex);
    QStringList dirs;
    for (const auto& d : sessionPolicy().allowedFolders())
        dirs << QFile::decodeName(d.string().c_str());
    return dirs;
}

bool PathConsent::ask(QWidget* parent, const QString& file, const QString& project)
{
    const bool allowed
        = g_asker ? g_asker(parent, file, project) : askWithMessageBox(parent, file, project);
    if (allowed)
        allowFileFolder(file);
    return allowed;
}

void PathConsent::setAsker(Asker asker)
{
    g_asker = std::move(asker);
}

void PathConsent::reset()
{
    {
        std::lock_guard lock(g_mutex);
        g_policy.reset();
    }
    g_asker = nullptr;
}

bool PathConsent::askWithMessageBox(QWidget* parent, const QString& file, const QString& project)
{
    QMessageBox box(parent);
    box.setObjectName(QStringLiteral("pathConsentBox"));
    box.setIcon(QMessageBox::Warning);
    box.setWindowTitle(QObject::tr("Read a file outside the project?"));
    const QString folder = QFileInfo(file).absolutePath();
    box.setText(QObject::tr("<b>The project wants to read a file outside its folder:</b><br>%1")
                    .arg(file.toHtmlEscaped()));
    box.setInformativeText(
        QObject::tr("Project: %1<br><br>A project file may come from anyone, so it reads only its "
                    "own folder and %2 unless you allow more. Allow this project and others to "
                    "read everything in %3 until NetCanvas is closed?")
            .arg(project.toHtmlEscaped(), QString::fromUtf8(engine::kSystemDatasetDir),
                folder.toHtmlEscaped()));
    QPushButton* allow = box.addButton(QObject::tr("Allow this folder"), QMessageBox::AcceptRole);
    QPushButton* cancel = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(cancel);
    box.setEscapeButton(cancel);
    box.exec();
    return box.clickedButton() == allow;
}

} // namespace widgets
