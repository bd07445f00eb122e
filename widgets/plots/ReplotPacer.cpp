#include "plots/ReplotPacer.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace widgets {

namespace {
const QString kObjectName = QStringLiteral("netcanvas_replot_pacer");
double g_budget = ReplotPacer::kDefaultBudget;
} // namespace

ReplotPacer* ReplotPacer::of(QCustomPlot* plot)
{
    // Found by name: the class has no meta-object of its own for qobject_cast.
    if (QObject* found = plot->findChild<QObject*>(kObjectName, Qt::FindDirectChildrenOnly))
        return static_cast<ReplotPacer*>(found);
    return new ReplotPacer(plot);
}

ReplotPacer::ReplotPacer(QCustomPlot* plot)
    : QObject(plot)
    , m_plot(plot)
{
    setObjectName(kObjectName);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ReplotPacer::replotNow);
    plot->installEventFilter(this);
}

bool ReplotPacer::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_plot && event->type() == QEvent::Show && m_missed)
        replotNow();
    return QObject::eventFilter(watched, event);
}

void ReplotPacer::setBudget(double share)
{
    g_budget = std::clamp(share, 1e-3, 1.0);
}

double ReplotPacer::budget()
{
    return g_budget;
}

int ReplotPacer::intervalMs() const
{
    // Moving averages: a steadier pace.
    const double cost = m_plot->replotTime(true) + m_prepareMs;
    return std::clamp(int(std::lround(cost / g_budget)), kMinIntervalMs, kMaxIntervalMs);
}

void ReplotPacer::request()
{
    if (m_timer.isActive())
        return; // the pending replot will draw this data too
    const qint64 wait = m_sinceReplot.isValid() ? intervalMs() - m_sinceReplot.elapsed() : 0;
    if (wait <= 0)
        replotNow();
    else
        m_timer.start(int(wait));
}

void ReplotPacer::replotNow()
{
    m_missed = !m_plot->isVisible();
    if (m_missed)
        return;
    if (m_prepare) {
        QElapsedTimer t;
        t.start();
        m_prepare();
        const double ms = double(t.nsecsElapsed()) / 1e6;
        m_prepareMs = m_replots == 0 ? ms : 0.8 * m_prepareMs + 0.2 * ms;
    }
    // Queued: several plots asking in one event-loop turn still share one repaint of the window.
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    m_sinceReplot.restart();
    ++m_replots;
}

} // namespace widgets
