#include "plots/TimelineScrubber.h"

#include "plots/PlotTheme.h"
#include "training/RunTimeline.h"

#include <QContextMenuEvent>
#include <QMenu>
#include <QMouseEvent>

#include <qcustomplot.h>

#include <cmath>

namespace widgets {

namespace {

/// How near (px) to the marker a press grabs it (a right-click three times as near opens the
/// timeline's menu).
constexpr double kGrabDistance = 7;

} // namespace

TimelineScrubber::TimelineScrubber(RunTimeline* timeline, QCustomPlot* plot, QObject* parent)
    : QObject(parent)
    , m_timeline(timeline)
    , m_plot(plot)
{
    m_line = new QCPItemStraightLine(m_plot);
    m_line->setSelectable(false);
    m_label = new QCPItemText(m_plot);
    m_label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignTop);
    m_label->position->setTypeX(QCPItemPosition::ptPlotCoords);
    m_label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_label->setPadding(QMargins(4, 1, 4, 1));
    m_label->setSelectable(false);
    m_label->setClipToAxisRect(false);
    m_plot->setMouseTracking(true);
    m_plot->installEventFilter(this);
    connect(m_timeline, &RunTimeline::changed, this, &TimelineScrubber::refresh);
    connect(PlotThemeNotifier::instance(), &PlotThemeNotifier::changed, this,
        &TimelineScrubber::refresh);
    refresh();
}

int TimelineScrubber::newestRun() const
{
    const std::vector<int> runs = m_timeline->runs();
    return runs.empty() ? -1 : runs.back();
}

bool TimelineScrubber::isShown() const
{
    return m_line->visible();
}

QString TimelineScrubber::epochText() const
{
    return m_label->visible() ? m_label->text() : QString();
}

double TimelineScrubber::markerPixel() const
{
    return m_plot->xAxis->coordToPixel(m_line->point1->coords().x());
}

void TimelineScrubber::scrubTo(int runId, int epoch)
{
    const std::vector<int> epochs = m_timeline->epochs(runId);
    if (epochs.empty())
        return;
    int nearest = epochs.front();
    for (int e : epochs)
        if (std::abs(e - epoch) < std::abs(nearest - epoch))
            nearest = e;
    m_run = runId;
    if (m_scrubbed == std::pair {runId, nearest})
        return;
    m_scrubbed = std::pair {runId, nearest};
    refresh();
    emit scrubbed(runId, nearest);
}

void TimelineScrubber::followLatest()
{
    m_scrubbed.reset();
    m_run = -1;
    m_dragging = false;
    refresh();
}

void TimelineScrubber::refresh()
{
    if (m_run >= 0 && m_timeline->epochs(m_run).empty())
        m_run = -1; // its project was closed
    const int run = m_run >= 0 ? m_run : newestRun();
    const std::vector<int> epochs = m_timeline->epochs(run);
    const bool shown = !epochs.empty();
    m_line->setVisible(shown);
    m_label->setVisible(shown);
    if (shown) {
        const int epoch = m_scrubbed ? m_scrubbed->second : epochs.back();
        m_line->point1->setCoords(epoch, 0);
        m_line->point2->setCoords(epoch, 1);
        m_label->position->setCoords(epoch, 0.0);
        // Scrubbed: a strong dashed line naming the epoch; otherwise a quiet handle at the
        // newest epoch that says it can be dragged.
        // Strong: the theme's text colour with the background as its label's text.
        const PlotTheme& theme = PlotTheme::current();
        m_line->setPen(
            m_scrubbed ? QPen(theme.text, 1.6, Qt::DashLine) : QPen(theme.quiet, 1.0, Qt::DotLine));
        m_label->setBrush(QBrush(m_scrubbed ? theme.text : theme.quietFill));
        m_label->setColor(m_scrubbed ? theme.background : theme.text);
        m_label->setText(m_scrubbed ? tr("epoch %1").arg(epoch) : tr("epoch %1 ◂▸").arg(epoch));
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

std::optional<int> TimelineScrubber::epochAtPixel(double pixel) const
{
    const int run = m_run >= 0 ? m_run : newestRun();
    const std::vector<int> epochs = m_timeline->epochs(run);
    if (epochs.empty())
        return std::nullopt;
    const double x = m_plot->xAxis->pixelToCoord(pixel);
    int nearest = epochs.front();
    for (int e : epochs)
        if (std::abs(e - x) < std::abs(nearest - x))
            nearest = e;
    return nearest;
}

QMenu* TimelineScrubber::contextMenu()
{
    delete m_menu;
    m_menu = new QMenu(m_plot);
    const int run = m_run >= 0 ? m_run : newestRun();
    QAction* fork = m_menu->addAction(m_scrubbed
            ? tr("Continue from here (epoch %1) with the current settings").arg(m_scrubbed->second)
            : tr("Continue from here (drag the epoch marker first)"));
    fork->setEnabled(m_scrubbed.has_value());
    connect(fork, &QAction::triggered, this, [this] {
        if (!m_scrubbed)
            return;
        const auto [runId, epoch] = *m_scrubbed;
        followLatest();
        emit continueRequested(runId, epoch);
    });
    QAction* latest = m_menu->addAction(tr("Show the latest weights"));
    latest->setEnabled(m_scrubbed.has_value());
    connect(latest, &QAction::triggered, this, [this] {
        followLatest();
        emit latestRequested();
    });
    m_menu->addSection(tr("Timeline of"));
    for (int id : m_timeline->runs()) {
        const int from = m_timeline->forkedAt(id);
        const QString label = from >= 0
            ? tr("%1 · from epoch %2").arg(m_timeline->label(id)).arg(from)
            : m_timeline->label(id);
        QAction* a = m_menu->addAction(label);
        a->setCheckable(true);
        a->setChecked(id == run);
        connect(a, &QAction::triggered, this,
            [this, id] { scrubTo(id, m_timeline->epochs(id).back()); });
    }
    return m_menu;
}

bool TimelineScrubber::eventFilter(QObject* watched, QEvent* event)
{
    if (watched != m_plot || !isShown())
        return QObject::eventFilter(watched, event);
    switch (event->type()) {
    case QEvent::MouseButtonPress: {
        auto* e = static_cast<QMouseEvent*>(event);
        if (e->button() == Qt::LeftButton
            && std::abs(e->position().x() - markerPixel()) <= kGrabDistance) {
            m_dragging = true; // the plot does not pan under the marker
            return true;
        }
        break;
    }
    case QEvent::MouseMove: {
        auto* e = static_cast<QMouseEvent*>(event);
        if (m_dragging) {
            if (const auto epoch = epochAtPixel(e->position().x()))
                scrubTo(m_run >= 0 ? m_run : newestRun(), *epoch);
            return true;
        }
        const bool near = std::abs(e->position().x() - markerPixel()) <= kGrabDistance;
        if (near)
            m_plot->setCursor(Qt::SizeHorCursor);
        else
            m_plot->unsetCursor();
        break;
    }
    case QEvent::MouseButtonRelease:
        if (m_dragging) {
            m_dragging = false;
            return true;
        }
        break;
    case QEvent::ContextMenu: {
        // Near the marker: the timeline's menu; elsewhere the plot's own (export as PNG, CSV).
        auto* e = static_cast<QContextMenuEvent*>(event);
        if (std::abs(e->pos().x() - markerPixel()) > 3 * kGrabDistance)
            break;
        contextMenu()->popup(e->globalPos());
        return true;
    }
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace widgets
