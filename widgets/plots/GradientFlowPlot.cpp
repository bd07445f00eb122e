#include "plots/GradientFlowPlot.h"

#include "plots/PlotStyle.h"
#include "plots/PlotTheme.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

#include <cmath>

namespace widgets {

namespace {

/// Pixels from the top of a line of `metrics`'s font to the lowest ink of letters below the
/// baseline (an underscore lies lower than the font's descent says in DejaVu Sans 8 pt).
int inkHeight(const QFontMetrics& metrics)
{
    const int below = metrics.tightBoundingRect(QStringLiteral("_gjpqy")).bottom() + 1;
    return metrics.ascent() + std::max(metrics.descent(), below) + 1;
}

/// Layers per legend column: more go into a further column rather than past the plot's bottom.
constexpr int kLegendRows = 12;

/// A log axis with ticks at powers of ten only, printed as "10^k".
void makeLogAxis(QCPAxis* axis)
{
    axis->setScaleType(QCPAxis::stLogarithmic);
    axis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    axis->setNumberFormat(QStringLiteral("eb"));
    axis->setNumberPrecision(0);
}

} // namespace

GradientFlowPlot::GradientFlowPlot(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    PlotTheme::follow(m_plot);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->setMinimumSize(240, 160);
    setToolTip(tr("Each layer's gradient norm ‖∂L/∂θ‖, averaged over the mini-batches of an "
                  "epoch, on a log scale: bars for the latest epoch, points for every epoch"));

    // Row 0: titles; row 1: bars | curves | legend. Both value axes show the same range, and a
    // margin group aligns the two rects, so equal norms sit at equal heights.
    QCPLayoutGrid* grid = m_plot->plotLayout();
    m_curvesRect = m_plot->axisRect();
    grid->take(m_curvesRect);
    grid->simplify();
    m_barsRect = new QCPAxisRect(m_plot);
    m_barsTitle = new QCPTextElement(m_plot, QString(), QFont(font().family(), 9));
    auto* curvesTitle = new QCPTextElement(m_plot, tr("Every epoch"), QFont(font().family(), 9));
    grid->addElement(0, 0, m_barsTitle);
    grid->addElement(0, 1, curvesTitle);
    grid->addElement(1, 0, m_barsRect);
    grid->addElement(1, 1, m_curvesRect);
    grid->setRowStretchFactor(0, 0.001);
    auto* group = new QCPMarginGroup(m_plot);
    m_barsRect->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    m_curvesRect->setMarginGroup(QCP::msTop | QCP::msBottom, group);

    // The legend in a column of its own at the top right, never over a point.
    auto* legendCell = new QCPLayoutGrid;
    grid->addElement(1, 2, legendCell);
    // The bars get more room: one name per layer stands under them.
    grid->setColumnStretchFactor(0, 1.5);
    grid->setColumnStretchFactor(1, 1.0);
    grid->setColumnStretchFactor(2, 0.001);
    m_curvesRect->insetLayout()->take(m_plot->legend);
    m_curvesRect->insetLayout()->simplify();
    legendCell->addElement(0, 0, m_plot->legend);
    legendCell->addElement(1, 0, new QCPLayoutElement(m_plot)); // pushes the legend up
    legendCell->setRowStretchFactor(0, 0.001);
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(QFont(font().family(), 8));
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->legend->setBrush(Qt::NoBrush);
    m_plot->legend->setFillOrder(QCPLegend::foRowsFirst);
    m_plot->legend->setWrap(kLegendRows);
    // As high as the ink of its font: QCustomPlot draws each name in a box of the icon's height,
    // and 8 px cut the underscore off ("dense 1" for dense_1).
    m_plot->legend->setIconSize(16, inkHeight(QFontMetrics(m_plot->legend->font())));

    for (QCPAxisRect* rect : {m_barsRect, m_curvesRect}) {
        makeLogAxis(rect->axis(QCPAxis::atLeft));
        rect->axis(QCPAxis::atLeft)->setRange(1e-4, 1);
    }
    m_barsRect->axis(QCPAxis::atLeft)->setLabel(tr("‖∂L/∂θ‖ (epoch mean)"));
    QCPAxis* layersAxis = m_barsRect->axis(QCPAxis::atBottom);
    layersAxis->setTicker(QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText));
    layersAxis->setSubTicks(false);
    layersAxis->grid()->setVisible(false);
    layersAxis->setTickLabelFont(QFont(font().family(), 8));
    layersAxis->setTickLength(0, 3);
    layersAxis->setLabel(tr("input side → output"));
    m_barsRect->setRangeDrag(Qt::Orientations());
    m_barsRect->setRangeZoom(Qt::Orientations());
    m_curvesRect->axis(QCPAxis::atBottom)->setLabel(tr("epoch"));
    plotstyle::useIntegerTicks(m_curvesRect->axis(QCPAxis::atBottom));
    plotstyle::fitTicksToLength(m_plot, m_curvesRect->axis(QCPAxis::atBottom));
    // Zooming the norms could leave less than a decade on screen, where a log axis has no
    // power of ten to label: only the epochs zoom and drag.
    m_curvesRect->setRangeDrag(Qt::Horizontal);
    m_curvesRect->setRangeZoom(Qt::Horizontal);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    clear();
}

GradientFlowPlot::~GradientFlowPlot() = default;

void GradientFlowPlot::clear()
{
    m_plot->clearPlottables();
    m_layers.clear();
    m_barsEpoch = 0;
    m_barsTitle->setText(tr("Per layer: after the\nfirst epoch"));
    auto ticker = m_barsRect->axis(QCPAxis::atBottom)->ticker().dynamicCast<QCPAxisTickerText>();
    ticker->clear();
    rescale();
}

