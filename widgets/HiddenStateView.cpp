#include "HiddenStateView.h"

#include "Graph.h"
#include "PlotStyle.h"
#include "SequenceModelRunner.h"
#include "layers/RecurrentCommon.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QSpinBox>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>

namespace widgets {

HiddenStateView::HiddenStateView(QWidget* parent)
    : QWidget(parent)
    , m_runner(new SequenceModelRunner(this))
{
    m_sampleBox = new QSpinBox(this);
    m_sampleBox->setRange(0, 0);
    m_sampleBox->setEnabled(false);
    auto* sampleLabel = new QLabel(tr("&Sequence:"), this);
    sampleLabel->setBuddy(m_sampleBox);
    m_layerChoice = new QComboBox(this);
    m_layerChoice->setToolTip(tr("Recurrent layer whose hidden state is shown"));
    m_info = new QLabel(this);
    auto* top = new QHBoxLayout;
    top->addWidget(sampleLabel);
    top->addWidget(m_sampleBox);
    top->addWidget(m_layerChoice);
    top->addStretch(1);
    top->addWidget(m_info);

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);

    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(240, 160);
    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setGradient(plotstyle::diverging());
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);
    m_scale = new QCPColorScale(m_plot);
    m_plot->plotLayout()->addElement(0, 1, m_scale);
    m_scale->setType(QCPAxis::atRight);
    m_scale->setGradient(plotstyle::diverging());
    m_scale->setBarWidth(12);
    m_scale->axis()->setLabel(tr("h"));
    m_map->setColorScale(m_scale);
    m_map->setDataRange(QCPRange(-1, 1));
    auto* margins = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_plot->xAxis->setLabel(tr("time step t"));
    m_plot->yAxis->setLabel(tr("unit"));
    m_plot->yAxis->setRangeReversed(true);
    // Time steps and units are indices: no ticks between cells.
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis})
        plotstyle::useIntegerTicks(axis);
    m_plot->setMouseTracking(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_message);
    layout->addWidget(m_plot, 1);
    setMessage(tr("Hidden states need a recurrent layer (SimpleRNN, LSTM, GRU)."));

    connect(m_plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        const int t = int(std::lround(m_plot->xAxis->pixelToCoord(e->position().x())));
        const int unit = int(std::lround(m_plot->yAxis->pixelToCoord(e->position().y())));
        const QString text = cellText(unit, t);
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(e->globalPosition().toPoint(), text, m_plot);
    });
    connect(m_sampleBox, &QSpinBox::valueChanged, this, [this] { request(); });
    connect(m_layerChoice, &QComboBox::currentIndexChanged, this, [this] { render(); });
}

HiddenStateView::~HiddenStateView() = default;

int HiddenStateView::sampleCount() const
{
    return m_samples ? int(m_samples->cols()) : 0;
}

void HiddenStateView::setMessage(const QString& text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

QString HiddenStateView::message() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

void HiddenStateView::startSession(const TrainingSessionInfo& info)
{
    m_layers.clear();
    m_resultSample = -1;
    m_applies = info.sequence && info.samples && info.samples->cols() > 0;
    m_runner->startSession(info);
    render();
    if (!m_applies) {
        m_samples.reset();
        m_sampleBox->setEnabled(false);
        setMessage(tr("Hidden states need a recurrent layer (SimpleRNN, LSTM, GRU)."));
        return;
    }
    m_samples = info.samples;
    {
        QSignalBlocker block(m_sampleBox);
        m_sampleBox->setRange(0, sampleCount() - 1);
        m_sampleBox->setEnabled(true);
    }
    m_sampleBox->setToolTip(tr("Index of the sequence in the %1 set (%2 sequences)")
                                .arg(info.sampleSetName)
                                .arg(info.sampleSetSize));
    setMessage(tr("Train or step the network once: the heatmap shows each unit's hidden state "
                  "h_t while the layer reads the chosen sequence."));
}

void HiddenStateView::addSnapshot(const TrainingSnapshot& s)
{
    if (!s.weights || !m_applies)
        return;
    m_runner->setWeights(s.weights);
    request();
}

void HiddenStateView::setSample(int index)
{
    m_sampleBox->setValue(index);
}

void HiddenStateView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        request();
    m_plot->replot();
}

void HiddenStateView::request()
{
    m_dirty = true;
    const int i = m_sampleBox->value();
    if (!isVisible() || !m_applies || !m_runner->isReady() || i < 0 || i >= sampleCount())
        return;
    m_dirty = false;
    auto input = std::make_shared<engine::Matrix>(m_samples->col(i));
    auto result = std::make_shared<std::vector<HiddenStateLayer>>();
    m_runner->submit(
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
            m_resultSample = i;
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
        m_info->clear();
        plotstyle::replotIfVisible(m_plot);
        return;
    }
    const int units = int(l->h.rows()), steps = int(l->h.cols());
    if (d->keySize() != steps || d->valueSize() != units)
        d->setSize(steps, units);
    d->setRange(QCPRange(0, steps - 1), QCPRange(0, units - 1));
    for (int u = 0; u < units; ++u)
        for (int t = 0; t < steps; ++t)
            d->setCell(t, u, double(l->h(u, t)));
    m_plot->xAxis->setRange(-0.5, steps - 0.5);
    m_plot->yAxis->setRange(-0.5, units - 0.5);
    m_info->setText(
        tr("%1 units x %2 steps, sequence %3").arg(units).arg(steps).arg(m_resultSample));
    plotstyle::replotIfVisible(m_plot);
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
