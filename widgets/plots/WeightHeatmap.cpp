#include "plots/WeightHeatmap.h"

#include "plots/ConvFilterView.h"
#include "plots/PlotStyle.h"
#include "plots/PlotTheme.h"
#include "plots/ReplotPacer.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QStackedWidget>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>

namespace widgets {

namespace {

/// Sets a label's text at a fixed size that changes only when the text no longer fits (or needs
/// far less room): a label with a fixed size does not ask its layout to recompute, and every
/// layout request of a visible label travels up to the window and lays out all of it again, at
/// every snapshot for a label showing live numbers.
void setLiveText(QLabel* label, const QString& text)
{
    const QSize need = label->fontMetrics().size(Qt::TextSingleLine, text) + QSize(6, 0);
    const QSize now = label->maximumSize();
    if (need.width() > now.width() || need.width() < now.width() * 3 / 4
        || need.height() != now.height())
        label->setFixedSize(need);
    label->setText(text);
}

} // namespace

WeightHeatmap::WeightHeatmap(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    PlotTheme::follow(m_plot);
    m_choice = new QComboBox(this);
    m_choice->setToolTip(tr("Layer parameter to show"));
    m_choice->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_gradients = new QCheckBox(tr("Gradients"), this);
    m_gradients->setToolTip(tr("Show the gradient of the last mini-batch instead of the values"));
    m_info = new QLabel(this);
    m_info->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_channelChoice = new QComboBox(this);
    m_channelChoice->setToolTip(tr("Input channels of each filter: their mean, all of them side "
                                   "by side, or one channel"));
    m_channelChoice->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_channelLabel = new QLabel(tr("Channels:"), this);
    m_channelLabel->setBuddy(m_channelChoice);
    auto* top = new QHBoxLayout;
    m_controls = new QWidget(this);
    auto* controls = new QHBoxLayout(m_controls);
    controls->setContentsMargins(0, 0, 0, 0);
    controls->addWidget(new QLabel(tr("Tensor:"), m_controls));
    m_choice->setParent(m_controls);
    controls->addWidget(m_choice);
    m_gradients->setParent(m_controls);
    controls->addWidget(m_gradients);
    m_channelLabel->setParent(m_controls);
    controls->addWidget(m_channelLabel);
    m_channelChoice->setParent(m_controls);
    controls->addWidget(m_channelChoice);
    top->addWidget(m_controls);
    top->addStretch(1);
    top->addWidget(m_info);
    m_infoRow = new QHBoxLayout;
    m_infoRow->addStretch(1);
    m_filters = new ConvFilterView(this);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_plot);
    m_stack->addWidget(m_filters);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addLayout(m_infoRow);
    layout->addWidget(m_stack, 1);
    m_channelLabel->hide();
    m_channelChoice->hide();
    connect(
        m_channelChoice, &QComboBox::currentIndexChanged, this, [this] { applyChannelChoice(); });

    m_plot->setMinimumSize(240, 160);
    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setGradient(plotstyle::diverging());
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false); // cells centred on integer (col, row), half a cell around
    m_scale = new QCPColorScale(m_plot);
    m_plot->plotLayout()->addElement(0, 1, m_scale);
    m_scale->setType(QCPAxis::atRight);
    m_scale->setGradient(plotstyle::diverging());
    m_scale->setBarWidth(12);
    m_map->setColorScale(m_scale);
    auto* margins = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_plot->xAxis->setLabel(tr("column (input)"));
    m_plot->yAxis->setLabel(tr("row (unit)"));
    m_plot->yAxis->setRangeReversed(true);
    // Indices are integers: no ticks between cells.
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis})
        plotstyle::useIntegerTicks(axis);
    m_plot->setMouseTracking(true);
    // Live snapshots are only stored; the map is filled when the paced replot draws it.
    ReplotPacer::of(m_plot)->setPrepare([this] {
        if (m_stale) {
            m_stale = false;
            fill();
        }
    });

    connect(m_plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        const double key = m_plot->xAxis->pixelToCoord(e->position().x());
        const double value = m_plot->yAxis->pixelToCoord(e->position().y());
        const int col = int(std::lround(key)), row = int(std::lround(value));
        const QString text = cellText(row, col);
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(e->globalPosition().toPoint(), text, m_plot);
    });
    connect(m_choice, &QComboBox::currentIndexChanged, this, [this] {
        render();
        if (auto n = selectedNode())
            emit nodeSelected(*n);
    });
    connect(m_gradients, &QCheckBox::toggled, this, [this] { render(); });
}

WeightHeatmap::~WeightHeatmap() = default;

void WeightHeatmap::startSession(const TrainingSessionInfo&)
{
    m_params.clear();
}

void WeightHeatmap::clearForProject(const ProjectIdentity&)
{
    m_params.clear();
    rebuildChoices();
    render();
}

