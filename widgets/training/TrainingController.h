#pragma once

#include "training/TrainingSnapshot.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>

class QThread;

namespace widgets {

class GraphDocument;
class TrainingWorker;

/// Owns the training thread and its TrainingWorker; the GUI's only handle on training.
///
/// All methods are for the GUI thread. The project is copied here, on the GUI thread, and the
/// copy moves to the worker; from then on the two threads share only the thread-safe
/// engine::TrainerControl and the worker's atomics. Results come back as values through
/// snapshotReady(), sessionStarted() and finished().
///
/// States: Idle (no session) -> train() -> Running <-> Paused -> (stop / end) -> Ready. In Ready
/// the session (graph, data, optimizer state) is kept: train() continues it when it was
/// interrupted and the architecture and data are unchanged, step() trains one mini-batch,
/// resetWeights() re-initializes it. Otherwise train() starts a new session (a new run).
///
/// When a run ends (not by divergence) the trained weights are written to the document set with
/// setDocument() through GraphDocument::setWeights(), on the GUI thread, provided its
/// architecture is still the one trained. The destructor stops training and joins the thread.
class TrainingController : public QObject {
    Q_OBJECT
public:
    enum class State {
        Idle, ///< no session
        Running, ///< the trainer runs
        Paused, ///< the trainer waits in a pause (Step trains one mini-batch)
        Stopping, ///< stop requested, waiting for the current mini-batch to end
        Ready ///< a session exists but no trainer runs (stopped, finished, reset)
    };
    Q_ENUM(State)

    explicit TrainingController(QObject* parent = nullptr);
    ~TrainingController() override;

    /// Where trained weights are written back (may be null). Not owned.
    void setDocument(GraphDocument* document);

    State state() const { return m_state; }
    /// Running, Paused or Stopping: the architecture must not change under the trainer.
    bool isRunning() const;
    bool hasSession() const { return m_hasSession; }
    /// Ready with an interrupted session: train() and step() continue it.
    bool canResume() const { return m_state == State::Ready && m_resumable; }
    int runId() const { return m_runId; }
    /// Files `count` runs read from a project file under ids of their own, below every later
    /// session's: returns the first; runId() is then the last (the file's current run).
    int reserveRunIds(int count);
    /// Ids up to `runId` are taken (runs still shown from before): the next run comes after.
    void reserveRunIdsThrough(int runId);
    /// What identifies a network: node ids, types, attributes and edges (names and positions
    /// may differ).
    static std::string architectureKey(const engine::Project& project);
    /// True when `project` has the session's architecture (architectureKey()).
    bool sameArchitecture(const engine::Project& project) const
    {
        return architectureKey(project) == m_architectureKey;
    }

    /// Starts a new session from a copy of `project` (data resolved against `projectDir`), or
    /// continues the current one (see class comment). Resumes when paused.
    void train(const engine::Project& project, const QString& projectDir = {});
    /// Like train() but pauses after the first mini-batch.
    void startStepping(const engine::Project& project, const QString& projectDir = {});
    void pause();
    void resume();
    /// Exactly one mini-batch: from Paused, or from Ready when canResume(); pauses when running.
    void step();
    /// Asks the trainer to stop and waits (at most `timeoutMs`) for its current mini-batch; the
    /// state is Ready and finished() delivered when this returns true.
    bool stop(int timeoutMs = 1000);
    /// Re-initializes the weights of the session (stopping first) with the project's seed or a
    /// new random one. Returns the seed used (0 when there is no session).
    std::uint64_t resetWeights(bool newSeed);
    /// Stops a running trainer and makes the next train() or step() start a new session even if
    /// the document matches the interrupted one: for a document replaced by another project,
    /// such as a lesson variant that differs from the last one only in live settings.
    void discardResume();
    /// Another project replaces the document: stops a running trainer and drops the session
    /// (Train and Step start a new one; setWeights() and setWeight() go to the new document
    /// rather than being refused for the old session's architecture), and forgets the last
    /// progress and outcome (progressCleared()). Run ids start again at 1.
    void forgetProject();

    /// Before a hand edit of a weight (the neuron view): stops a paused run, keeping its session
    /// (Train and Step continue it), so that its weights are in the document before the edit.
    /// False while running: weights do not change under the trainer.
    bool prepareWeightEdit();
    /// Sets entry (row, col) of parameter `param` ("W", "b") of `node` in the session's network,
    /// before the worker does anything else. Without a session the document's weights, which the
    /// edit went to, become the starting weights of the next session. False while running or when
    /// the document's architecture is not the session's.
    bool setWeight(engine::NodeId node, const std::string& param, long row, long col, double value);
    /// Replaces all weights between runs (the step-through's Update). They go to the document,
    /// as a finished run or Reset weights writes them (weightsWritten(), views follow), and into
    /// the session's network, so Train and Step continue from them; without a session they are
    /// the next session's starting weights. False while running (call prepareWeightEdit() first)
    /// or when the document's architecture is not the session's.
    bool setWeights(const engine::WeightMap& weights);

    /// Live hyper-parameters: applied before the next mini-batch, or when training resumes.
    void setLearningRate(double lr);
    void setL1(double l1);
    void setL2(double l2);
    void setBatchSize(int batchSize);
    const engine::LiveSettings& liveSettings() const { return m_live; }

    /// Nodes whose tensors the views need even in large networks.
    void setWatchedNodes(const std::set<engine::NodeId>& nodes);
    /// Whether snapshots carry a copy of every weight (TrainingSnapshot::weights), for views
    /// that run the network themselves (feature maps). Off by default: it costs a copy.
    void setFullWeightsWanted(bool on);

