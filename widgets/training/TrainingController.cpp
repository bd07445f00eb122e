#include "training/TrainingController.h"

#include "document/GraphDocument.h"
#include "training/TrainingWorker.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QThread>

#include <chrono>
#include <utility>

namespace widgets {

TrainingController::TrainingController(QObject* parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_worker(std::make_unique<TrainingWorker>())
{
    registerTrainingMetaTypes();
    m_thread->setObjectName(QStringLiteral("NetCanvas training"));
    m_worker->moveToThread(m_thread);
    connect(m_worker.get(), &TrainingWorker::snapshotReady, this, &TrainingController::onSnapshot);
    connect(
        m_worker.get(), &TrainingWorker::sessionStarted, this, &TrainingController::sessionStarted);
    connect(m_worker.get(), &TrainingWorker::pausedAt, this, &TrainingController::onPaused);
    connect(m_worker.get(), &TrainingWorker::finished, this, &TrainingController::onFinished);
    connect(m_worker.get(), &TrainingWorker::failed, this, &TrainingController::onFailed);
    connect(
        m_worker.get(), &TrainingWorker::longRunWarning, this, &TrainingController::longRunWarning);
    connect(m_worker.get(), &TrainingWorker::weightsReset, this, &TrainingController::writeWeights);
    connect(m_worker.get(), &TrainingWorker::checkpointTaken, this,
        &TrainingController::checkpointTaken);
    connect(m_worker.get(), &TrainingWorker::storedWeightsEvaluated, this,
        [this](int requestId, const TrainingSessionInfo& info, const TrainingSnapshot& snapshot) {
            if (requestId == m_storedRequest && !m_hasSession)
                emit storedWeightsShown(info, snapshot);
        });
    m_thread->start();
}

TrainingController::~TrainingController()
{
    // Stop first so that run() returns; then the event loop can quit and the thread be joined.
    if (m_control)
        m_control->requestStop();
    m_thread->quit();
    m_thread->wait();
    m_worker.reset(); // its thread has ended: safe to delete from here
}

void TrainingController::setDocument(GraphDocument* document)
{
    if (m_document)
        disconnect(m_document, &GraphDocument::settingsChanged, this, nullptr);
    m_document = document;
    if (!m_document)
        return;
    // An edit in the project settings between runs: the Training dock shows the new values
    // (it reloads its boxes, signals blocked), so Step and Continue must train with them too.
    connect(m_document, &GraphDocument::settingsChanged, this, [this] {
        if (m_document && !isRunning())
            adoptLiveSettings(m_document->project());
    });
}

bool TrainingController::isRunning() const
{
    return m_state == State::Running || m_state == State::Paused || m_state == State::Stopping;
}

void TrainingController::setState(State s)
{
    if (m_state == s)
        return;
    m_state = s;
    emit stateChanged(s);
}

std::string TrainingController::architectureKey(const engine::Project& project)
{
    nlohmann::json nodes = nlohmann::json::array();
    for (const auto& n : project.nodes)
        nodes.push_back({n.id, n.type, n.attributes});
    nlohmann::json edges = nlohmann::json::array();
    for (const auto& e : project.edges)
        edges.push_back({e.from, e.fromPort, e.to, e.toPort});
    return nlohmann::json {nodes, edges}.dump();
}

std::string TrainingController::sessionKey(const engine::Project& project)
{
    // What a session is built from; the live settings may differ between runs of one session.
    nlohmann::json training = project.training.toJson();
    training.erase("batchSize");
    if (training.contains("optimizer")) {
        for (const char* k : {"learningRate", "l1", "l2"})
            training["optimizer"].erase(k);
    }
    return architectureKey(project) + project.dataset.toJson().dump() + training.dump();
}

void TrainingController::train(const engine::Project& project, const QString& projectDir)
{
    if (m_state == State::Paused) {
        resume();
        return;
    }
    if (m_state != State::Idle && m_state != State::Ready)
        return;
    if (canResume() && sessionKey(project) == m_sessionKey) {
        adoptLiveSettings(project);
        queueRun(false);
        return;
    }
    startSession(project, projectDir, false);
}

void TrainingController::startStepping(const engine::Project& project, const QString& projectDir)
{
    if (m_state != State::Idle && m_state != State::Ready)
        return;
    if (canResume() && sessionKey(project) == m_sessionKey) {
        adoptLiveSettings(project);
        queueRun(true);
        return;
    }
    startSession(project, projectDir, true);
}

void TrainingController::adoptLiveSettings(const engine::Project& project)
{
    // The caller's project carries what its editors show. Between runs they can change without
    // a setLearningRate() call (the Training dock reloads its boxes from the document with
    // signals blocked after an edit in the project settings), so the values stored here may be
    // stale: a resumed run kept training at the rate of the run before the edit.
    m_live.learningRate = project.training.optimizer.learningRate;
    m_live.l1 = project.training.optimizer.l1;
    m_live.l2 = project.training.optimizer.l2;
    m_live.batchSize = project.training.batchSize;
}

void TrainingController::startSession(
    const engine::Project& project, const QString& projectDir, bool stepping)
{
    m_sessionKey = sessionKey(project);
    m_architectureKey = architectureKey(project);
    m_seed = project.training.seed;
    m_sessionConfig = project.training;
    m_history = engine::TrainingHistory::startedWith(m_sessionConfig);
    adoptLiveSettings(project);
    m_hasSession = true;
    m_sessionFailed = false;
    m_resumable = true;
    m_discardOnFinish = false;
    const int runId = ++m_runId;
    // Continuing the stored run: it trains training.epochs more epochs, numbered on from the
    // stored ones (as netcanvas-train --resume), and its curves extend the stored history.
    const CheckpointPtr fork = std::exchange(m_forkFrom, nullptr);
    const bool fromDocument = !fork && m_startFromDocument && !project.weights.empty();
    const std::optional<engine::TrainerState> stored
        = fromDocument ? project.trainingState : std::nullopt;
    if (stored && !project.history.empty())
        m_history = project.history;
    m_sessionProject = std::make_shared<const engine::Project>(project);
    m_sessionDir = projectDir;
    // The copy is made here, on the GUI thread; the worker owns it from now on.
    QMetaObject::invokeMethod(
        m_worker.get(),
        [w = m_worker.get(), project, projectDir, runId] {
            w->startSession(project, projectDir, runId);
        },
        Qt::QueuedConnection);
    if (fromDocument) {
        QMetaObject::invokeMethod(
            m_worker.get(),
            [w = m_worker.get(), weights = project.weights, stored] {
                w->loadWeights(weights, stored);
            },
            Qt::QueuedConnection);
    }
    if (fork) {
        QMetaObject::invokeMethod(
            m_worker.get(),
            [w = m_worker.get(), fork] { w->loadWeights(fork->weights, fork->state); },
            Qt::QueuedConnection);
    }
    m_startFromDocument = false;
    ++m_storedRequest; // the session's own views replace the stored weights' ones
    queueRun(stepping);
}

bool TrainingController::forkFrom(
    const engine::Project& project, const QString& projectDir, CheckpointPtr checkpoint)
{
    if (!checkpoint || (isRunning() && !stop(5000)))
        return false;
    // The fork's curves begin with the forked run's up to the checkpoint.
    engine::TrainingHistory prefix = m_history;
    std::erase_if(
        prefix.epochs, [&](const engine::EpochRecord& e) { return e.epoch > checkpoint->epoch; });
    engine::Project session = project;
    const int total = project.training.epochs;
    session.training.epochs = total > checkpoint->epoch ? total - checkpoint->epoch : total;
    m_forkFrom = std::move(checkpoint);
    m_hasSession = false;
    m_resumable = false;
    startSession(session, projectDir, false);
    // The copy differs from the document only in the epochs left: Train after a Stop continues
    // the fork.
    m_sessionKey = sessionKey(project);
    m_history.epochs = std::move(prefix.epochs);
    return true;
}

int TrainingController::reserveRunIds(int count)
{
    const int first = m_runId + 1;
    m_runId += std::max(0, count);
    return first;
}

void TrainingController::reserveRunIdsThrough(int runId)
{
    m_runId = std::max(m_runId, runId);
}

void TrainingController::continueFromDocument()
{
    if (!m_hasSession)
        m_startFromDocument = true;
}

void TrainingController::showStoredWeights(
    const engine::Project& project, const QString& projectDir, int runId)
{
    if (m_hasSession || project.weights.empty())
        return;
    const int requestId = ++m_storedRequest;
    QMetaObject::invokeMethod(
        m_worker.get(),
        [w = m_worker.get(), project, projectDir, runId, requestId] {
            w->evaluateStoredWeights(project, projectDir, project.weights, runId, requestId);
        },
        Qt::QueuedConnection);
}

void TrainingController::queueRun(bool stepping)
{
    // A TrainerControl's stop is final, so each run gets a fresh one.
    m_control = std::make_shared<engine::TrainerControl>();
    m_control->setLiveSettings(m_live);
    if (stepping) {
        m_control->setPaused(true);
        m_control->stepWhilePaused(1);
    }
    {
        std::lock_guard lock(m_runMutex);
        m_runActive = true;
    }
    QMetaObject::invokeMethod(
        m_worker.get(),
        [this, w = m_worker.get(), control = m_control] {
            w->run(control);
            {
                std::lock_guard lock(m_runMutex);
                m_runActive = false;
            }
            m_runCv.notify_all();
        },
        Qt::QueuedConnection);
    setState(stepping ? State::Paused : State::Running);
}

void TrainingController::pause()
{
    if (m_state == State::Running)
        m_worker->requestPause(); // confirmed by pausedAt(), after the current mini-batch
}

void TrainingController::resume()
{
    if (m_state == State::Paused || m_state == State::Running) {
        m_worker->cancelPauseRequest();
        m_control->setPaused(false);
        setState(State::Running);
    } else if (canResume()) {
        queueRun(false);
    }
}

void TrainingController::step()
{
    switch (m_state) {
    case State::Paused:
        m_control->stepWhilePaused(1);
        break;
    case State::Running:
        pause();
        break;
    case State::Ready:
        if (m_resumable)
            queueRun(true);
        break;
    case State::Idle:
    case State::Stopping:
        break;
    }
}

bool TrainingController::stop(int timeoutMs)
{
    if (!isRunning())
        return true;
    m_control->requestStop();
    setState(State::Stopping);
    bool done = false;
    {
        std::unique_lock lock(m_runMutex);
        done = m_runCv.wait_for(
            lock, std::chrono::milliseconds(timeoutMs), [this] { return !m_runActive; });
    }
    if (done) {
        // Deliver the worker's last snapshot and finished() now, so callers see Ready.
        QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
    }
    return done && m_state != State::Stopping;
}

std::uint64_t TrainingController::resetWeights(bool newSeed)
{
    if (!m_hasSession || m_sessionFailed)
        return 0;
    if (isRunning() && !stop(5000))
        return 0;
    if (newSeed)
        m_seed = QRandomGenerator::global()->bounded(1u, 1u << 31);
    const int runId = ++m_runId;
    m_resumable = true;
    m_sessionConfig.seed = m_seed;
    m_history = engine::TrainingHistory::startedWith(m_sessionConfig);
    QMetaObject::invokeMethod(
        m_worker.get(),
        [w = m_worker.get(), seed = m_seed, runId] { w->resetWeights(seed, runId); },
        Qt::QueuedConnection);
    return m_seed;
}

void TrainingController::discardResume()
{
    if (isRunning() && !stop(5000)) {
        m_discardOnFinish = true;
        return;
    }
    m_resumable = false;
}

void TrainingController::forgetProject()
{
    discardResume();
    m_startFromDocument = false;
    ++m_storedRequest;
    if (!isRunning()) {
        m_hasSession = false;
        m_resumable = false;
        if (m_state == State::Ready)
            setState(State::Idle);
        // The next project's runs are numbered from 1. (A run still stopping keeps its id, so
        // its late snapshots are never taken for the next project's.)
        m_runId = 0;
    }
    m_lastProgress = {};
    m_lastOutcome = {};
    m_history = {};
    m_idleSummary.clear();
    emit progressCleared();
}

void TrainingController::setIdleSummary(const QString& summary)
{
    m_idleSummary = summary;
    emit progressCleared();
}

bool TrainingController::prepareWeightEdit()
{
    if (m_state == State::Paused)
        stop(5000);
    return !isRunning();
}

bool TrainingController::setWeight(
    engine::NodeId node, const std::string& param, long row, long col, double value)
{
    if (isRunning())
        return false;
    if (!m_hasSession) {
        m_startFromDocument = true;
        return true;
    }
    if (m_document && architectureKey(m_document->project()) != m_architectureKey)
        return false;
    QMetaObject::invokeMethod(
        m_worker.get(),
        [w = m_worker.get(), node, param, row, col, value] {
            w->setWeight(node, param, row, col, value);
        },
        Qt::QueuedConnection);
    return true;
}

bool TrainingController::setWeights(const engine::WeightMap& weights)
{
    if (isRunning() || !m_document)
        return false;
    if (!m_hasSession) {
        m_document->setWeights(weights);
        m_startFromDocument = true;
        emit weightsWritten();
        return true;
    }
    if (architectureKey(m_document->project()) != m_architectureKey)
        return false;
    // Queued before anything else the worker does next, so a following run starts from these.
    QMetaObject::invokeMethod(
        m_worker.get(), [w = m_worker.get(), weights] { w->loadWeights(weights); },
        Qt::QueuedConnection);
    m_document->setWeights(weights);
    emit weightsWritten();
    return true;
}

void TrainingController::pushLiveSettings()
{
    if (m_control && (m_state == State::Running || m_state == State::Paused))
        m_control->setLiveSettings(m_live);
}

void TrainingController::setLearningRate(double lr)
{
    if (!(lr > 0))
        return;
    m_live.learningRate = lr;
    pushLiveSettings();
}

void TrainingController::setL1(double l1)
{
    m_live.l1 = std::max(0.0, l1);
    pushLiveSettings();
}

void TrainingController::setL2(double l2)
{
    m_live.l2 = std::max(0.0, l2);
    pushLiveSettings();
}

void TrainingController::setBatchSize(int batchSize)
{
    if (batchSize < 1)
        return;
    m_live.batchSize = batchSize;
    pushLiveSettings();
}

void TrainingController::setWatchedNodes(const std::set<engine::NodeId>& nodes)
{
    m_worker->setWatchedNodes(nodes);
}

void TrainingController::setFullWeightsWanted(bool on)
{
    m_worker->setFullWeightsWanted(on);
}

void TrainingController::onSnapshot(const TrainingSnapshot& snapshot)
{
    m_worker->acknowledgeSnapshot();
    TrainingSnapshot& p = m_lastProgress;
    p.trigger = snapshot.trigger;
    p.runId = snapshot.runId;
    p.step = snapshot.step;
    p.epoch = snapshot.epoch;
    p.totalEpochs = snapshot.totalEpochs;
    p.batch = snapshot.batch;
    p.batchesPerEpoch = snapshot.batchesPerEpoch;
    p.progressX = snapshot.progressX;
    p.samplesPerSecond = snapshot.samplesPerSecond;
    p.etaSeconds = snapshot.etaSeconds;
    p.elapsedSeconds = snapshot.elapsedSeconds;
    p.learningRate = snapshot.learningRate;
    p.finished = snapshot.finished;
    p.stopReason = snapshot.stopReason;
    p.message = snapshot.message;
    if (snapshot.runId == m_runId) {
        for (const EpochPoint& e : snapshot.epochs)
            m_history.epochs.push_back(
                {e.epoch, e.trainLoss, e.trainAccuracy, e.validationLoss, e.validationAccuracy});
    }
    emit snapshotReady(snapshot);
}

void TrainingController::onPaused(long)
{
    // A resume may have overtaken this notification.
    if (m_state == State::Running && m_control && m_control->isPaused())
        setState(State::Paused);
}

void TrainingController::onFinished(const TrainingOutcome& outcome)
{
    if (m_sessionFailed) {
        m_hasSession = false;
        m_resumable = false;
        setState(State::Idle);
        return;
    }
    m_lastOutcome = outcome;
    // A run of a project that was replaced while it stopped (forgetProject()): it is over.
    const bool discarded = std::exchange(m_discardOnFinish, false);
    m_resumable = outcome.resumable && !discarded;
    if (!outcome.weights.empty() && !discarded)
        storeWeights(outcome.weights, outcome.state);
    m_hasSession = !discarded;
    setState(discarded ? State::Idle : State::Ready);
    emit finished(outcome);
}

void TrainingController::onFailed(const QString& text)
{
    m_sessionFailed = true;
    m_hasSession = false;
    m_resumable = false;
    emit failed(text);
}

void TrainingController::writeWeights(const engine::WeightMap& weights)
{
    storeWeights(weights, std::nullopt);
}

void TrainingController::storeWeights(
    const engine::WeightMap& weights, const std::optional<engine::TrainerState>& state)
{
    if (!m_document)
        return;
    if (architectureKey(m_document->project()) != m_architectureKey) {
        emit message(tr("Trained weights not stored: the network was changed while training."));
        return;
    }
    m_document->setWeights(weights, m_history, state);
    emit weightsWritten();
}

} // namespace widgets
