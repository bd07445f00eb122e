#include "canvas/EdgeItem.h"

#include "canvas/CanvasScene.h"
#include "canvas/EdgeRoute.h"

#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>

#include <cmath>

namespace widgets {

namespace {

constexpr double kArrowLength = 10.0;
constexpr double kArrowHalfWidth = 5.0;

} // namespace

EdgeItem::EdgeItem(CanvasScene* scene, const Edge& edge)
    : m_scene(scene)
    , m_edge(edge)
{
    setFlag(ItemIsSelectable);
    setAcceptHoverEvents(true);
    setZValue(0.0);
    updatePath();
}

void EdgeItem::updatePath()
{
    const QPointF from = m_scene->outputPortPos(m_edge.from);
    // Stop the curve at the arrow's base so the line does not poke through the head.
    QPointF to = m_scene->inputPortPos(m_edge.to, m_edge.toPort);
    to.rx() -= 7.0; // the input port circle's radius plus its ring
    m_end = to;
    prepareGeometryChange();
    setPath(routeEdge(from, to - QPointF(kArrowLength, 0), m_scene->cardRects()));
}

QRectF EdgeItem::boundingRect() const
{
    return QGraphicsPathItem::boundingRect().united(QRectF(m_end.x() - kArrowLength - 2,
        m_end.y() - kArrowHalfWidth - 2, kArrowLength + 4, 2 * kArrowHalfWidth + 4));
}

QPainterPath EdgeItem::shape() const
{
    QPainterPathStroker stroker;
    stroker.setWidth(10.0);
    return stroker.createStroke(path());
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget)
{
    Q_UNUSED(option);
    Q_UNUSED(widget);
    painter->setRenderHint(QPainter::Antialiasing);
    QColor color(0x7a, 0x84, 0x8f);
    double width = 2.0;
    if (m_hovered)
        color = QColor(0x4a, 0x55, 0x60);
    if (isSelected()) {
        color = QColor(0x1e, 0x88, 0xe5);
        width = 3.0;
    }
    painter->setPen(QPen(color, width, Qt::SolidLine, Qt::RoundCap));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(path());

    QPolygonF arrow;
    arrow << m_end << m_end + QPointF(-kArrowLength, -kArrowHalfWidth)
          << m_end + QPointF(-kArrowLength, kArrowHalfWidth);
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawPolygon(arrow);
}

void EdgeItem::hoverEnterEvent(QGraphicsSceneHoverEvent* event)
{
    m_hovered = true;
    update();
    QGraphicsPathItem::hoverEnterEvent(event);
}

void EdgeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent* event)
{
    m_hovered = false;
    update();
    QGraphicsPathItem::hoverLeaveEvent(event);
}

} // namespace widgets
