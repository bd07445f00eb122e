#include "canvas/GroupItem.h"

#include "canvas/CanvasScene.h"
#include "canvas/LayerNodeItem.h"
#include "document/UndoCommands.h"
#include "training/ResourceEstimate.h"

#include <QGraphicsSceneMouseEvent>
#include <QLocale>
#include <QPainter>
#include <QUndoStack>

#include <algorithm>

namespace widgets {

namespace {

constexpr double kRadius = 8.0;
constexpr double kCardRadius = 8.0;
const QColor kFindColor(0xf5, 0xa6, 0x23);
const QColor kSelectColor(0x1e, 0x88, 0xe5);

QString layerCount(int n)
{
    return n == 1 ? GroupItem::tr("1 layer") : GroupItem::tr("%1 layers").arg(n);
}

QString formatCount(long n)
{
    return QLocale(QLocale::English).toString(static_cast<qlonglong>(n));
}

} // namespace

GroupItem::GroupItem(CanvasScene* scene, GroupId id)
    : m_scene(scene)
    , m_id(id)
{
    setAcceptHoverEvents(true);
    refresh();
}

QString GroupItem::inputText() const
{
    return tr("in %1").arg(m_summary.inputShapes.isEmpty()
            ? QStringLiteral("\u2014")
            : m_summary.inputShapes.join(QStringLiteral(", ")));
}

QString GroupItem::outputText() const
{
    return tr("out %1").arg(m_summary.outputShapes.isEmpty()
            ? QStringLiteral("\u2014")
            : m_summary.outputShapes.join(QStringLiteral(", ")));
}

void GroupItem::refresh()
{
    const GraphDocument* doc = m_scene->document();
    const auto* group = doc->group(m_id);
    if (!group)
        return;
    m_name = QString::fromStdString(group->name);
    m_collapsed = group->collapsed;
    m_summary = summarizeGroup(*doc, m_id);
    setFlag(ItemIsSelectable, m_collapsed);
    if (!m_collapsed && isSelected())
        setSelected(false);
    // A frame lies behind the edges and cards; a block is a card.
    setZValue(m_collapsed ? (isSelected() ? 2.0 : 1.0) : -1.0);

    QString tip = QStringLiteral("<b>%1</b>").arg(m_name.toHtmlEscaped());
    tip += QStringLiteral("<br>") + layerCount(m_summary.members) + QStringLiteral(": ");
    QStringList names;
    for (const NodeId m : group->members)
        names << doc->nodeName(m).toHtmlEscaped();
    tip += names.join(QStringLiteral(", "));
    tip += QStringLiteral("<br>") + inputText().toHtmlEscaped() + QStringLiteral(" \u2192 ")
        + outputText().toHtmlEscaped();
    tip += tr("<br>Parameters: %1").arg(formatCount(m_summary.params));
    tip += m_collapsed ? tr("<br>Double-click to expand") : tr("<br>Double-click to collapse");
    setToolTip(tip);
    updateGeometry();
    update();
}

void GroupItem::updateGeometry()
{
    const GraphDocument* doc = m_scene->document();
    const auto* group = doc->group(m_id);
    if (!group)
        return;
    QRectF members;
    QPointF topLeft(1e18, 1e18);
    for (const NodeId m : group->members) {
        const LayerNodeItem* item = m_scene->nodeItem(m);
        if (!item)
            continue;
        members |= m_scene->cardRect(m);
        topLeft.setX(std::min(topLeft.x(), item->pos().x()));
        topLeft.setY(std::min(topLeft.y(), item->pos().y()));
    }
    if (members.isNull())
        return;
    QSizeF size;
    QPointF pos;
    if (m_collapsed) {
        size = QSizeF(LayerNodeItem::kWidth, LayerNodeItem::kHeight);
        pos = topLeft;
    } else {
        const QRectF frame = members.adjusted(-kMargin, -kMargin - kHeader, kMargin, kMargin);
        size = frame.size();
        pos = frame.topLeft();
    }
    if (size != m_size) {
        prepareGeometryChange();
        m_size = size;
    }
    setPos(pos);
}

QRectF GroupItem::cardSceneRect() const
{
    return m_collapsed ? QRectF(pos(), m_size) : QRectF();
}

QPointF GroupItem::inputPortScenePos() const
{
    return pos() + QPointF(0.0, kHeader + (LayerNodeItem::kHeight - kHeader) / 2.0);
}

QPointF GroupItem::outputPortScenePos() const
{
    return pos()
        + QPointF(LayerNodeItem::kWidth, kHeader + (LayerNodeItem::kHeight - kHeader) / 2.0);
}

QRectF GroupItem::toggleRect() const
{
    return QRectF(4, 2, 20, kHeader - 4);
}

void GroupItem::setFindHighlight(bool on)
{
    if (on == m_findHighlight)
        return;
    m_findHighlight = on;
    update();
}

QRectF GroupItem::boundingRect() const
{
    const double m = LayerNodeItem::kPortRadius + 4.0;
    return QRectF(QPointF(0, 0), m_size).adjusted(-m, -m, m, m);
}

QPainterPath GroupItem::shape() const
{
    // Only the header of a frame takes the mouse: clicks inside fall through to the cards and
    // the background (rubber-band selection).
    QPainterPath path;
    if (m_collapsed)
        path.addRoundedRect(QRectF(QPointF(0, 0), m_size), kCardRadius, kCardRadius);
    else
        path.addRect(QRectF(0, 0, m_size.width(), kHeader));
    return path;
}

void GroupItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    painter->setRenderHint(QPainter::Antialiasing);
    if (m_collapsed)
        paintCard(painter);
    else
        paintFrame(painter);
}

