#pragma once
// Trains the runs of a sweep (sweep/Sweep.h), as many at once as the threads allow.

#include "data/Dataset.h"
#include "project/Project.h"
#include "sweep/Sweep.h"
#include "training/Trainer.h"
#include "training/TrainingHistory.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace engine {

/// How many runs train at once and with how many threads each. With T threads and R runs,
/// min(R, T) runs train at once. Runs side by side get one thread each: BLAS cannot be shared
/// between networks that train at once, so each multiplies on its own thread, and a product's
/// last bits depend on how many threads BLAS splits it over (a 400-unit layer differs in the 7th
/// digit between one and two threads). A run alone (R = 1 or T = 1) gets all T threads. Either
/// way a run equals `netcanvas-train --threads threadsPerRun` with its settings and seed: its
/// numbers depend on its seed and its thread count only.
struct SweepPlan {
    int parallelRuns = 1;
    int threadsPerRun = 1;
    static SweepPlan forThreads(int runs, int totalThreads);
};

/// What one run of a sweep produced.
struct SweepRunResult {
    SweepRun run;
    std::uint64_t seed = 0; ///< training.seed of the run (the project's unless swept)
    int threads = 1; ///< threads the run trained with
    TrainResult result;
    std::string error; ///< non-empty when the run failed to train (the result is then empty)
    TrainingHistory history; ///< per-epoch curves
    /// Lowest validation loss and highest validation accuracy over the epochs, and where; empty
    /// without a validation set.
    std::optional<Metrics> bestValidation;
    int bestLossEpoch = 0;
    int bestAccuracyEpoch = 0;
    double seconds = 0; ///< wall time of the run
    WeightMap weights; ///< the weights at the end of the run
    TrainingConfig training; ///< the run's training settings (the project's with the run's own)
};

struct SweepCallbacks {
    std::function<void(const SweepRun&)> onRunStarted;
    std::function<void(const SweepRun&, const EpochStats&)> onEpochEnd;
    std::function<void(const SweepRunResult&)> onRunFinished;
};

/// Prepares every run up front (so bad settings fail before any training) and trains them.
///
/// Runs that train at once do so on the threads of one OpenMP region, so that BLAS (whose thread
/// pool must not be entered from two threads at once) runs on each run's own thread, and the
/// engine's loops keep to that thread (ScopedThreadCount). One run at a time trains on the
/// calling thread with all threads.
class SweepRunner {
public:
    /// Loads a run's data; called once per distinct seed (the split depends on it), on the
    /// constructing thread. May throw InputError.
    using DataLoader = std::function<DatasetSplits(const Project&)>;

    /// Applies each run's settings to a copy of `base`, loads the data and checks each run's
    /// graph against it. Throws InputError naming the setting ("hidden.units=0: ...") or the run
    /// ("run 3 (hidden.units=1): Dense 'output' expects ...").
    SweepRunner(const Project& base, std::vector<SweepRun> runs, const DataLoader& load);
    ~SweepRunner();

    int runCount() const { return int(m_runs.size()); }
    /// The project of run `index` (0-based), with its settings applied and no weights.
    const Project& projectOf(int index) const;

    /// Trains every run and returns the results in run order. The callbacks are called from the
    /// runs' threads, several at once: they must guard what they share. `cancelled` (optional,
    /// called from the runs' threads after every mini-batch) stops every run when it returns true
    /// (their results then say interrupted). `besideTrainer`: always train inside a parallel
    /// region, even one run at a time, so that a trainer on another thread (the GUI's) may use BLAS
    /// meanwhile.
    std::vector<SweepRunResult> run(int totalThreads, const SweepCallbacks& callbacks,
        const std::function<bool()>& cancelled = {}, bool besideTrainer = false);

private:
    struct PreparedRun {
        SweepRun run;
        Project project;
        std::shared_ptr<const DatasetSplits> data;
    };
    SweepRunResult trainOne(const PreparedRun& prepared, int threads,
        const SweepCallbacks& callbacks, const std::function<bool()>& cancelled) const;

    std::vector<PreparedRun> m_runs;
};

} // namespace engine
