#include "common/BackgroundThread.h"

#include <QThread>

namespace widgets {

QThread* startBackgroundThread(QObject* owner, QObject* worker, const QString& name)
{
    auto* thread = new QThread(owner);
    thread->setObjectName(name);
    worker->moveToThread(thread);
    QObject::connect(thread, &QThread::finished, worker, &QObject::deleteLater);
    // Below the trainer's priority: these threads serve views, which may lag, never training.
    thread->start(QThread::LowPriority);
    return thread;
}

void stopBackgroundThread(QThread* thread)
{
    thread->quit();
    thread->wait();
}

} // namespace widgets
