#pragma once
// Value types the training worker sends to the GUI thread. Everything here is a copy: the GUI
// never sees the worker's Graph or Trainer, so no locks are needed on either side.

#include "core/Types.h"
#include "project/Project.h"
#include "training/CheckpointStore.h"
#include "training/Trainer.h"

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

namespace engine {
class Layer;
}

namespace widgets {

/// One mini-batch's loss. x = epoch progress: (epoch - 1) + batch / batchesPerEpoch, so step and
/// epoch points share the plots' horizontal axis.
struct StepPoint {
    long step = 0;
    int epoch = 0;
    double x = 0;
    double loss = 0;
};

/// End-of-epoch metrics; x == epoch.
struct EpochPoint {
    int epoch = 0;
    long step = 0;
    double trainLoss = 0;
    std::optional<double> trainAccuracy;
    std::optional<double> validationLoss;
    std::optional<double> validationAccuracy;
    double learningRate = 0;
};

/// A copy of one parameter tensor (and its gradient at the last mini-batch).
struct ParamCopy {
    engine::NodeId node = -1;
    QString nodeName;
    QString param; ///< "W", "b", ...
    engine::Matrix value; ///< rows x cols as the layer stores it (Dense W: units x inputs)
    engine::Matrix grad; ///< same shape, or empty when no gradient was computed yet
    /// Distribution of the values (subsampled for large tensors): quantiles at kQuantiles.
    std::vector<double> quantiles;
    /// Convolution weights (Conv2D W: filters x (kernelH * kernelW * channels), column
    /// (kh * kernelW + kw) * channels + ci); all 0 for other tensors.
    int kernelH = 0;
    int kernelW = 0;
    int channels = 0;
    bool isConvKernel() const { return kernelH > 0 && kernelW > 0 && channels > 0; }
    /// A copy of `value`, parameter `param` of `layer` (node `node`, shown as `nodeName`), with
    /// its quantiles and, for a Conv2D kernel, its geometry; without gradient.
    static ParamCopy of(engine::NodeId node, const QString& nodeName, const engine::Layer& layer,
        const std::string& param, const engine::Matrix& value);
    static constexpr int kQuantileCount = 9;
    static constexpr double kQuantiles[kQuantileCount]
        = {0.0, 0.07, 0.16, 0.31, 0.5, 0.69, 0.84, 0.93, 1.0};
};

/// Euclidean norm of all of a node's parameter gradients at one step.
struct GradientNorm {
    engine::NodeId node = -1;
    QString nodeName;
    double norm = 0;
};

/// Each parametrized node's gradient norm averaged over the mini-batches of one finished epoch:
/// the Gradients tab's points, one per epoch per layer however the snapshots were throttled.
struct EpochGradientNorms {
    int epoch = 0;
    std::vector<GradientNorm> layers; ///< in execution order (input side first)
};

/// ||dL/dh_t|| of a recurrent node at each time step t of the last mini-batch
/// (engine::RecurrentLayer::stepGradientNorms): the unrolled canvas view shades its cells by it.
struct StepGradientNorms {
    engine::NodeId node = -1;
    std::vector<double> norms; ///< one per time step, t = 0 first
};

/// Values on a regular grid over the 2-D input range; cell (ix, iy) is values[iy * size + ix]
/// at x = xMin + (ix + 0.5) * (xMax - xMin) / size (likewise y).
struct GridImage {
    int size = 0;
    double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
    QVector<float> values;
};

/// Prediction over the input plane: for binary classification the probability of class 1, for
/// several classes the predicted class index, for regression the (first) output.
struct BoundaryGrid {
    GridImage image;
    double valueMin = 0; ///< range of the values (0..1, 0..classes-1, or the regression range)
    double valueMax = 1;
};

/// Outputs of a small hidden layer's neurons over the input plane (one GridImage per unit).
struct NeuronImages {
    engine::NodeId node = -1;
    QString nodeName;
    std::vector<GridImage> units;
};

/// counts[actual * numClasses + predicted] on the validation set (test set when there is no
/// validation set).
struct ConfusionMatrix {
    int numClasses = 0;
    int epoch = 0;
    QStringList classNames;
    QVector<long> counts;
    long at(int actual, int predicted) const { return counts[actual * numClasses + predicted]; }
};

/// The validation images (TrainingSessionInfo::samples) the network gets most wrong: those with
/// the lowest probability of their true class (the highest cross-entropy), worst first.
struct MostWrong {
    struct Entry {
        long sample = 0; ///< column of TrainingSessionInfo::samples
        int trueClass = 0;
        int predictedClass = 0;
        float trueProbability = 0; ///< the network's probability of the true class
        float predictedProbability = 0; ///< ... and of the predicted class
    };
    static constexpr int kCount = 24;
    int epoch = 0;
    long ranked = 0; ///< samples ranked (the first `ranked` of the set)
    QStringList classNames;
    std::vector<Entry> entries; ///< at most kCount, ascending trueProbability
};

/// Why a snapshot was sent (the worker throttles regular updates, not these).
enum class SnapshotTrigger {
    Progress, ///< regular throttled update
    Paused, ///< training paused; no more points until resume or step
    Step, ///< one mini-batch done by Step
    Finished, ///< the run ended (see stopReason)
    Reset ///< weights were re-initialized; histories start over
};

/// What changed since the previous snapshot plus the current state. Heavy extras (grids, weight
/// copies, confusion matrix) are computed only when a snapshot is sent.
struct TrainingSnapshot {
    SnapshotTrigger trigger = SnapshotTrigger::Progress;
    int runId = 0; ///< increments with every new session or reset (one curve per run)

