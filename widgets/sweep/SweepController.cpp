#include "sweep/SweepController.h"

#include <QThread>

namespace widgets {

SweepController::SweepController(QObject* parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_worker(std::make_unique<SweepWorker>())
{
    qRegisterMetaType<engine::EpochRecord>();
    qRegisterMetaType<QVector<engine::EpochRecord>>();
    qRegisterMetaType<engine::SweepRunResult>();
    m_thread->setObjectName(QStringLiteral("NetCanvas sweep"));
    m_worker->moveToThread(m_thread);
    // Each relay drops what a forgotten or cancelled-and-replaced sweep still sends.
    connect(m_worker.get(), &SweepWorker::prepared, this, [this](int id, int parallel) {
        if (id == m_sweepId)
            emit prepared(parallel);
    });
    connect(m_worker.get(), &SweepWorker::failed, this, [this](int id, const QString& message) {
        if (id != m_sweepId)
            return;
        m_running = false;
        emit failed(message);
    });
    connect(m_worker.get(), &SweepWorker::runStarted, this, [this](int id, int index) {
        if (id == m_sweepId)
            emit runStarted(index);
    });
    connect(m_worker.get(), &SweepWorker::epochs, this,
        [this](int id, int index, const QVector<engine::EpochRecord>& records) {
            if (id == m_sweepId)
                emit epochs(index, records);
        });
    connect(m_worker.get(), &SweepWorker::runFinished, this,
        [this](int id, const engine::SweepRunResult& result) {
            if (id == m_sweepId)
                emit runFinished(result);
        });
    connect(m_worker.get(), &SweepWorker::finished, this, [this](int id, bool cancelled) {
        if (id != m_sweepId)
            return;
        m_running = false;
        emit finished(cancelled);
    });
    m_thread->start();
}

SweepController::~SweepController()
{
    // Cancel first so that run() returns; then the event loop can quit and the thread be joined.
    m_worker->cancelUpTo(m_sweepId);
    m_thread->quit();
    m_thread->wait();
}

bool SweepController::start(const engine::Project& project, const QString& projectDir,
    const engine::SweepSpec& spec, int threads)
{
    if (m_running)
        return false;
    m_running = true;
    const int id = ++m_sweepId;
    QMetaObject::invokeMethod(
        m_worker.get(),
        [worker = m_worker.get(), id, project, projectDir, runs = spec.runs(), threads] {
            worker->run(id, project, projectDir, runs, threads);
        },
        Qt::QueuedConnection);
    return true;
}

void SweepController::cancel()
{
    if (m_running)
        m_worker->cancelUpTo(m_sweepId);
}

void SweepController::forget()
{
    m_worker->cancelUpTo(m_sweepId);
    ++m_sweepId;
    m_running = false;
}

} // namespace widgets
