#include "canvas/NeuronInfoItem.h"

#include "canvas/NeuronColors.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPen>

#include <algorithm>

namespace widgets {

namespace {

QFont panelFont()
{
    QFont f;
    f.setPointSizeF(9.0);
    return f;
}

} // namespace

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
    const CanvasTheme& theme = neuroncolors::themeOf(this);
    painter->setPen(QPen(theme.isDark ? theme.cardBorder : QColor(120, 126, 132), 1));
    QColor fill = theme.card;
    fill.setAlpha(245);
    painter->setBrush(fill);
    painter->drawRoundedRect(m_rect, 5, 5);
    const QFont font = panelFont();
    painter->setFont(font);
    const QFontMetricsF fm(font);
    double y = 7;
    for (int i = 0; i < m_lines.size(); ++i) {
        QFont f = font;
        f.setBold(i == 0);
        painter->setFont(f);
        painter->setPen(theme.text);
        painter->drawText(QPointF(10, y + fm.ascent()), m_lines[i]);
        y += fm.lineSpacing();
    }
    if (!m_map.isNull()) {
        const QRectF target(10, y + 6, kMapSide, kMapSide);
        painter->setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter->drawImage(target, m_map);
        painter->setPen(theme.detail);
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(target);
    }
}

} // namespace widgets
