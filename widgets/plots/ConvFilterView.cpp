#include "plots/ConvFilterView.h"

#include "plots/PlotStyle.h"

#include <QLinearGradient>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace widgets {

ConvFilterView::ConvFilterView(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void ConvFilterView::setTensor(
    const engine::Matrix& values, int kernelH, int kernelW, int channels, const QString& label)
{
    if (kernelH <= 0 || kernelW <= 0 || channels <= 0
        || values.cols() != long(kernelH) * kernelW * channels) {
        clear();
        return;
    }
    m_values = values;
    m_kh = kernelH;
    m_kw = kernelW;
    m_channels = channels;
    m_label = label;
    m_channel = std::clamp(m_channel, 0, m_channels - 1);
    m_maxAbs = 0;
    for (long i = 0; i < m_values.size(); ++i) {
        const double v = double(m_values.data()[i]);
        if (std::isfinite(v))
            m_maxAbs = std::max(m_maxAbs, std::abs(v));
    }
    if (m_maxAbs <= 0)
        m_maxAbs = 1e-6;
    layoutTiles();
    update();
}

void ConvFilterView::clear()
{
    m_values.resize(0, 0);
    m_kh = m_kw = m_channels = 0;
    m_maxAbs = 0;
    update();
}

void ConvFilterView::setChannelMode(ChannelMode mode)
{
    if (m_mode == mode)
        return;
    m_mode = mode;
    layoutTiles();
    update();
}

void ConvFilterView::setChannel(int channel)
{
    m_channel = std::clamp(channel, 0, std::max(0, m_channels - 1));
    update();
}

int ConvFilterView::tileCount() const
{
    return filterCount() * blockChannels();
}

int ConvFilterView::channelFor(int slot) const
{
    switch (m_mode) {
    case ChannelMode::Mean:
        return -1;
    case ChannelMode::SideBySide:
        return slot;
    case ChannelMode::Single:
        return m_channel;
    }
    return -1;
}

double ConvFilterView::value(int filter, int channel, int row, int col) const
{
    if (filter < 0 || filter >= filterCount() || row < 0 || row >= m_kh || col < 0 || col >= m_kw
        || channel >= m_channels)
        return 0;
    const long base = (long(row) * m_kw + col) * m_channels;
    if (channel >= 0)
        return double(m_values(filter, base + channel));
    double sum = 0;
    for (int c = 0; c < m_channels; ++c)
        sum += double(m_values(filter, base + c));
    return sum / m_channels;
}

void ConvFilterView::layoutTiles()
{
    const int n = filterCount();
    m_bar = QRectF(
        width() - kBarArea + 8, kMargin + 8, 12, std::max(20.0, height() - 2 * kMargin - 16));
    if (n == 0)
        return;
    const int ch = blockChannels();
    const double availW = std::max(10.0, width() - kBarArea - 2 * kMargin);
    const double availH = std::max(10.0, height() - 2 * kMargin);
    double best = 0;
    int bestCols = 1;
    for (int cols = 1; cols <= n; ++cols) {
        const int rows = (n + cols - 1) / cols;
        const double sw = (availW - (cols - 1) * kBlockGap - cols * (ch - 1) * kChannelGap)
            / (double(cols) * m_kw * ch);
        const double sh = (availH - (rows - 1) * kBlockGap) / (double(rows) * m_kh);
        const double s = std::min(sw, sh);
        if (s > best) {
            best = s;
            bestCols = cols;
        }
    }
    // Whole pixels keep the cells crisp; below 2 px fractions are better than nothing.
    m_cell = std::min(best >= 2 ? std::floor(best) : std::max(best, 0.5), 28.0);
    m_gridCols = bestCols;
    m_origin = QPointF(kMargin, kMargin);
}

QRectF ConvFilterView::cellRect(int filter, int channel, int row, int col) const
{
    const int ch = blockChannels();
    const int slot = m_mode == ChannelMode::SideBySide ? std::max(0, channel) : 0;
    const double blockW = ch * m_kw * m_cell + (ch - 1) * kChannelGap;
    const double blockH = m_kh * m_cell;
    const int gx = filter % m_gridCols, gy = filter / m_gridCols;
    const double x = m_origin.x() + gx * (blockW + kBlockGap) + slot * (m_kw * m_cell + kChannelGap)
        + col * m_cell;
    const double y = m_origin.y() + gy * (blockH + kBlockGap) + row * m_cell;
    return QRectF(x, y, m_cell, m_cell);
}

std::optional<ConvFilterView::Cell> ConvFilterView::cellAt(QPointF pos) const
{
    const int n = filterCount();
    if (n == 0)
        return std::nullopt;
    const int ch = blockChannels();
    const double blockW = ch * m_kw * m_cell + (ch - 1) * kChannelGap;
    const double blockH = m_kh * m_cell;
    const double px = pos.x() - m_origin.x(), py = pos.y() - m_origin.y();
    if (px < 0 || py < 0)
        return std::nullopt;
    const int gx = int(px / (blockW + kBlockGap)), gy = int(py / (blockH + kBlockGap));
    if (gx >= m_gridCols)
        return std::nullopt;
    const int filter = gy * m_gridCols + gx;
    if (filter >= n)
        return std::nullopt;
    const double bx = px - gx * (blockW + kBlockGap), by = py - gy * (blockH + kBlockGap);
    if (bx >= blockW || by >= blockH)
        return std::nullopt;
    const int slot = int(bx / (m_kw * m_cell + kChannelGap));
    const double sx = bx - slot * (m_kw * m_cell + kChannelGap);
    if (slot >= ch || sx >= m_kw * m_cell)
        return std::nullopt;
    Cell c;
    c.filter = filter;
    c.channel = channelFor(slot);
    c.col = std::min(m_kw - 1, int(sx / m_cell));
    c.row = std::min(m_kh - 1, int(by / m_cell));
    c.value = value(c.filter, c.channel, c.row, c.col);
    return c;
}

QString ConvFilterView::cellText(const Cell& c) const
{
    const QString channel = c.channel < 0 ? tr("mean of %1 channels").arg(m_channels)
                                          : tr("channel %1").arg(c.channel);
    return tr("%1 filter %2, %3, row %4, col %5 = %6")
        .arg(m_label)
        .arg(c.filter)
        .arg(channel)
        .arg(c.row)
        .arg(c.col)
        .arg(c.value, 0, 'g', 5);
}

QSize ConvFilterView::sizeHint() const
{
    return {360, 220};
}

QSize ConvFilterView::minimumSizeHint() const
{
    return {160, 100};
}

void ConvFilterView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    layoutTiles();
}

