#include "training/Trainer.h"

#include "core/DataFile.h"
#include "training/ResourceEstimate.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

namespace engine {

std::string stopReasonName(StopReason r)
{
    switch (r) {
    case StopReason::Completed:
        return "completed";
    case StopReason::EarlyStop:
        return "early-stop";
    case StopReason::Diverged:
        return "diverged";
    case StopReason::Interrupted:
        return "interrupted";
    }
    return "completed";
}

// --- TrainerControl -------------------------------------------------------------------------

void TrainerControl::requestStop()
{
    m_stop = true;
    std::lock_guard lock(m_mutex);
    m_cv.notify_all();
}

void TrainerControl::setPaused(bool paused)
{
    std::lock_guard lock(m_mutex);
    m_paused = paused;
    if (!paused)
        m_steps = 0;
    m_cv.notify_all();
}

void TrainerControl::setLiveSettings(const LiveSettings& s)
{
    std::lock_guard lock(m_mutex);
    m_pending = s;
}

void TrainerControl::stepWhilePaused(int n)
{
    std::lock_guard lock(m_mutex);
    m_steps += n;
    m_cv.notify_all();
}

bool TrainerControl::waitToContinue()
{
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [this] { return m_stop || !m_paused || m_steps > 0; });
    if (m_stop)
        return false;
    if (m_paused && m_steps > 0)
        --m_steps;
    return true;
}

std::optional<LiveSettings> TrainerControl::takeLiveSettings()
{
    std::lock_guard lock(m_mutex);
    auto s = m_pending;
    m_pending.reset();
    return s;
}

// --- Trainer --------------------------------------------------------------------------------

namespace {

GraphContext contextOf(const Dataset& d)
{
    return {d.inputShape, d.task == TaskKind::Classification ? d.numClasses : 0, d.y.rows()};
}

void gatherColumns(
    const Matrix& src, const std::vector<long>& order, long begin, long count, Matrix& dst)
{
    dst.resize(src.rows(), count);
    for (long j = 0; j < count; ++j)
        dst.col(j) = src.col(order[std::size_t(begin + j)]);
}

double seconds(std::chrono::steady_clock::duration d)
{
    return std::chrono::duration<double>(d).count();
}

} // namespace

Trainer::Trainer(Graph& graph, DatasetSplits data, TrainingConfig config)
    : m_graph(graph)
    , m_data(std::move(data))
    , m_config(std::move(config))
    , m_shuffleRng(Rng::derive(m_config.seed, 0x5eed))
    , m_epochsPerRun(m_config.epochs)
{
    if (m_data.train.empty())
        throw InputError("dataset", "the training set is empty");
    if (m_config.batchSize < 1)
        throw InputError("training.batchSize", "expected a positive integer");
    if (!m_graph.isCompiled()) {
        // Refuse what cannot fit before compile() allocates it: a network too large for the
        // machine would otherwise fail minutes later with "out of memory", naming nothing.
        const GraphCheck check = m_graph.check(contextOf(m_data.train));
        const long batch = std::min<long>(m_config.batchSize, m_data.train.size());
        if (const std::size_t available = availableMemoryBytes(); available > 0 && check.ok())
            requireMemoryFits(estimateTrainingMemory(check, batch, m_config.optimizer.type),
                m_graph, double(available), batch);
        m_graph.compile(contextOf(m_data.train), m_config.seed);
    }
    m_loss = Loss::create(m_graph.lossType());
    if (!m_loss)
        throw InputError("loss", "unknown loss '" + m_graph.lossType() + "'");
    m_optimizer = Optimizer::create(m_config.optimizer);
}

Trainer::~Trainer() = default;

void Trainer::startEpoch()
{
    m_order.resize(std::size_t(m_data.train.size()));
    std::iota(m_order.begin(), m_order.end(), 0L);
    m_shuffleStateAtEpochStart = m_shuffleRng.state();
    m_shuffleRng.shuffle(m_order);
    m_cursor = 0;
    m_batchInEpoch = 0;
    m_epochLossSum = 0;
    m_epochSamples = 0;
    m_epochCorrect = 0;
    m_epochTrainSeconds = 0;
}

double Trainer::currentLearningRate() const
{
    const double n = double(std::max(1L, m_data.train.size()));
    const double progress = m_epoch + double(m_cursor) / n;
    return learningRateAt(
        m_config.schedule, m_config.optimizer.learningRate, progress, m_config.epochs);
}

