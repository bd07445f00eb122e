#include "plots/NeuronView.h"

#include "core/Errors.h"
#include "plots/PlaneChoice.h"
#include "plots/PlotStyle.h"
#include "plots/sequence/SequenceModelRunner.h"
#include "training/PlaneGrid.h"

#include <QComboBox>
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
    m_chooser = new QComboBox(this);
    m_chooser->setToolTip(tr("The plane through the inputs the thumbnails are drawn on (the "
                             "Boundary view draws on the same plane)"));
    m_chooser->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_chooser->move(6, 4);
    m_chooser->setVisible(false);
    m_runner = new SequenceModelRunner(this);
    connect(m_chooser, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_choice->setIndex(index);
        m_chooser->adjustSize();
    });
    setPlaneChoice(new PlaneChoice(this));
}

NeuronView::~NeuronView() = default;

void NeuronView::setPlaneChoice(PlaneChoice* choice)
{
    if (m_choice)
        disconnect(m_choice, nullptr, this, nullptr);
    m_choice = choice;
    connect(m_choice, &PlaneChoice::changed, this, [this](int index) {
        if (!m_chooser->isVisibleTo(this) || index < 0 || index >= m_chooser->count())
            return;
        {
            const QSignalBlocker blocker(m_chooser);
            m_chooser->setCurrentIndex(index);
        }
        m_chooser->adjustSize();
        choosePlane(index);
    });
}

void NeuronView::startSession(const TrainingSessionInfo& info)
{
    m_twoD = info.twoD;
    m_info = info;
    m_layers.clear();
    m_plane.reset();
    m_axisNames.clear();
    ++m_planeRequest;
    const bool plane = planes::appliesToTable(info);
    m_runner->startSession(plane ? info : TrainingSessionInfo {});
    m_chooser->setVisible(plane);
    if (plane) {
        planes::fillChooser(m_chooser, info);
        const int index = std::clamp(m_choice->index(), 0, m_chooser->count() - 1);
        {
            const QSignalBlocker blocker(m_chooser);
            m_chooser->setCurrentIndex(index);
        }
        m_chooser->adjustSize();
        choosePlane(index);
    } else {
        const QSignalBlocker blocker(m_chooser); // the shared choice stays
        m_chooser->clear();
    }
    updateGeometry();
    update();
}

void NeuronView::clearForProject(const ProjectIdentity&)
{
    startSession({});
}

void NeuronView::choosePlane(int index)
{
    if (index < 0 || m_info.trainX.rows() <= 2)
        return;
    ++m_planeRequest;
    try {
        m_plane = planes::planeOf(*m_chooser, index, m_info.trainX);
    } catch (const engine::InputError&) {
        m_plane.reset(); // the boundary view says why
        m_layers.clear();
        update();
        return;
    }
    const QPoint pair = m_chooser->itemData(index).toPoint();
    m_axisNames = index == 0
        ? tr("→ PC1, ↑ PC2")
        : tr("→ %1, ↑ %2")
              .arg(planes::featureName(m_info, pair.x()), planes::featureName(m_info, pair.y()));
    // The boundary view's rectangle: the training points' bounding box plus a margin.
    m_frame = planes::frameAround(m_plane->project(m_info.trainX), kPlaneGrid);
    update();
    requestPlaneNeurons();
}

void NeuronView::requestPlaneNeurons()
{
    if (!m_plane)
        return;
    auto result = std::make_shared<std::vector<NeuronImages>>();
    const int request = m_planeRequest;
    m_runner->submit(
        [plane = *m_plane, frame = m_frame, result](engine::Graph& graph) {
            const engine::Matrix inputs = plane.lift(planeGridPoints(frame));
            SequenceModelRunner::forward(graph, inputs);
            *result = neuronImagesOf(graph, frame, frame.size, kMaxUnits);
        },
        [this, result, request](const QString& error) {
            if (request != m_planeRequest || !error.isEmpty())
                return; // another plane's answer follows; the boundary view names errors
            showLayers(std::move(*result));
        });
}

void NeuronView::addSnapshot(const TrainingSnapshot& s)
{
    if (m_plane) {
        if (s.runId == m_info.runId && s.weights) {
            m_runner->setWeights(s.weights);
            requestPlaneNeurons();
        }
        return;
    }
    if (s.neurons.empty())
        return;
    showLayers(s.neurons);
}

void NeuronView::showLayers(std::vector<NeuronImages> layers)
{
    const bool resized = layers.size() != m_layers.size();
    m_layers = std::move(layers);
    if (resized)
        updateGeometry();
    update();
    emit neuronsShown();
}

int NeuronView::topBand() const
{
    return m_chooser->isVisibleTo(this) ? m_chooser->sizeHint().height() + 10 : 0;
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
    return topBand() + rows * (thumbFor(width) + kGap + 4) + 12;
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
    const QFontMetrics fm(font());
    const int top = topBand();
    if (top > 0) {
        // What the thumbnails' axes are, beside the chooser.
        const int x = m_chooser->geometry().right() + 10;
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRect(x, 4, std::max(0, width() - x - 6), m_chooser->height()),
            Qt::AlignLeft | Qt::AlignVCenter,
            fm.elidedText(m_axisNames, Qt::ElideRight, std::max(0, width() - x - 6)));
    }
    if (m_layers.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(8, 8 + top, -8, -8), Qt::AlignCenter | Qt::TextWordWrap,
            m_twoD || top > 0 ? tr("Neuron outputs appear once training starts.")
                              : tr("Neuron thumbnails are shown for tabular inputs only."));
        return;
    }
    const int thumb = thumbFor(width());
    int y = 6 + top;
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
