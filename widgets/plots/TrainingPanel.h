#pragma once

#include "training/TrainingController.h"
#include "training/TrainingView.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QTabWidget;
class QUndoStack;

#include <memory>
#include <optional>

namespace widgets {

class ConfusionMatrixView;
class DecisionBoundaryView;
class FeatureMapView;
class ForecastPlot;
class HiddenStateView;
class TextSamplingPanel;
class GradientFlowPlot;
class GraphDocument;
class LatentSpaceView;
class MostWrongView;
class LossPlot;
class NeuronView;
class PlaneChoice;
class ReconstructionView;
class TrainingProgressWidget;
class WeightHeatmap;
class WeightHistogramView;
class RunTimeline;
class TimelineScrubber;

/// The training area: Train / Pause / Step / Stop / Reset weights, live learning rate, L2 and
/// batch size, progress, and the live views (loss, decision boundary, neurons, weights,
/// distributions, gradient flow, confusion matrix). Owns its TrainingController.
///
/// Trains the document set with setDocument(); trained weights go back into it when a run ends.
/// If the architecture is edited while training, the panel asks to stop (or undoes the edit
/// when an undo stack was given).
class TrainingPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPanel(QWidget* parent = nullptr);
    ~TrainingPanel() override;

    void setDocument(GraphDocument* document);
    /// Call before the document is replaced by another project: stops training (Train then
    /// starts afresh), and clears every view, the status and progress texts and, unless the
    /// project has the key of the previous one (a lesson's variants), the loss plot's runs.
    /// When the new document holds weights, the views then show them (showStoredTraining()).
    void openProject(const ProjectIdentity& project);
    /// Folder that relative dataset paths are resolved against (the project file's folder).
    void setProjectDirectory(const QString& dir);
    /// Used to take back an architecture edit made while training, when the user prefers that.
    void setUndoStack(QUndoStack* stack);

    TrainingController* controller() const { return m_controller; }
    /// Train (F5), Pause (F6), Step (F10), Stop (Shift+F5), Reset weights, Reset with a new seed.
    QList<QAction*> trainingActions() const;
    QAction* trainAction() const { return m_train; }
    QAction* pauseAction() const { return m_pause; }
    QAction* stepAction() const { return m_step; }
    QAction* stopAction() const { return m_stop; }
    QAction* resetAction() const { return m_reset; }
    /// A further progress display bound to this panel's controller (for a status bar).
    TrainingProgressWidget* createProgressWidget(QWidget* parent) const;