void Trainer::applyLiveSettings(const LiveSettings& s)
{
    if (s.learningRate > 0 && std::isfinite(s.learningRate))
        m_config.optimizer.learningRate = s.learningRate;
    if (s.l1 >= 0)
        m_config.optimizer.l1 = s.l1;
    if (s.l2 >= 0)
        m_config.optimizer.l2 = s.l2;
    if (s.batchSize > 0)
        m_config.batchSize = s.batchSize;
    m_optimizer->setConfig(m_config.optimizer);
}

BatchStats Trainer::trainBatch()
{
    if (m_order.empty() || m_cursor >= long(m_order.size()))
        startEpoch();
    const auto t0 = std::chrono::steady_clock::now();
    const Dataset& d = m_data.train;
    const long count = std::min<long>(m_config.batchSize, d.size() - m_cursor);
    gatherColumns(d.x, m_order, m_cursor, count, m_batchX);
    gatherColumns(d.y, m_order, m_cursor, count, m_batchY);

    const double lr = currentLearningRate();
    const Matrix& pred = m_graph.forward(m_batchX, Mode::Train);
    const double loss = m_loss->value(pred, m_batchY);

    BatchStats s;
    s.epoch = m_epoch + 1;
    s.batch = ++m_batchInEpoch;
    s.batchesPerEpoch = (d.size() + m_config.batchSize - 1) / m_config.batchSize;
    s.loss = loss;
    s.learningRate = lr;
    s.step = ++m_step;

    if (!std::isfinite(loss)) {
        m_diverged = true;
        std::ostringstream msg;
        msg << "the loss became " << (std::isnan(loss) ? "NaN" : "infinite") << " at epoch "
            << s.epoch << ", batch " << s.batch << " (learning rate " << lr
            << "): the learning rate is probably too large";
        m_divergeMessage = msg.str();
        m_cursor += count;
        return s;
    }
    m_loss->gradient(pred, m_batchY, m_grad);
    if (isClassification()) {
        m_loss->predictLabels(pred, m_labels);
        for (long j = 0; j < count; ++j)
            m_epochCorrect += m_labels[std::size_t(j)] == int(m_batchY(0, j));
    }
    m_graph.backward(m_grad);
    const auto params = m_graph.params();
    if (m_config.clipNorm > 0)
        clipGradientsByGlobalNorm(params, m_config.clipNorm);
    m_optimizer->step(params, lr);

    m_cursor += count;
    m_samplesSeen += count;
    m_epochLossSum += loss * double(count);
    m_epochSamples += count;
    m_epochTrainSeconds += seconds(std::chrono::steady_clock::now() - t0);
    s.samplesSeen = m_samplesSeen;
    return s;
}

Metrics Trainer::evaluate(const Dataset& data, std::vector<int>* predictions, Matrix* probabilities)
{
    Metrics m;
    if (predictions)
        predictions->clear();
    if (probabilities)
        probabilities->resize(0, 0);
    if (data.empty())
        return m;
    constexpr long kBatch = 1024;
    double lossSum = 0;
    long correct = 0;
    for (long begin = 0; begin < data.size(); begin += kBatch) {
        const long count = std::min(kBatch, data.size() - begin);
        m_evalX = data.x.middleCols(begin, count);
        const Matrix& pred = m_graph.forward(m_evalX, Mode::Inference);
        const Matrix target = data.y.middleCols(begin, count);
        lossSum += m_loss->value(pred, target) * double(count);
        if (data.task == TaskKind::Classification) {
            m_loss->predictLabels(pred, m_labels);
            for (long j = 0; j < count; ++j)
                correct += m_labels[std::size_t(j)] == data.label(begin + j);
            if (predictions)
                predictions->insert(predictions->end(), m_labels.begin(), m_labels.begin() + count);
        }
        if (probabilities) {
            m_loss->outputTransform(pred, m_evalOut);
            if (probabilities->size() == 0)
                probabilities->resize(m_evalOut.rows(), data.size());
            probabilities->middleCols(begin, count) = m_evalOut;
        }
    }
    m.loss = lossSum / double(data.size());
    if (data.task == TaskKind::Classification)
        m.accuracy = double(correct) / double(data.size());
    return m;
}

Matrix Trainer::predict(const Matrix& x)
{
    Matrix result;
    constexpr long kBatch = 1024;
    for (long begin = 0; begin < x.cols(); begin += kBatch) {
        const long count = std::min(kBatch, long(x.cols()) - begin);
        m_evalX = x.middleCols(begin, count);
        Matrix out;
        m_loss->outputTransform(m_graph.forward(m_evalX, Mode::Inference), out);
        if (result.size() == 0)
            result.resize(out.rows(), x.cols());
        result.middleCols(begin, count) = out;
    }
    return result;
}

