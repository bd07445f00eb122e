#pragma once

#include "document/GraphDocument.h"

#include <QMainWindow>
#include <QMessageBox>
#include <QString>
#include <QStringList>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QUndoStack;

namespace engine {
struct Lesson;
} // namespace engine

namespace widgets {
class CanvasScene;
class CanvasView;
class DatasetActions;
class ExportActions;
class Inspector;
class LayerPalette;
class LessonPanel;
class PresentationMode;
class WelcomePage;
class NodeThumbnails;
class StepThroughPanel;
class TrainingPanel;
} // namespace widgets

/// The designer window: palette (left dock), canvas (centre), inspector (right dock) and the
/// training area (bottom dock "TrainingDock", filled by the training view), over one
/// GraphDocument and one QUndoStack, both owned here.
///
/// File operations come in two layers: openFile()/saveToFile()/openExample() do the work and
/// return an error message ("" on success) without any dialog, so tests drive them directly;
/// the menu actions add the dialogs (file choosers, "save changes?", error boxes).
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    widgets::GraphDocument* document() const { return m_doc; }
    QUndoStack* undoStack() const { return m_undo; }
    widgets::CanvasScene* scene() const { return m_scene; }
    widgets::CanvasView* view() const { return m_view; }
    widgets::LayerPalette* palette() const { return m_palette; }
    widgets::Inspector* inspector() const { return m_inspector; }
    QDockWidget* trainingDock() const { return m_trainingDock; }
    widgets::TrainingPanel* trainingPanel() const { return m_training; }
    QDockWidget* stepThroughDock() const { return m_stepDock; }
    /// Weight thumbnails on the canvas cards (View > Weight Thumbnails on Nodes).
    widgets::NodeThumbnails* nodeThumbnails() const { return m_thumbnails; }
    /// File > Export, the plots' export menus and Predict from CSV.
    widgets::ExportActions* exportActions() const { return m_export; }
    /// The permanent status-bar summary ("57 parameters · ready to train", "2 problems: ...").
    QLabel* statusSummary() const { return m_statusSummary; }
    /// The file the document was loaded from or saved to; empty for a new document or example.
    QString filePath() const { return m_filePath; }

    /// Replaces the document by the project in `path`. On error returns the message (which
    /// names the file and the place) and leaves the document, the undo stack and the file path
    /// untouched. Does not ask about unsaved changes.
    QString openFile(const QString& path);
    /// Imports an ONNX model (engine::importOnnx) as an untitled, trained project named after
    /// the file; openFile() does this for *.onnx. On error returns the message naming every
    /// node that does not map, and the document is untouched.
    QString importOnnxModel(const QString& path);
    /// Writes the document atomically (QSaveFile) and marks the undo stack clean; on error
    /// returns the message and the file on disk is unchanged.
    QString saveToFile(const QString& path);
    /// Opens an example from the resources (":/examples/spiral.json") as an untitled document.
    QString openExample(const QString& resourcePath);
    /// Example projects compiled into the resources, as resource paths.
    static QStringList exampleResources();

    /// File > New: a blank, unnamed document ("Untitled"), named after its file once saved.
    void newDocument();
    /// What the window opens with, so that a first start has something to train: the small
    /// start network (startProject()), unnamed and untitled like New.
    void openStartNetwork();
    /// Input -> Dense 8 tanh -> Dense 1 -> Loss binary_crossentropy on the xor data, no name.
    static engine::Project startProject();

    // Lessons, welcome page and presentation mode (MainWindowLessons.cpp).
    widgets::LessonPanel* lessonPanel() const { return m_lessonPanel; }
    QDockWidget* lessonDock() const { return m_lessonDock; }
    widgets::WelcomePage* welcomePage() const { return m_welcome; }
    widgets::PresentationMode* presentationMode() const { return m_presentation; }
    QMenu* lessonsMenu() const { return m_lessonsMenu; }
    /// Lessons compiled into the resources (":/lessons/perceptron.json", ...), in order.
    static QStringList lessonResources();
    /// Opens a lesson file or resource: its project becomes the document and the Lesson dock
    /// shows its text. Returns the error ("" on success) and then changes nothing.
    QString openLesson(const QString& path);
    /// Loads variant `id` ("" = the lesson's own project) of the open lesson as the document.
    QString openLessonVariant(const QString& id);
    /// Writes the document with `lesson` attached as a lesson file (atomically).
    QString saveAsLesson(const QString& path, const engine::Lesson& lesson);
    void showWelcomePage();
    void hideWelcomePage();

    static constexpr int kMaxRecentFiles = 8;
    QStringList recentFiles() const;

