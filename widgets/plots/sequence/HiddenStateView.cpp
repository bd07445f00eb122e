#include "plots/sequence/HiddenStateView.h"

#include "graph/Graph.h"
#include "layers/RecurrentCommon.h"
#include "plots/PlotStyle.h"
#include "plots/sequence/SequenceModelRunner.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QToolTip>

#include <cmath>

namespace widgets {

HiddenStateView::HiddenStateView(QWidget* parent)
    : SequenceSampleView(tr("&Sequence:"), tr("Index of the sequence in the %1 set (%2 sequences)"),
        tr("Hidden states need a recurrent layer (SimpleRNN, LSTM, GRU)."), parent)
{
    m_layerChoice = new QComboBox(this);
    m_layerChoice->setToolTip(tr("Recurrent layer whose hidden state is shown"));
    addControl(m_layerChoice);

    QCustomPlot* p = plot();
    m_map = new QCPColorMap(p->xAxis, p->yAxis);
    m_map->setGradient(plotstyle::diverging());
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);
    m_scale = new QCPColorScale(p);
    p->plotLayout()->addElement(0, 1, m_scale);
    m_scale->setType(QCPAxis::atRight);
    m_scale->setGradient(plotstyle::diverging());
    m_scale->setBarWidth(12);
    m_scale->axis()->setLabel(tr("h"));
    m_map->setColorScale(m_scale);
    m_map->setDataRange(QCPRange(-1, 1));
    auto* margins = new QCPMarginGroup(p);
    p->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    p->xAxis->setLabel(tr("time step t"));
    p->yAxis->setLabel(tr("unit"));
    p->yAxis->setRangeReversed(true);
    // Time steps and units are indices: no ticks between cells.
    for (QCPAxis* axis : {p->xAxis, p->yAxis})
        plotstyle::useIntegerTicks(axis);
    p->setMouseTracking(true);

    connect(p, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        const int t = int(std::lround(plot()->xAxis->pixelToCoord(e->position().x())));
        const int unit = int(std::lround(plot()->yAxis->pixelToCoord(e->position().y())));
        const QString text = cellText(unit, t);
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(e->globalPosition().toPoint(), text, plot());
    });
    connect(m_layerChoice, &QComboBox::currentIndexChanged, this, [this] { render(); });
}

HiddenStateView::~HiddenStateView() = default;

void HiddenStateView::startSession(const TrainingSessionInfo& info)
{
    m_layers.clear();
    beginSession(info, info.sequence,
        tr("Train or step the network once: the heatmap shows each unit's hidden state "
           "h_t while the layer reads the chosen sequence."));
    render();
}

void HiddenStateView::submitRequest(int i)
{
    auto input = std::make_shared<engine::Matrix>(samples()->col(i));
    auto result = std::make_shared<std::vector<HiddenStateLayer>>();
    runner()->submit(
        [input, result](engine::Graph& g) {
            SequenceModelRunner::forward(g, *input);
            for (engine::NodeId id : g.executionOrder()) {
                const auto* r = dynamic_cast<const engine::RecurrentLayer*>(&g.layer(id));
                if (!r)
                    continue;
                const engine::Matrix& hs = r->hiddenStates(); // t*units x 1, time-major
                HiddenStateLayer l;
                l.node = id;
                l.name = QString::fromStdString(g.name(id));
                l.type = QString::fromStdString(r->type());
                l.h = Eigen::Map<const engine::Matrix>(hs.data(), r->units(), r->steps());
                result->push_back(std::move(l));
            }
        },
        [this, result, i](const QString& error) {
            if (!error.isEmpty()) {
                setMessage(tr("Cannot compute the hidden states: %1").arg(error));
                return;
            }
            m_layers = std::move(*result);
            setResultSample(i);
            setMessage(m_layers.empty() ? tr("This network has no recurrent layer.") : QString());
            render();
            emit statesUpdated();
        });
}

const HiddenStateLayer* HiddenStateView::current() const
{
    const engine::NodeId id = m_layerChoice->currentData().isValid()
        ? engine::NodeId(m_layerChoice->currentData().toLongLong())
        : -1;
    for (const HiddenStateLayer& l : m_layers)
        if (l.node == id)
            return &l;
    return m_layers.empty() ? nullptr : &m_layers.front();
}

void HiddenStateView::render()
{
    // The choice follows the result's layers, keeping the selection by node id.
    {
        const QVariant keep = m_layerChoice->currentData();
        QSignalBlocker block(m_layerChoice);
        bool same = m_layerChoice->count() == int(m_layers.size());
        for (int i = 0; same && i < int(m_layers.size()); ++i)
            same = m_layerChoice->itemData(i).toLongLong() == m_layers[std::size_t(i)].node;
        if (!same) {
            m_layerChoice->clear();
            for (const HiddenStateLayer& l : m_layers)
                m_layerChoice->addItem(
                    QStringLiteral("%1 (%2)").arg(l.name, l.type), qlonglong(l.node));
            const int k = m_layerChoice->findData(keep);
            m_layerChoice->setCurrentIndex(k >= 0 ? k : 0);
        }
        m_layerChoice->setVisible(m_layerChoice->count() > 1);
    }
    const HiddenStateLayer* l = current();
    QCPColorMapData* d = m_map->data();
    if (!l || l->h.size() == 0) {
        d->clear();
        setInfo({});
        plotstyle::replotIfVisible(plot());
        return;
    }
    const int units = int(l->h.rows()), steps = int(l->h.cols());
    if (d->keySize() != steps || d->valueSize() != units)
        d->setSize(steps, units);
    d->setRange(QCPRange(0, steps - 1), QCPRange(0, units - 1));
    for (int u = 0; u < units; ++u)
        for (int t = 0; t < steps; ++t)
            d->setCell(t, u, double(l->h(u, t)));
    plot()->xAxis->setRange(-0.5, steps - 0.5);
    plot()->yAxis->setRange(-0.5, units - 0.5);
    setInfo(tr("%1 units x %2 steps, sequence %3").arg(units).arg(steps).arg(resultSample()));
    plotstyle::replotIfVisible(plot());
}

std::optional<double> HiddenStateView::cellValue(int unit, int t) const
{
    const HiddenStateLayer* l = current();
    if (!l || unit < 0 || t < 0 || unit >= l->h.rows() || t >= l->h.cols())
        return std::nullopt;
    return double(l->h(unit, t));
}

QString HiddenStateView::cellText(int unit, int t) const
{
    const auto v = cellValue(unit, t);
    if (!v)
        return {};
    return tr("%1: t = %2, unit %3, h = %4")
        .arg(current()->name)
        .arg(t)
        .arg(unit)
        .arg(*v, 0, 'g', 4);
}

} // namespace widgets
