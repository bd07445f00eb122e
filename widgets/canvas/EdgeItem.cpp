#include "canvas/EdgeItem.h"

#include "canvas/LayerNodeItem.h"

#include "canvas/CanvasScene.h"
#include "canvas/EdgeRoute.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>

#include <algorithm>
#include <cmath>

namespace widgets {

namespace {

constexpr double kArrowLength = 10.0;
constexpr double kArrowHalfWidth = 5.0;
constexpr double kLabelPadding = 2.0;
constexpr double kLabelGap = 3.0; ///< between the line and the label

QFont labelFont()
{
    QFont f;
    f.setPixelSize(10);
    return f;
}

} // namespace

EdgeItem::EdgeItem(CanvasScene* scene, const Edge& edge)
    : m_scene(scene)
    , m_edge(edge)
{
    setFlag(ItemIsSelectable);
    setAcceptHoverEvents(true);
    setZValue(0.0);
    refreshShapeLabel();
    updatePath();
}

void EdgeItem::refreshShapeLabel()
{
    QString label;
    if (m_scene->showsEdgeShapes())
        label = m_scene->document()
                    ->outputShape(m_edge.from)
                    .replace(QLatin1Char('x'), QChar(0x00d7));
    if (label == m_label)
        return;
    m_label = label;
    prepareGeometryChange();
    placeShapeLabel();
    update();
}

void EdgeItem::placeShapeLabel()
{
    m_labelRect = {};
    m_labelLines.clear();
    if (m_label.isEmpty() || path().isEmpty())
        return;
    const QFontMetricsF metrics(labelFont());
    // Stacked: "26", "×26", "×32", for the narrow gap between two cards in a row.
    QStringList stacked = m_label.split(QChar(0x00d7));
    for (int i = 1; i < stacked.size(); ++i)
        stacked[i].prepend(QChar(0x00d7));
    const QPointF middle = path().pointAtPercent(0.5);
    const auto blockSize = [&](const QStringList& lines) {
        double width = 0;
        for (const QString& line : lines)
            width = std::max(width, metrics.horizontalAdvance(line));
        return QSizeF(
            width + 2 * kLabelPadding, lines.size() * metrics.height() + 2 * kLabelPadding);
    };
    const std::vector<QRectF> cards = m_scene->cardRects();
    const auto isFree = [&](const QRectF& r) {
        return std::none_of(cards.begin(), cards.end(),
            [&](const QRectF& card) { return card.intersects(r.adjusted(-1, -1, 1, 1)); });
    };
    for (const QStringList& lines : {QStringList {m_label}, stacked}) {
        const QSizeF size = blockSize(lines);
        const QRectF above(middle.x() - size.width() / 2, middle.y() - kLabelGap - size.height(),
            size.width(), size.height());
        const QRectF below = above.translated(0, size.height() + 2 * kLabelGap);
        // The middle of a short edge is not the middle of the gap it crosses: slide a little.
        for (const double dx : {0.0, 4.0, -4.0, 8.0, -8.0, 12.0, -12.0}) {
            for (const QRectF& r : {above.translated(dx, 0), below.translated(dx, 0)}) {
                if (isFree(r)) {
                    m_labelRect = r;
                    m_labelLines = lines;
                    return;
                }
            }
        }
    }
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
    placeShapeLabel();
}

QRectF EdgeItem::boundingRect() const
{
    const QRectF r = QGraphicsPathItem::boundingRect().united(QRectF(m_end.x() - kArrowLength - 2,
        m_end.y() - kArrowHalfWidth - 2, kArrowLength + 4, 2 * kArrowHalfWidth + 4));
    return m_labelRect.isEmpty() ? r : r.united(m_labelRect);
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
    const CanvasTheme& theme = m_scene->theme();
    QColor color = theme.edge;
    double width = 2.0;
    if (m_hovered)
        color = theme.edgeHover;
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

    // A shape label's text is unreadable where the cards are sketched (LayerNodeItem).
    const bool readable
        = QStyleOptionGraphicsItem::levelOfDetailFromTransform(painter->worldTransform())
        >= LayerNodeItem::kSketchBelowScale;
    if (!m_labelRect.isEmpty() && readable) {
        painter->setBrush(theme.labelFill);
        painter->setPen(QPen(theme.labelBorder, 0.8));
        painter->drawRoundedRect(m_labelRect, 3, 3);
        painter->setFont(labelFont());
        painter->setPen(QColor(0x4a, 0x55, 0x60));
        painter->drawText(
            m_labelRect.adjusted(kLabelPadding, kLabelPadding, -kLabelPadding, -kLabelPadding),
            Qt::AlignCenter, m_labelLines.join(QLatin1Char('\n')));
    }
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
