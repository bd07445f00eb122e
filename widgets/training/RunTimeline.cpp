#include "training/RunTimeline.h"

#include "training/TrainingController.h"
#include "training/TrainingWorker.h"

#include <QThread>

namespace widgets {

RunTimeline::RunTimeline(TrainingController* controller, QObject* parent)
    : QObject(parent)
    , m_controller(controller)
    , m_thread(new QThread(this))
    , m_viewer(std::make_unique<TrainingWorker>())
{
    registerTrainingMetaTypes();
    m_thread->setObjectName(QStringLiteral("NetCanvas timeline"));
    m_viewer->moveToThread(m_thread);
    // The plane and feature-map views run their own copy of the network: they need the weights.
    m_viewer->setFullWeightsWanted(true);
    connect(m_controller, &TrainingController::checkpointTaken, this, &RunTimeline::add);
    connect(m_viewer.get(), &TrainingWorker::storedWeightsEvaluated, this,
        [this](int requestId, const TrainingSessionInfo& info, const TrainingSnapshot& snapshot) {
            m_inFlight = false;
            if (m_pending) {
                sendRequest();
                return;
            }
            if (requestId == m_request)
                emit checkpointShown(m_requestRun, m_requestEpoch, info, snapshot);
        });
    m_thread->start();
}

RunTimeline::~RunTimeline()
{
    m_thread->quit();
    m_thread->wait();
    m_viewer.reset(); // its thread has ended: safe to delete from here
}

void RunTimeline::add(int runId, const CheckpointPtr& checkpoint)
{
    // A checkpoint of a run the controller has moved past (queued before a new session began)
    // has no project to be shown with here.
    if (!checkpoint || runId != m_controller->runId() || !m_controller->sessionProject())
        return;
    auto [it, isNew] = m_runs.try_emplace(runId);
    Run& run = it->second;
    if (isNew) {
        run.project = m_controller->sessionProject();
        run.projectDir = m_controller->sessionDirectory();
        // A run whose first checkpoint is past epoch 0 continues another: a fork, or a file's.
        run.forkedAt = checkpoint->epoch > 0 ? checkpoint->epoch : -1;
        shareBudget();
    }
    run.store.add(*checkpoint);
    emit changed();
}

void RunTimeline::shareBudget()
{
    const std::size_t share = budget() / std::max<std::size_t>(1, m_runs.size());
    for (auto& [id, run] : m_runs)
        run.store.setBudget(share);
}

std::vector<int> RunTimeline::runs() const
{
    std::vector<int> ids;
    for (const auto& [id, run] : m_runs)
        ids.push_back(id);
    return ids;
}

std::vector<int> RunTimeline::epochs(int runId) const
{
    const auto it = m_runs.find(runId);
    return it == m_runs.end() ? std::vector<int> {} : it->second.store.epochs();
}

CheckpointPtr RunTimeline::checkpoint(int runId, int epoch) const
{
    const auto it = m_runs.find(runId);
    if (it == m_runs.end())
        return nullptr;
    const engine::Checkpoint* c = it->second.store.atOrBefore(epoch);
    return c ? std::make_shared<const engine::Checkpoint>(*c) : nullptr;
}

QString RunTimeline::label(int runId) const
{
    const auto it = m_runs.find(runId);
    return it == m_runs.end() || !it->second.project
        ? QString()
        : QString::fromStdString(engine::runLabel(it->second.project->training));
}

int RunTimeline::forkedAt(int runId) const
{
    const auto it = m_runs.find(runId);
    return it == m_runs.end() ? -1 : it->second.forkedAt;
}

std::size_t RunTimeline::bytes() const
{
    std::size_t n = 0;
    for (const auto& [id, run] : m_runs)
        n += run.store.bytes();
    return n;
}

void RunTimeline::show(int runId, int epoch)
{
    const auto it = m_runs.find(runId);
    if (it == m_runs.end())
        return;
    const engine::Checkpoint* c = it->second.store.atOrBefore(epoch);
    if (!c)
        return;
    m_requestRun = runId;
    m_requestEpoch = c->epoch;
    m_pending = true;
    if (!m_inFlight)
        sendRequest();
}

void RunTimeline::sendRequest()
{
    m_pending = false;
    const auto it = m_runs.find(m_requestRun);
    const engine::Checkpoint* c
        = it == m_runs.end() ? nullptr : it->second.store.atOrBefore(m_requestEpoch);
    if (!c)
        return;
    m_inFlight = true;
    const int requestId = ++m_request;
    const int runId = m_requestRun;
    QMetaObject::invokeMethod(
        m_viewer.get(),
        [w = m_viewer.get(), project = it->second.project, dir = it->second.projectDir,
            weights = c->weights, runId,
            requestId] { w->evaluateStoredWeights(*project, dir, weights, runId, requestId); },
        Qt::QueuedConnection);
}

void RunTimeline::clear()
{
    m_runs.clear();
    ++m_request; // answers on their way belong to the previous project
    m_pending = false;
    m_inFlight = false;
    emit changed();
}

} // namespace widgets
