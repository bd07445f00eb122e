#include "document/Autosave.h"

#include "document/GraphDocument.h"
#include "document/RecoveryStore.h"

#include <QTimer>
#include <QUndoStack>

#include <algorithm>

namespace widgets {

Autosave::Autosave(GraphDocument* document, QUndoStack* stack, QObject* parent)
    : QObject(parent)
    , m_doc(document)
    , m_stack(stack)
    , m_timer(new QTimer(this))
{
    bool ok = false;
    const int fromEnv = qEnvironmentVariableIntValue("NETCANVAS_AUTOSAVE_MS", &ok);
    m_timer->setInterval(ok && fromEnv > 0 ? fromEnv : kDefaultIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &Autosave::saveNow);
    m_timer->start();

    // Every edit goes through the undo stack (back at the saved state there is nothing to
    // recover); trained weights and settings also arrive without a command.
    connect(m_stack, &QUndoStack::indexChanged, this, [this] {
        if (!m_stack->isClean())
            markChanged();
    });
    connect(m_doc, &GraphDocument::settingsChanged, this, &Autosave::markChanged);
    connect(m_doc, &GraphDocument::weightsChanged, this, &Autosave::markChanged);
    connect(m_doc, &GraphDocument::nodeMoved, this, &Autosave::markChanged);
}

Autosave::~Autosave()
{
    if (m_written)
        RecoveryStore::removeOwn();
}

void Autosave::setInterval(int ms)
{
    m_timer->start(std::max(ms, 1));
}

int Autosave::interval() const
{
    return m_timer->interval();
}

void Autosave::saveNow()
{
    if (!m_changed)
        return;
    const QString error = RecoveryStore::write(m_source ? m_source() : m_doc->toJson(), m_path);
    if (!error.isEmpty()) {
        emit failed(error);
        return;
    }
    m_changed = false;
    m_written = true;
    emit saved(RecoveryStore::ownFile());
}

void Autosave::discard()
{
    if (m_written)
        RecoveryStore::removeOwn();
    m_written = false;
    m_changed = false;
}

} // namespace widgets
