#pragma once

#include "document/GraphDocument.h"
#include "teaching/LessonHost.h"

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
class Autosave;
class CommandPalette;
class FindBar;
struct RecoveryEntry;
class Inspector;
class LayerPalette;
class LessonActions;
class LessonPanel;
class PresentationMode;
class WelcomePage;
class NodeThumbnails;
class StepThroughPanel;
class SweepDialog;
class TrainingPanel;
} // namespace widgets

/// The designer window: palette (left dock), canvas (centre), inspector (right dock) and the
/// training area (bottom dock "TrainingDock", filled by the training view), over one
/// GraphDocument and one QUndoStack, both owned here.
///
/// File operations come in two layers: openFile()/saveToFile()/openExample() do the work and
/// return an error message ("" on success) without any dialog, so tests drive them directly;
/// the menu actions add the dialogs (file choosers, "save changes?", error boxes).
///
/// The features live in their own objects (DatasetActions, ExportActions, LessonActions); the
/// window creates them, places their docks and menus and connects them. It is the LessonHost
/// through which a lesson replaces the open project.
class MainWindow : public QMainWindow, private widgets::LessonHost {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    widgets::GraphDocument* document() const { return m_doc; }
    QUndoStack* undoStack() const { return m_undo; }
    widgets::CanvasScene* scene() const { return m_scene; }
    widgets::CanvasView* view() const { return m_view; }
    widgets::FindBar* findBar() const { return m_findBar; }
    widgets::Autosave* autosave() const { return m_autosave; }
    widgets::CommandPalette* commandPalette() const { return m_commandPalette; }

    /// At start: when a crashed NetCanvas left an autosaved project (RecoveryStore::orphans()),
    /// asks whether to restore it (showing its name and time; NETCANVAS_RECOVERY=restore or
    /// discard answers without asking). True when a project was restored.
    bool offerRecovery();
    /// Opens an autosaved project: modified, titled with its original file (or untitled);
    /// returns "" or why it could not be read.
    QString restoreRecovery(const widgets::RecoveryEntry& entry);
    widgets::LayerPalette* palette() const { return m_palette; }
    widgets::Inspector* inspector() const { return m_inspector; }
    QDockWidget* trainingDock() const { return m_trainingDock; }
    widgets::TrainingPanel* trainingPanel() const { return m_training; }
    /// Training > Sweep… (created hidden).
    widgets::SweepDialog* sweepDialog() const { return m_sweep; }
    QDockWidget* stepThroughDock() const { return m_stepDock; }
    /// Weight thumbnails on the canvas cards (View > Weight Thumbnails on Nodes).
    widgets::NodeThumbnails* nodeThumbnails() const { return m_thumbnails; }
    /// File > Export, the plots' export menus and Predict from CSV.
    widgets::ExportActions* exportActions() const { return m_export; }
    /// The permanent status-bar summary ("57 parameters · ready to train", "2 problems: ...").
    QLabel* statusSummary() const { return m_statusSummary; }
    /// The file the document was loaded from or saved to; empty for a new document or example.
    QString filePath() const override { return m_filePath; }

    /// Replaces the document by the project in `path`. On error returns the message (which
    /// names the file and the place) and leaves the document, the undo stack and the file path
    /// untouched. Does not ask about unsaved changes.
    QString openFile(const QString& path) override;
    /// Imports an ONNX model (engine::importOnnx) as an untitled, trained project named after
    /// the file; openFile() does this for *.onnx. On error returns the message naming every
    /// node that does not map, and the document is untouched.
    QString importOnnxModel(const QString& path);
    /// Writes the document atomically (QSaveFile) and marks the undo stack clean; on error
    /// returns the message and the file on disk is unchanged. The training panel's runs go
    /// with it, with their checkpoints when saveCheckpointsAction() is checked.
    QString saveToFile(const QString& path);
    /// File > Save with Checkpoints (checkable, remembered in the settings).
    QAction* saveCheckpointsAction() const { return m_saveCheckpointsAct; }
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

    // Lessons, welcome page and presentation mode: widgets::LessonActions.
    widgets::LessonActions* lessonActions() const { return m_lessons; }
    widgets::LessonPanel* lessonPanel() const;
    QDockWidget* lessonDock() const;
    widgets::WelcomePage* welcomePage() const;
    widgets::PresentationMode* presentationMode() const;
    QMenu* lessonsMenu() const;
    /// Lessons compiled into the resources (":/lessons/perceptron.json", ...), in order.
    static QStringList lessonResources();
    /// LessonActions::openLesson(): a lesson file or resource becomes the document.
    QString openLesson(const QString& path);
    /// LessonActions::openLessonVariant().
    QString openLessonVariant(const QString& id);
    /// LessonActions::saveAsLesson().
    QString saveAsLesson(const QString& path, const engine::Lesson& lesson);
    /// The welcome page with the lessons, examples and recent files, over the canvas.
    void showWelcomePage();
    void hideWelcomePage();