EpochStats Trainer::finishEpoch()
{
    EpochStats e;
    e.epoch = ++m_epoch;
    e.train.loss = m_epochSamples ? m_epochLossSum / double(m_epochSamples) : 0.0;
    if (isClassification() && m_epochSamples)
        e.train.accuracy = double(m_epochCorrect) / double(m_epochSamples);
    e.samplesPerSecond = m_epochTrainSeconds > 0 ? double(m_epochSamples) / m_epochTrainSeconds : 0;
    e.learningRate = currentLearningRate();
    if (!m_data.validation.empty())
        e.validation = evaluate(m_data.validation, &e.validationPredictions,
            isClassification() ? &e.validationProbabilities : nullptr);
    m_totalTrainSeconds += m_epochTrainSeconds;
    m_epochTrainSeconds = 0;
    e.elapsedSeconds = seconds(std::chrono::steady_clock::now() - m_runStart);
    m_order.clear();
    m_cursor = 0;
    return e;
}

TrainResult Trainer::run(const TrainerCallbacks& callbacks, TrainerControl* control)
{
    if (!m_running) {
        m_runStart = std::chrono::steady_clock::now();
        m_running = true;
    }
    TrainResult r;
    auto finish = [&](StopReason reason, std::string message) {
        r.reason = reason;
        r.message = std::move(message);
        r.epochs = m_epoch;
        r.samplesPerSecond = m_totalTrainSeconds + m_epochTrainSeconds > 0
            ? double(m_samplesSeen) / (m_totalTrainSeconds + m_epochTrainSeconds)
            : 0.0;
        if (reason != StopReason::Diverged && reason != StopReason::Interrupted
            && !m_data.test.empty())
            r.test = evaluate(m_data.test);
        return r;
    };

    while (m_epoch < m_config.epochs) {
        if (m_order.empty())
            startEpoch();
        while (m_cursor < long(m_order.size())) {
            if (control) {
                if (!control->waitToContinue())
                    return finish(StopReason::Interrupted, "stopped by the user");
                if (auto s = control->takeLiveSettings())
                    applyLiveSettings(*s);
            }
            const BatchStats s = trainBatch();
            if (callbacks.onBatchEnd)
                callbacks.onBatchEnd(s);
            if (m_diverged)
                return finish(StopReason::Diverged, m_divergeMessage);
        }
        const EpochStats e = finishEpoch();
        r.last = e;
        // Early stopping's bookkeeping comes before the callback, so that a state captured there
        // (a timeline checkpoint) continues exactly.
        bool stopEarly = false;
        if (m_config.earlyStoppingPatience > 0) {
            const double monitored = e.validation ? e.validation->loss : e.train.loss;
            if (monitored < m_bestLoss - m_config.earlyStoppingMinDelta) {
                m_bestLoss = monitored;
                m_epochsWithoutImprovement = 0;
                if (m_config.restoreBestWeights)
                    m_bestWeights = m_graph.weights();
            } else {
                stopEarly = ++m_epochsWithoutImprovement >= m_config.earlyStoppingPatience;
            }
        }
        if (callbacks.onEpochEnd)
            callbacks.onEpochEnd(e);
        if (m_config.earlyStoppingPatience > 0) {
            if (stopEarly) {
                if (m_config.restoreBestWeights && !m_bestWeights.empty())
                    m_graph.setWeights(m_bestWeights, false);
                std::ostringstream msg;
                msg << (e.validation ? "validation" : "training") << " loss did not improve for "
                    << m_config.earlyStoppingPatience << " epochs (best " << m_bestLoss << ")";
                return finish(StopReason::EarlyStop, msg.str());
            }
        }
        if (control && control->stopRequested())
            return finish(StopReason::Interrupted, "stopped by the user");
    }
    return finish(StopReason::Completed,
        "trained for " + std::to_string(m_epoch) + (m_epoch == 1 ? " epoch" : " epochs"));
}

