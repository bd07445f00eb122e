#include "canvas/LayerNodeItem.h"

#include "canvas/CanvasScene.h"
#include "layers/LayerRegistry.h"
#include "training/ResourceEstimate.h"

#include <QGraphicsSceneHoverEvent>
#include <QLocale>
#include <QPaintEngine>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <algorithm>
#include <cmath>
#include <map>

namespace widgets {

namespace {

constexpr double kRadius = 8.0;
constexpr double kHeader = 24.0;

QColor categoryColor(const std::string& type)
{
    static const std::map<std::string, QColor> byCategory = {
        {"Input", QColor(0x4c, 0x9a, 0x50)},
        {"Core", QColor(0x3b, 0x7d, 0xd8)},
        {"Activations", QColor(0xe0, 0x8a, 0x1e)},
        {"Regularization", QColor(0x8e, 0x5c, 0xc4)},
        {"Merge", QColor(0x2a, 0x9d, 0x8f)},
        {"Output", QColor(0xc0, 0x50, 0x4d)},
        {"Convolution", QColor(0x1f, 0x6f, 0x8b)},
        {"Recurrent", QColor(0x7a, 0x5c, 0x3a)},
        {"Normalization", QColor(0x6d, 0x6d, 0xb0)},
    };
    if (type == "Input")
        return byCategory.at("Input");
    if (type == "Loss")
        return byCategory.at("Output");
    for (const auto& info : engine::LayerRegistry::entries()) {
        if (info.type != type)
            continue;
        const auto it = byCategory.find(info.category);
        if (it != byCategory.end())
            return it->second;
        break;
    }
    return QColor(0x70, 0x78, 0x80);
}

QString formatCount(long n)
{
    return QLocale(QLocale::English).toString(static_cast<qlonglong>(n));
}

/// "865 kFLOP · 400 kB", leaving out a zero part (an Input computes nothing).
QString compactCost(const engine::NodeCost& cost)
{
    QStringList parts;
    if (cost.forwardFlops > 0)
        parts << QString::fromStdString(engine::formatFlops(cost.forwardFlops));
    if (cost.activationBytesPerSample > 0)
        parts << QString::fromStdString(engine::formatBytes(cost.activationBytesPerSample));
    return parts.join(QStringLiteral(" \u00b7 "));
}

} // namespace

LayerNodeItem::LayerNodeItem(CanvasScene* scene, NodeId id)
    : m_scene(scene)
    , m_id(id)
{
    setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
    setAcceptHoverEvents(true);
    setZValue(1.0);
    setCacheMode(DeviceCoordinateCache);
    setPos(scene->document()->position(id));
    refresh();
}

QRectF LayerNodeItem::boundingRect() const
{
    const double m = kPortRadius + 3.0;
    return QRectF(-m, -4.5, kWidth + 2 * m, cardHeight() + 9.0);
}

QPainterPath LayerNodeItem::shape() const
{
    QPainterPath path;
    path.setFillRule(Qt::WindingFill); // the ports overlap the card: keep the overlap inside
    path.addRoundedRect(QRectF(0, 0, kWidth, cardHeight()), kRadius, kRadius);
    for (int i = 0; i < m_inputPorts; ++i)
        path.addEllipse(inputPortPos(i), kPortRadius + 2, kPortRadius + 2);
    if (m_hasOutput)
        path.addEllipse(outputPortPos(), kPortRadius + 2, kPortRadius + 2);
    return path;
}

QPointF LayerNodeItem::inputPortPos(int port) const
{
    Q_UNUSED(port); // one drawn port receives every input; Edge::toPort orders them
    return QPointF(0.0, kHeader + (kHeight - kHeader) / 2.0);
}

QPointF LayerNodeItem::outputPortPos() const
{
    return QPointF(kWidth, kHeader + (kHeight - kHeader) / 2.0);
}

int LayerNodeItem::portAt(QPointF itemPos) const
{
    const double hit = kPortRadius + 5.0;
    auto near = [&](QPointF p) { return QLineF(p, itemPos).length() <= hit; };
    if (m_hasOutput && near(outputPortPos()))
        return kOutputPort;
    for (int i = 0; i < m_inputPorts; ++i)
        if (near(inputPortPos(i)))
            return i;
    return -1;
}

void LayerNodeItem::setPortHighlight(int port, bool ok)
{
    if (m_highlightPort == port && m_highlightOk == ok)
        return;
    m_highlightPort = port;
    m_highlightOk = ok;
    update();
}

void LayerNodeItem::setFindHighlight(bool on)
{
    if (on == m_findHighlight)
        return;
    m_findHighlight = on;
    update();
}

void LayerNodeItem::refresh()
{
    const GraphDocument* doc = m_scene->document();
    const auto* record = doc->node(m_id);
    if (!record)
        return;
    prepareGeometryChange();
    m_type = QString::fromStdString(record->type);
    m_name = QString::fromStdString(record->name);
    m_summary = doc->summary(m_id);
    m_shape = doc->outputShape(m_id);
    m_params = doc->paramCount(m_id);
    m_errors = doc->errorsFor(m_id);
    const engine::NodeCost cost = engine::nodeCost(doc->check(), m_id, "sgd");
    m_cost = doc->check().shapes.count(m_id) ? compactCost(cost) : QString();
    m_accent = categoryColor(record->type);
    const auto arity = doc->inputArity(m_id);
    m_inputPorts = arity.second == 0 ? 0 : 1;
    m_hasOutput = doc->hasOutput(m_id);
    ++m_revision;

    QString tip = QStringLiteral("<b>%1</b> (%2)").arg(m_name.toHtmlEscaped(), m_type);
    if (!m_summary.isEmpty() && m_summary != m_type)
        tip += QStringLiteral("<br>") + m_summary.toHtmlEscaped();
    if (!m_shape.isEmpty())
        tip += tr("<br>Output: %1").arg(m_shape);
    if (m_params >= 0)
        tip += tr("<br>Parameters: %1").arg(formatCount(m_params));
    if (!m_cost.isEmpty())
        tip += tr("<br>Per sample: %1 forward (%2 to train), %3 of activations and their "
                  "gradients in training")
                   .arg(QString::fromStdString(engine::formatFlops(cost.forwardFlops)),
                       QString::fromStdString(engine::formatFlops(cost.trainingFlops)),
                       QString::fromStdString(engine::formatBytes(cost.activationBytesPerSample)));
    if (!m_errors.isEmpty())
        tip += QStringLiteral("<br><span style='color:#c62828'>%1</span>")
                   .arg(m_errors.toHtmlEscaped().replace(QLatin1Char('\n'), "<br>"));
    setToolTip(tip);
    update();
}

void LayerNodeItem::paint(
    QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget)
{
    Q_UNUSED(option);
    Q_UNUSED(widget);
    const QRectF card(0, 0, kWidth, cardHeight());
    const double scale
        = QStyleOptionGraphicsItem::levelOfDetailFromTransform(painter->worldTransform());
    if (scale < kSketchBelowScale) {
        paintSketch(painter, card, isSelected());
        return;
    }
    // Painted into a view (the item is cached) on a raster device below 100 %: from a picture
    // of the card at the next larger zoom level. An export turns caching off and gets vectors.
    const double deviceScale = scale * painter->device()->devicePixelRatio();
    if (deviceScale < kZoomLevels.back() && cacheMode() != NoCache
        && painter->paintEngine()->type() == QPaintEngine::Raster) {
        std::size_t i = 0;
        while (kZoomLevels[i] < deviceScale)
            ++i;
        const QPixmap& picture = zoomLevelPicture(i);
        const QRectF bounds = boundingRect();
        const double level = kZoomLevels[i];
        painter->save();
        painter->setRenderHint(QPainter::SmoothPixmapTransform);
        painter->drawPixmap(bounds, picture, QRectF(QPointF(0, 0), bounds.size() * level));
        painter->restore();
        return;
    }
    paintCard(painter);
}

const QPixmap& LayerNodeItem::zoomLevelPicture(std::size_t i) const
{
    const Look look = currentLook();
    if (!(look == m_pictureLook)) {
        for (QPixmap& picture : m_pictures)
            picture = QPixmap();
        m_pictureLook = look;
    }
    QPixmap& picture = m_pictures[i];
    if (picture.isNull()) {
        const double level = kZoomLevels[i];
        const QRectF bounds = boundingRect();
        picture = QPixmap(std::ceil(bounds.width() * level), std::ceil(bounds.height() * level));
        picture.fill(Qt::transparent);
        QPainter p(&picture);
        p.setRenderHint(QPainter::TextAntialiasing);
        p.scale(level, level);
        p.translate(-bounds.topLeft());
        paintCard(&p);
    }
    return picture;
}

LayerNodeItem::Look LayerNodeItem::currentLook() const
{
    return Look {m_revision, m_scene->lookRevision(), isSelected(), m_hovered, m_findHighlight,
        m_highlightPort, m_highlightOk};
}

void LayerNodeItem::paintCard(QPainter* painter) const
{
    const QRectF card(0, 0, kWidth, cardHeight());
    const bool selected = isSelected();
    const CanvasTheme& theme = m_scene->theme();
    painter->setRenderHint(QPainter::Antialiasing);

    // Shadow, card, header band.
    painter->setPen(Qt::NoPen);
    painter->setBrush(theme.shadow);
    painter->drawRoundedRect(card.translated(1.5, 2.5), kRadius, kRadius);
    painter->setBrush(theme.card);
    painter->drawRoundedRect(card, kRadius, kRadius);

    // The band with rounded top corners, made once: a path intersection in every paint was a
    // good part of a card's drawing time.
    static const QPainterPath headerBand = [] {
        QPainterPath header;
        header.addRoundedRect(QRectF(0, 0, kWidth, kHeader + kRadius), kRadius, kRadius);
        QPainterPath clip;
        clip.addRect(QRectF(0, 0, kWidth, kHeader));
        return header.intersected(clip);
    }();
    painter->setBrush(m_hovered ? m_accent.lighter(110) : m_accent);
    painter->drawPath(headerBand);

    // Header text: type left, name right (elided so they never overlap).
    const QFont titleFont = font(Text::Type);
    const QFont nameFont = font(Text::Name);
    const QRectF headerText(8, 0, kWidth - 16, kHeader);
    painter->setPen(Qt::white);
    painter->setFont(titleFont);
    const QFontMetricsF titleMetrics(titleFont);
    const QString title
        = titleMetrics.elidedText(m_type, Qt::ElideRight, headerText.width() * 0.55);
    painter->drawText(headerText, Qt::AlignLeft | Qt::AlignVCenter, title);
    const double titleWidth = titleMetrics.horizontalAdvance(title) + 8;
    painter->setFont(nameFont);
    const QFontMetricsF nameMetrics(nameFont);
    painter->setPen(QColor(255, 255, 255, 215));
    painter->drawText(headerText, Qt::AlignRight | Qt::AlignVCenter,
        nameMetrics.elidedText(m_name, Qt::ElideMiddle, headerText.width() - titleWidth));

    // Body: summary, then output shape and parameter count.
    const QFont bodyFont = font(Text::Summary);
    const QFont smallFont = font(Text::Detail);
    const double lineH = (kHeight - kHeader) / 3.0;
    const QRectF line1(10, kHeader + 2, kWidth - 20, lineH - 2);
    const QRectF line2(10, kHeader + lineH - 1, kWidth - 20, lineH - 2);
    const QRectF line3(10, kHeader + 2 * lineH - 4, kWidth - 20, lineH - 2);
    painter->setFont(bodyFont);
    painter->setPen(theme.text);
    painter->drawText(line1, Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetricsF(bodyFont).elidedText(m_summary, Qt::ElideRight, line1.width()));
    painter->setFont(smallFont);
    painter->setPen(theme.detail);
    const QFontMetricsF smallMetrics(smallFont);
    const QString shapeText
        = m_shape.isEmpty() ? QStringLiteral("\u2192 ?") : QStringLiteral("\u2192 %1").arg(m_shape);
    painter->drawText(line2, Qt::AlignLeft | Qt::AlignVCenter, shapeText);
    if (m_params > 0) {
        // At presentation text sizes "4,160 params" may not fit beside the shape: the count
        // alone then, elided as a last resort.
        const double room = line2.width() - smallMetrics.horizontalAdvance(shapeText) - 8;
        QString params = tr("%1 params").arg(formatCount(m_params));
        if (smallMetrics.horizontalAdvance(params) > room)
            params = smallMetrics.elidedText(formatCount(m_params), Qt::ElideRight, room);
        painter->drawText(line2, Qt::AlignRight | Qt::AlignVCenter, params);
    }
    if (!m_cost.isEmpty())
        painter->drawText(line3, Qt::AlignLeft | Qt::AlignVCenter,
            smallMetrics.elidedText(m_cost, Qt::ElideRight, line3.width()));

    if (!m_thumbnail.isNull()) {
        painter->setPen(QPen(theme.separator, 1.0));
        painter->drawLine(QPointF(8, kHeight - 1), QPointF(kWidth - 8, kHeight - 1));
        const QRectF r = thumbnailRect();
        painter->save();
        painter->setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter->drawImage(r, m_thumbnail);
        painter->restore();
        painter->setPen(QPen(QColor(0xb0, 0xb5, 0xbb), 0));
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(r);
    }

    if (m_findHighlight) {
        painter->setPen(QPen(QColor(0xf5, 0xa6, 0x23), 3.0));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(card.adjusted(-2.5, -2.5, 2.5, 2.5), kRadius + 2, kRadius + 2);
    }

    // Outline: red on error, accent when selected.
    QPen outline(theme.cardBorder, 1.0);
    if (selected)
        outline = QPen(QColor(0x1e, 0x88, 0xe5), 2.5);
    if (!m_errors.isEmpty())
        outline = QPen(QColor(0xd3, 0x2f, 0x2f), selected ? 3.0 : 2.2);
    painter->setPen(outline);
    painter->setBrush(Qt::NoBrush);
    painter->drawRoundedRect(card, kRadius, kRadius);
    if (!m_errors.isEmpty() && selected) {
        painter->setPen(QPen(QColor(0x1e, 0x88, 0xe5), 1.2, Qt::DashLine));
        painter->drawRoundedRect(card.adjusted(-2.5, -2.5, 2.5, 2.5), kRadius + 2, kRadius + 2);
    }

    // Error badge in the header's top-left corner would hide the type; put it at the right
    // end of the body's first line instead.
    if (!m_errors.isEmpty()) {
        const QRectF badge(kWidth - 22, kHeader + 5, 14, 14);
        painter->setPen(Qt::NoPen);
        painter->setBrush(QColor(0xd3, 0x2f, 0x2f));
        painter->drawEllipse(badge);
        QFont badgeFont = smallFont;
        badgeFont.setBold(true);
        painter->setFont(badgeFont);
        painter->setPen(Qt::white);
        painter->drawText(badge, Qt::AlignCenter, QStringLiteral("!"));
    }

    // Ports.
    auto drawPort = [&](QPointF c, bool highlighted, bool ok) {
        QColor fill = theme.port;
        QColor ring = theme.detail;
        if (highlighted) {
            fill = ok ? QColor(0x43, 0xa0, 0x47) : QColor(0xd3, 0x2f, 0x2f);
            ring = fill.darker(130);
        }
        painter->setPen(QPen(ring, 1.6));
        painter->setBrush(fill);
        painter->drawEllipse(c, kPortRadius, kPortRadius);
    };
    for (int i = 0; i < m_inputPorts; ++i)
        drawPort(inputPortPos(i), m_highlightPort == i, m_highlightOk);
    if (m_hasOutput)
        drawPort(outputPortPos(), m_highlightPort == kOutputPort, m_highlightOk);
}

void LayerNodeItem::paintSketch(QPainter* painter, const QRectF& card, bool selected) const
{
    // Zoomed out, text is a few pixels high and unreadable, and drawing it for 200 cards cost a
    // frame of 17-25 ms (netcanvas-gui-bench --canvas200): the card's colours, outline and
    // ports say what the eye can still see, as Netron's overview does.
    const CanvasTheme& theme = m_scene->theme();
    painter->setPen(Qt::NoPen);
    painter->setBrush(theme.card);
    painter->drawRect(card);
    painter->setBrush(m_accent);
    painter->drawRect(QRectF(0, 0, kWidth, kHeader));
    QPen outline(theme.cardBorder, 0);
    if (selected || m_findHighlight)
        outline = QPen(m_findHighlight ? QColor(0xf5, 0xa6, 0x23) : QColor(0x1e, 0x88, 0xe5), 6.0);
    if (!m_errors.isEmpty())
        outline = QPen(QColor(0xd3, 0x2f, 0x2f), 6.0);
    painter->setPen(outline);
    painter->setBrush(Qt::NoBrush);
    painter->drawRect(card);
}

QFont LayerNodeItem::font(Text text) const
{
    // In pixels, the unit of the card itself: at any screen resolution the text fits the card
    // as it was laid out.
    QFont f = m_scene->font();
    f.setPixelSize(std::max(text == Text::Detail ? 11 : 12, m_scene->minimumCardTextSize()));
    f.setBold(text == Text::Type);
    return f;
}

QRectF LayerNodeItem::thumbnailRect() const
{
    if (m_thumbnail.isNull())
        return {};
    // As large as the band allows, keeping the image's aspect ratio.
    const QRectF band(10, kHeight + 3, kWidth - 20, kThumbnailBand - 9);
    const QSizeF size = QSizeF(m_thumbnail.size()).scaled(band.size(), Qt::KeepAspectRatio);
    return QRectF(band.center().x() - size.width() / 2, band.center().y() - size.height() / 2,
        size.width(), size.height());
}

void LayerNodeItem::setThumbnail(const QImage& image)
{
    const bool resized = image.isNull() != m_thumbnail.isNull();
    if (resized)
        prepareGeometryChange();
    m_thumbnail = image;
    ++m_revision;
    if (resized && m_scene) // the band may push the unrolled strip and lie across an edge's lane
        m_scene->cardResized(m_id);
    update();
}

QVariant LayerNodeItem::itemChange(GraphicsItemChange change, const QVariant& value)
{
    // Snap only what the user drags; positions from a file or an undo stay exact.
    if (change == ItemPositionChange && scene() && scene()->mouseGrabberItem())
        return CanvasScene::snapToGrid(value.toPointF());
    if (change == ItemPositionHasChanged)
        m_scene->nodeItemMoved(m_id);
    if (change == ItemSelectedHasChanged)
        setZValue(value.toBool() ? 2.0 : 1.0);
    return QGraphicsObject::itemChange(change, value);
}

void LayerNodeItem::hoverEnterEvent(QGraphicsSceneHoverEvent* event)
{
    m_hovered = true;
    update();
    QGraphicsObject::hoverEnterEvent(event);
}

void LayerNodeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent* event)
{
    m_hovered = false;
    update();
    QGraphicsObject::hoverLeaveEvent(event);
}

} // namespace widgets