namespace {

QFont cardFont(const CanvasScene* scene, int pixels, bool bold)
{
    QFont f = scene->font();
    f.setPixelSize(std::max(pixels, scene->minimumCardTextSize()));
    f.setBold(bold);
    return f;
}

void drawToggle(QPainter* painter, const QRectF& r, bool collapsed)
{
    // A triangle pointing right (collapsed: click to open) or down (expanded).
    const QPointF c = r.center();
    QPolygonF tri;
    if (collapsed)
        tri << c + QPointF(-3.5, -5) << c + QPointF(4.5, 0) << c + QPointF(-3.5, 5);
    else
        tri << c + QPointF(-5, -3.5) << c + QPointF(5, -3.5) << c + QPointF(0, 4.5);
    painter->setPen(Qt::NoPen);
    painter->setBrush(Qt::white);
    painter->drawPolygon(tri);
}

} // namespace

void GroupItem::paintFrame(QPainter* painter)
{
    const CanvasTheme& theme = m_scene->theme();
    const QRectF frame(QPointF(0, 0), m_size);
    painter->setPen(QPen(theme.groupBorder, 1.2, Qt::DashLine));
    painter->setBrush(theme.groupFill);
    painter->drawRoundedRect(frame, kRadius, kRadius);

    QPainterPath header;
    header.addRoundedRect(QRectF(0, 0, m_size.width(), kHeader + kRadius), kRadius, kRadius);
    QPainterPath clip;
    clip.addRect(QRectF(0, 0, m_size.width(), kHeader));
    painter->setPen(Qt::NoPen);
    painter->setBrush(m_hovered ? theme.groupHeader.lighter(115) : theme.groupHeader);
    painter->drawPath(header.intersected(clip));
    drawToggle(painter, toggleRect(), false);

    const QRectF text(
        toggleRect().right() + 4, 0, m_size.width() - toggleRect().right() - 12, kHeader);
    const QFont nameFont = cardFont(m_scene, 12, true);
    const QFont countFont = cardFont(m_scene, 11, false);
    const QString count = layerCount(m_summary.members);
    const double countWidth = QFontMetricsF(countFont).horizontalAdvance(count) + 10;
    painter->setPen(Qt::white);
    painter->setFont(nameFont);
    painter->drawText(text.adjusted(0, 0, -countWidth, 0), Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetricsF(nameFont).elidedText(m_name, Qt::ElideRight, text.width() - countWidth));
    painter->setFont(countFont);
    painter->setPen(QColor(255, 255, 255, 215));
    painter->drawText(text, Qt::AlignRight | Qt::AlignVCenter, count);
}