    LossPlot* lossPlot() const { return m_loss; }
    WeightHeatmap* heatmap() const { return m_heatmap; }
    WeightHistogramView* histogram() const { return m_histogram; }
    DecisionBoundaryView* boundary() const { return m_boundary; }
    NeuronView* neurons() const { return m_neurons; }
    GradientFlowPlot* gradientFlow() const { return m_gradients; }
    ConfusionMatrixView* confusion() const { return m_confusion; }
    FeatureMapView* featureMaps() const { return m_featureMaps; }
    MostWrongView* mostWrong() const { return m_mostWrong; }
    HiddenStateView* hiddenStates() const { return m_hiddenStates; }
    ForecastPlot* forecast() const { return m_forecast; }
    TextSamplingPanel* textSampling() const { return m_textSampling; }
    ReconstructionView* reconstructions() const { return m_reconstructions; }
    LatentSpaceView* latentSpace() const { return m_latent; }
    QTabWidget* tabs() const { return m_tabs; }
    RunTimeline* timeline() const { return m_timeline; }
    TimelineScrubber* scrubber() const { return m_scrubber; }
    /// The live learning-rate, L2 and batch-size editors (a lesson may lock them).
    QDoubleSpinBox* learningRateEdit() const { return m_lr; }
    QDoubleSpinBox* l2Edit() const { return m_l2; }
    QSpinBox* batchSizeEdit() const { return m_batch; }
    QString statusText() const;
    /// The timeline's runs as the project file keeps them (RunTimeline::savedRuns()), with their
    /// checkpoints when `withCheckpoints` and they fit the document's network; the others keep
    /// their curves only.
    std::vector<engine::SavedRun> runsToSave(bool withCheckpoints) const;
    /// The document as a file keeps it: its project with runsToSave(withCheckpoints) (File >
    /// Save, the autosave copy, the exported trained project).
    engine::Project projectToSave(bool withCheckpoints) const;

signals:
    /// The timeline's marker shows this checkpoint's epoch; null: the views follow the latest.
    void shownCheckpointChanged(widgets::CheckpointPtr checkpoint);

public slots:
    void train();
    void togglePause();
    void step();
    void stop();
    void resetWeights(bool newSeed);

private:
    /// True when the project has data to train on; otherwise says where to choose it.
    bool showMissingData();
    void updateActions();
    void loadSettingsFromDocument();
    void onSession(const TrainingSessionInfo& info);
    void onSnapshot(const TrainingSnapshot& snapshot);
    void onFinished(const TrainingOutcome& outcome);
    void onDocumentEdited();
    void showStatus(const QString& text, bool error = false);
    /// A project with stored weights was opened (no session yet): the status, the progress
    /// displays, the weight views and the loss plot show them and the stored run history.
    void showStoredTraining();
    /// The file's timeline (engine::Project::runs): every run's curves on the loss plot, the
    /// runs and their checkpoints on the timeline. Returns the project to show as the current
    /// run (the last run's curves as its history).
    engine::Project restoreSavedRuns(const engine::Project& project);
    /// The views showStoredTraining() fills from the file alone (loss, weights).
    std::vector<TrainingView*> storedRunViews() const;
    /// The stored weights run over the project's data: the remaining views show them.
    void onStoredWeightsShown(const TrainingSessionInfo& info, const TrainingSnapshot& snapshot);
    /// Shows the sequence tabs that apply to the document (recurrent layer, sequence
    /// regression data, vocabulary) or, once training started, to the session.
    void updateSequenceTabs(const TrainingSessionInfo* info = nullptr);
    engine::Project projectForTraining() const;
    /// Hides the boundary, neuron, confusion, feature-map and most-wrong views where they cannot
    /// apply (inputs not 2-D, regression, no image inputs): from a new session's data, otherwise
    /// from the document's shapes. Keeps the tab bar short enough to show every label.
    void updateViewTabs(const TrainingSessionInfo* session = nullptr);
    /// Shows the autoencoder tabs only where they apply: for a new session from its data and
    /// network, otherwise from the document's.
    void updateAutoencoderTabs(const TrainingSessionInfo* session = nullptr);
    /// The views that show the network's state at one moment (boundary, neurons, weights,
    /// confusion, feature maps, ...), as opposed to those that plot a run over time (loss,
    /// distributions, gradients): the timeline's scrubber sets the former to a checkpoint.
    std::vector<TrainingView*> stateViews() const;
    void onCheckpointShown(
        int runId, int epoch, const TrainingSessionInfo& info, const TrainingSnapshot& snapshot);
    void showLatest();
    void continueFrom(int runId, int epoch);

    TrainingController* m_controller = nullptr;
    RunTimeline* m_timeline = nullptr;
    TimelineScrubber* m_scrubber = nullptr;
    PlaneChoice* m_planeChoice = nullptr;
    /// The last session's info: the state views start over from it when the scrubber returns.
    std::optional<TrainingSessionInfo> m_lastSession;
    /// "Latest" asked for this checkpoint (run, epoch) while no run goes on.
    std::optional<std::pair<int, int>> m_latestRequest;
    /// Every live view, fed in this order (the loss plot first).
    std::vector<TrainingView*> m_views;
    /// False from openProject() until the next session: a stopping run of the previous project
    /// shows nothing.
    bool m_sessionShown = false;
    QPointer<GraphDocument> m_document;
    QPointer<QUndoStack> m_undo;
    QString m_projectDir;
    bool m_askPending = false;

    QAction* m_train = nullptr;
    QAction* m_pause = nullptr;
    QAction* m_step = nullptr;
    QAction* m_stop = nullptr;
    QAction* m_reset = nullptr;
    QAction* m_resetNewSeed = nullptr;
    QDoubleSpinBox* m_lr = nullptr;
    QDoubleSpinBox* m_l2 = nullptr;
    QSpinBox* m_batch = nullptr;
    QLabel* m_status = nullptr;
    TrainingProgressWidget* m_progress = nullptr;

    QTabWidget* m_tabs = nullptr;
    LossPlot* m_loss = nullptr;
    WeightHeatmap* m_heatmap = nullptr;
    WeightHistogramView* m_histogram = nullptr;
    DecisionBoundaryView* m_boundary = nullptr;
    NeuronView* m_neurons = nullptr;
    GradientFlowPlot* m_gradients = nullptr;
    ConfusionMatrixView* m_confusion = nullptr;
    FeatureMapView* m_featureMaps = nullptr;
    MostWrongView* m_mostWrong = nullptr;
    HiddenStateView* m_hiddenStates = nullptr;
    ForecastPlot* m_forecast = nullptr;
    TextSamplingPanel* m_textSampling = nullptr;
    ReconstructionView* m_reconstructions = nullptr;
    LatentSpaceView* m_latent = nullptr;
};

} // namespace widgets
