#include "canvas/UnrolledRecurrentItem.h"

#include "canvas/CanvasScene.h"

#include "canvas/LayerNodeItem.h"

#include <QGraphicsSceneHoverEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace widgets {

UnrolledRecurrentItem::UnrolledRecurrentItem(QGraphicsItem* card)
    : QGraphicsObject(card)
{
    setAcceptHoverEvents(true);
    setZValue(1);
}

void UnrolledRecurrentItem::setSteps(int steps)
{
    if (steps == m_steps)
        return;
    prepareGeometryChange();
    m_steps = std::max(0, steps);
    update();
}

void UnrolledRecurrentItem::setNorms(const std::vector<double>& norms)
{
    if (!norms.empty())
        setSteps(int(norms.size()));
    m_norms = norms;
    m_max = 0;
    for (double n : m_norms)
        if (std::isfinite(n))
            m_max = std::max(m_max, n);
    update();
}

double UnrolledRecurrentItem::shade(int t) const
{
    if (t < 0 || t >= int(m_norms.size()) || m_max <= 0)
        return -1;
    const double n = m_norms[std::size_t(t)];
    return std::isfinite(n) ? std::clamp(n / m_max, 0.0, 1.0) : 1.0;
}

double UnrolledRecurrentItem::width() const
{
    return LayerNodeItem::kWidth;
}

int UnrolledRecurrentItem::rows() const
{
    const int wanted = static_cast<int>(std::ceil(m_steps * kMinCellWidth / width()));
    return std::clamp(wanted, 1, kMaxRows);
}

int UnrolledRecurrentItem::stepsPerRow() const
{
    return std::max(1, (m_steps + rows() - 1) / rows());
}

QRectF UnrolledRecurrentItem::cellRect(int t) const
{
    if (m_steps <= 0)
        return {};
    const double w = width() / stepsPerRow();
    const int row = t / stepsPerRow();
    const int col = t % stepsPerRow();
    return {col * w, kCaptionHeight + row * kCellHeight, w, kCellHeight};
}

QRectF UnrolledRecurrentItem::boundingRect() const
{
    return {0, 0, width(), kCaptionHeight + rows() * kCellHeight + 1};
}

QString UnrolledRecurrentItem::cellText(int t) const
{
    if (t < 0 || t >= m_steps)
        return {};
    if (t >= int(m_norms.size()))
        return tr("time step t = %1 (train to see how much gradient reaches it)").arg(t);
    return tr("t = %1: ||dL/dh_t|| = %2 (%3 % of the largest step)")
        .arg(t)
        .arg(m_norms[std::size_t(t)], 0, 'g', 3)
        .arg(100.0 * shade(t), 0, 'f', 1);
}

void UnrolledRecurrentItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*)
{
    QFont f = p->font();
    f.setPointSizeF(7.5);
    p->setFont(f);
    // On the canvas's background: its theme's detail colour (dark grey, or light grey on dark).
    const auto* canvas = qobject_cast<const CanvasScene*>(scene());
    p->setPen(canvas ? canvas->theme().detail : QColor(0x44, 0x44, 0x44));
    const QString caption = m_norms.empty()
        ? tr("%1 time steps (train to shade)").arg(m_steps)
        : tr("||dL/dh_t||, t = 0..%1, max %2").arg(m_steps - 1).arg(m_max, 0, 'g', 2);
    p->drawText(QRectF(0, 0, width(), kCaptionHeight), Qt::AlignLeft | Qt::AlignVCenter,
        p->fontMetrics().elidedText(caption, Qt::ElideRight, int(width())));
    // White (no gradient) to deep purple (the largest norm of the sequence).
    const QColor strong(0x54, 0x27, 0x88);
    for (int t = 0; t < m_steps; ++t) {
        const double s = shade(t);
        QColor c = Qt::white;
        if (s >= 0)
            c = QColor::fromRgbF(1 - s * (1 - strong.redF()), 1 - s * (1 - strong.greenF()),
                1 - s * (1 - strong.blueF()));
        const QRectF r = cellRect(t);
        p->fillRect(r, c);
        p->setPen(QPen(QColor(0x99, 0x99, 0x99), 0));
        p->drawRect(r);
    }
}

void UnrolledRecurrentItem::hoverMoveEvent(QGraphicsSceneHoverEvent* event)
{
    const double w = width() / stepsPerRow();
    const int row = static_cast<int>((event->pos().y() - kCaptionHeight) / kCellHeight);
    const int col = static_cast<int>(event->pos().x() / w);
    setToolTip(row >= 0 ? cellText(row * stepsPerRow() + col) : QString());
}

} // namespace widgets