protected:
    void closeEvent(QCloseEvent* event) override;
    /// "Save changes?" (Save / Discard / Cancel). Virtual so tests can answer without a dialog.
    virtual QMessageBox::StandardButton askToSaveChanges();
    /// Shows an error to the user; virtual so tests can record it instead of blocking.
    virtual void showError(const QString& title, const QString& message);
    /// Asks for a file name to save to; empty when cancelled.
    virtual QString askSaveFileName();

private slots:
    void newFile();
    void open();
    void importOnnxDialog();
    bool save();
    bool saveAs();
    void openRecent(const QString& path);
    void about();
    void updateStatusSummary();
    void updateTitle();

private:
    void createActions();
    void createDocks();
    void createStepThrough(QMenu* trainingMenu);
    void createMenus();
    void createLessons(QMenu* fileMenu, QMenu* viewMenu);
    /// A lesson opened with `project`: shows it in the dock (or closes the lesson when the
    /// project has none). Returns the error for a bad lesson object, changing nothing then.
    QString lessonProjectOpened(const engine::Project& project, const QString& baseDir);
    void closeLesson();
    void saveAsLessonInteractive();
    void updateRecentMenu();
    void populateExamplesMenu();
    void addRecentFile(const QString& path);
    /// True when there are no unsaved changes or the user saved or discarded them.
    bool maybeSave();
    void setCurrentFile(const QString& path);
    /// Replaces the document by `project` as a new, untitled one (its own project key).
    void openUntitled(engine::Project project);
    void readSettings();
    void writeSettings();
    void fitLater();
    /// Before the document is replaced: the training panel stops and clears its views, keeping
    /// the loss plot's runs when `key` is the previous project's (a lesson's variants).
    void openInTrainingPanel(const QString& key, const QString& name);

    widgets::GraphDocument* m_doc;
    QUndoStack* m_undo;
    widgets::CanvasScene* m_scene;
    widgets::CanvasView* m_view;
    widgets::LayerPalette* m_palette = nullptr;
    widgets::Inspector* m_inspector = nullptr;
    QDockWidget* m_paletteDock = nullptr;
    QDockWidget* m_inspectorDock = nullptr;
    QDockWidget* m_trainingDock = nullptr;
    widgets::DatasetActions* m_dataActions = nullptr;
    widgets::TrainingPanel* m_training = nullptr;
    widgets::StepThroughPanel* m_stepPanel = nullptr;
    QDockWidget* m_stepDock = nullptr;
    widgets::NodeThumbnails* m_thumbnails = nullptr;
    widgets::ExportActions* m_export = nullptr;
    widgets::LessonPanel* m_lessonPanel = nullptr;
    QDockWidget* m_lessonDock = nullptr;
    widgets::WelcomePage* m_welcome = nullptr;
    widgets::PresentationMode* m_presentation = nullptr;
    QMenu* m_lessonsMenu = nullptr;
    QLabel* m_statusSummary = nullptr;
    QLabel* m_zoomLabel = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_examplesMenu = nullptr;
    QString m_filePath;
    QString m_untitledName; ///< title for an unsaved document (an example's name)
    QString m_projectKey; ///< the open project, as the training views tell projects apart
    int m_newDocuments = 0;

    QAction* m_newAct = nullptr;
    QAction* m_openAct = nullptr;
    QAction* m_saveAct = nullptr;
    QAction* m_saveAsAct = nullptr;
    QAction* m_quitAct = nullptr;
    QAction* m_undoAct = nullptr;
    QAction* m_redoAct = nullptr;
    QAction* m_cutAct = nullptr;
    QAction* m_copyAct = nullptr;
    QAction* m_pasteAct = nullptr;
    QAction* m_deleteAct = nullptr;
    QAction* m_selectAllAct = nullptr;
    QAction* m_zoomInAct = nullptr;
    QAction* m_zoomOutAct = nullptr;
    QAction* m_zoomFitAct = nullptr;
    QAction* m_zoomResetAct = nullptr;
    QAction* m_layoutAct = nullptr;
    QAction* m_aboutAct = nullptr;
};
