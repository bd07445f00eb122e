#include "common/FlowLayout.h"

#include <QStyle>
#include <QWidget>

#include <algorithm>

namespace widgets {

FlowLayout::FlowLayout(QWidget* parent, int spacing)
    : QLayout(parent)
{
    setSpacing(spacing);
}

FlowLayout::~FlowLayout()
{
    for (QLayoutItem* item : m_items)
        delete item;
}

void FlowLayout::addItem(QLayoutItem* item)
{
    m_items.push_back(item);
    invalidate();
}

int FlowLayout::count() const
{
    return int(m_items.size());
}

QLayoutItem* FlowLayout::itemAt(int index) const
{
    return index >= 0 && index < count() ? m_items[std::size_t(index)] : nullptr;
}

QLayoutItem* FlowLayout::takeAt(int index)
{
    if (index < 0 || index >= count())
        return nullptr;
    QLayoutItem* item = m_items[std::size_t(index)];
    m_items.erase(m_items.begin() + index);
    invalidate();
    return item;
}

int FlowLayout::gap() const
{
    if (spacing() >= 0)
        return spacing();
    const QWidget* w = parentWidget();
    return w ? w->style()->pixelMetric(QStyle::PM_LayoutHorizontalSpacing, nullptr, w) : 6;
}

int FlowLayout::heightForWidth(int width) const
{
    return arrange(QRect(0, 0, width, 0), false);
}

QSize FlowLayout::sizeHint() const
{
    int width = 0;
    int height = 0;
    int shown = 0;
    for (const QLayoutItem* item : m_items) {
        if (item->isEmpty())
            continue;
        width += item->sizeHint().width();
        height = std::max(height, item->sizeHint().height());
        ++shown;
    }
    const QMargins m = contentsMargins();
    return QSize(width + std::max(0, shown - 1) * gap() + m.left() + m.right(),
        height + m.top() + m.bottom());
}

QSize FlowLayout::minimumSize() const
{
    int width = 0;
    for (const QLayoutItem* item : m_items)
        if (!item->isEmpty())
            width = std::max(width, item->sizeHint().width());
    const QMargins m = contentsMargins();
    width += m.left() + m.right();
    return QSize(width, heightForWidth(width));
}

void FlowLayout::setGeometry(const QRect& rect)
{
    QLayout::setGeometry(rect);
    arrange(rect, true);
}

int FlowLayout::arrange(const QRect& rect, bool apply) const
{
    const QRect area = rect.marginsRemoved(contentsMargins());
    const int space = gap();
    // Lines first, so each item can be centred vertically on its line.
    std::vector<std::vector<QLayoutItem*>> lines(1);
    int x = 0;
    for (QLayoutItem* item : m_items) {
        if (item->isEmpty())
            continue;
        const int w = item->sizeHint().width();
        if (!lines.back().empty() && x + space + w > area.width()) {
            lines.emplace_back();
            x = 0;
        }
        x += (lines.back().empty() ? 0 : space) + w;
        lines.back().push_back(item);
    }
    int y = area.y();
    for (const auto& line : lines) {
        if (line.empty())
            continue;
        int lineHeight = 0;
        for (const QLayoutItem* item : line)
            lineHeight = std::max(lineHeight, item->sizeHint().height());
        if (apply) {
            int used = -space;
            for (const QLayoutItem* item : line)
                used += space + item->sizeHint().width();
            const int spare = std::max(0, area.width() - used);
            int left = area.x();
            bool pushedRight = false;
            for (QLayoutItem* item : line) {
                if (!pushedRight && (item->alignment() & Qt::AlignRight)) {
                    left += spare;
                    pushedRight = true;
                }
                const QSize hint = item->sizeHint();
                const int w = std::min(hint.width(), area.width());
                item->setGeometry(
                    QRect(left, y + (lineHeight - hint.height()) / 2, w, hint.height()));
                left += w + space;
            }
        }
        y += lineHeight + space;
    }
    const int used = y == area.y() ? 0 : y - space - area.y();
    const QMargins m = contentsMargins();
    return used + m.top() + m.bottom();
}

} // namespace widgets
