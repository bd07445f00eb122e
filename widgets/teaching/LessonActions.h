#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

class QAction;
class QDockWidget;
class QMainWindow;
class QMenu;

namespace engine {
struct Lesson;
struct LessonFile;
struct Project;
} // namespace engine

namespace widgets {

class GraphDocument;
class LessonHost;
class LessonPanel;
class PresentationMode;
class WelcomePage;

/// The main window's teaching features in one place: the "Lesson" dock (LessonPanel), the
/// Lessons menu, File ▸ Save as Lesson…, View ▸ Presentation Mode and Full Screen, and the
/// welcome page. Opening a lesson or one of its variants replaces the window's project through
/// the LessonHost; errors go to LessonHost::showError().
///
/// Two layers, as in MainWindow: openLesson() & co. do the work and return "" or the message,
/// without dialogs; the menu entries add the dialogs. The window places the dock, adds the menu
/// and actions to its menus and wires the welcome page's non-lesson requests (new, open, recent,
/// example) to itself. The document, host and window must outlive this object.
class LessonActions : public QObject {
    Q_OBJECT
public:
    /// `window` parents the dock, the menu, the actions and the dialogs.
    LessonActions(GraphDocument* document, LessonHost* host, QMainWindow* window);

    LessonPanel* panel() const { return m_lessonPanel; }
    QDockWidget* dock() const { return m_lessonDock; }
    /// Lessons: one entry per lesson in the resources, then the dock's toggle.
    QMenu* lessonsMenu() const { return m_lessonsMenu; }
    /// File ▸ Save as Lesson…
    QAction* saveAsLessonAction() const { return m_saveAsLesson; }
    /// View ▸ Presentation Mode (checkable, follows the mode).
    QAction* presentationAction() const { return m_presentationAction; }
    /// View ▸ Full Screen (checkable).
    QAction* fullScreenAction() const { return m_fullScreen; }
    PresentationMode* presentationMode() const { return m_presentation; }
    WelcomePage* welcomePage() const { return m_welcome; }

    /// Lessons compiled into the resources (":/lessons/perceptron.json", ...), in the order of
    /// the numbers in their titles. The resources must be registered (the window does that).
    static QStringList lessonResources();

    /// Opens a lesson file or resource: its project becomes the document and the Lesson dock
    /// shows its text. Returns the error ("" on success) and then changes nothing.
    QString openLesson(const QString& path);
    /// Loads variant `id` ("" = the lesson's own project) of the open lesson as the document.
    QString openLessonVariant(const QString& id);
    /// Writes the document with `lesson` attached as a lesson file (atomically) and opens it.
    QString saveAsLesson(const QString& path, const engine::Lesson& lesson);
    /// The window opened `project` from a file in `baseDir`: shows its lesson in the dock, or
    /// closes the lesson when it has none. Returns the error for a bad lesson object, changing
    /// nothing then.
    QString projectOpened(const engine::Project& project, const QString& baseDir);
    /// Another project without a lesson was opened: the lesson dock empties and hides.
    void closeLesson();

    /// Shows the welcome page over the widget it is attached to (WelcomePage::attachTo()).
    void showWelcomePage(const QStringList& examples, const QStringList& recentFiles);
    void hideWelcomePage();

public slots:
    /// Asks for the lesson's texts and the file, then saveAsLesson().
    void saveAsLessonInteractive();
    /// The inspector rebuilds its editors when the selection changes: lock them again after it.
    void applyLocksLater();

signals:
    /// A message for the window's status bar ("Saved lesson x.json").
    void statusMessage(const QString& message, int timeoutMs);

private:
    void createMenu();
    void createPresentation();
    void createWelcomePage();
    void showLesson(const engine::LessonFile& lesson, const QString& baseDir);

    GraphDocument* m_doc;
    LessonHost* m_host;
    QMainWindow* m_window;
    LessonPanel* m_lessonPanel = nullptr;
    QDockWidget* m_lessonDock = nullptr;
    QMenu* m_lessonsMenu = nullptr;
    QAction* m_saveAsLesson = nullptr;
    QAction* m_presentationAction = nullptr;
    QAction* m_fullScreen = nullptr;
    PresentationMode* m_presentation = nullptr;
    WelcomePage* m_welcome = nullptr;
};

} // namespace widgets
