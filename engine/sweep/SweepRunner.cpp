#include "sweep/SweepRunner.h"

#include "core/Errors.h"
#include "core/Parallel.h"

#include <chrono>
#include <cmath>
#include <map>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace engine {

SweepPlan SweepPlan::forThreads(int runs, int totalThreads)
{
    SweepPlan p;
    const int threads = std::max(1, totalThreads);
    p.parallelRuns = std::max(1, std::min(runs, threads));
    p.threadsPerRun = p.parallelRuns > 1 ? 1 : threads;
    return p;
}

SweepRunner::SweepRunner(const Project& base, std::vector<SweepRun> runs, const DataLoader& load)
{
    std::map<std::uint64_t, std::shared_ptr<const DatasetSplits>> dataBySeed;
    for (SweepRun& run : runs) {
        PreparedRun p {std::move(run), {}, {}};
        p.project = projectForRun(base, p.run);
        const std::string name = "run " + std::to_string(p.run.index) + " (" + p.run.label() + ")";
        auto& data = dataBySeed[p.project.training.seed];
        if (!data)
            data = std::make_shared<const DatasetSplits>(load(p.project));
        p.data = data;
        try {
            const Graph graph = p.project.buildGraph();
            const Dataset& train = data->train;
            const GraphCheck check = graph.check(GraphContext {train.inputShape,
                train.task == TaskKind::Classification ? train.numClasses : 0, train.y.rows()});
            if (!check.ok())
                throw InputError(name, check.summary());
        } catch (const ShapeError& e) {
            throw InputError(name, e.what());
        }
        m_runs.push_back(std::move(p));
    }
}

SweepRunner::~SweepRunner() = default;

const Project& SweepRunner::projectOf(int index) const
{
    return m_runs.at(std::size_t(index)).project;
}

SweepRunResult SweepRunner::trainOne(const PreparedRun& prepared, int threads,
    const SweepCallbacks& callbacks, const std::function<bool()>& cancelled) const
{
    const ScopedThreadCount threadCount(threads);
    SweepRunResult r;
    r.run = prepared.run;
    r.seed = prepared.project.training.seed;
    r.threads = threads;
    r.training = prepared.project.training;
    r.history = TrainingHistory::startedWith(prepared.project.training);
    r.history.label = prepared.run.label();
    if (callbacks.onRunStarted)
        callbacks.onRunStarted(prepared.run);
    const auto started = std::chrono::steady_clock::now();
    try {
        Graph graph = prepared.project.buildGraph();
        Trainer trainer(graph, *prepared.data, prepared.project.training);
        TrainerControl control;
        TrainerCallbacks trainerCallbacks;
        trainerCallbacks.onBatchEnd = [&control, &cancelled](const BatchStats&) {
            if (cancelled && !control.stopRequested() && cancelled())
                control.requestStop();
        };
        trainerCallbacks.onEpochEnd = [&](const EpochStats& e) {
            r.history.epochs.push_back(EpochRecord::from(e));
            if (e.validation && std::isfinite(e.validation->loss)) {
                if (!r.bestValidation) {
                    r.bestValidation = Metrics {e.validation->loss, e.validation->accuracy};
                    r.bestLossEpoch = r.bestAccuracyEpoch = e.epoch;
                } else {
                    if (e.validation->loss < r.bestValidation->loss) {
                        r.bestValidation->loss = e.validation->loss;
                        r.bestLossEpoch = e.epoch;
                    }
                    if (e.validation->accuracy && r.bestValidation->accuracy
                        && *e.validation->accuracy > *r.bestValidation->accuracy) {
                        r.bestValidation->accuracy = e.validation->accuracy;
                        r.bestAccuracyEpoch = e.epoch;
                    }
                }
            }
            if (callbacks.onEpochEnd)
                callbacks.onEpochEnd(prepared.run, e);
        };
        if (cancelled && cancelled())
            r.result.reason = StopReason::Interrupted;
        else
            r.result = trainer.run(trainerCallbacks, &control);
        r.weights = graph.weights();
    } catch (const std::exception& e) {
        // Checked in the constructor, so only what no check foresees (memory) ends up here.
        r.error = e.what();
        r.result.reason = StopReason::Interrupted;
        r.result.message = e.what();
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (callbacks.onRunFinished)
        callbacks.onRunFinished(r);
    return r;
}

std::vector<SweepRunResult> SweepRunner::run(int totalThreads, const SweepCallbacks& callbacks,
    const std::function<bool()>& cancelled, bool besideTrainer)
{
    const int count = runCount();
    std::vector<SweepRunResult> results(std::size_t(count), SweepRunResult {});
    const SweepPlan plan = SweepPlan::forThreads(count, totalThreads);
#ifdef _OPENMP
    if (plan.parallelRuns > 1 || besideTrainer) {
        // A region of one thread is not active (BLAS would use its pool): at least two threads,
        // of which only the planned ones take runs.
        const int regionThreads = std::max(2, plan.parallelRuns);
        std::atomic<int> next {0};
#pragma omp parallel num_threads(regionThreads)
        {
            if (omp_get_thread_num() < plan.parallelRuns) {
                // Inside the region BLAS multiplies on the calling thread: one thread per run.
                for (int i = next++; i < count; i = next++)
                    results[std::size_t(i)]
                        = trainOne(m_runs[std::size_t(i)], 1, callbacks, cancelled);
            }
        }
        return results;
    }
#endif
    (void)besideTrainer;
    for (int i = 0; i < count; ++i)
        results[std::size_t(i)]
            = trainOne(m_runs[std::size_t(i)], plan.threadsPerRun, callbacks, cancelled);
    return results;
}

} // namespace engine
