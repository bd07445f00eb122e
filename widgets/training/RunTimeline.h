#pragma once

#include "project/SavedRuns.h"
#include "training/CheckpointStore.h"
#include "training/TrainingSnapshot.h"

#include <QObject>
#include <QString>

#include <map>
#include <memory>
#include <vector>

class QThread;

namespace widgets {

class TrainingController;
class TrainingWorker;

/// The timeline of the open project's runs: the checkpoints the training thread takes at the
/// end of every epoch, kept per run under one memory budget (engine::CheckpointStore thins them
/// evenly), and what the data views show at any of them. A scrubbed epoch is evaluated on a
/// thread of its own, with the run's project and data, so scrubbing never waits for training
/// and training never waits for scrubbing.
class RunTimeline : public QObject {
    Q_OBJECT
public:
    explicit RunTimeline(TrainingController* controller, QObject* parent = nullptr);
    ~RunTimeline() override;

    /// Runs with checkpoints, oldest first.
    std::vector<int> runs() const;
    /// Every run, those read from a file with their curves only too, oldest first.
    std::vector<int> allRuns() const;
    /// The epochs kept of a run (0: before its first epoch), oldest first.
    std::vector<int> epochs(int runId) const;
    /// The checkpoint at `epoch` of the run, or the latest before it; null when none.
    CheckpointPtr checkpoint(int runId, int epoch) const;
    /// The epoch a run forked from (-1 for a run that started afresh or from a file).
    int forkedAt(int runId) const;
    /// The run a run forked from (-1: none known).
    int parentOf(int runId) const;
    /// The run's own epochs' losses and accuracies (a fork's begin after forkedAt()), as the
    /// loss plot drew them.
    const std::vector<engine::EpochRecord>& curves(int runId) const;
    /// "lr 0.03, adam, batch 16, seed 1": the run's settings, as the loss plot names runs.
    QString label(int runId) const;
    std::size_t bytes() const;
    /// 200 MB for all runs together.
    std::size_t budget() const { return engine::CheckpointStore::kDefaultBudget; }

    /// Asks for the data views' content at that checkpoint; checkpointShown() answers (only the
    /// latest request is answered).
    void show(int runId, int epoch);
    /// Another project: every run goes.
    void clear();

    /// "Continue from here" on `parentRunId` is about to start a run: the next run that starts
    /// past epoch 0 records it as its parent.
    void expectFork(int parentRunId);
    /// The run whose newest epoch is the document's weights (a run read from the file): a run
    /// continuing the document's weights records it as its parent.
    void setDocumentRun(int runId) { m_documentRun = runId; }
    /// Every run for the project file, oldest first, numbered 1..n with parents renumbered
    /// alike; with their checkpoints when `withCheckpoints`.
    /// Runs whose network differs from `architecture` (TrainingController::architectureKey;
    /// "" for any) keep their curves only.
    std::vector<engine::SavedRun> savedRuns(
        bool withCheckpoints, const std::string& architecture = {}) const;
    /// A run read from the project file, filed under `runId` (its parent's runId or -1):
    /// `project` is what its checkpoints are evaluated with (the document with the run's
    /// settings), `checkpoints` may be empty (saved without: curves only).
    void restore(int runId, const engine::SavedRun& run, int parentRunId,
        std::shared_ptr<const engine::Project> project, const QString& projectDir);

signals:
    /// Runs or their epochs changed.
    void changed();
    void checkpointShown(int runId, int epoch, const widgets::TrainingSessionInfo& info,
        const widgets::TrainingSnapshot& snapshot);
    /// The checkpoint asked for by show() could not be evaluated (its data is gone): why.
    void checkpointFailed(int runId, int epoch, const QString& message);

private:
    struct Run {
        engine::CheckpointStore store;
        std::shared_ptr<const engine::Project> project;
        QString projectDir;
        QString label;
        int forkedAt = -1;
        int parent = -1;
        std::vector<engine::EpochRecord> curves;
    };
    void add(int runId, const CheckpointPtr& checkpoint);
    void addCurves(const TrainingSnapshot& snapshot);
    /// The viewer's answer to the request in flight: the next one (if asked meanwhile) goes.
    /// False when it went, so this answer is stale.
    bool answered(int requestId);
    void sendRequest();
    void shareBudget();

    TrainingController* m_controller;
    QThread* m_thread = nullptr;
    std::unique_ptr<TrainingWorker> m_viewer;
    std::map<int, Run> m_runs;
    int m_request = 0;
    int m_requestRun = -1;
    int m_requestEpoch = -1;
    /// One evaluation at a time: a drag of the scrubber asks for many epochs, and only the
    /// last one asked while another was computed is computed next.
    bool m_inFlight = false;
    bool m_pending = false;
    int m_expectedParent = -1;
    int m_documentRun = -1;
};

} // namespace widgets
