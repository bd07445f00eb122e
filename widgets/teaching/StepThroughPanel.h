#pragma once

#include "project/Project.h"
#include "teaching/StepExplanation.h"
#include "training/StepThrough.h"
#include "training/TrainingSnapshot.h"

#include <QString>
#include <QWidget>

#include <memory>
#include <string>

class QLabel;
class QPushButton;
class QSpinBox;
class QTextBrowser;
class QThreadPool;

namespace engine {
struct DatasetSplits;
}

namespace widgets {

class DatasetLoader;
class GraphDocument;
struct LoadedDataset;
class TrainingController;
class WeightHeatmap;

/// Teaching mode: one training step on one sample, walked layer by layer with the engine's own
/// numbers (engine::StepThrough). Forward step reveals one node of the forward pass (then the
/// loss), Backward step one node of the backward pass (last layer first), Update applies the
/// optimizer's step and writes the weights back through TrainingController::setWeights(), as a
/// finished run does. A side text (StepExplanation) writes each chain-rule product with its
/// numbers; layers of more than kSmallLayer units show vectors and matrices as small heatmaps
/// with summaries.
///
/// The step works on a copy of the current weights (the document's, which the controller keeps
/// in step with its session whenever no trainer runs; a paused run is stopped first, keeping its
/// session). It is disabled while training runs. Any change of the document discards the trace.
///
/// While the timeline's marker shows an earlier epoch (showCheckpoint()), the step works on that
/// checkpoint's weights instead, the epoch named above the buttons, and Update is off: the
/// stored weights stay the run's latest ones ("Continue from here" forks a run from the epoch).
///
/// The training split is loaded in the background (DatasetLoader, through DatasetCache, so data
/// the Dataset dock has loaded or is loading is reused) when the panel is shown or the dataset
/// settings change; meanwhile the sample line says "Loading data…" and Forward step waits.
class StepThroughPanel : public QWidget {
    Q_OBJECT
public:
    /// Layers up to this many units (and inputs) are written neuron by neuron.
    static constexpr int kSmallLayer = StepExplanation::kSmallLayer;

    explicit StepThroughPanel(QWidget* parent = nullptr);
    ~StepThroughPanel() override;

    void setDocument(GraphDocument* document);
    void setController(TrainingController* controller);
    /// Folder that resolves the dataset's relative paths (the project file's folder).
    void setProjectDirectory(const QString& dir);

    /// Index of the sample in the training set (the split the trainer uses).
    int sample() const;
    /// Number of training samples, 0 before the data could be loaded (or while it loads).
    long sampleCount() const;
    /// A background load of the data is running.
    bool isLoadingData() const { return m_loading; }

    /// The trace being shown, or null.
    const engine::StepTrace* trace() const;
    /// The side text as plain text (what the user reads), for tests.
    QString explanation() const;
    /// Why the last action did nothing ("" when it worked).
    QString problem() const { return m_problem; }

    QPushButton* forwardButton() const { return m_forward; }
    QPushButton* backwardButton() const { return m_backward; }
    QPushButton* updateButton() const { return m_update; }
    QPushButton* resetButton() const { return m_reset; }
    /// The epoch whose weights the step uses (-1: the current weights).
    int shownEpoch() const { return m_checkpoint ? m_checkpoint->epoch : -1; }
    /// Names the epoch shown, when it is not the latest (for tests: what the user reads).
    QString epochText() const;

public slots:
    /// Selects sample `index` of the training set (the decision-boundary view's click); starts
    /// again from the forward pass.
    void setSample(int index);
    /// Reveals the next node of the forward pass, then the loss. Starts a new trace (current
    /// weights) when there is none or the last one was applied. False when nothing was done.
    bool forwardStep();
    /// Reveals the next node of the backward pass, from the output back to the input.
    bool backwardStep();
    /// Applies the optimizer's step to the traced gradients and writes the weights back.
    bool applyUpdate();
    /// Discards the trace and the step-through optimizer's state (momenta); weights unchanged.
    void reset();
    /// The timeline's marker moved to `checkpoint`'s epoch (null: back to the latest): the
    /// trace starts again with its weights.
    void showCheckpoint(widgets::CheckpointPtr checkpoint);

signals:
    /// The node the last step was about (-1 for none): the canvas highlights it.
    void currentNodeChanged(engine::NodeId id);
    /// Update wrote new weights.
    void weightsUpdated();
    /// The sample changed (its index in the training set), e.g. to ring it on the data view.
    void sampleSelected(int index);
    /// A background load of the current settings' data ended (ok: sampleCount() samples).
    void dataLoaded(bool ok);

protected:
    void showEvent(QShowEvent* event) override;

private:
    /// True when the current settings' data is there; otherwise starts loading it (unless a load
    /// of it runs) and returns false at once.
    bool ensureData();
    std::string currentDataKey() const;
    void startLoad(const std::string& key);
    /// Splits the loaded data as the trainer does (validation, test, seed of the settings).
    void onLoaded(const LoadedDataset& result);
    /// Shows the data of the current settings, or `error` without it.
    void finishLoad(std::shared_ptr<engine::DatasetSplits> data, const QString& error);
    /// Drops the data and makes any load in flight stale.
    void dropData();
    bool prepare();
    void discard(const QString& why);
    void fail(const QString& message);
    void updateControls();
    void updateSampleInfo();
    void render();
    void showHeatmapFor(engine::NodeId node, bool gradients);
    int lastForwardIndex() const;
    int backwardTotal() const;

    GraphDocument* m_doc = nullptr;
    TrainingController* m_controller = nullptr;
    QString m_projectDir;

    QSpinBox* m_sample = nullptr;
    QLabel* m_sampleInfo = nullptr;
    QPushButton* m_forward = nullptr;
    QPushButton* m_backward = nullptr;
    QPushButton* m_update = nullptr;
    QPushButton* m_reset = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_epoch = nullptr; ///< the scrubbed epoch, hidden at the latest
    CheckpointPtr m_checkpoint;
    QTextBrowser* m_text = nullptr;
    WeightHeatmap* m_heatmap = nullptr;

    std::string m_dataKey;
    std::shared_ptr<engine::DatasetSplits> m_data;
    DatasetLoader* m_loader; ///< one request at a time: a new one drops the running one
    QThreadPool* m_splitter; ///< splits the loaded data as the trainer does, off the GUI thread
    int m_splitRequest = 0; ///< results of other splits are stale
    bool m_loading = false; ///< a load of m_dataKey runs
    int m_pendingSample = -1; ///< setSample() while loading
    std::unique_ptr<engine::Graph> m_graph;
    std::unique_ptr<engine::StepThrough> m_step;
    std::unique_ptr<engine::Optimizer> m_optimizer;
    std::string m_optimizerKey;
    double m_learningRate = 0;

    int m_forwardShown = 0; ///< nodes of the forward pass revealed (Input included)
    bool m_lossShown = false;
    int m_backwardShown = 0; ///< nodes of the backward pass revealed, from the output back
    bool m_updated = false;
    bool m_stored = false; ///< the update's weights went to the document (and the session)
    bool m_writing = false; ///< our own weight write is in progress (not an outside change)
    QString m_problem;
};

} // namespace widgets
