#pragma once

#include "data/Dataset.h"
#include "graph/Graph.h"
#include "graph/Loss.h"
#include "training/Optimizer.h"
#include "training/TrainingConfig.h"
#include "training/TrainerState.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace engine {

struct BatchStats {
    long step = 0;         ///< mini-batches done since the start of the run (1-based)
    int epoch = 0;         ///< 1-based
    long batch = 0;        ///< 1-based index within the epoch
    long batchesPerEpoch = 0;
    double loss = 0;       ///< this batch's mean loss
    double learningRate = 0;
    long samplesSeen = 0;
};

struct Metrics {
    double loss = 0;
    std::optional<double> accuracy; ///< classification only
};

struct EpochStats {
    int epoch = 0; ///< 1-based
    Metrics train; ///< mean over the epoch's mini-batches, as Keras and PyTorch report it
    std::optional<Metrics> validation;
    /// Predicted class of every validation sample (classification with a validation set), from
    /// the same pass as `validation`: a confusion matrix needs no second forward pass.
    std::vector<int> validationPredictions;
    /// The network's outputs for the same samples after the loss's output transform (outputs x
    /// samples: class probabilities for the cross-entropies), from the same pass.
    Matrix validationProbabilities;
    double samplesPerSecond = 0; ///< training throughput of this epoch
    double elapsedSeconds = 0;   ///< since the start of the run
    double learningRate = 0;
};

enum class StopReason {
    Completed,   ///< "completed"
    EarlyStop,   ///< "early-stop"
    Diverged,    ///< "diverged": the loss became NaN or infinite
    Interrupted  ///< "interrupted": stop requested
};
std::string stopReasonName(StopReason r);

struct TrainResult {
    StopReason reason = StopReason::Completed;
    std::string message; ///< why training ended, for people ("loss became NaN at epoch 3 ...")
    int epochs = 0;      ///< epochs completed
    std::optional<EpochStats> last;
    std::optional<Metrics> test;
    double samplesPerSecond = 0; ///< over the whole run
};

/// Settings a GUI may change while training; applied before the next mini-batch.
struct LiveSettings {
    double learningRate = 0;
    double l1 = 0;
    double l2 = 0;
    int batchSize = 0;
};

/// Thread-safe control of a running Trainer::run() from another thread.
class TrainerControl {
public:
    void requestStop();
    void setPaused(bool paused);
    bool isPaused() const { return m_paused.load(); }
    bool stopRequested() const { return m_stop.load(); }
    /// Queues new live settings; the trainer picks them up before its next mini-batch.
    void setLiveSettings(const LiveSettings& s);
    /// Allows `n` more mini-batches while paused (the GUI's Step button).
    void stepWhilePaused(int n = 1);

    // Used by the trainer:
    /// Blocks while paused (and no step is allowed); returns false when stop was requested.
    bool waitToContinue();
    std::optional<LiveSettings> takeLiveSettings();

private:
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_paused{false};
    std::mutex m_mutex;
    std::condition_variable m_cv;
    int m_steps = 0;
    std::optional<LiveSettings> m_pending;
};

struct TrainerCallbacks {
    std::function<void(const BatchStats&)> onBatchEnd;
    std::function<void(const EpochStats&)> onEpochEnd;
};

/// Trains a compiled Graph on a dataset split, synchronously on the calling thread.
/// The graph must outlive the trainer and must not be touched by others while it runs.
class Trainer {
public:
    /// Compiles the graph if needed (seeded by config.seed); throws ShapeError / InputError.
    Trainer(Graph& graph, DatasetSplits data, TrainingConfig config);
    ~Trainer();

    /// Runs the remaining epochs (config.epochs in all) until done, early stop, divergence or
    /// a stop request. May be called again after a stop to continue.
    TrainResult run(const TrainerCallbacks& callbacks = {}, TrainerControl* control = nullptr);

    /// One mini-batch (the next of the current epoch). Returns the batch's stats; check
    /// diverged() afterwards.
    BatchStats trainBatch();
    bool diverged() const { return m_diverged; }

    /// Loss and accuracy of the current weights on a dataset, in inference mode and batches.
    /// For classification, `predictions` (when given) receives the predicted class per sample.
    /// With `probabilities`, also the outputs after the loss's output transform (outputs x n).
    Metrics evaluate(const Dataset& data, std::vector<int>* predictions = nullptr,
                     Matrix* probabilities = nullptr);
    /// Predictions (after the loss's output transform) for every column of x.
    Matrix predict(const Matrix& x);

    /// Everything beyond the weights that the run needs to continue exactly (see TrainerState).
    TrainerState captureState();
    /// Continues from a captured state: progress, shuffling, dropout, optimizer state and early
    /// stopping (the weights are set on the graph by the caller). The run then trains the
    /// configured number of epochs more, numbered on from the state's (config().epochs becomes
    /// their sum; resetWeights() sets it back). Throws InputError("trainingState...", ...) for a state that is
    /// not one this version writes; nothing changes then.
    void restoreState(const TrainerState& state);

    /// Re-initializes weights from `seed` and forgets optimizer state and progress.
    void resetWeights(std::uint64_t seed);

    const DatasetSplits& data() const { return m_data; }
    const TrainingConfig& config() const { return m_config; }
    const Loss& loss() const { return *m_loss; }
    Graph& graph() { return m_graph; }
    int epochsDone() const { return m_epoch; }
    long stepsDone() const { return m_step; }
    bool isClassification() const { return m_data.train.task == TaskKind::Classification; }

private:
    void startEpoch();
    void applyLiveSettings(const LiveSettings& s);
    double currentLearningRate() const;
    EpochStats finishEpoch();

    Graph& m_graph;
    DatasetSplits m_data;
    TrainingConfig m_config;
    int m_epochsPerRun = 0; ///< the configured epochs: a run continued from a state adds these
    std::unique_ptr<Loss> m_loss;
    std::unique_ptr<Optimizer> m_optimizer;
    Rng m_shuffleRng;
    std::string m_shuffleStateAtEpochStart; ///< m_shuffleRng before this epoch's shuffle

    std::vector<long> m_order; ///< this epoch's shuffled sample order (empty between epochs)
    long m_cursor = 0;         ///< samples of m_order consumed (the batch size may change live)
    long m_batchInEpoch = 0;
    long m_samplesSeen = 0;
    double m_totalTrainSeconds = 0;
    bool m_running = false;
    double m_bestLoss = std::numeric_limits<double>::infinity();
    int m_epochsWithoutImprovement = 0;
    std::map<NodeId, std::map<std::string, Matrix>> m_bestWeights;
    int m_epoch = 0;           ///< completed epochs
    long m_step = 0;
    bool m_diverged = false;
    std::string m_divergeMessage;

    // running sums of the current epoch
    double m_epochLossSum = 0;
    long m_epochSamples = 0;
    long m_epochCorrect = 0;
    double m_epochTrainSeconds = 0;
    std::chrono::steady_clock::time_point m_runStart;

    Matrix m_batchX, m_batchY, m_grad;
    Matrix m_evalX; // kept alive: the graph's Input output points at the last batch it saw
    Matrix m_evalOut; // scratch of evaluate(): one batch after the output transform
    std::vector<int> m_labels;
};

} // namespace engine
