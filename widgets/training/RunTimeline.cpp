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
    connect(m_controller, &TrainingController::snapshotReady, this, &RunTimeline::addCurves);
    connect(m_viewer.get(), &TrainingWorker::storedWeightsEvaluated, this,
        [this](int requestId, const TrainingSessionInfo& info, const TrainingSnapshot& snapshot) {
            if (answered(requestId))
                emit checkpointShown(m_requestRun, m_requestEpoch, info, snapshot);
        });
    connect(m_viewer.get(), &TrainingWorker::storedWeightsFailed, this,
        [this](int requestId, const QString& message) {
            if (answered(requestId))
                emit checkpointFailed(m_requestRun, m_requestEpoch, message);
        });
    m_thread->start();
}

RunTimeline::~RunTimeline()
{
    m_thread->quit();
    m_thread->wait();
    m_viewer.reset(); // its thread has ended: safe to delete from here
}

bool RunTimeline::answered(int requestId)
{
    m_inFlight = false;
    if (m_pending) {
        sendRequest();
        return false;
    }
    return requestId == m_request;
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
        run.label = QString::fromStdString(engine::runLabel(run.project->training));
        // A run whose first checkpoint is past epoch 0 continues another: a fork, or a file's.
        run.forkedAt = checkpoint->epoch > 0 ? checkpoint->epoch : -1;
        if (run.forkedAt >= 0) {
            const int parent = m_expectedParent >= 0 ? m_expectedParent : m_documentRun;
            run.parent = m_runs.count(parent) && parent != runId ? parent : -1;
        }
        m_expectedParent = -1;
        shareBudget();
    }
    run.store.add(*checkpoint);
    emit changed();
}

void RunTimeline::addCurves(const TrainingSnapshot& snapshot)
{
    const auto it = m_runs.find(snapshot.runId);
    if (it == m_runs.end() || snapshot.runId != m_controller->runId())
        return;
    std::vector<engine::EpochRecord>& curves = it->second.curves;
    for (const EpochPoint& e : snapshot.epochs) {
        // A run continued after a stop at an earlier epoch never repeats one, but be sure.
        while (!curves.empty() && curves.back().epoch >= e.epoch)
            curves.pop_back();
        curves.push_back(
            {e.epoch, e.trainLoss, e.trainAccuracy, e.validationLoss, e.validationAccuracy});
    }
}

void RunTimeline::expectFork(int parentRunId)
{
    m_expectedParent = parentRunId;
}

void RunTimeline::restore(int runId, const engine::SavedRun& saved, int parentRunId,
    std::shared_ptr<const engine::Project> project, const QString& projectDir)
{
    Run& run = m_runs[runId];
    run = Run(); // not Run {}: CheckpointStore's default constructor is explicit
    run.project = std::move(project);
    run.projectDir = projectDir;
    run.label = QString::fromStdString(saved.history.label);
    if (run.label.isEmpty() && run.project)
        run.label = QString::fromStdString(engine::runLabel(run.project->training));
    run.forkedAt = saved.forkEpoch;
    run.parent = parentRunId;
    run.curves = saved.history.epochs;
    shareBudget();
    for (const engine::Checkpoint& c : saved.checkpoints)
        run.store.add(c);
    emit changed();
}

std::vector<engine::SavedRun> RunTimeline::savedRuns(
    bool withCheckpoints, const std::string& architecture) const
{
    std::map<int, int> fileId; // runId -> id in the file
    std::vector<engine::SavedRun> saved;
    for (const auto& [id, run] : m_runs) {
        engine::SavedRun s;
        s.id = int(saved.size()) + 1;
        fileId[id] = s.id;
        if (const auto parent = fileId.find(run.parent); run.parent >= 0 && parent != fileId.end())
            s.parent = parent->second;
        s.forkEpoch = run.forkedAt;
        s.history.label = run.label.toStdString();
        if (run.project)
            s.history.settings = run.project->training.toJson();
        s.history.epochs = run.curves;
        // A fork's curves start after its fork epoch (the file checks that).
        std::erase_if(s.history.epochs,
            [&s](const engine::EpochRecord& e) { return e.epoch <= s.forkEpoch; });
        // A run of another network (an activation changed since) keeps its curves only: its
        // checkpoints would be shown through the document's network after reopening.
        const bool sameNetwork = architecture.empty()
            || (run.project && TrainingController::architectureKey(*run.project) == architecture);
        if (withCheckpoints && sameNetwork)
            for (int epoch : run.store.epochs())
                s.checkpoints.push_back(*run.store.atOrBefore(epoch));
        saved.push_back(std::move(s));
    }
    return saved;
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
        if (!run.store.empty())
            ids.push_back(id);
    return ids;
}

std::vector<int> RunTimeline::allRuns() const
{
    std::vector<int> ids;
    for (const auto& [id, run] : m_runs)
        ids.push_back(id);
    return ids;
}

const std::vector<engine::EpochRecord>& RunTimeline::curves(int runId) const
{
    static const std::vector<engine::EpochRecord> none;
    const auto it = m_runs.find(runId);
    return it == m_runs.end() ? none : it->second.curves;
}

int RunTimeline::parentOf(int runId) const
{
    const auto it = m_runs.find(runId);
    return it == m_runs.end() ? -1 : it->second.parent;
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
    return it == m_runs.end() ? QString() : it->second.label;
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
    m_expectedParent = -1;
    m_documentRun = -1;
    ++m_request; // answers on their way belong to the previous project
    m_pending = false;
    m_inFlight = false;
    emit changed();
}

} // namespace widgets
