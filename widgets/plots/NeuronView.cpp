#include "plots/NeuronView.h"

#include "plots/PlotStyle.h"

#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace widgets {

NeuronView::NeuronView(QWidget* parent)
    : QWidget(parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void NeuronView::startSession(const TrainingSessionInfo& info)
{
    m_twoD = info.twoD;
    m_layers.clear();
    updateGeometry();
    update();
}

void NeuronView::clearForProject(const ProjectIdentity&)
{
    startSession({});
}

void NeuronView::addSnapshot(const TrainingSnapshot& s)
{
    if (s.neurons.empty())
        return;
    const bool resized = s.neurons.size() != m_layers.size();
    m_layers = s.neurons;
    if (resized)
        updateGeometry();
    update();
}

int NeuronView::thumbFor(int width) const
{
    std::size_t widest = 1;
    for (const NeuronImages& l : m_layers)
        widest = std::max(widest, l.units.size());
    const int fit = (width - kLabelWidth - 12) / int(widest) - kGap;
    return std::clamp(fit, kMinThumb, kMaxThumb);
}

int NeuronView::heightForWidth(int width) const
{
    const int rows = std::max<int>(1, int(m_layers.size()));
    return rows * (thumbFor(width) + kGap + 4) + 12;
}

QSize NeuronView::sizeHint() const
{
    return {kLabelWidth + 8 * (44 + kGap), heightForWidth(kLabelWidth + 8 * (44 + kGap))};
}

QSize NeuronView::minimumSizeHint() const
{
    return {200, 80};
}

void NeuronView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    if (m_layers.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap,
            m_twoD ? tr("Neuron outputs appear once training starts.")
                   : tr("Neuron thumbnails are shown for 2-D inputs only."));
        return;
    }
    const QFontMetrics fm(font());
    const int thumb = thumbFor(width());
    int y = 6;
    for (const NeuronImages& layer : m_layers) {
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRect(6, y, kLabelWidth - 12, thumb), Qt::AlignRight | Qt::AlignVCenter,
            fm.elidedText(layer.nodeName, Qt::ElideRight, kLabelWidth - 12));
        int x = kLabelWidth;
        for (const GridImage& g : layer.units) {
            double maxAbs = 0;
            for (float v : g.values)
                if (std::isfinite(v))
                    maxAbs = std::max(maxAbs, double(std::abs(v)));
            maxAbs = maxAbs > 0 ? maxAbs : 1.0;
            QImage img(g.size, g.size, QImage::Format_RGB32);
            for (int iy = 0; iy < g.size; ++iy) {
                // Row 0 of the grid is the lowest y: flip so that up is +y, as in the plots.
                auto* line = reinterpret_cast<QRgb*>(img.scanLine(g.size - 1 - iy));
                for (int ix = 0; ix < g.size; ++ix)
                    line[ix] = plotstyle::divergingAt(g.values[iy * g.size + ix] / maxAbs).rgb();
            }
            const QRect target(x, y, thumb, thumb);
            p.drawImage(target, img);
            p.setPen(QColor(160, 160, 160));
            p.drawRect(target.adjusted(0, 0, -1, -1));
            x += thumb + kGap;
        }
        y += thumb + kGap + 4;
    }
}

} // namespace widgets
