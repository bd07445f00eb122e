#pragma once

#include "training/LongRunCheck.h"
#include "training/TrainingSnapshot.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

namespace widgets {

/// Runs an engine::Trainer on the thread it was moved to (TrainingController's QThread).
///
/// Call order, always by queued invocation from the controller: startSession() once, then any
/// sequence of run(), resetWeights(). run() blocks this thread until the trainer returns; it is
/// controlled meanwhile through the TrainerControl passed in (stop, live settings, steps) and
/// requestPause(). The few methods marked thread-safe may be called from any thread.
///
/// Every result leaves as a value through a signal (queued to the GUI thread). Snapshots are sent
/// at most every kMinIntervalMs while the previous one has been acknowledged, and always on
/// pause, step and at the end of a run, so a fast run cannot flood the GUI's event loop.
class TrainingWorker : public QObject {
    Q_OBJECT
public:
    static constexpr int kMinIntervalMs = 33;
    static constexpr int kGridSize = 64;
    static constexpr int kThumbnailSize = 32;
    static constexpr int kMaxThumbnailUnits = 16;
    /// Above this many parameters only the watched nodes' tensors are copied into snapshots.
    static constexpr long kCopyAllLimit = 1'000'000;

    explicit TrainingWorker(QObject* parent = nullptr);
    ~TrainingWorker() override;

    /// Loads the data, builds the graph and the trainer from a copy of the project. Emits
    /// sessionStarted() or failed().
    void startSession(const engine::Project& project, const QString& projectDir, int runId);
    /// Trains until the trainer returns (done, diverged, early stop or control->requestStop()).
    /// Emits snapshots and finally finished().
    void run(std::shared_ptr<engine::TrainerControl> control);
    /// Re-initializes the weights (new run id); emits sessionStarted(), a Reset snapshot and
    /// weightsReset().
    void resetWeights(std::uint64_t seed, int runId);

    /// Sets one parameter entry by hand (between runs); emits a Progress snapshot. Ignored when
    /// the parameter or the entry does not exist.
    void setWeight(engine::NodeId node, const std::string& param, long row, long col, double value);
    /// Applies stored weights where they fit (right after startSession()); emits a Reset
    /// snapshot.
    /// With `state`, the run continues exactly where the one that trained `weights` stopped.
    void loadWeights(const engine::WeightMap& weights,
        const std::optional<engine::TrainerState>& state = std::nullopt);
    /// For a project opened with stored weights and no session: loads its data, runs the stored
    /// weights over it and emits storedWeightsEvaluated() with what the data views show of them
    /// (decision boundary, neurons, confusion matrix, feature maps), then drops graph and data
    /// again, so nothing of it is a session. Emits storedWeightsFailed() instead when the data
    /// cannot be loaded or the network not built: every request gets one answer.
    void evaluateStoredWeights(const engine::Project& project, const QString& projectDir,
        const engine::WeightMap& weights, int runId, int requestId);

