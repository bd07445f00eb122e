#pragma once

#include "sweep/SweepWorker.h"

#include <QObject>
#include <QString>

#include <memory>

class QThread;

namespace widgets {

/// Owns the sweep's thread and its SweepWorker; the GUI's only handle on a sweep.
///
/// For the GUI thread. start() copies the project and hands the copy to the worker; results come
/// back as values through the signals below, only those of the current sweep (a cancelled one's
/// late results are dropped). cancel() returns at once: the runs stop before their next
/// mini-batch and finished() follows. The destructor cancels and joins the thread.
class SweepController : public QObject {
    Q_OBJECT
public:
    explicit SweepController(QObject* parent = nullptr);
    ~SweepController() override;

    /// Starts training the runs of `spec` on copies of `project` (data resolved against
    /// `projectDir`) with `threads` threads (0: all cores). False while a sweep runs.
    bool start(const engine::Project& project, const QString& projectDir,
        const engine::SweepSpec& spec, int threads = 0);
    /// Stops the running sweep (if any); its finished() or failed() still comes.
    void cancel();
    /// Stops the running sweep and drops everything it still sends (another project opened).
    void forget();
    bool isRunning() const { return m_running; }

signals:
    void prepared(int parallelRuns);
    void failed(const QString& message);
    void runStarted(int index);
    void epochs(int index, const QVector<engine::EpochRecord>& records);
    void runFinished(const engine::SweepRunResult& result);
    void finished(bool cancelled);

private:
    QThread* m_thread;
    std::unique_ptr<SweepWorker> m_worker;
    int m_sweepId = 0; ///< the current sweep's; signals of others are dropped
    bool m_running = false;
};

} // namespace widgets
