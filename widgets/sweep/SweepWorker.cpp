#include "sweep/SweepWorker.h"

#include "data/DatasetCache.h"
#include "data/DatasetLoading.h"

#include <QElapsedTimer>

#include <map>
#include <mutex>
#include <thread>

namespace widgets {

namespace {

/// The epochs a run has not sent yet, and when it last sent some.
struct PendingEpochs {
    QVector<engine::EpochRecord> records;
    QElapsedTimer sinceSent;
};

} // namespace

void SweepWorker::run(int sweepId, const engine::Project& project, const QString& projectDir,
    const std::vector<engine::SweepRun>& runs, int threads)
{
    const int totalThreads
        = threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
    std::optional<engine::SweepRunner> runner;
    try {
        // The dataset panel may have loaded the same data: DatasetCache shares it.
        runner.emplace(project, runs, [&projectDir](const engine::Project& p) {
            const SharedSourceData parts = DatasetCache::acquire(p.dataset, projectDir);
            return engine::splitSourceData(
                *parts, p.training.validationSplit, p.training.testSplit, p.training.seed);
        });
    } catch (const std::exception& e) {
        emit failed(sweepId, QString::fromStdString(e.what()));
        return;
    }
    emit prepared(
        sweepId, engine::SweepPlan::forThreads(runner->runCount(), totalThreads).parallelRuns);

    std::mutex mutex;
    std::map<int, PendingEpochs> pending;
    const auto flush = [&](int index, bool always) {
        QVector<engine::EpochRecord> records;
        {
            const std::lock_guard lock(mutex);
            PendingEpochs& p = pending[index];
            if (p.records.isEmpty()
                || (!always && p.sinceSent.isValid() && p.sinceSent.elapsed() < kMinIntervalMs))
                return;
            records.swap(p.records);
            p.sinceSent.start();
        }
        emit epochs(sweepId, index, records);
    };
    engine::SweepCallbacks callbacks;
    callbacks.onRunStarted = [&](const engine::SweepRun& r) { emit runStarted(sweepId, r.index); };
    callbacks.onEpochEnd = [&](const engine::SweepRun& r, const engine::EpochStats& e) {
        {
            const std::lock_guard lock(mutex);
            pending[r.index].records.push_back(engine::EpochRecord::from(e));
        }
        flush(r.index, false);
    };
    callbacks.onRunFinished = [&](const engine::SweepRunResult& result) {
        flush(result.run.index, true);
        emit runFinished(sweepId, result);
    };
    runner->run(
        totalThreads, callbacks, [this, sweepId] { return cancelled(sweepId); }, true);
    emit finished(sweepId, cancelled(sweepId));
}

void SweepWorker::cancelUpTo(int sweepId)
{
    int current = m_cancelledUpTo.load();
    while (current < sweepId && !m_cancelledUpTo.compare_exchange_weak(current, sweepId)) { }
}

} // namespace widgets
