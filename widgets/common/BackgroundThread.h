#pragma once

#include <QString>

class QObject;
class QThread;

namespace widgets {

/// Starts a low-priority thread, a child of `owner`, named `name`, and moves `worker` (which must
/// have no parent) into it; the worker is deleted in that thread when the thread finishes. The
/// owner stops it in its destructor with stopBackgroundThread(), before its other members go.
QThread* startBackgroundThread(QObject* owner, QObject* worker, const QString& name);

/// quit() and wait(): returns when the thread's event loop, and with it the worker, is gone.
void stopBackgroundThread(QThread* thread);

} // namespace widgets