    // --- thread-safe ---------------------------------------------------------------------
    /// Pauses after the current mini-batch: the worker flushes a Paused snapshot, emits
    /// pausedAt() and then blocks in the control's wait until resumed, stepped or stopped.
    void requestPause() { m_pauseRequested = true; }
    void cancelPauseRequest() { m_pauseRequested = false; }
    /// The GUI consumed a snapshot; the next may be sent.
    void acknowledgeSnapshot() { m_inFlight = 0; }
    /// Nodes whose tensors are copied even in large networks (the views' selection).
    void setWatchedNodes(const std::set<engine::NodeId>& nodes);
    /// Whether snapshots carry TrainingSnapshot::weights (every kFullWeightsIntervalMs).
    void setFullWeightsWanted(bool on) { m_fullWeightsWanted = on; }
    static constexpr int kFullWeightsIntervalMs = 250;
    /// Regular snapshots carry parameter copies (TrainingSnapshot::params) at most this often;
    /// pause, step, reset and the end always do. The loss points still go every kMinIntervalMs.
    static constexpr int kParamsIntervalMs = 100;

signals:
    void sessionStarted(const widgets::TrainingSessionInfo& info);
    void snapshotReady(const widgets::TrainingSnapshot& snapshot);
    /// The trainer is blocked in the pause; `step` mini-batches are done.
    void pausedAt(long step);
    void finished(const widgets::TrainingOutcome& outcome);
    void weightsReset(const engine::WeightMap& weights);
    /// The weights and trainer state at the end of an epoch (and where a run starts), for the
    /// timeline: shared, so the copy is made once, here.
    void checkpointTaken(int runId, widgets::CheckpointPtr checkpoint);
    /// Loading or building failed; nothing to train.
    void failed(const QString& message);
    /// The answer to evaluateStoredWeights(requestId).
    void storedWeightsEvaluated(int requestId, const widgets::TrainingSessionInfo& info,
        const widgets::TrainingSnapshot& snapshot);
    /// evaluateStoredWeights(requestId) could not run the weights: why (names the data file).
    void storedWeightsFailed(int requestId, const QString& message);
    /// Early in a run, from the pace of its first mini-batches, the run is estimated to take
    /// over an hour: `text` is engine::LongRunCheck's ("this run will take about 37 days (...)").
    /// At most once per run().
    void longRunWarning(const QString& text);

private:
    /// Loads the data and builds graph and trainer; false (and `error`) when that fails.
    bool prepareSession(
        const engine::Project& project, const QString& projectDir, int runId, QString* error);
    /// Stored weights where they fit; stale entries (another shape) are skipped.
    void applyWeights(const engine::WeightMap& weights);
    void onBatchEnd(const engine::BatchStats& s, engine::TrainerControl* control);
    /// Feeds the run's LongRunCheck (not while paused or stepping) and emits its warning.
    void checkPace(const engine::BatchStats& s, bool paused);
    void onEpochEnd(const engine::EpochStats& e);
    /// Emits checkpointTaken() for the trainer's current state.
    void takeCheckpoint();
    /// Adds this mini-batch's per-node gradient norms to the running epoch's sums.
    void accumulateGradientNorms();
    void emitSnapshot(SnapshotTrigger trigger);
    /// The pending loss points and the progress fields, with the extras the views need.
    TrainingSnapshot takeSnapshot(SnapshotTrigger trigger);
    void fillExtras(TrainingSnapshot& snap);
    void computeGrid(TrainingSnapshot& snap);
    /// The confusion matrix and, for image inputs, the most wrong samples, on the set the views
    /// show (validation, else test, else training): from the trainer's epoch-end pass when it
    /// is current, otherwise from a pass of its own.
    void computeConfusion(TrainingSnapshot& snap);
    TrainingSessionInfo makeInfo() const;

    engine::Project m_project;
    std::unique_ptr<engine::Graph> m_graph;
    std::unique_ptr<engine::Trainer> m_trainer;
    int m_runId = 0;
    bool m_twoD = false;
    bool m_sequence = false; ///< sequence input or a recurrent layer: the sequence views apply
    /// Flat inputs of more than two features: the boundary view draws them on a plane (PCA or
    /// two features), with its own copy of the network.
    bool m_planeInput = false;
    double m_xMin = 0, m_xMax = 1, m_yMin = 0, m_yMax = 1;
    engine::Matrix m_gridX; ///< kept alive: the graph's Input output points at it after forward
    engine::Matrix m_gridOut;
    /// The trainer's validation predictions at the end of epoch m_predictionsEpoch, step
    /// m_predictionsStep (-1: none): that epoch's confusion matrix without a forward pass.
    std::vector<int> m_validationPredictions;
    engine::Matrix m_validationProbabilities; ///< same pass, after the output transform
    long m_predictionsStep = -1;
    int m_predictionsEpoch = 0;
    /// Some layer past the input has an image-shaped output (feature maps to show).
    bool m_imageLayers = false;

    TrainingSnapshot m_pending; ///< points collected since the last emission
    QElapsedTimer m_sinceEmit;
    QElapsedTimer m_runClock;
    long m_lastSamples = 0;
    qint64 m_lastRateMs = 0;
    double m_samplesPerSecond = 0;
    bool m_epochEnded = false;
    /// Sum of each node's per-batch gradient norm over the running epoch (execution order), and
    /// the number of batches summed: their quotient is the epoch's EpochGradientNorms.
    std::vector<std::pair<engine::NodeId, double>> m_epochGradientSums;
    long m_epochGradientBatches = 0;
    engine::BatchStats m_lastBatch;
    /// The pace check of the current run(): measured from mini-batch m_paceStart (-1: from the
    /// next one, e.g. after a pause, whose waiting is no training time) on m_paceClock.
    std::optional<engine::LongRunCheck> m_longRun;
    long m_paceStart = -1;
    QElapsedTimer m_paceClock;

    QElapsedTimer m_sinceFullWeights;
    QElapsedTimer m_sinceParams;
    std::atomic<bool> m_fullWeightsWanted {false};
    std::atomic<bool> m_pauseRequested {false};
    std::atomic<int> m_inFlight {0};
    std::mutex m_watchMutex;
    std::set<engine::NodeId> m_watched;
    /// (run, epochs done) of the last checkpoint sent, so a run's start is sent once.
    std::pair<int, int> m_lastCheckpoint {-1, -1};
};

} // namespace widgets

Q_DECLARE_METATYPE(engine::WeightMap)
