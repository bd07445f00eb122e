#include "training/TrainingWorker.h"

#include "training/MostWrongRanking.h"
#include "training/PlaneGrid.h"

#include "core/Errors.h"
#include "core/Parallel.h"
#include "core/PathPolicy.h"
#include "data/DatasetLoader.h"
#include "data/DatasetLoading.h"
#include "layers/RecurrentCommon.h"

#include <QFile>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

namespace widgets {

void registerTrainingMetaTypes()
{
    qRegisterMetaType<widgets::TrainingSnapshot>();
    qRegisterMetaType<widgets::TrainingSessionInfo>();
    qRegisterMetaType<widgets::TrainingOutcome>();
    qRegisterMetaType<engine::WeightMap>();
    qRegisterMetaType<widgets::CheckpointPtr>();
}

TrainingWorker::TrainingWorker(QObject* parent)
    : QObject(parent)
{
    registerTrainingMetaTypes();
}

TrainingWorker::~TrainingWorker() = default;

void TrainingWorker::setWatchedNodes(const std::set<engine::NodeId>& nodes)
{
    std::lock_guard lock(m_watchMutex);
    m_watched = nodes;
}

void TrainingWorker::startSession(
    const engine::Project& project, const QString& projectDir, int runId)
{
    QString error;
    if (!prepareSession(project, projectDir, runId, &error)) {
        emit failed(error);
        return;
    }
    emit sessionStarted(makeInfo());
    emitSnapshot(SnapshotTrigger::Reset);
}

void TrainingWorker::evaluateStoredWeights(const engine::Project& project,
    const QString& projectDir, const engine::WeightMap& weights, int runId, int requestId)
{
    // Every request is answered: the timeline sends its next one only after this one's answer.
    QString error;
    if (!prepareSession(project, projectDir, runId, &error)) {
        emit storedWeightsFailed(requestId, error);
        return;
    }
    applyWeights(weights);
    const TrainingSessionInfo info = makeInfo();
    const TrainingSnapshot snapshot = takeSnapshot(SnapshotTrigger::Reset);
    // No session: the next Train or Step builds its own from the document.
    m_trainer.reset();
    m_graph.reset();
    emit storedWeightsEvaluated(requestId, info, snapshot);
}

bool TrainingWorker::prepareSession(
    const engine::Project& project, const QString& projectDir, int runId, QString* error)
{
    m_trainer.reset();
    m_graph.reset();
    m_project = project;
    try {
        // The dataset panel may have loaded (or be loading) the same data: wait for and reuse it.
        const SharedSourceData parts = DatasetCache::acquire(project.dataset, projectDir);
        engine::DatasetSplits splits = engine::splitSourceData(*parts,
            project.training.validationSplit, project.training.testSplit, project.training.seed);
        m_graph = std::make_unique<engine::Graph>(project.buildGraph());
        m_trainer
            = std::make_unique<engine::Trainer>(*m_graph, std::move(splits), project.training);
    } catch (const engine::PathNotAllowed& e) {
        // The window's own way to consent is the Dataset dock's question, not the CLI's flag.
        m_trainer.reset();
        m_graph.reset();
        if (error)
            *error = tr("%1 is outside the project's folder, and you have not allowed its "
                        "folder in this session; the Dataset dock asks for it (“Ask again”).")
                         .arg(QFile::decodeName(e.path().string().c_str()));
        return false;
    } catch (const std::exception& e) {
        m_trainer.reset();
        m_graph.reset();
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
    m_runId = runId;
    m_gridX.resize(0, 0);
    m_predictionsStep = -1;
    m_imageLayers = false;
    for (const auto& [id, shape] : m_graph->compiled().shapes)
        m_imageLayers = m_imageLayers || (id != m_graph->compiled().inputNode && shape.rank() == 3);
    const engine::Dataset& train = m_trainer->data().train;
    m_sequence = train.inputShape.isSequence();
    for (engine::NodeId id : m_graph->executionOrder())
        m_sequence = m_sequence
            || dynamic_cast<const engine::RecurrentLayer*>(&m_graph->layer(id)) != nullptr;
    m_twoD = train.inputShape.size() == 2;
    m_planeInput = train.inputShape.rank() == 1 && train.inputShape.size() > 2 && !m_sequence
        && !train.reconstruction;
    if (m_twoD) {
        // The plane shown is the data's bounding box plus a margin, as in the Playground.
        const auto& x = train.x;
        const double x0 = x.row(0).minCoeff(), x1 = x.row(0).maxCoeff();
        const double y0 = x.row(1).minCoeff(), y1 = x.row(1).maxCoeff();
        const double mx = std::max(1e-3, 0.1 * (x1 - x0)), my = std::max(1e-3, 0.1 * (y1 - y0));
        m_xMin = x0 - mx;
        m_xMax = x1 + mx;
        m_yMin = y0 - my;
        m_yMax = y1 + my;
    }
    m_pending = {};
    m_epochGradientSums.clear();
    m_epochGradientBatches = 0;
    m_runClock.invalidate();
    return true;
}

TrainingSessionInfo TrainingWorker::makeInfo() const
{
    TrainingSessionInfo info;
    info.runId = m_runId;
    const engine::TrainingConfig& c = m_trainer->config();
    info.label = QString::fromStdString(engine::runLabel(c));
    const engine::DatasetSplits& d = m_trainer->data();
    info.classification = d.train.task == engine::TaskKind::Classification;
    info.numClasses = d.train.numClasses;
    for (const auto& n : d.train.classNames)
        info.classNames << QString::fromStdString(n);
    info.twoD = m_twoD;
    if (m_twoD || m_planeInput) {
        // Bounded copies: the plane views project at most kMaxSampleScalars of each set.
        const long perSample = std::max<long>(1, d.train.x.rows());
        const long limit = TrainingSessionInfo::kMaxSampleScalars / perSample;
        info.trainX = d.train.x.leftCols(std::min(limit, long(d.train.x.cols())));
        info.trainY = d.train.y.leftCols(info.trainX.cols());
        // Test points are drawn hollow; without a test split the validation points stand in.
        const engine::Dataset& held = d.test.empty() ? d.validation : d.test;
        info.testX = held.x.leftCols(std::min(limit, long(held.x.cols())));
        info.testY = held.y.leftCols(info.testX.cols());
    }
    if (m_planeInput) {
        for (const auto& name : d.train.featureNames)
            info.featureNames << QString::fromStdString(name);
        info.scaling = d.train.scaling;
        auto arch = std::make_shared<engine::Project>(m_project);
        arch->weights.clear();
        info.architecture = std::move(arch);
        info.context
            = {d.train.inputShape, info.classification ? d.train.numClasses : 0, d.train.y.rows()};
    }
    for (auto& [id, p] : m_graph->nodeParams()) {
        if (info.layers.empty() || info.layers.back().first != id)
            info.layers.emplace_back(id, QString::fromStdString(m_graph->name(id)));
    }
    info.totalEpochs = c.epochs;
    info.trainSamples = d.train.size();
    const engine::Shape& shape = d.train.inputShape;
    info.sequence = m_sequence;
    if (shape.rank() == 3 || m_sequence || d.train.reconstruction) {
        auto arch = std::make_shared<engine::Project>(m_project);
        arch->weights.clear();
        info.architecture = std::move(arch);
        info.context = {shape, info.classification ? d.train.numClasses : 0, d.train.y.rows()};
        const bool useValidation = !d.validation.empty();
        const engine::Dataset& set = useValidation ? d.validation
            : !d.test.empty()                      ? d.test
                                                   : d.train;
        info.sampleSetName = useValidation ? QStringLiteral("validation")
            : !d.test.empty()              ? QStringLiteral("test")
                                           : QStringLiteral("training");
        info.sampleSetSize = set.size();
        const long n = std::min(set.size(), TrainingSessionInfo::sampleLimit(long(set.x.rows())));
        info.samples = std::make_shared<const engine::Matrix>(set.x.leftCols(n));
        info.sampleLabels.resize(std::size_t(n), -1);
        if (info.classification)
            for (long i = 0; i < n; ++i)
                info.sampleLabels[std::size_t(i)] = set.label(i);
        else if (long(set.classLabels.size()) >= n)
            for (long i = 0; i < n; ++i)
                info.sampleLabels[std::size_t(i)] = set.classLabels[std::size_t(i)];
        if (set.reconstruction)
            info.cleanSamples = std::make_shared<const engine::Matrix>(set.y.leftCols(n));
        if (m_sequence) {
            info.sampleTargets = std::make_shared<const engine::Matrix>(set.y.leftCols(n));
            for (const auto& token : d.train.vocabulary)
                info.vocabulary << QString::fromStdString(token);
            info.scaling = d.train.scaling;
        }
    }
    return info;
}

void TrainingWorker::run(std::shared_ptr<engine::TrainerControl> control)
{
    TrainingOutcome outcome;
    if (!m_trainer) {
        outcome.result.reason = engine::StopReason::Interrupted;
        outcome.result.message = "nothing to train: the session could not be set up";
        emit finished(outcome);
        return;
    }
    // Override for measurements: leaving a core to the GUI thread can pay on small machines.
    if (qEnvironmentVariableIsSet("NETCANVAS_GUI_TRAIN_THREADS"))
        engine::setThreadCount(qEnvironmentVariableIntValue("NETCANVAS_GUI_TRAIN_THREADS"));
    if (!m_runClock.isValid())
        m_runClock.start();
    m_sinceEmit.restart();
    m_lastRateMs = m_runClock.elapsed();
    m_lastSamples = m_lastBatch.samplesSeen;
    m_samplesPerSecond = 0;
    m_longRun.emplace(m_trainer->config().epochs);
    m_paceStart = -1;

    engine::TrainerCallbacks callbacks;
    callbacks.onBatchEnd
        = [this, c = control.get()](const engine::BatchStats& s) { onBatchEnd(s, c); };
    callbacks.onEpochEnd = [this](const engine::EpochStats& e) { onEpochEnd(e); };
    // Where the run starts is on the timeline too (epoch 0, or the epoch a fork starts from),
    // when it starts between epochs.
    if (m_lastCheckpoint != std::pair {m_runId, m_trainer->epochsDone()})
        takeCheckpoint();
    try {
        outcome.result = m_trainer->run(callbacks, control.get());
    } catch (const std::exception& e) {
        // A shape or input problem only found while running (e.g. a live batch size): the
        // session is unusable, report it like a divergence.
        outcome.result.reason = engine::StopReason::Diverged;
        outcome.result.message = e.what();
    }
    m_pauseRequested = false;
    m_pending.finished = true;
    m_pending.stopReason = outcome.result.reason;
    m_pending.message = QString::fromStdString(outcome.result.message);
    emitSnapshot(SnapshotTrigger::Finished);
    if (outcome.result.reason != engine::StopReason::Diverged) {
        outcome.weights = m_graph->weights();
        outcome.state = m_trainer->captureState();
    }
    outcome.resumable = outcome.result.reason == engine::StopReason::Interrupted;
    emit finished(outcome);
}

void TrainingWorker::resetWeights(std::uint64_t seed, int runId)
{
    if (!m_trainer)
        return;
    m_trainer->resetWeights(seed);
    m_runId = runId;
    m_pending = {};
    m_epochGradientSums.clear();
    m_epochGradientBatches = 0;
    m_lastBatch = {};
    m_predictionsStep = -1;
    m_runClock.invalidate();
    emit sessionStarted(makeInfo());
    emitSnapshot(SnapshotTrigger::Reset);
    emit weightsReset(m_graph->weights());
}

void TrainingWorker::setWeight(
    engine::NodeId node, const std::string& param, long row, long col, double value)
{
    if (!m_graph)
        return;
    for (auto& [id, p] : m_graph->nodeParams()) {
        if (id != node || p.name != param || !p.value)
            continue;
        if (row < 0 || col < 0 || row >= p.value->rows() || col >= p.value->cols())
            return;
        (*p.value)(row, col) = engine::Scalar(value);
        m_sinceParams.invalidate(); // the edited weight must reach the views now, not in 100 ms
        emitSnapshot(SnapshotTrigger::Progress);
        return;
    }
}

void TrainingWorker::loadWeights(
    const engine::WeightMap& weights, const std::optional<engine::TrainerState>& state)
{
    if (!m_graph)
        return;
    applyWeights(weights);
    if (state && m_trainer) {
        try {
            m_trainer->restoreState(*state);
        } catch (const engine::InputError&) {
            // The file's weights still hold; the run goes on with a fresh optimizer, as for a
            // file written before NetCanvas stored the state.
        }
    }
    emitSnapshot(SnapshotTrigger::Reset);
}

void TrainingWorker::applyWeights(const engine::WeightMap& weights)
{
    // A stale entry (the layer changed shape): the node keeps its initial weights.
    m_graph->setMatchingWeights(weights);
}

void TrainingWorker::checkPace(const engine::BatchStats& s, bool paused)
{
    if (paused || !m_longRun || m_longRun->judged()) {
        m_paceStart = -1; // a pause is no training time: measure again after it
        return;
    }
    if (m_paceStart < 0) {
        m_paceStart = s.step;
        m_paceClock.start();
        return;
    }
    const double seconds = double(m_paceClock.nsecsElapsed()) * 1e-9;
    if (const auto warning
        = m_longRun->afterBatch(s.step - m_paceStart, s.batchesPerEpoch, seconds))
        emit longRunWarning(QString::fromStdString(*warning));
}

void TrainingWorker::onBatchEnd(const engine::BatchStats& s, engine::TrainerControl* control)
{
    m_lastBatch = s;
    checkPace(s, control && control->isPaused());
    const double x = (s.epoch - 1) + double(s.batch) / double(std::max(1L, s.batchesPerEpoch));
    m_pending.steps.push_back({s.step, s.epoch, x, s.loss});
    accumulateGradientNorms();
    if (m_trainer->diverged())
        return; // run() returns next and sends the final snapshot
    if (m_pauseRequested.exchange(false)) {
        // Pausing here, before the trainer's next waitToContinue(), cannot race with it.
        control->setPaused(true);
        emitSnapshot(SnapshotTrigger::Paused);
        emit pausedAt(s.step);
        return;
    }
    if (control && control->isPaused()) {
        emitSnapshot(SnapshotTrigger::Step);
        emit pausedAt(s.step);
        return;
    }
    if (m_inFlight.load() == 0 && m_sinceEmit.elapsed() >= kMinIntervalMs)
        emitSnapshot(SnapshotTrigger::Progress);
}

void TrainingWorker::takeCheckpoint()
{
    engine::TrainerState state = m_trainer->captureState();
    if (state.epochProgress.cursor > 0)
        return; // inside an epoch: the timeline has epoch ends only
    const int epoch = state.epochsDone;
    m_lastCheckpoint = {m_runId, epoch};
    emit checkpointTaken(m_runId,
        std::make_shared<const engine::Checkpoint>(
            engine::Checkpoint {epoch, m_graph->weights(), std::move(state)}));
}

void TrainingWorker::onEpochEnd(const engine::EpochStats& e)
{
    takeCheckpoint();
    EpochPoint p;
    p.epoch = e.epoch;
    p.step = m_trainer->stepsDone();
    p.trainLoss = e.train.loss;
    p.trainAccuracy = e.train.accuracy;
    if (e.validation) {
        p.validationLoss = e.validation->loss;
        p.validationAccuracy = e.validation->accuracy;
    }
    p.learningRate = e.learningRate;
    m_pending.epochs.push_back(p);
    if (m_epochGradientBatches > 0) {
        EpochGradientNorms g;
        g.epoch = e.epoch;
        for (const auto& [id, sum] : m_epochGradientSums)
            g.layers.push_back({id, QString::fromStdString(m_graph->name(id)),
                sum / double(m_epochGradientBatches)});
        m_pending.epochGradients.push_back(std::move(g));
    }
    m_epochGradientSums.clear();
    m_epochGradientBatches = 0;
    m_validationPredictions = e.validationPredictions;
    m_validationProbabilities = e.validationProbabilities;
    m_predictionsStep = m_validationPredictions.empty() ? -1 : m_trainer->stepsDone();
    m_predictionsEpoch = e.epoch;
    m_epochEnded = true;
}

void TrainingWorker::accumulateGradientNorms()
{
    // One pass over the gradients per batch: cheap next to the backward pass that made them.
    std::vector<std::pair<engine::NodeId, double>> squares;
    for (const auto& [id, p] : m_graph->nodeParams()) {
        if (!p.grad || !p.value || p.grad->size() != p.value->size())
            continue;
        if (squares.empty() || squares.back().first != id)
            squares.emplace_back(id, 0.0);
        squares.back().second += double(p.grad->squaredNorm());
    }
    if (m_epochGradientSums.empty()) {
        for (const auto& [id, sq] : squares)
            m_epochGradientSums.emplace_back(id, 0.0);
    }
    if (squares.size() != m_epochGradientSums.size())
        return; // a node without gradients this batch: keep the epoch's layers consistent
    for (size_t i = 0; i < squares.size(); ++i)
        m_epochGradientSums[i].second += std::sqrt(squares[i].second);
    ++m_epochGradientBatches;
}

void TrainingWorker::emitSnapshot(SnapshotTrigger trigger)
{
    const TrainingSnapshot snap = takeSnapshot(trigger);
    m_inFlight = 1;
    emit snapshotReady(snap);
    // Measured after the extras, so at least kMinIntervalMs of training separates two rounds
    // of extras however long they take.
    m_sinceEmit.restart();
}

TrainingSnapshot TrainingWorker::takeSnapshot(SnapshotTrigger trigger)
{
    TrainingSnapshot snap = std::move(m_pending);
    m_pending = {};
    snap.trigger = trigger;
    snap.runId = m_runId;
    if (m_trainer) {
        const engine::TrainingConfig& c = m_trainer->config();
        snap.step = m_trainer->stepsDone();
        snap.epoch = m_trainer->epochsDone();
        snap.totalEpochs = c.epochs;
        snap.batch = m_lastBatch.batch;
        snap.batchesPerEpoch = m_lastBatch.batchesPerEpoch;
        snap.learningRate
            = m_lastBatch.step > 0 ? m_lastBatch.learningRate : c.optimizer.learningRate;
        snap.progressX = m_lastBatch.step > 0 ? (m_lastBatch.epoch - 1)
                + double(m_lastBatch.batch) / double(std::max(1L, m_lastBatch.batchesPerEpoch))
                                              : 0.0;
        if (m_runClock.isValid()) {
            const qint64 now = m_runClock.elapsed();
            snap.elapsedSeconds = double(now) / 1000.0;
            // Rate over windows of >= 250 ms, smoothed, so the status bar does not flicker.
            if (now - m_lastRateMs >= 250 && trigger == SnapshotTrigger::Progress) {
                const double inst = double(m_lastBatch.samplesSeen - m_lastSamples) * 1000.0
                    / double(now - m_lastRateMs);
                m_samplesPerSecond
                    = m_samplesPerSecond > 0 ? 0.7 * m_samplesPerSecond + 0.3 * inst : inst;
                m_lastSamples = m_lastBatch.samplesSeen;
                m_lastRateMs = now;
            } else if (trigger != SnapshotTrigger::Progress) {
                // Pauses and steps would distort the rate: start a new window afterwards.
                m_lastSamples = m_lastBatch.samplesSeen;
                m_lastRateMs = now;
            }
        }
        snap.samplesPerSecond = m_samplesPerSecond;
        const long n = m_trainer->data().train.size();
        if (m_samplesPerSecond > 0 && !snap.finished)
            snap.etaSeconds
                = std::max(0.0, c.epochs - snap.progressX) * double(n) / m_samplesPerSecond;
        fillExtras(snap);
    }
    return snap;
}

void TrainingWorker::fillExtras(TrainingSnapshot& snap)
{
    const auto params = m_graph->nodeParams();
    long total = 0;
    for (const auto& [id, p] : params)
        total += p.value ? long(p.value->size()) : 0;
    std::set<engine::NodeId> watched;
    {
        std::lock_guard lock(m_watchMutex);
        watched = m_watched;
    }
    // The weight views redraw at a few Hz at most (ReplotPacer): copying hundreds of thousands of
    // values for every 30 Hz loss update would only cost the trainer time.
    const bool copyParams = snap.trigger != SnapshotTrigger::Progress || !m_sinceParams.isValid()
        || m_sinceParams.elapsed() >= kParamsIntervalMs;
    if (copyParams)
        m_sinceParams.restart();
    std::map<engine::NodeId, double> gradSq;
    std::vector<engine::NodeId> order;
    for (const auto& [id, p] : params) {
        if (!p.value)
            continue;
        const bool hasGrad = p.grad && p.grad->size() == p.value->size() && snap.step > 0;
        if (hasGrad) {
            if (!gradSq.count(id))
                order.push_back(id);
            gradSq[id] += double(p.grad->squaredNorm());
        }
        if (!copyParams || (total > kCopyAllLimit && !watched.count(id)))
            continue;
        ParamCopy c = ParamCopy::of(
            id, QString::fromStdString(m_graph->name(id)), m_graph->layer(id), p.name, *p.value);
        if (hasGrad)
            c.grad = *p.grad;
        snap.params.push_back(std::move(c));
    }
    for (engine::NodeId id : order)
        snap.gradientNorms.push_back(
            {id, QString::fromStdString(m_graph->name(id)), std::sqrt(gradSq[id])});
    if (m_sequence && snap.step > 0)
        for (engine::NodeId id : m_graph->executionOrder())
            if (const auto* r = dynamic_cast<const engine::RecurrentLayer*>(&m_graph->layer(id)))
                if (!r->stepGradientNorms().empty())
                    snap.stepGradientNorms.push_back({id, r->stepGradientNorms()});
    const bool imageInput = m_trainer->data().train.inputShape.rank() == 3;
    // While training, only networks with pictures to redraw need the copy: maps, sequences,
    // and classifiers on planes through their inputs (the boundary view on the images' PCA
    // plane included).
    const bool reconstruction = m_trainer->data().train.reconstruction;
    const bool liveCopy = m_imageLayers || m_sequence || reconstruction || m_planeInput
        || (imageInput && m_trainer->isClassification());
    if (m_fullWeightsWanted && (imageInput || m_sequence || reconstruction || m_planeInput)
        && (snap.trigger != SnapshotTrigger::Progress
            || (liveCopy
                && (!m_sinceFullWeights.isValid()
                    || m_sinceFullWeights.elapsed() >= kFullWeightsIntervalMs)))) {
        snap.weights = std::make_shared<const engine::WeightMap>(m_graph->weights());
        m_sinceFullWeights.restart();
    }

    if (m_twoD)
        computeGrid(snap);
    const bool classification = m_trainer->isClassification();
    if (classification
        && (m_epochEnded || snap.trigger == SnapshotTrigger::Finished
            || snap.trigger == SnapshotTrigger::Reset)) {
        computeConfusion(snap);
        m_epochEnded = false;
    }
}

void TrainingWorker::computeGrid(TrainingSnapshot& snap)
{
    const int n = kGridSize;
    const GridImage frame {n, m_xMin, m_xMax, m_yMin, m_yMax, {}};
    if (m_gridX.cols() != long(n) * n)
        m_gridX = planeGridPoints(frame);
    const engine::Matrix& pred = m_graph->forward(m_gridX, engine::Mode::Inference);
    m_trainer->loss().outputTransform(pred, m_gridOut);
    const engine::Dataset& train = m_trainer->data().train;
    const bool regression = !m_trainer->isClassification();
    BoundaryGrid g = boundaryFromOutputs(frame, m_gridOut, !regression,
        regression ? double(train.y.row(0).minCoeff()) : 0.0,
        regression ? double(train.y.row(0).maxCoeff()) : 1.0);
    snap.boundary = std::move(g);

    // Hidden nodes' outputs come from the same forward pass: the Playground's neuron thumbnails.
    snap.neurons = neuronImagesOf(*m_graph, frame, kThumbnailSize, kMaxThumbnailUnits);
}

void TrainingWorker::computeConfusion(TrainingSnapshot& snap)
{
    const engine::DatasetSplits& d = m_trainer->data();
    const engine::Dataset& set = !d.validation.empty() ? d.validation
        : !d.test.empty()                              ? d.test
                                                       : d.train;
    const int k = std::max(2, set.numClasses);
    ConfusionMatrix cm;
    cm.numClasses = k;
    cm.epoch = m_trainer->epochsDone();
    cm.counts = QVector<long>(k * k, 0);
    for (int c = 0; c < k; ++c)
        cm.classNames << (c < int(set.classNames.size())
                ? QString::fromStdString(set.classNames[std::size_t(c)])
                : QString::number(c));
    auto count = [&](long sample, int predicted) {
        const int actual = set.label(sample);
        if (actual >= 0 && actual < k && predicted >= 0 && predicted < k)
            ++cm.counts[actual * k + predicted];
    };
    // The trainer classified the validation set at the epoch end: an epoch's matrix is exactly
    // that (and its diagonal that epoch's validation accuracy). The final one too, unless
    // weights changed since (a stop mid-epoch, an early stop restoring older ones); never after
    // new weights were loaded (Reset).
    const bool current = m_predictionsStep == m_trainer->stepsDone()
        && snap.stopReason != engine::StopReason::EarlyStop;
    const bool images = set.inputShape.rank() == 3;
    const std::vector<int>* predictions = &m_validationPredictions;
    const engine::Matrix* probabilities = &m_validationProbabilities;
    std::vector<int> ownPredictions;
    engine::Matrix ownProbabilities;
    if (&set == &d.validation && m_predictionsStep >= 0
        && long(m_validationPredictions.size()) == set.size()
        && snap.trigger != SnapshotTrigger::Reset
        && (snap.trigger != SnapshotTrigger::Finished || current)) {
        cm.epoch = m_predictionsEpoch;
    } else {
        m_trainer->evaluate(set, &ownPredictions, images ? &ownProbabilities : nullptr);
        predictions = &ownPredictions;
        probabilities = &ownProbabilities;
    }
    for (long j = 0; j < set.size() && j < long(predictions->size()); ++j)
        count(j, (*predictions)[std::size_t(j)]);
    // The gallery ranks the samples the views have images of (the session info's samples).
    if (images && probabilities->cols() == set.size()) {
        MostWrong worst = rankMostWrong(set, *predictions, *probabilities,
            TrainingSessionInfo::sampleLimit(long(set.x.rows())));
        worst.epoch = cm.epoch;
        snap.mostWrong = std::move(worst);
    }
    snap.confusion = std::move(cm);
}

} // namespace widgets
