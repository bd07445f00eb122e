#include "common/WrappingScrollArea.h"

#include <QEvent>
#include <QLayout>
#include <QScrollBar>

namespace widgets {

WrappingScrollArea::WrappingScrollArea(QWidget* parent)
    : QScrollArea(parent)
{
    setWidgetResizable(true);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFrameShape(QFrame::NoFrame);
}

void WrappingScrollArea::setContent(QWidget* content)
{
    setWidget(content);
    content->installEventFilter(this);
    fit();
}

bool WrappingScrollArea::eventFilter(QObject* watched, QEvent* event)
{
    // LayoutRequest: labels changed text or rows were added; the needed height changed.
    if (watched == widget() && event->type() == QEvent::LayoutRequest)
        fit();
    return QScrollArea::eventFilter(watched, event);
}

bool WrappingScrollArea::viewportEvent(QEvent* event)
{
    // The viewport, not the area: a vertical bar appearing narrows the viewport only.
    const bool handled = QScrollArea::viewportEvent(event);
    if (event->type() == QEvent::Resize)
        fit();
    return handled;
}

void WrappingScrollArea::fit()
{
    QWidget* w = widget();
    if (!w || !w->layout() || m_fitting)
        return;
    // Guard: setMinimumHeight() relayouts, which posts the LayoutRequest we listen to.
    m_fitting = true;
    w->layout()->activate();
    // The width the widget will really get: the viewport's, less a vertical bar that the new
    // height may bring (it would otherwise narrow the text after the height was computed).
    int width = viewport()->width();
    const int h = w->layout()->totalHeightForWidth(width);
    if (h > viewport()->height() && !verticalScrollBar()->isVisible()
        && verticalScrollBarPolicy() != Qt::ScrollBarAlwaysOff)
        width -= verticalScrollBar()->sizeHint().width();
    const int needed = w->layout()->hasHeightForWidth() ? w->layout()->totalHeightForWidth(width)
                                                        : w->layout()->totalMinimumSize().height();
    w->setMinimumHeight(needed);
    // Never wider than the viewport: the text wraps instead.
    w->setMinimumWidth(0);
    m_fitting = false;
}

} // namespace widgets
