#pragma once

#include "training/TrainingSnapshot.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class QThread;

namespace engine {
class Graph;
}

namespace widgets {

class SequenceModelWorker;

/// A private copy of the trained network on a background thread, for the sequence views that
/// run it on inputs of their own (hidden states of one sample, forecasts, text sampling) while
/// training goes on: the trainer's graph is never touched and the GUI thread never waits.
///
/// Call order (GUI thread): startSession() with a session that has an architecture, then
/// setWeights() with every snapshot that carries weights, then submit() jobs. A job runs on the
/// background thread with the newest weights applied; its `done` runs on the GUI thread
/// afterwards (not at all when this object is gone or a new session started meanwhile). Jobs
/// coalesce: while one runs only the newest submitted one waits, older waiting ones are dropped.
class SequenceModelRunner : public QObject {
    Q_OBJECT
public:
    /// Runs on the background thread; throws on failure (the message reaches `done`).
    using Job = std::function<void(engine::Graph& graph)>;
    /// Runs on the GUI thread; `error` is empty on success.
    using Done = std::function<void(const QString& error)>;

    explicit SequenceModelRunner(QObject* parent = nullptr);
    ~SequenceModelRunner() override;

    /// False (and every job fails) when the session has no architecture to rebuild.
    bool startSession(const TrainingSessionInfo& info);
    void setWeights(std::shared_ptr<const engine::WeightMap> weights);
    bool hasWeights() const { return m_weights != nullptr; }
    bool isReady() const { return m_ready && m_weights != nullptr; }
    /// A job runs or waits.
    bool isBusy() const { return m_busy || m_pending.has_value(); }

    void submit(Job job, Done done);

    /// Graph::forward(input) in inference mode, safe to call from a job while the trainer's
    /// thread uses OpenBLAS/OpenMP (see the .cpp). `input` must outlive reads of the outputs.
    static const engine::Matrix& forward(engine::Graph& graph, const engine::Matrix& input);

private:
    struct Pending {
        Job job;
        Done done;
    };
    void dispatch();

    QThread* m_thread = nullptr;
    SequenceModelWorker* m_worker = nullptr; ///< lives in m_thread; deleted when it finishes
    std::shared_ptr<const engine::WeightMap> m_weights;
    std::optional<Pending> m_pending;
    int m_sessionId = 0;
    bool m_busy = false;
    bool m_ready = false;
};

} // namespace widgets