    std::vector<StepPoint> steps; ///< new since the last snapshot, in order
    std::vector<EpochPoint> epochs; ///< new since the last snapshot

    long step = 0; ///< mini-batches done in this run
    int epoch = 0; ///< completed epochs
    int totalEpochs = 0;
    long batch = 0; ///< within the current epoch
    long batchesPerEpoch = 0;
    double progressX = 0; ///< epoch progress, see StepPoint::x
    double samplesPerSecond = 0;
    double etaSeconds = -1; ///< < 0 when unknown
    double elapsedSeconds = 0;
    double learningRate = 0;

    std::vector<ParamCopy> params; ///< every trainable tensor (or the watched ones)
    std::vector<GradientNorm> gradientNorms; ///< per node, at this step
    std::vector<EpochGradientNorms> epochGradients; ///< epochs finished since the last snapshot
    std::vector<StepGradientNorms> stepGradientNorms; ///< recurrent nodes, at this step
    std::optional<BoundaryGrid> boundary; ///< 2-D inputs only
    std::vector<NeuronImages> neurons; ///< small hidden layers, 2-D inputs only
    std::optional<ConfusionMatrix> confusion; ///< classification, after an epoch ended
    std::optional<MostWrong> mostWrong; ///< image classification, with `confusion`
    /// Every parameter (trainable or not, e.g. batch-norm statistics) of every node, shared so
    /// copies of the snapshot stay cheap. Only sent for image inputs while a view asked for it
    /// (TrainingController::setFullWeightsWanted), at most every few hundred ms and always on
    /// pause, step, reset and finish; null otherwise.
    std::shared_ptr<const engine::WeightMap> weights;

    bool finished = false;
    engine::StopReason stopReason = engine::StopReason::Completed;
    QString message; ///< why training stopped, for people

