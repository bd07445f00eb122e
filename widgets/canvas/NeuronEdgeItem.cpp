#include "canvas/NeuronEdgeItem.h"

#include "canvas/NeuronColors.h"
#include "canvas/NeuronOverlay.h"

#include <QGraphicsSceneMouseEvent>
#include <QPainterPathStroker>
#include <QPen>

#include <algorithm>
#include <cmath>

namespace widgets {

using namespace neuroncolors;

NeuronEdgeItem::NeuronEdgeItem(NeuronOverlay* overlay, NodeId node, long unit, long input)
    : m_overlay(overlay)
    , m_node(node)
    , m_unit(unit)
    , m_input(input)
{
    setAcceptHoverEvents(true);
    setZValue(0.5); // above the cards' connections, below cards and neurons
    setWeight(0, 1);
}

QColor NeuronEdgeItem::colorFor(double weight)
{
    return weight < 0 ? kNegative : kPositive;
}

double NeuronEdgeItem::widthFor(double weight, double scale)
{
    const double t = std::clamp(std::abs(weight) / std::max(scale, 1e-9), 0.0, 1.0);
    return 0.6 + 4.4 * t;
}

void NeuronEdgeItem::setWeight(double weight, double scale)
{
    m_weight = weight;
    m_scale = scale;
    QColor c = colorFor(weight);
    const double t = std::clamp(std::abs(weight) / std::max(scale, 1e-9), 0.0, 1.0);
    c.setAlphaF(float(0.35 + 0.65 * t));
    QPen pen(c, widthFor(weight, scale));
    pen.setCapStyle(Qt::RoundCap);
    setPen(pen);
}

QPainterPath NeuronEdgeItem::shape() const
{
    // Thin edges are hard to hit: hover and double-click use a band of at least 7 px.
    QPainterPath path(line().p1());
    path.lineTo(line().p2());
    QPainterPathStroker stroker;
    stroker.setWidth(std::max(7.0, pen().widthF() + 2));
    return stroker.createStroke(path);
}

void NeuronEdgeItem::hoverEnterEvent(QGraphicsSceneHoverEvent* event)
{
    setZValue(0.7);
    QPen p = pen();
    QColor c = p.color();
    c.setAlphaF(1.0);
    p.setColor(c.darker(130));
    setPen(p);
    m_overlay->showEdgeInfo(m_node, m_unit, m_input);
    QGraphicsLineItem::hoverEnterEvent(event);
}

void NeuronEdgeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent* event)
{
    setZValue(0.5);
    setWeight(m_weight, m_scale);
    m_overlay->hideInfo();
    QGraphicsLineItem::hoverLeaveEvent(event);
}

void NeuronEdgeItem::mousePressEvent(QGraphicsSceneMouseEvent* event)
{
    // Accepted so that the double-click that follows comes here.
    if (event->button() == Qt::LeftButton)
        event->accept();
    else
        QGraphicsLineItem::mousePressEvent(event);
}

void NeuronEdgeItem::mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event)
{
    if (event->button() != Qt::LeftButton) {
        QGraphicsLineItem::mouseDoubleClickEvent(event);
        return;
    }
    event->accept();
    m_overlay->editWeight(m_node, m_unit, m_input);
}

} // namespace widgets