TrainerState Trainer::captureState()
{
    TrainerState s;
    s.epochsDone = m_epoch;
    s.stepsDone = m_step;
    s.samplesSeen = m_samplesSeen;
    const bool insideEpoch = !m_order.empty() && m_cursor > 0;
    s.shuffleRandom = insideEpoch ? m_shuffleStateAtEpochStart : m_shuffleRng.state();
    if (insideEpoch)
        s.epochProgress
            = {m_cursor, m_batchInEpoch, m_epochLossSum, m_epochSamples, m_epochCorrect};
    s.layerRandom = m_graph.randomStates();
    s.optimizerType = m_config.optimizer.type;
    s.optimizerSteps = m_optimizer->steps();
    const auto params = m_graph.nodeParams();
    for (const auto& [name, slots] : m_optimizer->slotLists()) {
        auto& byNode = s.optimizerSlots[name];
        for (std::size_t i = 0; i < params.size() && i < slots->size(); ++i)
            if ((*slots)[i].size() > 0)
                byNode[params[i].first][params[i].second.name] = (*slots)[i];
    }
    s.bestLoss = m_bestLoss;
    s.epochsWithoutImprovement = m_epochsWithoutImprovement;
    s.bestWeights = m_bestWeights;
    return s;
}

void Trainer::restoreState(const TrainerState& s)
{
    // Validate everything first, so that a bad state changes nothing.
    Rng shuffle;
    if (!shuffle.setState(s.shuffleRandom))
        throw InputError("trainingState.shuffleRandom", "not a generator state NetCanvas wrote");
    if (s.epochsDone < 0 || s.stepsDone < 0 || s.samplesSeen < 0 || s.optimizerSteps < 0
        || s.epochProgress.cursor < 0 || s.epochProgress.batch < 0)
        throw InputError("trainingState", "negative counts");
    for (const auto& [id, state] : s.layerRandom) {
        if (!m_graph.hasNode(id) || state.empty())
            continue;
        Rng probe;
        if (!probe.setState(state))
            throw InputError("trainingState.layerRandom." + std::to_string(id),
                "not a generator state NetCanvas wrote");
    }
    m_graph.setRandomStates(s.layerRandom);

    m_epoch = s.epochsDone;
    m_config.epochs = s.epochsDone + m_epochsPerRun;
    m_step = s.stepsDone;
    m_samplesSeen = s.samplesSeen;
    m_diverged = false;
    m_shuffleRng = shuffle;
    m_order.clear();
    m_cursor = 0;
    m_batchInEpoch = 0;
    // Inside an epoch: shuffle again from the saved generator (the same order the stopped run
    // had), then skip what it had done. A dataset of another size makes that meaningless: the
    // next epoch starts afresh instead.
    if (s.epochProgress.cursor > 0 && s.epochProgress.cursor < m_data.train.size()) {
        startEpoch();
        m_cursor = s.epochProgress.cursor;
        m_batchInEpoch = s.epochProgress.batch;
        m_epochLossSum = s.epochProgress.lossSum;
        m_epochSamples = s.epochProgress.samples;
        m_epochCorrect = s.epochProgress.correct;
    }

    m_optimizer->reset();
    if (s.optimizerType == m_config.optimizer.type) {
        m_optimizer->setSteps(s.optimizerSteps);
        const auto params = m_graph.nodeParams();
        for (const auto& [name, slots] : m_optimizer->slotLists()) {
            const auto saved = s.optimizerSlots.find(name);
            if (saved == s.optimizerSlots.end())
                continue;
            slots->assign(params.size(), Matrix());
            for (std::size_t i = 0; i < params.size(); ++i) {
                const auto& [id, p] = params[i];
                const auto node = saved->second.find(id);
                if (node == saved->second.end())
                    continue;
                const auto value = node->second.find(p.name);
                // A layer resized since the checkpoint starts its state from zero (as the
                // optimizer does for a rebuilt layer).
                if (value != node->second.end() && value->second.rows() == p.value->rows()
                    && value->second.cols() == p.value->cols())
                    (*slots)[i] = value->second;
            }
        }
    }
    m_bestLoss = s.bestLoss;
    m_epochsWithoutImprovement = s.epochsWithoutImprovement;
    m_bestWeights = s.bestWeights;
}

void Trainer::resetWeights(std::uint64_t seed)
{
    m_config.seed = seed;
    m_config.epochs = m_epochsPerRun;
    m_graph.compile(contextOf(m_data.train), seed);
    m_optimizer->reset();
    m_shuffleRng.seed(Rng::derive(seed, 0x5eed));
    m_order.clear();
    m_cursor = 0;
    m_epoch = 0;
    m_step = 0;
    m_samplesSeen = 0;
    m_totalTrainSeconds = 0;
    m_epochTrainSeconds = 0;
    m_diverged = false;
    m_running = false;
    m_bestLoss = std::numeric_limits<double>::infinity();
    m_epochsWithoutImprovement = 0;
    m_bestWeights.clear();
}

} // namespace engine
