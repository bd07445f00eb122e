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
    setZValue(0.8);
}

void NeuronItem::setActivation(std::optional<double> value)
{
    m_activation = value && std::isfinite(*value) ? value : std::nullopt;
    update();
}

void NeuronItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget)
{
    const CanvasTheme& theme = themeOf(this);
    // Zero is the surface's own colour, so that only signed values stand out.
    const QColor zero = theme.isDark ? theme.card : QColor(245, 246, 247);
    if (!m_activation)
        setBrush(theme.isDark ? theme.card : QColor(Qt::white));
    else {
        const double v = std::clamp(*m_activation, -1.0, 1.0);
        setBrush(mix(zero, v < 0 ? kNegative : kPositive, std::abs(v)));
    }
    const QColor outline = theme.isDark ? theme.detail : kOutline;
    setPen(m_hovered ? QPen(theme.text, 2.4) : QPen(outline, 1.4));
    QGraphicsEllipseItem::paint(painter, option, widget);
}

void NeuronItem::hoverEnterEvent(QGraphicsSceneHoverEvent* event)
{
    m_hovered = true;
    update();
    m_overlay->showNeuronInfo(m_node, m_unit);
    QGraphicsEllipseItem::hoverEnterEvent(event);
}

void NeuronItem::hoverLeaveEvent(QGraphicsSceneHoverEvent* event)
{
    m_hovered = false;
    update();
    m_overlay->hideInfo();
    QGraphicsEllipseItem::hoverLeaveEvent(event);
}

} // namespace widgets