void GroupItem::paintCard(QPainter* painter)
{
    const CanvasTheme& theme = m_scene->theme();
    const QRectF card(QPointF(0, 0), m_size);
    // A second sheet behind the card says "several layers in here".
    painter->setPen(QPen(theme.cardBorder, 1.0));
    painter->setBrush(theme.card);
    painter->drawRoundedRect(card.translated(5, 5), kCardRadius, kCardRadius);
    painter->setPen(Qt::NoPen);
    painter->setBrush(theme.shadow);
    painter->drawRoundedRect(card.translated(1.5, 2.5), kCardRadius, kCardRadius);
    painter->setBrush(theme.card);
    painter->drawRoundedRect(card, kCardRadius, kCardRadius);

    QPainterPath header;
    header.addRoundedRect(
        QRectF(0, 0, card.width(), kHeader + kCardRadius), kCardRadius, kCardRadius);
    QPainterPath clip;
    clip.addRect(QRectF(0, 0, card.width(), kHeader));
    painter->setBrush(m_hovered ? theme.groupHeader.lighter(115) : theme.groupHeader);
    painter->drawPath(header.intersected(clip));
    drawToggle(painter, toggleRect(), true);

    const QFont nameFont = cardFont(m_scene, 12, true);
    const QFont countFont = cardFont(m_scene, 11, false);
    const QFont bodyFont = cardFont(m_scene, 12, false);
    const QFont smallFont = cardFont(m_scene, 11, false);
    const QRectF headerText(
        toggleRect().right() + 2, 0, card.width() - toggleRect().right() - 10, kHeader);
    const QString count = layerCount(m_summary.members);
    const double countWidth = QFontMetricsF(countFont).horizontalAdvance(count) + 8;
    painter->setPen(Qt::white);
    painter->setFont(nameFont);
    painter->drawText(headerText, Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetricsF(nameFont).elidedText(
            m_name, Qt::ElideRight, headerText.width() - countWidth));
    painter->setFont(countFont);
    painter->setPen(QColor(255, 255, 255, 215));
    painter->drawText(headerText, Qt::AlignRight | Qt::AlignVCenter, count);

    const double lineH = (card.height() - kHeader) / 3.0;
    const QRectF line1(10, kHeader + 2, card.width() - 20, lineH - 2);
    const QRectF line2(10, kHeader + lineH - 1, card.width() - 20, lineH - 2);
    const QRectF line3(10, kHeader + 2 * lineH - 4, card.width() - 20, lineH - 2);
    // Shapes on lines of their own: "in 28x28x1", then "out 13x13x32" with the parameters.
    painter->setFont(bodyFont);
    painter->setPen(theme.text);
    painter->drawText(line1, Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetricsF(bodyFont).elidedText(inputText(), Qt::ElideRight, line1.width()));
    painter->setFont(smallFont);
    painter->setPen(theme.detail);
    const QFontMetricsF small(smallFont);
    const QString out = small.elidedText(outputText(), Qt::ElideRight, line2.width());
    painter->drawText(line2, Qt::AlignLeft | Qt::AlignVCenter, out);
    const double room = line2.width() - small.horizontalAdvance(out) - 8;
    QString params = tr("%1 params").arg(formatCount(m_summary.params));
    if (small.horizontalAdvance(params) > room)
        params = small.elidedText(formatCount(m_summary.params), Qt::ElideRight, room);
    painter->drawText(line2, Qt::AlignRight | Qt::AlignVCenter, params);
    QStringList cost;
    if (m_summary.forwardFlops > 0)
        cost << QString::fromStdString(engine::formatFlops(m_summary.forwardFlops));
    if (m_summary.activationBytes > 0)
        cost << QString::fromStdString(engine::formatBytes(m_summary.activationBytes));
    painter->drawText(line3, Qt::AlignLeft | Qt::AlignVCenter,
        small.elidedText(cost.join(QStringLiteral(" \u00b7 ")), Qt::ElideRight, line3.width()));

    if (m_findHighlight) {
        painter->setPen(QPen(kFindColor, 3.0));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(
            card.adjusted(-2.5, -2.5, 2.5, 2.5), kCardRadius + 2, kCardRadius + 2);
    }
    painter->setPen(isSelected() ? QPen(kSelectColor, 2.5) : QPen(theme.cardBorder, 1.0));
    painter->setBrush(Qt::NoBrush);
    painter->drawRoundedRect(card, kCardRadius, kCardRadius);

    // Ports: where the members' outside edges attach.
    const auto port = [&](QPointF c) {
        painter->setPen(QPen(theme.detail, 1.6));
        painter->setBrush(theme.port);
        painter->drawEllipse(c, LayerNodeItem::kPortRadius, LayerNodeItem::kPortRadius);
    };
    port(inputPortScenePos() - pos());
    port(outputPortScenePos() - pos());
}