void WeightHeatmap::addSnapshot(const TrainingSnapshot& s)
{
    if (s.params.empty())
        return;
    m_params = s.params;
    rebuildChoices();
    // Filling a large map costs the GUI thread: a running session's map is filled at the paced
    // replot's rate (and not at all while hidden); pauses, steps and the end fill it now.
    m_stale = true;
    const ParamCopy* p = current();
    const bool conv = p && p->isConvKernel();
    if (s.trigger != SnapshotTrigger::Progress || conv != showsFilters())
        render(); // also switches between map and filters, which the pacer cannot see
    else if (!conv)
        plotstyle::replotIfVisible(m_plot);
    else if (isVisible())
        render(); // the filter view paints itself
}

void WeightHeatmap::rebuildChoices()
{
    QStringList keys;
    for (const ParamCopy& p : m_params)
        keys << p.nodeName + '.' + p.param;
    QStringList now;
    for (int i = 0; i < m_choice->count(); ++i)
        now << m_choice->itemText(i);
    if (keys == now)
        return;
    const QString previous = m_choice->currentText();
    QSignalBlocker block(m_choice);
    m_choice->clear();
    for (int i = 0; i < int(m_params.size()); ++i)
        m_choice->addItem(keys[i], QVariant::fromValue(qlonglong(m_params[std::size_t(i)].node)));
    const int keep = m_choice->findText(previous);
    m_choice->setCurrentIndex(keep >= 0 ? keep : 0);
    placeInfo();
}

void WeightHeatmap::placeInfo()
{
    // The tensor's shape goes under the controls when both do not fit on one line (a narrow
    // training dock, large fonts): squeezed, the layout cut the tensor combo's entry short.
    const int spacing = std::max(0, layout()->spacing());
    const bool fits = m_controls->sizeHint().width() + spacing + m_info->sizeHint().width()
        <= contentsRect().width();
    const bool below = m_infoRow->indexOf(m_info) >= 0;
    if (fits != below)
        return;
    auto* topRow = static_cast<QBoxLayout*>(layout()->itemAt(0)->layout());
    if (fits) {
        m_infoRow->removeWidget(m_info);
        topRow->addWidget(m_info);
    } else {
        topRow->removeWidget(m_info);
        m_infoRow->addWidget(m_info);
    }
}

void WeightHeatmap::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    placeInfo();
}

const ParamCopy* WeightHeatmap::current() const
{
    const int i = m_choice->currentIndex();
    if (i < 0 || i >= int(m_params.size()))
        return nullptr;
    return &m_params[std::size_t(i)];
}

std::optional<engine::NodeId> WeightHeatmap::selectedNode() const
{
    if (const ParamCopy* p = current())
        return p->node;
    return std::nullopt;
}

bool WeightHeatmap::selectParam(engine::NodeId node, const QString& param)
{
    for (int i = 0; i < int(m_params.size()); ++i) {
        if (m_params[std::size_t(i)].node == node && m_params[std::size_t(i)].param == param) {
            m_choice->setCurrentIndex(i);
            render();
            return true;
        }
    }
    return false;
}

void WeightHeatmap::setShowGradients(bool on)
{
    m_gradients->setChecked(on);
}

bool WeightHeatmap::showGradients() const
{
    return m_gradients->isChecked();
}

bool WeightHeatmap::showsFilters() const
{
    return m_stack->currentWidget() == m_filters;
}

void WeightHeatmap::rebuildChannelChoices(int channels)
{
    if (m_channelChoice->count() == channels + 2)
        return;
    const int previous = m_channelChoice->currentIndex();
    QSignalBlocker block(m_channelChoice);
    m_channelChoice->clear();
    m_channelChoice->addItem(tr("Mean"));
    m_channelChoice->addItem(tr("Side by side"));
    for (int c = 0; c < channels; ++c)
        m_channelChoice->addItem(tr("Channel %1").arg(c));
    m_channelChoice->setCurrentIndex(previous >= 0 && previous < channels + 2 ? previous : 0);
    applyChannelChoice();
}

void WeightHeatmap::applyChannelChoice()
{
    const int i = std::max(0, m_channelChoice->currentIndex());
    if (i >= 2)
        m_filters->setChannel(i - 2);
    m_filters->setChannelMode(i == 0 ? ConvFilterView::ChannelMode::Mean
            : i == 1                 ? ConvFilterView::ChannelMode::SideBySide
                                     : ConvFilterView::ChannelMode::Single);
}

void WeightHeatmap::render()
{
    m_stale = false;
    fill();
    placeInfo(); // the channel choice may have come or gone
    if (!showsFilters())
        plotstyle::replotIfVisible(m_plot);
}