void ConvFilterView::mouseMoveEvent(QMouseEvent* event)
{
    const auto cell = cellAt(event->position());
    if (cell)
        QToolTip::showText(event->globalPosition().toPoint(), cellText(*cell), this);
    else
        QToolTip::hideText();
    QWidget::mouseMoveEvent(event);
}

void ConvFilterView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (filterCount() == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("No convolution weights yet: train the network."));
        return;
    }
    const int ch = blockChannels();
    const QColor frame(0xb0, 0xb5, 0xbb);
    for (int f = 0; f < filterCount(); ++f) {
        for (int slot = 0; slot < ch; ++slot) {
            const int channel = channelFor(slot);
            for (int r = 0; r < m_kh; ++r) {
                for (int c = 0; c < m_kw; ++c) {
                    const double v = value(f, channel, r, c);
                    const QColor colour = std::isfinite(v) ? plotstyle::divergingAt(v / m_maxAbs)
                                                           : QColor(0x20, 0x20, 0x20);
                    p.fillRect(cellRect(f, channel, r, c), colour);
                }
            }
            const QRectF first = cellRect(f, channel, 0, 0);
            const QRectF block(first.topLeft(), QSizeF(m_kw * m_cell, m_kh * m_cell));
            p.setPen(QPen(frame, 0));
            p.drawRect(block.adjusted(-0.5, -0.5, 0.5, 0.5));
        }
    }

    // Colour bar: +max at the top, 0 in the middle, -max at the bottom.
    QLinearGradient g(m_bar.topLeft(), m_bar.bottomLeft());
    for (int i = 0; i <= 10; ++i)
        g.setColorAt(i / 10.0, plotstyle::divergingAt(1.0 - i / 5.0));
    p.fillRect(m_bar, g);
    p.setPen(QPen(frame, 0));
    p.drawRect(m_bar);
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1));
    p.setFont(small);
    p.setPen(palette().color(QPalette::Text));
    const QFontMetricsF fm(small);
    const double lx = m_bar.right() + 4;
    auto label = [&](double y, const QString& text) {
        p.drawText(QRectF(lx, y - fm.height() / 2, width() - lx - 2, fm.height()),
            Qt::AlignLeft | Qt::AlignVCenter, text);
    };
    label(m_bar.top() + fm.height() / 2, QString::number(m_maxAbs, 'g', 2));
    label(m_bar.center().y(), QStringLiteral("0"));
    label(m_bar.bottom() - fm.height() / 2, QString::number(-m_maxAbs, 'g', 2));
}

} // namespace widgets