    static constexpr int kMaxRecentFiles = 8;
    QStringList recentFiles() const;

protected:
    void changeEvent(QEvent* event) override;
    void closeEvent(QCloseEvent* event) override;
    /// "Save changes?" (Save / Discard / Cancel). Virtual so tests can answer without a dialog.
    virtual QMessageBox::StandardButton askToSaveChanges();
    /// Shows an error to the user; virtual so tests can record it instead of blocking.
    void showError(const QString& title, const QString& message) override;
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
    /// "1,234 parameters · 2.4 MFLOP/sample · 45 MB to train at batch 64"; `details` gets the
    /// breakdown (forward/training FLOPs, parameter and activation memory) for the tooltip.
    QString costSummary(QString& details) const;
    /// The recovery copy of the open project: every minute and when training stops.
    void createAutosave();
    /// Edit > Find Layer (Ctrl+F, the canvas's find bar); the inspector's connections reveal
    /// the node clicked.
    void createFindActions(QMenu* edit);
    /// Edit > Group (Ctrl+G), Ungroup (Ctrl+Shift+G), Rename Group (F2): canvas shortcuts.
    void createGroupActions(QMenu* edit);
    /// Edit > Command Palette (Ctrl+K): menu actions by name, layers typed as words.
    void createCommandPalette(QMenu* edit);
    /// View menu toggles of the canvas's reading aids (tensor shapes on edges, remembered) and
    /// its theme (follow the desktop, light, dark; remembered).
    void createCanvasViewActions(QMenu* view);
    /// True when the desktop's colour scheme is dark (QStyleHints on Qt 6.5+, else the palette).
    bool desktopPrefersDark() const;
    /// Light or dark canvas, plots and (when forced against the desktop) window palette, as
    /// View > Theme and the desktop say.
    void applyCanvasTheme();
    void updateTitle();

private:
    void createActions();
    void createDocks();
    void createStepThrough(QMenu* trainingMenu);
    void createMenus();
    /// Places the LessonActions' dock, menu and actions and connects them.
    void createLessons(QMenu* fileMenu, QMenu* viewMenu);
    void updateRecentMenu();
    void populateExamplesMenu();
    void addRecentFile(const QString& path);
    bool maybeSave() override;
    void setCurrentFile(const QString& path);
    /// The folder the project's relative data paths are resolved against (empty: none).
    void setProjectDirectory(const QString& dir);
    /// Replaces the document by `project` as a new, untitled one (its own project key).
    void openUntitled(engine::Project project);
    void openUntitledProject(engine::Project project, const QString& key, const QString& runName,
        const QString& title, const QString& trainingDir) override;
    QString projectKey() const override { return m_projectKey; }
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
    widgets::FindBar* m_findBar = nullptr;
    widgets::Autosave* m_autosave = nullptr;
    widgets::CommandPalette* m_commandPalette = nullptr;
    widgets::LayerPalette* m_palette = nullptr;
    widgets::Inspector* m_inspector = nullptr;
    QDockWidget* m_paletteDock = nullptr;
    QDockWidget* m_inspectorDock = nullptr;
    QDockWidget* m_trainingDock = nullptr;
    widgets::DatasetActions* m_dataActions = nullptr;
    widgets::TrainingPanel* m_training = nullptr;
    widgets::SweepDialog* m_sweep = nullptr;
    widgets::StepThroughPanel* m_stepPanel = nullptr;
    QDockWidget* m_stepDock = nullptr;
    widgets::NodeThumbnails* m_thumbnails = nullptr;
    widgets::ExportActions* m_export = nullptr;
    widgets::LessonActions* m_lessons = nullptr;
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
    QAction* m_saveCheckpointsAct = nullptr;
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
    // Theme state (last, so the members before keep their offsets).
    bool m_applyingTheme = false;
    /// The application palette is ours (the theme is forced against the desktop's scheme).
    bool m_paletteForced = false;
    bool m_forcedDark = false;
    bool m_desktopDark = false; ///< the desktop's scheme, read while the palette was its own
};
