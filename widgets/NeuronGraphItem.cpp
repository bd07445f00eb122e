#include "NeuronGraphItem.h"

#include "NeuronOverlay.h"

#include <QFontMetricsF>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QPainterPathStroker>
#include <QPen>

#include <algorithm>
#include <cmath>

namespace widgets {

namespace {

const QColor kNegative(245, 147, 34); // the Playground's orange
const QColor kPositive(8, 119, 189); // the Playground's blue
const QColor kOutline(90, 96, 102);

QColor mix(const QColor& a, const QColor& b, double t)
{
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
        float(a.greenF() + (b.greenF() - a.greenF()) * t),
        float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

QFont panelFont()
{
    QFont f;
    f.setPointSizeF(9.0);
    return f;
}

} // namespace

// --- NeuronItem -------------------------------------------------------------------------------

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

// --- NeuronEdgeItem ---------------------------------------------------------------------------

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

// --- NeuronInfoItem ---------------------------------------------------------------------------

NeuronInfoItem::NeuronInfoItem()
{
    setZValue(100);
    setAcceptedMouseButtons(Qt::NoButton);
    setAcceptHoverEvents(false);
}

void NeuronInfoItem::setContent(const QStringList& lines, const QImage& map)
{
    prepareGeometryChange();
    m_lines = lines;
    m_map = map;
    const QFontMetricsF fm(panelFont());
    double w = 0;
    for (const QString& l : m_lines)
        w = std::max(w, fm.horizontalAdvance(l));
    double h = fm.lineSpacing() * double(m_lines.size());
    if (!m_map.isNull()) {
        w = std::max(w, double(kMapSide));
        h += kMapSide + 8;
    }
    m_rect = QRectF(0, 0, w + 20, h + 14);
    update();
}

QRectF NeuronInfoItem::boundingRect() const
{
    return m_rect.adjusted(-2, -2, 2, 2);
}

void NeuronInfoItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(QColor(120, 126, 132), 1));
    painter->setBrush(QColor(255, 255, 255, 245));
    painter->drawRoundedRect(m_rect, 5, 5);
    const QFont font = panelFont();
    painter->setFont(font);
    const QFontMetricsF fm(font);
    double y = 7;
    for (int i = 0; i < m_lines.size(); ++i) {
        QFont f = font;
        f.setBold(i == 0);
        painter->setFont(f);
        painter->setPen(QColor(30, 32, 34));
        painter->drawText(QPointF(10, y + fm.ascent()), m_lines[i]);
        y += fm.lineSpacing();
    }
    if (!m_map.isNull()) {
        const QRectF target(10, y + 6, kMapSide, kMapSide);
        painter->setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter->drawImage(target, m_map);
        painter->setPen(QColor(150, 150, 150));
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(target);
    }
}

} // namespace widgets
