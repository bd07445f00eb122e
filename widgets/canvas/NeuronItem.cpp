#include "canvas/NeuronItem.h"

#include "canvas/NeuronColors.h"
#include "canvas/NeuronOverlay.h"

#include <QPen>

#include <algorithm>
#include <cmath>

namespace widgets {

using namespace neuroncolors;

NeuronItem::NeuronItem(NeuronOverlay* overlay, NodeId node, long unit)
    : QGraphicsEllipseItem(-kRadius, -kRadius, 2 * kRadius, 2 * kRadius)
    , m_overlay(overlay)
    , m_node(node)
    , m_unit(unit)
{
    setAcceptHoverEvents(true);
    setPen(QPen(kOutline, 1.4));
    setBrush(Qt::white);
    setZValue(0.8);
}

void NeuronItem::setActivation(std::optional<double> value)
{
    if (!value || !std::isfinite(*value)) {
        setBrush(Qt::white);
        return;
    }
    const double v = std::clamp(*value, -1.0, 1.0);
    setBrush(mix(QColor(245, 246, 247), v < 0 ? kNegative : kPositive, std::abs(v)));
}

void NeuronItem::hoverEnterEvent(QGraphicsSceneHoverEvent* event)
{
    setPen(QPen(Qt::black, 2.4));
    m_overlay->showNeuronInfo(m_node, m_unit);
    QGraphicsEllipseItem::hoverEnterEvent(event);
}

void NeuronItem::hoverLeaveEvent(QGraphicsSceneHoverEvent* event)
{
    setPen(QPen(kOutline, 1.4));
    m_overlay->hideInfo();
    QGraphicsEllipseItem::hoverLeaveEvent(event);
}

} // namespace widgets
