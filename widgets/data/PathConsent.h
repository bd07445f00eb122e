#pragma once
// Which folders outside a project's own the user let projects read in this session. A project
// file is untrusted input (issue 20): every load of a project's dataset in the window goes
// through policy(), and a path outside it is read only after the user answered "Allow".

#include "core/PathPolicy.h"

#include <QString>

#include <functional>

class QWidget;

namespace widgets {

/// A session-wide allow-list: engine::PathPolicy (the project's folder, the system dataset
/// folder) plus the folders the user allowed since the window started. Thread-safe: the loading
/// and training threads read policy() while the GUI thread allows folders.
class PathConsent {
public:
    /// Asks the user whether projects may read `file` (the resolved path a project named);
    /// `project` names the project (its folder). True means "Allow this folder".
    using Asker = std::function<bool(QWidget* parent, const QString& file, const QString& project)>;

    /// A copy of the current policy, for one load.
    static engine::PathPolicy policy();
    /// Lets projects read `dir` and everything below it for the rest of the session.
    static void allowFolder(const QString& dir);
    /// The user picked `file` himself (a file dialog): his choice, so its folder is allowed.
    static void allowFileFolder(const QString& file);
    /// The folders allowed so far (resolved).
    static QStringList allowedFolders();

    /// Asks through the asker (by default a QMessageBox with "Allow this folder" / "Cancel");
    /// on "Allow", allows the folder of `file` and returns true. GUI thread only.
    static bool ask(QWidget* parent, const QString& file, const QString& project);
    /// Replaces the question (tests answer without a modal dialog); null restores the default.
    static void setAsker(Asker asker);
    /// Forgets every allowed folder and restores the default asker (tests).
    static void reset();

    /// The default question: a modal QMessageBox naming the file and the project.
    static bool askWithMessageBox(QWidget* parent, const QString& file, const QString& project);
};

} // namespace widgets