void GradientFlowPlot::startSession(const TrainingSessionInfo& info)
{
    clear();
    m_runId = info.runId;
    auto ticker = m_barsRect->axis(QCPAxis::atBottom)->ticker().dynamicCast<QCPAxisTickerText>();
    int i = 0;
    for (const auto& [id, name] : info.layers) {
        const QColor color = plotstyle::seriesColor(i);
        Layer layer;
        layer.curve = m_plot->addGraph(
            m_curvesRect->axis(QCPAxis::atBottom), m_curvesRect->axis(QCPAxis::atLeft));
        layer.curve->setName(name);
        layer.curve->setPen(QPen(color, 1.5));
        // Dots too, so that a run of one epoch still shows its points.
        layer.curve->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, 4));
        layer.bar
            = new QCPBars(m_barsRect->axis(QCPAxis::atBottom), m_barsRect->axis(QCPAxis::atLeft));
        layer.bar->setName(name);
        layer.bar->removeFromLegend(); // the curve of the same colour names it
        layer.bar->setPen(Qt::NoPen);
        layer.bar->setBrush(color);
        layer.bar->setWidth(0.7);
        layer.position = i;
        ticker->addTick(i, name);
        m_layers[id] = layer;
        ++i;
    }
    // Names side by side while they fit, else turned upright.
    const int n = int(info.layers.size());
    m_barsRect->axis(QCPAxis::atBottom)->setTickLabelRotation(n > 4 ? -90 : 0);
    m_barsRect->axis(QCPAxis::atBottom)->setRange(-0.6, std::max(0, n - 1) + 0.6);
    rescale();
    m_plot->replot();
}

void GradientFlowPlot::clearForProject(const ProjectIdentity&)
{
    startSession({});
}

void GradientFlowPlot::addSnapshot(const TrainingSnapshot& s)
{
    if (s.runId != m_runId || s.epochGradients.empty())
        return;
    for (const EpochGradientNorms& epoch : s.epochGradients) {
        for (const GradientNorm& n : epoch.layers) {
            auto it = m_layers.find(n.node);
            if (it != m_layers.end() && std::isfinite(n.norm) && n.norm > 0)
                it->second.curve->addData(epoch.epoch, n.norm);
        }
    }
    updateBars(s.epochGradients.back());
    rescale();
    plotstyle::replotIfVisible(m_plot);
}

void GradientFlowPlot::updateBars(const EpochGradientNorms& epoch)
{
    m_barsEpoch = epoch.epoch;
    std::map<int, double> byPosition;
    for (auto& [id, layer] : m_layers)
        layer.bar->data()->clear();
    for (const GradientNorm& n : epoch.layers) {
        auto it = m_layers.find(n.node);
        if (it == m_layers.end() || !std::isfinite(n.norm) || n.norm <= 0)
            continue;
        it->second.bar->addData(it->second.position, n.norm);
        byPosition[it->second.position] = n.norm;
    }
    QString title = tr("Epoch %1, per layer").arg(epoch.epoch);
    if (byPosition.size() >= 2)
        title += tr("\nfirst / last layer: %1")
                     .arg(byPosition.begin()->second / byPosition.rbegin()->second, 0, 'g', 2);
    m_barsTitle->setText(title);
}

void GradientFlowPlot::rescale()
{
    double lo = INFINITY, hi = 0, lastEpoch = 1;
    for (const auto& [id, layer] : m_layers) {
        for (auto it = layer.curve->data()->constBegin(); it != layer.curve->data()->constEnd();
             ++it) {
            lo = std::min(lo, it->value);
            hi = std::max(hi, it->value);
            lastEpoch = std::max(lastEpoch, it->key);
        }
    }
    // Whole decades, at least two of them: every tick a labelled power of ten (over less than
    // ~1.6 decades QCPAxisTickerLog falls back to linear ticks, which print as repeated "3·10^-1"
    // at precision 0).
    int low = -4, high = 0;
    if (hi > 0) {
        low = int(std::floor(std::log10(lo / 1.3)));
        high = int(std::ceil(std::log10(hi * 1.3)));
        low = std::min(low, high - 2);
    }
    const QCPRange values(std::pow(10.0, low), std::pow(10.0, high));
    m_barsRect->axis(QCPAxis::atLeft)->setRange(values);
    m_curvesRect->axis(QCPAxis::atLeft)->setRange(values);
    for (auto& [id, layer] : m_layers)
        layer.bar->setBaseValue(values.lower); // a log axis has no 0 to stand on
    m_curvesRect->axis(QCPAxis::atBottom)->setRange(0.5, lastEpoch + 0.5);
}

int GradientFlowPlot::pointCount(engine::NodeId node) const
{
    auto it = m_layers.find(node);
    return it == m_layers.end() ? 0 : it->second.curve->dataCount();
}

void GradientFlowPlot::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    m_plot->replot();
}

QString GradientFlowPlot::csvText() const
{
    QString s = QStringLiteral("layer,epoch,mean_gradient_norm\n");
    for (int i = 0; i < m_plot->graphCount(); ++i) {
        const QCPGraph* g = m_plot->graph(i);
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
            s += csvField(g->name()) + QLatin1Char(',') + csvNumber(it->key) + QLatin1Char(',')
                + csvNumber(it->value) + QLatin1Char('\n');
    }
    return s;
}

QCustomPlot* GradientFlowPlot::picturePlot() const
{
    return m_plot;
}

} // namespace widgets
