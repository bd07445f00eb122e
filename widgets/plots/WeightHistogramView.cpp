#include "plots/WeightHistogramView.h"

#include "plots/PlotStyle.h"
#include "plots/PlotTheme.h"
#include "plots/ReplotPacer.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <utility>

namespace widgets {

namespace {
constexpr std::size_t kMaxHistory = 2000;
constexpr int kBins = 30;
const QColor kBand(31, 119, 180);
} // namespace

WeightHistogramView::WeightHistogramView(QWidget* parent)
    : QWidget(parent)
    , m_bands(new QCustomPlot(this))
    , m_histogram(new QCustomPlot(this))
{
    PlotTheme::follow(m_bands);
    PlotTheme::follow(m_histogram);
    m_choice = new QComboBox(this);
    m_choice->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_choice->setToolTip(tr("Layer parameter whose distribution is shown"));
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Tensor:"), this));
    top->addWidget(m_choice);
    top->addStretch(1);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_bands);
    split->addWidget(m_histogram);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    m_bands->setMinimumSize(200, 150);
    m_histogram->setMinimumSize(150, 150);
    m_bands->xAxis->setLabel(tr("epoch"));
    m_bands->yAxis->setLabel(tr("weight (quantile bands)"));
    m_bands->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    for (int i = 0; i < ParamCopy::kQuantileCount; ++i) {
        QCPGraph* g = m_bands->addGraph();
        g->setPen(QPen(i == 4 ? kBand.darker(130) : QColor(0, 0, 0, 0), 1.5));
        m_quantileGraphs.push_back(g);
    }
    // Nested bands: 0-100 %, 7-93 %, 16-84 %, 31-69 %, darker towards the median.
    for (int i = 0; i < 4; ++i) {
        QColor c = kBand;
        c.setAlpha(40 + 30 * i);
        m_quantileGraphs[std::size_t(i)]->setBrush(c);
        m_quantileGraphs[std::size_t(i)]->setChannelFillGraph(
            m_quantileGraphs[std::size_t(ParamCopy::kQuantileCount - 1 - i)]);
    }
    m_histogram->xAxis->setLabel(tr("weight (now)"));
    m_histogram->yAxis->setLabel(tr("count"));
    m_bars = new QCPBars(m_histogram->xAxis, m_histogram->yAxis);
    m_bars->setPen(Qt::NoPen);
    m_bars->setBrush(kBand);
    m_epochLine = new QCPItemStraightLine(m_bands);
    m_epochLine->setPen(QPen(QColor(214, 39, 40), 1.5, Qt::DashLine));
    m_epochLine->setVisible(false);

    connect(m_choice, &QComboBox::currentIndexChanged, this, [this] { render(); });
    // Live snapshots are only stored; each plot converts them when its paced replot draws it.
    ReplotPacer::of(m_bands)->setPrepare([this] {
        if (std::exchange(m_bandsStale, false))
            fillBands();
    });
    ReplotPacer::of(m_histogram)->setPrepare([this] {
        if (std::exchange(m_histogramStale, false))
            fillHistogram();
    });
}

WeightHistogramView::~WeightHistogramView() = default;

void WeightHistogramView::startSession(const TrainingSessionInfo&)
{
    m_history.clear();
    m_latest.clear();
    m_atEpoch.clear();
    m_shownEpoch = -1;
    m_epochLine->setVisible(false);
    m_histogram->xAxis->setLabel(tr("weight (now)"));
    render();
}

void WeightHistogramView::showEpoch(const TrainingSnapshot& checkpoint, int epoch)
{
    m_atEpoch.clear();
    for (const ParamCopy& p : checkpoint.params)
        m_atEpoch[p.nodeName + '.' + p.param] = p.value;
    m_shownEpoch = epoch;
    // Bands run on epoch progress: epoch N ends at x = N.
    m_epochLine->point1->setCoords(epoch, 0);
    m_epochLine->point2->setCoords(epoch, 1);
    m_epochLine->setVisible(true);
    m_histogram->xAxis->setLabel(tr("weight (epoch %1)").arg(epoch));
    render();
}

void WeightHistogramView::showLatestWeights()
{
    if (m_shownEpoch < 0)
        return;
    m_atEpoch.clear();
    m_shownEpoch = -1;
    m_epochLine->setVisible(false);
    m_histogram->xAxis->setLabel(tr("weight (now)"));
    render();
}

QVector<double> WeightHistogramView::histogramCounts() const
{
    QVector<double> counts;
    for (auto it = m_bars->data()->constBegin(); it != m_bars->data()->constEnd(); ++it)
        counts << it->value;
    return counts;
}

void WeightHistogramView::clearForProject(const ProjectIdentity&)
{
    m_choice->clear();
    startSession({});
}

