#include "data/ClassCountsView.h"

#include <QLocale>
#include <QPainter>

#include <algorithm>

namespace widgets {

ClassCountsView::ClassCountsView(QWidget* parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void ClassCountsView::setCounts(const std::vector<long>& counts, const QStringList& names)
{
    m_counts = counts;
    m_names = names;
    updateGeometry();
    update();
}

QString ClassCountsView::className(int i) const
{
    return i < m_names.size() ? m_names[i] : tr("class %1").arg(i);
}

QSize ClassCountsView::sizeHint() const
{
    return {240, int(m_counts.size()) * kRowHeight + 4};
}

QSize ClassCountsView::minimumSizeHint() const
{
    return {160, int(m_counts.size()) * kRowHeight + 4};
}

void ClassCountsView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    if (m_counts.empty())
        return;
    const QFontMetrics fm = p.fontMetrics();
    int nameWidth = 0;
    for (int i = 0; i < int(m_counts.size()); ++i)
        nameWidth = std::max(nameWidth, fm.horizontalAdvance(className(i)));
    nameWidth = std::min(nameWidth + 8, width() / 2);
    const QLocale locale;
    int countWidth = 0;
    for (long c : m_counts)
        countWidth = std::max(countWidth, fm.horizontalAdvance(locale.toString(qlonglong(c))));
    countWidth += 8;
    const long maxCount = std::max<long>(1, *std::max_element(m_counts.begin(), m_counts.end()));
    const int barSpace = std::max(10, width() - nameWidth - countWidth);
    const QColor bar = palette().color(QPalette::Highlight);
    for (int i = 0; i < int(m_counts.size()); ++i) {
        const int y = 2 + i * kRowHeight;
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRect(0, y, nameWidth - 6, kRowHeight), Qt::AlignRight | Qt::AlignVCenter,
            fm.elidedText(className(i), Qt::ElideRight, nameWidth - 6));
        const int w = int(double(barSpace) * double(m_counts[std::size_t(i)]) / double(maxCount));
        p.fillRect(QRect(nameWidth, y + 2, std::max(w, 1), kRowHeight - 4), bar);
        p.drawText(QRect(nameWidth + w + 4, y, countWidth, kRowHeight),
            Qt::AlignLeft | Qt::AlignVCenter, locale.toString(qlonglong(m_counts[std::size_t(i)])));
    }
}

} // namespace widgets
