#pragma once

#include <QString>

namespace engine {
struct Project;
}

namespace widgets {

/// What LessonActions asks of the window it serves: the window owns the document's file, the
/// undo history, the training runs and the error dialogs; opening a lesson replaces the open
/// project through here. The window implements it (MainWindow).
class LessonHost {
public:
    /// True when there are no unsaved changes or the user saved or discarded them.
    virtual bool maybeSave() = 0;
    /// Opens the project file `path` (a lesson saved to disk) as the document; "" or the error,
    /// which names the file, and then nothing changed.
    virtual QString openFile(const QString& path) = 0;
    /// Replaces the document by `project`, unsaved and titled `title`: a new undo history, the
    /// training views' project `key` named `runName` (the loss plot keeps its runs when `key` is
    /// the open project's, as for a lesson's variants). `trainingDir`, when not empty, is the
    /// folder that resolves the training data's relative paths (a lesson's folder).
    virtual void openUntitledProject(engine::Project project, const QString& key,
        const QString& runName, const QString& title, const QString& trainingDir)
        = 0;
    /// The open project as the training views tell projects apart.
    virtual QString projectKey() const = 0;
    /// The open project's file ("" when untitled).
    virtual QString filePath() const = 0;
    /// Tells the user an operation failed.
    virtual void showError(const QString& title, const QString& message) = 0;

protected:
    ~LessonHost() = default;
};

} // namespace widgets
