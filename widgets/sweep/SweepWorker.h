#pragma once

#include "project/Project.h"
#include "sweep/Sweep.h"
#include "sweep/SweepRunner.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QVector>

#include <atomic>
#include <vector>

namespace widgets {

/// Trains a sweep (engine::SweepRunner) on the thread it was moved to (SweepController's).
///
/// run() blocks that thread until every run ended; the runs themselves train on the threads of
/// an OpenMP region beside the GUI's own trainer. Results leave only as values, through signals
/// (queued to the GUI thread) tagged with the sweep's id: epochs in batches, at most every
/// kMinIntervalMs per run and always at a run's end, so a fast sweep cannot flood the GUI.
class SweepWorker : public QObject {
    Q_OBJECT
public:
    static constexpr int kMinIntervalMs = 100;

    /// Loads the data, prepares every run and trains them with `threads` threads in all (0: all
    /// cores). Emits prepared() then, per run, runStarted(), epochs() and runFinished(), and
    /// finally finished(); or failed() when a setting or the data is wrong (nothing trained).
    void run(int sweepId, const engine::Project& project, const QString& projectDir,
        const std::vector<engine::SweepRun>& runs, int threads);
    /// Thread-safe: every run of the sweeps with ids up to `sweepId` stops before its next
    /// mini-batch (a sweep queued after them is not affected).
    void cancelUpTo(int sweepId);

signals:
    void prepared(int sweepId, int parallelRuns);
    void failed(int sweepId, const QString& message);
    void runStarted(int sweepId, int index);
    /// New epochs of run `index` (1-based), oldest first.
    void epochs(int sweepId, int index, const QVector<engine::EpochRecord>& records);
    void runFinished(int sweepId, const engine::SweepRunResult& result);
    void finished(int sweepId, bool cancelled);

private:
    bool cancelled(int sweepId) const { return m_cancelledUpTo.load() >= sweepId; }

    std::atomic<int> m_cancelledUpTo {0};
};

} // namespace widgets

Q_DECLARE_METATYPE(engine::EpochRecord)
Q_DECLARE_METATYPE(engine::SweepRunResult)
