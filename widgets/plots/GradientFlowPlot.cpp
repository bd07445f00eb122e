#include "plots/GradientFlowPlot.h"

#include "plots/PlotStyle.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

#include <cmath>

namespace widgets {

GradientFlowPlot::GradientFlowPlot(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->setMinimumSize(240, 160);
    m_plot->xAxis->setLabel(tr("epoch"));
    m_plot->yAxis->setLabel(tr("gradient norm ‖∂L/∂θ‖"));
    m_plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
    m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    m_plot->yAxis->setNumberFormat(QStringLiteral("eb"));
    m_plot->yAxis->setNumberPrecision(0);
    m_plot->yAxis->setRange(1e-4, 1);
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(QFont(font().family(), 8));
    m_plot->legend->setBrush(QColor(255, 255, 255, 210));
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
}

GradientFlowPlot::~GradientFlowPlot() = default;

void GradientFlowPlot::startSession(const TrainingSessionInfo& info)
{
    m_plot->clearGraphs();
    m_graphs.clear();
    m_runId = info.runId;
    int i = 0;
    for (const auto& [id, name] : info.layers) {
        QCPGraph* g = m_plot->addGraph();
        g->setName(name);
        const QColor color = plotstyle::seriesColor(i++);
        g->setPen(QPen(color, 1.5));
        // Dots too, so that a run short enough to give one sample still shows it.
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, 4));
        g->setAdaptiveSampling(true);
        m_graphs[id] = g;
    }
    m_plot->replot();
}

void GradientFlowPlot::clearForProject(const ProjectIdentity&)
{
    startSession({});
}

void GradientFlowPlot::addSnapshot(const TrainingSnapshot& s)
{
    if (s.runId != m_runId || s.gradientNorms.empty() || s.step == 0)
        return;
    for (const GradientNorm& n : s.gradientNorms) {
        auto it = m_graphs.find(n.node);
        if (it != m_graphs.end() && std::isfinite(n.norm) && n.norm > 0)
            it->second->addData(s.progressX, n.norm);
    }
    bool ok = false;
    QCPRange keys, values;
    bool first = true;
    for (auto& [id, g] : m_graphs) {
        const QCPRange k = g->getKeyRange(ok);
        if (!ok)
            continue;
        const QCPRange v = g->getValueRange(ok, QCP::sdPositive);
        if (!ok)
            continue;
        keys = first ? k : (keys.expand(k), keys);
        values = first ? v : (values.expand(v), values);
        first = false;
    }
    if (!first) {
        m_plot->xAxis->setRange(std::min(0.0, keys.lower), std::max(keys.upper, keys.lower + 1e-3));
        m_plot->yAxis->setRange(values.lower / 2, values.upper * 2);
    }
    plotstyle::replotIfVisible(m_plot);
}

int GradientFlowPlot::pointCount(engine::NodeId node) const
{
    auto it = m_graphs.find(node);
    return it == m_graphs.end() ? 0 : it->second->dataCount();
}

void GradientFlowPlot::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    m_plot->replot();
}

} // namespace widgets