    bool hasUpdates() const { return !steps.empty() || !epochs.empty(); }
};

/// The data and settings of a session, sent once when it starts (and after a reset).
struct TrainingSessionInfo {
    int runId = 0;
    QString label; ///< "lr 0.03, adam, batch 16, seed 1": names the run in the overlay
    bool fromFile = false; ///< a finished run read from the project file, not one trained now
    /// Another of the same file's runs (fromFile): the runs of the file shown before it stay.
    bool moreOfFile = false;
    bool classification = true;
    int numClasses = 0;
    QStringList classNames;
    bool twoD = false; ///< inputs are 2-D: boundary and neuron views apply
    /// inputs x n copies of the points (as fed to the network, at most kMaxSampleScalars each):
    /// 2-D inputs, and flat inputs of more features, which the boundary view draws on a plane
    /// (those sessions also fill `architecture` and `context` below). Empty otherwise.
    engine::Matrix trainX, testX;
    QStringList featureNames; ///< flat inputs of more than 2 features: one per input, or empty
    engine::Matrix trainY, testY; ///< labels or targets
    /// Parametrized nodes in execution order: (id, name).
    std::vector<std::pair<engine::NodeId, QString>> layers;
    int totalEpochs = 0;
    long trainSamples = 0;

    // Image inputs (3-D input shape H x W x C) only, for the feature-map view:
    /// The architecture trained (weights cleared), to rebuild the graph off the worker.
    std::shared_ptr<const engine::Project> architecture;
    engine::GraphContext context; ///< what the session compiled the graph with
    /// Up to kMaxSampleScalars scalars of the validation set (test, then training set when
    /// there is none): inputs x n, as fed to the network (scaled), and their class labels
    /// (-1 for regression). Shared: the session info is copied on its way to the views.
    std::shared_ptr<const engine::Matrix> samples;
    std::vector<int> sampleLabels;
    QString sampleSetName; ///< "validation", "test" or "training"
    long sampleSetSize = 0; ///< samples in that set (samples.cols() may be fewer)
    /// Autoencoder sessions (engine::Dataset::reconstruction) only: the clean inputs, i.e. the
    /// targets, of `samples` (which are noisy when the project adds input noise); null otherwise.
    std::shared_ptr<const engine::Matrix> cleanSamples;
    static constexpr long kMaxSampleScalars = 8'000'000;
    /// How many samples of `inputs` scalars each fit in kMaxSampleScalars.
    static long sampleLimit(long inputs) { return kMaxSampleScalars / std::max<long>(1, inputs); }

    // Sequence sessions (a {t, f} input or any recurrent layer) fill the fields above as image
    // sessions do, plus these, for the sequence views (hidden states, forecast, text sampling):
    bool sequence = false;
    /// Targets of the same samples (y: 1 x n labels or targets x n), shared like `samples`.
    std::shared_ptr<const engine::Matrix> sampleTargets;
    /// Token datasets: the text of each token id (engine::Dataset::vocabulary); empty otherwise.
    QStringList vocabulary;
    /// What was applied to the inputs (new inputs need it too): sequence sessions, and flat
    /// inputs of more than 2 features (the plane views name the scale on their axes).
    engine::FeatureScaling scaling;
};

/// What a finished run hands back: why it ended and the weights to store in the document.
struct TrainingOutcome {
    engine::TrainResult result;
    engine::WeightMap weights; ///< empty when training diverged (NaN weights are not kept)
    bool resumable = false; ///< Train continues this session (it was interrupted)
    /// What continuing the run exactly needs beyond the weights, saved with them.
    std::optional<engine::TrainerState> state;
};

/// A checkpoint of the timeline, shared between the threads (never changed once made).
using CheckpointPtr = std::shared_ptr<const engine::Checkpoint>;

/// Registers the types above for queued connections (idempotent).
void registerTrainingMetaTypes();

} // namespace widgets

Q_DECLARE_METATYPE(widgets::TrainingSnapshot)
Q_DECLARE_METATYPE(widgets::TrainingSessionInfo)
Q_DECLARE_METATYPE(widgets::TrainingOutcome)
Q_DECLARE_METATYPE(widgets::CheckpointPtr)
