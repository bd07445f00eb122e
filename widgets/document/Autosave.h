#pragma once

#include <QObject>
#include <nlohmann/json.hpp>

#include <QString>
#include <functional>

class QTimer;
class QUndoStack;

namespace widgets {

class GraphDocument;

/// Keeps a recovery copy of the open project (RecoveryStore) so a crash or power loss loses at
/// most the last interval: every interval (a minute; NETCANVAS_AUTOSAVE_MS or setInterval()
/// override it) and on saveNow() (the window calls it when training stops), but only when the
/// document changed since the last write. discard() removes the copy after a save or a clean
/// close. Destroying it removes the copy too: only a process that dies without unwinding (a
/// crash, SIGKILL, power loss) leaves one behind. The document and the stack must outlive this
/// object.
class Autosave : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultIntervalMs = 60 * 1000;

    Autosave(GraphDocument* document, QUndoStack* stack, QObject* parent = nullptr);
    ~Autosave() override;

    void setInterval(int ms);
    int interval() const;
    /// The file the project came from or was saved as ("" untitled), recorded with each copy.
    void setProjectPath(const QString& path) { m_path = path; }
    /// What a copy holds; by default the document. The window gives the document with the
    /// runs of its timeline (curves, no checkpoints): the runs the document loaded may no longer
    /// fit the edited network, and a copy that does not load would recover nothing.
    void setProjectSource(std::function<nlohmann::json()> source) { m_source = std::move(source); }
    /// True when the document changed since the last copy was written or discarded.
    bool hasUnsavedChanges() const { return m_changed; }

public slots:
    /// Writes the copy now if anything changed.
    void saveNow();
    /// Removes the copy; the current state counts as saved.
    void discard();
    /// Counts the current state as not yet copied (a project restored from a crash).
    void markChanged() { m_changed = true; }

signals:
    /// A copy was written (for tests and a status hint).
    void saved(const QString& file);
    /// A copy could not be written: the message names the file and the reason.
    void failed(const QString& message);

private:
    GraphDocument* m_doc;
    QUndoStack* m_stack;
    QTimer* m_timer;
    QString m_path;
    std::function<nlohmann::json()> m_source;
    bool m_changed = false;
    bool m_written = false; ///< this process's copy may exist
};

} // namespace widgets