void WeightHeatmap::fill()
{
    const ParamCopy* p = current();
    const bool grads = m_gradients->isChecked();
    const engine::Matrix* m = p ? (grads ? &p->grad : &p->value) : nullptr;
    const bool conv = p && p->isConvKernel();
    m_stack->setCurrentWidget(conv ? static_cast<QWidget*>(m_filters) : m_plot);
    m_channelLabel->setVisible(conv);
    m_channelChoice->setVisible(conv);
    if (conv) {
        rebuildChannelChoices(p->channels);
        if (!m || m->size() == 0) {
            m_filters->clear();
            setLiveText(m_info, grads ? tr("no gradient yet") : QString());
            return;
        }
        m_filters->setTensor(*m, p->kernelH, p->kernelW, p->channels,
            (grads ? QStringLiteral("dL/d") : QString()) + p->nodeName + '.' + p->param);
        setLiveText(m_info,
            tr("%1 filters of %2 x %3 x %4, |max| %5")
                .arg(p->value.rows())
                .arg(p->kernelH)
                .arg(p->kernelW)
                .arg(p->channels)
                .arg(m_filters->maxAbs(), 0, 'g', 3));
        m_rows = m_cols = 0;
        return;
    }
    if (!m || m->size() == 0) {
        m_rows = m_cols = 0;
        m_map->data()->clear();
        setLiveText(m_info, p && grads ? tr("no gradient yet") : QString());
        return;
    }
    m_rows = int(m->rows());
    m_cols = int(m->cols());
    // Keys are columns, values rows, one cell per entry centred on its integer index.
    // QCPColorMap draws a dimension of one cell with zero extent (its cell size comes from the
    // range between the first and last cell centres): such a dimension gets two half cells at
    // -0.25 and 0.25, both holding the entry, which together fill -0.5..0.5.
    const int keyCells = m_cols == 1 ? 2 : m_cols;
    const int valueCells = m_rows == 1 ? 2 : m_rows;
    QCPColorMapData* d = m_map->data();
    if (d->keySize() != keyCells || d->valueSize() != valueCells)
        d->setSize(keyCells, valueCells);
    d->setRange(m_cols == 1 ? QCPRange(-0.25, 0.25) : QCPRange(0, m_cols - 1),
        m_rows == 1 ? QCPRange(-0.25, 0.25) : QCPRange(0, m_rows - 1));
    double maxAbs = 0;
    for (int kc = 0; kc < keyCells; ++kc) {
        for (int vc = 0; vc < valueCells; ++vc) {
            const double v = double((*m)(std::min(vc, m_rows - 1), std::min(kc, m_cols - 1)));
            d->setCell(kc, vc, v);
            if (std::isfinite(v))
                maxAbs = std::max(maxAbs, std::abs(v));
        }
    }
    maxAbs = maxAbs > 0 ? maxAbs : 1e-6;
    m_map->setDataRange(QCPRange(-maxAbs, maxAbs));
    m_scale->axis()->setLabel(grads ? tr("gradient") : tr("weight"));
    m_plot->xAxis->setRange(-0.5, m_cols - 0.5);
    m_plot->yAxis->setRange(-0.5, m_rows - 0.5);
    setLiveText(m_info, tr("%1 x %2, |max| %3").arg(m_rows).arg(m_cols).arg(maxAbs, 0, 'g', 3));
}

std::optional<double> WeightHeatmap::cellValue(int row, int col) const
{
    // From the tensor, not the map: the map of a running session is filled only when drawn.
    const ParamCopy* p = current();
    const engine::Matrix* m = p ? (m_gradients->isChecked() ? &p->grad : &p->value) : nullptr;
    if (!m || p->isConvKernel() || row < 0 || col < 0 || row >= m->rows() || col >= m->cols())
        return std::nullopt;
    return double((*m)(row, col));
}

QString WeightHeatmap::cellText(int row, int col) const
{
    const auto v = cellValue(row, col);
    const ParamCopy* p = current();
    if (!v || !p)
        return {};
    const QString what = m_gradients->isChecked() ? QStringLiteral("dL/d") : QString();
    return QStringLiteral("%1%2.%3[%4, %5] = %6")
        .arg(what, p->nodeName, p->param)
        .arg(row)
        .arg(col)
        .arg(*v, 0, 'g', 5);
}

void WeightHeatmap::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale) {
        m_stale = false;
        fill();
    }
    m_plot->replot();
}

QString WeightHeatmap::csvText() const
{
    const QString tensor = csvField(m_choice->currentText());
    QString s = QStringLiteral("tensor,row,column,value\n");
    // Keys are the tensor's columns, values its rows (see render()).
    const int rows = m_map->data()->valueSize();
    const int cols = m_map->data()->keySize();
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) {
            const std::optional<double> v = cellValue(r, c);
            if (v)
                s += tensor + QLatin1Char(',') + QString::number(r) + QLatin1Char(',')
                    + QString::number(c) + QLatin1Char(',')
                    + QString::number(*v, 'g', 9) /* every digit of a float */ + QLatin1Char('\n');
        }
    }
    return s;
}

QCustomPlot* WeightHeatmap::picturePlot() const
{
    return m_plot;
}

} // namespace widgets