    /// The last snapshot's progress fields (for the status bar); default before any.
    const TrainingSnapshot& lastProgress() const { return m_lastProgress; }
    /// The current session's epochs so far (every epoch since it started or was reset); it goes
    /// into the document with the weights when the run ends.
    const engine::TrainingHistory& history() const { return m_history; }
    /// What progress displays say while this project has no session: "" for "Not trained", or
    /// how the project's stored weights were trained ("Trained: 40 epochs, ..."). forgetProject()
    /// clears it. Emits progressCleared().
    void setIdleSummary(const QString& summary);
    /// Without a session: runs the project's stored weights over its data on the training
    /// thread and emits storedWeightsShown() with the data views' content (boundary, neurons,
    /// confusion, feature maps) under `runId`. Dropped when a session starts or the project is
    /// forgotten first.
    void showStoredWeights(const engine::Project& project, const QString& projectDir, int runId);
    /// Without a session: the next Train or Step starts from the document's weights (an opened
    /// trained or imported project trains on from them: fine-tuning) rather than from fresh
    /// ones. Reset weights (which clears the document's) starts afresh.
    void continueFromDocument();
    QString idleSummary() const { return m_idleSummary; }
    /// Starts a new run from `checkpoint` (its weights, optimizer state, epoch and generators)
    /// with the settings of `project` (changed ones too: learning rate, optimizer, ...), stopping
    /// a running one first: "Continue from here" on the timeline. It trains on to
    /// training.epochs in all (or training.epochs more when the checkpoint is already there),
    /// numbered on from the checkpoint's epoch; its curves start there. A layer added since the
    /// checkpoint starts from fresh weights, the others from the checkpoint's. False when
    /// training does not stop.
    bool forkFrom(
        const engine::Project& project, const QString& projectDir, CheckpointPtr checkpoint);
    /// The project the current session trains (null without one), and its folder: what the
    /// timeline evaluates its checkpoints with.
    std::shared_ptr<const engine::Project> sessionProject() const { return m_sessionProject; }
    QString sessionDirectory() const { return m_sessionDir; }
    const TrainingOutcome& lastOutcome() const { return m_lastOutcome; }
    /// The worker, for tests that need its constants; never call its methods directly.
    const TrainingWorker* worker() const { return m_worker.get(); }

signals:
    void stateChanged(widgets::TrainingController::State state);
    void sessionStarted(const widgets::TrainingSessionInfo& info);
    void snapshotReady(const widgets::TrainingSnapshot& snapshot);
    void finished(const widgets::TrainingOutcome& outcome);
    /// Setting up a session failed (bad data file, shape error): the message is for people.
    void failed(const QString& message);
    /// Trained weights were written to the document.
    void weightsWritten();
    /// lastProgress() and lastOutcome() were reset: progress displays show "Not trained", or
    /// idleSummary() when there is one.
    void progressCleared();
    /// A message for the status bar ("weights not stored: the network changed").
    void message(const QString& text);
    /// The answer to showStoredWeights() for the open project.
    void storedWeightsShown(
        const widgets::TrainingSessionInfo& info, const widgets::TrainingSnapshot& snapshot);
    /// The end of an epoch (or a run's start) of run `runId`, for the timeline.
    void checkpointTaken(int runId, widgets::CheckpointPtr checkpoint);
    /// The running training is estimated to take over an hour (TrainingWorker::longRunWarning;
    /// the same wording as netcanvas-train's warning).
    void longRunWarning(const QString& text);

private:
    void setState(State s);
    void startSession(const engine::Project& project, const QString& projectDir, bool stepping);
    void queueRun(bool stepping);
    /// Takes the learning rate, L1, L2 and batch size of `project` as the live settings.
    void adoptLiveSettings(const engine::Project& project);
    void pushLiveSettings();
    void onSnapshot(const TrainingSnapshot& snapshot);
    void onPaused(long step);
    void onFinished(const TrainingOutcome& outcome);
    void onFailed(const QString& message);
    void writeWeights(const engine::WeightMap& weights);
    void storeWeights(
        const engine::WeightMap& weights, const std::optional<engine::TrainerState>& state);
    static std::string sessionKey(const engine::Project& project);

    QThread* m_thread = nullptr;
    std::unique_ptr<TrainingWorker> m_worker;
    QPointer<GraphDocument> m_document;
    std::shared_ptr<engine::TrainerControl> m_control;

    State m_state = State::Idle;
    bool m_hasSession = false;
    bool m_resumable = false;
    bool m_discardOnFinish = false; ///< discardResume() while the trainer was still stopping
    bool m_sessionFailed = false;
    int m_runId = 0;
    std::string m_sessionKey;
    std::string m_architectureKey;
    std::uint64_t m_seed = 1;
    bool m_startFromDocument = false; ///< weights were set by hand with no session
    CheckpointPtr m_forkFrom; ///< the next session starts from it (forkFrom())
    std::shared_ptr<const engine::Project> m_sessionProject;
    QString m_sessionDir;
    /// The latest showStoredWeights() request; answers to earlier ones are stale.
    int m_storedRequest = 0;
    engine::LiveSettings m_live;
    TrainingSnapshot m_lastProgress;
    TrainingOutcome m_lastOutcome;
    engine::TrainingConfig m_sessionConfig; ///< what the session trains with (seed after reset)
    engine::TrainingHistory m_history;
    QString m_idleSummary;

    // Set by the worker thread when run() returns; stop() waits on it.
    std::mutex m_runMutex;
    std::condition_variable m_runCv;
    bool m_runActive = false;
};

} // namespace widgets
