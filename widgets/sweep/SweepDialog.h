#pragma once

#include <QDialog>
#include <QElapsedTimer>
#include <QString>

class QLabel;
class QPushButton;
class QUndoStack;

namespace engine {
struct SweepRunResult;
}

namespace widgets {

class GraphDocument;
class SweepAxisEditor;
class SweepController;
class SweepRunTable;
class TrainingPanel;

/// Training > Sweep…: choose one or two settings and their values, Run trains every combination
/// in the background (SweepController), side by side as the cores allow, with a progress table
/// (SweepRunTable) and each run's loss curve over the training panel's loss plot. Clicking a
/// row highlights that run's curve and, when its network is the document's, puts its weights in
/// the document so every view shows them; Apply best sets the best run's settings on the
/// project as one undoable step. Cancel stops all runs. Not modal: the window stays usable.
///
/// Everything shown belongs to the open project: clearForProject() (another project opens)
/// stops the sweep and clears the table and the curves.
class SweepDialog : public QDialog {
    Q_OBJECT
public:
    SweepDialog(GraphDocument* document, QUndoStack* undoStack, TrainingPanel* training,
        QWidget* parent = nullptr);
    ~SweepDialog() override;

    /// Folder that relative dataset paths are resolved against (the project file's folder).
    void setProjectDirectory(const QString& dir) { m_projectDir = dir; }
    /// Stops the sweep and forgets its runs, table rows and curves.
    void clearForProject();
    /// Total threads the runs share (0, the default: all cores).
    void setThreadCount(int threads) { m_threads = threads; }

    SweepAxisEditor* firstAxis() const { return m_axes[0]; }
    SweepAxisEditor* secondAxis() const { return m_axes[1]; }
    SweepRunTable* table() const { return m_table; }
    QPushButton* runButton() const { return m_run; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* applyBestButton() const { return m_applyBest; }
    QString statusText() const;
    bool isRunning() const;

public slots:
    void run();
    void cancel();
    void applyBest();
    /// Highlights run `index` (1-based) and shows its weights where they fit the document.
    void showRun(int index);

signals:
    /// Every run ended (or the sweep was cancelled or failed).
    void sweepFinished();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void refreshKeys();
    void updateButtons();
    void updateRunCount();
    void setStatus(const QString& text, bool error = false);
    void onRunFinished(const engine::SweepRunResult& result);
    void onFinished(bool cancelled);
    void applyRun(int index);

    GraphDocument* m_doc;
    QUndoStack* m_undo;
    TrainingPanel* m_training;
    SweepController* m_controller;
    SweepAxisEditor* m_axes[2];
    QLabel* m_runCount;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QPushButton* m_applyBest;
    QLabel* m_status;
    SweepRunTable* m_table;
    QString m_projectDir;
    int m_threads = 0;
    QElapsedTimer m_clock;
};

} // namespace widgets
