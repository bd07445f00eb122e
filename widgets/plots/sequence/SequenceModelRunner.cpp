#include "plots/sequence/SequenceModelRunner.h"

#include "common/BackgroundThread.h"
#include "core/Parallel.h"
#include "graph/Graph.h"
#include "plots/NetworkCopy.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThread>

#include <stdexcept>
#include <string>

namespace widgets {

/// Owns the graph copy; every method runs on the runner's thread.
class SequenceModelWorker : public QObject {
public:
    void setArchitecture(const engine::Project& architecture, const engine::GraphContext& context)
    {
        m_network.setArchitecture(architecture, context);
    }

    QString run(const SequenceModelRunner::Job& job,
        const std::shared_ptr<const engine::WeightMap>& weights)
    {
        engine::Graph* graph = m_network.graph();
        if (!graph)
            return m_network.error().isEmpty() ? QStringLiteral("no network to run")
                                               : m_network.error();
        try {
            m_network.applyWeights(weights);
            job(*graph);
        } catch (const std::exception& e) {
            return QString::fromStdString(e.what());
        }
        return {};
    }

private:
    NetworkCopy m_network;
};

SequenceModelRunner::SequenceModelRunner(QObject* parent)
    : QObject(parent)
{
    m_worker = new SequenceModelWorker;
    m_thread = startBackgroundThread(this, m_worker, QStringLiteral("SequenceModelThread"));
}

SequenceModelRunner::~SequenceModelRunner()
{
    stopBackgroundThread(m_thread);
}

bool SequenceModelRunner::startSession(const TrainingSessionInfo& info)
{
    ++m_sessionId;
    m_weights.reset();
    m_pending.reset();
    m_ready = info.architecture != nullptr;
    if (!m_ready)
        return false;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, arch = info.architecture, ctx = info.context] {
            w->setArchitecture(*arch, ctx);
        });
    return true;
}

void SequenceModelRunner::setWeights(std::shared_ptr<const engine::WeightMap> weights)
{
    if (weights)
        m_weights = std::move(weights);
}

void SequenceModelRunner::submit(Job job, Done done)
{
    m_pending = Pending {std::move(job), std::move(done)};
    dispatch();
}

void SequenceModelRunner::dispatch()
{
    if (m_busy || !m_pending)
        return;
    if (!isReady()) {
        // Kept: it runs once weights arrive (setWeights() does not dispatch; the views submit
        // again on every snapshot).
        return;
    }
    Pending p = std::move(*m_pending);
    m_pending.reset();
    m_busy = true;
    QPointer<SequenceModelRunner> self(this);
    QMetaObject::invokeMethod(m_worker,
        [w = m_worker, self, job = std::move(p.job), done = std::move(p.done), weights = m_weights,
            id = m_sessionId]() mutable {
            const QString error = w->run(job, weights);
            QMetaObject::invokeMethod(
                QCoreApplication::instance(), [self, done = std::move(done), error, id] {
                    if (!self)
                        return;
                    self->m_busy = false;
                    if (id == self->m_sessionId && done)
                        done(error);
                    self->dispatch();
                });
        });
}

const engine::Matrix& SequenceModelRunner::forward(
    engine::Graph& graph, const engine::Matrix& input)
{
    const engine::Matrix* out = nullptr;
    engine::runBesideTrainer([&] { out = &graph.forward(input, engine::Mode::Inference); });
    return *out;
}

} // namespace widgets