void GroupItem::toggle()
{
    m_scene->setGroupCollapsed(m_id, !m_collapsed);
}

void GroupItem::mousePressEvent(QGraphicsSceneMouseEvent* event)
{
    if (event->button() != Qt::LeftButton) {
        event->ignore();
        return;
    }
    if (toggleRect().contains(event->pos())) {
        event->accept();
        toggle();
        return;
    }
    if (!(event->modifiers() & Qt::ControlModifier))
        scene()->clearSelection();
    if (m_collapsed)
        setSelected(true);
    m_pressScenePos = event->scenePos();
    m_dragStart.clear();
    const GraphDocument* doc = m_scene->document();
    if (const auto* group = doc->group(m_id))
        for (const NodeId m : group->members)
            m_dragStart[m] = doc->position(m);
    event->accept();
}

void GroupItem::mouseMoveEvent(QGraphicsSceneMouseEvent* event)
{
    if (m_dragStart.empty())
        return;
    const QPointF delta = CanvasScene::snapToGrid(event->scenePos() - m_pressScenePos);
    for (const auto& [id, start] : m_dragStart)
        if (LayerNodeItem* item = m_scene->nodeItem(id))
            item->setPos(start + delta);
    updateGeometry();
}

void GroupItem::mouseReleaseEvent(QGraphicsSceneMouseEvent* event)
{
    Q_UNUSED(event);
    std::map<NodeId, QPointF> from;
    std::map<NodeId, QPointF> to;
    for (const auto& [id, start] : m_dragStart) {
        const LayerNodeItem* item = m_scene->nodeItem(id);
        if (item && item->pos() != start) {
            from[id] = start;
            to[id] = item->pos();
        }
    }
    m_dragStart.clear();
    if (!to.empty()) {
        auto* move = new MoveNodesCommand(m_scene->document(), std::move(from), std::move(to));
        move->setText(tr("Move %1").arg(m_name));
        m_scene->undoStack()->push(move);
    }
}

void GroupItem::mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event)
{
    event->accept();
    // The press of this double-click already toggled when it hit the triangle.
    if (!toggleRect().contains(event->pos()))
        toggle();
}

void GroupItem::hoverEnterEvent(QGraphicsSceneHoverEvent* event)
{
    m_hovered = true;
    update();
    QGraphicsObject::hoverEnterEvent(event);
}

void GroupItem::hoverLeaveEvent(QGraphicsSceneHoverEvent* event)
{
    m_hovered = false;
    update();
    QGraphicsObject::hoverLeaveEvent(event);
}

QVariant GroupItem::itemChange(GraphicsItemChange change, const QVariant& value)
{
    if (change == ItemSelectedHasChanged && m_collapsed)
        setZValue(value.toBool() ? 2.0 : 1.0);
    return QGraphicsObject::itemChange(change, value);
}

} // namespace widgets
