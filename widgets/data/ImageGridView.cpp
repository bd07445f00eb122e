#include "data/ImageGridView.h"

#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>

#include <algorithm>
#include <climits>
#include <cmath>

namespace widgets {

ImageGridView::ImageGridView(QWidget* parent)
    : QAbstractScrollArea(parent)
    , m_cache(2048)
{
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    viewport()->setBackgroundRole(QPalette::Base);
    viewport()->setAutoFillBackground(true);
    setMinimumSize(160, 120);
}

bool ImageGridView::isImageData(const engine::Dataset& d)
{
    const engine::Shape& s = d.inputShape;
    if (s.rank() == 3)
        return s[2] == 1 || s[2] == 3;
    if (s.rank() == 1) {
        const int n = s[0];
        const int side = int(std::lround(std::sqrt(double(n))));
        // Flat images (imageShape false) come from IDX sources, which name no columns.
        return n >= 256 && side * side == n && d.featureNames.empty();
    }
    return false;
}

std::array<int, 3> ImageGridView::imageGeometry(const engine::Dataset& d)
{
    const engine::Shape& s = d.inputShape;
    if (s.rank() == 3)
        return {s[1], s[0], s[2]};
    const int side = int(std::lround(std::sqrt(double(s.size()))));
    return {side, side, 1};
}

void ImageGridView::setData(SharedSourceData data)
{
    m_cache.clear();
    m_data = (data && isImageData(data->data)) ? std::move(data) : nullptr;
    m_geometry = m_data ? imageGeometry(m_data->data) : std::array<int, 3> {0, 0, 0};
    if (m_data) {
        const int side = std::max(m_geometry[0], m_geometry[1]);
        m_thumb = side * std::max(1, 56 / std::max(side, 1));
        // Pixels are in [0, 1] unless scaled; then the data's own range maps to black..white.
        const engine::Dataset& d = m_data->data;
        if (d.scaling.isIdentity()) {
            m_lo = 0;
            m_hi = 1;
        } else {
            const long n = std::min<long>(d.size(), 500);
            m_lo = double(d.x.leftCols(n).minCoeff());
            m_hi = double(d.x.leftCols(n).maxCoeff());
        }
        if (!(m_hi > m_lo))
            m_hi = m_lo + 1;
    }
    verticalScrollBar()->setValue(0);
    updateScrollBars();
    viewport()->update();
}

long ImageGridView::sampleCount() const
{
    return m_data ? m_data->data.size() + m_data->test.size() : 0;
}

std::pair<const engine::Dataset*, long> ImageGridView::sample(long i) const
{
    const long n = m_data->data.size();
    return i < n ? std::pair {&m_data->data, i} : std::pair {&m_data->test, i - n};
}

QImage ImageGridView::image(long i) const
{
    if (!m_data || i < 0 || i >= sampleCount())
        return {};
    if (const QImage* cached = m_cache.object(i))
        return *cached;
    const auto [d, col] = sample(i);
    const auto [w, h, c] = m_geometry;
    QImage img(w, h, c == 3 ? QImage::Format_RGB32 : QImage::Format_Grayscale8);
    const double k = 255.0 / (m_hi - m_lo);
    const auto level = [&](long row) {
        return std::clamp(int(std::lround((double(d->x(row, col)) - m_lo) * k)), 0, 255);
    };
    // Samples are stored row-major, channels last (H x W x C), as IDX stores them.
    for (int y = 0; y < h; ++y) {
        if (c == 3) {
            auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
            for (int x = 0; x < w; ++x) {
                const long base = (long(y) * w + x) * 3;
                line[x] = qRgb(level(base), level(base + 1), level(base + 2));
            }
        } else {
            uchar* line = img.scanLine(y);
            for (int x = 0; x < w; ++x)
                line[x] = uchar(level(long(y) * w + x));
        }
    }
    m_cache.insert(i, new QImage(img));
    return img;
}

QString ImageGridView::labelText(long i) const
{
    if (!m_data || i < 0 || i >= sampleCount())
        return {};
    const auto [d, col] = sample(i);
    if (d->task != engine::TaskKind::Classification || d->y.rows() == 0)
        return QString::number(double(d->y(0, col)), 'g', 4);
    const int c = d->label(col);
    if (c >= 0 && std::size_t(c) < d->classNames.size())
        return QString::fromStdString(d->classNames[std::size_t(c)]);
    return tr("class %1").arg(c);
}

QSize ImageGridView::cellSize() const
{
    return {std::max(m_thumb, 64) + kPadding, m_thumb + kLabelHeight + kPadding};
}

int ImageGridView::columns() const
{
    return std::max(1, viewport()->width() / cellSize().width());
}

void ImageGridView::updateScrollBars()
{
    const long n = sampleCount();
    const int cellH = cellSize().height();
    const long rows = (n + columns() - 1) / columns();
    const long total = rows * cellH;
    QScrollBar* bar = verticalScrollBar();
    bar->setRange(0, int(std::clamp<long>(total - viewport()->height(), 0, INT_MAX)));
    bar->setPageStep(viewport()->height());
    bar->setSingleStep(cellH / 2);
}

void ImageGridView::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void ImageGridView::paintEvent(QPaintEvent* event)
{
    QPainter p(viewport());
    p.fillRect(event->rect(), palette().base());
    if (!m_data) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(viewport()->rect(), Qt::AlignCenter, tr("No images"));
        return;
    }
    const QSize cell = cellSize();
    const int cols = columns();
    const int offset = verticalScrollBar()->value();
    const long firstRow = offset / cell.height();
    const long lastRow = (offset + viewport()->height()) / cell.height();
    const long n = sampleCount();
    const int left = (viewport()->width() - cols * cell.width()) / 2;
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
    p.setFont(small);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    for (long r = firstRow; r <= lastRow; ++r) {
        for (int c = 0; c < cols; ++c) {
            const long i = r * cols + c;
            if (i >= n)
                return;
            const int x = left + c * cell.width();
            const int y = int(r * cell.height() - offset);
            const QRect box(x + (cell.width() - m_thumb) / 2, y + kPadding / 2, m_thumb, m_thumb);
            p.drawImage(box, image(i));
            p.setPen(palette().color(QPalette::Mid));
            p.drawRect(box.adjusted(0, 0, -1, -1));
            p.setPen(palette().color(QPalette::Text));
            const QRect text(x, box.bottom() + 1, cell.width(), kLabelHeight);
            p.drawText(text, Qt::AlignHCenter | Qt::AlignVCenter,
                p.fontMetrics().elidedText(labelText(i), Qt::ElideRight, cell.width() - 2));
        }
    }
}

} // namespace widgets