void WeightHistogramView::addSnapshot(const TrainingSnapshot& s)
{
    if (s.params.empty())
        return;
    bool newKeys = false;
    for (const ParamCopy& p : s.params) {
        if (p.quantiles.size() != std::size_t(ParamCopy::kQuantileCount))
            continue;
        const QString key = p.nodeName + '.' + p.param;
        auto& h = m_history[key];
        newKeys = newKeys || h.empty();
        h.push_back({s.progressX, p.quantiles});
        if (h.size() > kMaxHistory) {
            // Keep every other sample: the whole run stays visible at half the resolution.
            std::vector<Sample> thin;
            for (std::size_t i = 0; i < h.size(); i += 2)
                thin.push_back(std::move(h[i]));
            h = std::move(thin);
        }
        m_latest[key] = p.value;
    }
    if (newKeys) {
        const QString previous = m_choice->currentText();
        QSignalBlocker block(m_choice);
        m_choice->clear();
        for (const ParamCopy& p : s.params)
            m_choice->addItem(p.nodeName + '.' + p.param);
        const int keep = m_choice->findText(previous);
        m_choice->setCurrentIndex(keep >= 0 ? keep : 0);
    }
    m_bandsStale = m_histogramStale = true;
    if (s.trigger != SnapshotTrigger::Progress) {
        render();
        return;
    }
    plotstyle::replotIfVisible(m_bands);
    plotstyle::replotIfVisible(m_histogram);
}

int WeightHistogramView::historyCount() const
{
    auto it = m_history.find(m_choice->currentText());
    return it == m_history.end() ? 0 : int(it->second.size());
}

void WeightHistogramView::render()
{
    m_bandsStale = m_histogramStale = false;
    fillBands();
    fillHistogram();
    plotstyle::replotIfVisible(m_bands);
    plotstyle::replotIfVisible(m_histogram);
}

void WeightHistogramView::fillBands()
{
    const QString key = m_choice->currentText();
    auto it = m_history.find(key);
    for (int i = 0; i < ParamCopy::kQuantileCount; ++i) {
        QVector<double> xs, ys;
        if (it != m_history.end()) {
            for (const Sample& s : it->second) {
                xs << s.x;
                ys << s.quantiles[std::size_t(i)];
            }
        }
        m_quantileGraphs[std::size_t(i)]->setData(xs, ys, true);
    }
    if (it != m_history.end() && !it->second.empty()) {
        m_bands->rescaleAxes();
        const QCPRange x = m_bands->xAxis->range();
        if (x.size() <= 0)
            m_bands->xAxis->setRange(x.lower, x.lower + 1);
        m_bands->yAxis->scaleRange(1.1);
    }
}

void WeightHistogramView::fillHistogram()
{
    const auto& weights = m_shownEpoch >= 0 ? m_atEpoch : m_latest;
    auto latest = weights.find(m_choice->currentText());
    QVector<double> centres, counts;
    if (latest != weights.end() && latest->second.size() > 0) {
        const engine::Matrix& m = latest->second;
        const double lo = double(m.minCoeff()), hi = double(m.maxCoeff());
        const double width = hi > lo ? (hi - lo) / kBins : 1.0;
        counts = QVector<double>(kBins, 0);
        for (long i = 0; i < m.size(); ++i) {
            const double v = double(m.data()[i]);
            if (std::isfinite(v))
                counts[std::clamp(int((v - lo) / width), 0, kBins - 1)] += 1;
        }
        for (int b = 0; b < kBins; ++b)
            centres << lo + (b + 0.5) * width;
        m_bars->setWidth(width);
        m_bars->setData(centres, counts, true);
        m_histogram->rescaleAxes();
        m_histogram->yAxis->setRangeLower(0);
        m_histogram->yAxis->scaleRange(1.1, m_histogram->yAxis->range().lower);
    } else {
        m_bars->data()->clear();
    }
}

void WeightHistogramView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (std::exchange(m_bandsStale, false))
        fillBands();
    if (std::exchange(m_histogramStale, false))
        fillHistogram();
    m_bands->replot();
    m_histogram->replot();
}

QString WeightHistogramView::csvText() const
{
    // The bands plot holds one graph per quantile (ParamCopy::kQuantiles order); the histogram
    // plot holds the bars.
    const QString tensor = csvField(m_choice->currentText());
    QString s = QStringLiteral("tensor,series,x,value\n");
    for (QCustomPlot* plot : {m_bands, m_histogram}) {
        if (plot->graphCount() == ParamCopy::kQuantileCount) {
            for (int i = 0; i < plot->graphCount(); ++i) {
                const QString series
                    = QStringLiteral("quantile_%1").arg(ParamCopy::kQuantiles[i], 0, 'g', 3);
                const QCPGraph* g = plot->graph(i);
                for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
                    s += tensor + QLatin1Char(',') + series + QLatin1Char(',') + csvNumber(it->key)
                        + QLatin1Char(',') + csvNumber(it->value) + QLatin1Char('\n');
            }
        }
        for (int i = 0; i < plot->plottableCount(); ++i) {
            const auto* bars = qobject_cast<const QCPBars*>(plot->plottable(i));
            if (!bars)
                continue;
            for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
                s += tensor + QStringLiteral(",histogram_count,") + csvNumber(it->key)
                    + QLatin1Char(',') + csvNumber(it->value) + QLatin1Char('\n');
        }
    }
    return s;
}

QCustomPlot* WeightHistogramView::picturePlot() const
{
    return nullptr;
}

} // namespace widgets
