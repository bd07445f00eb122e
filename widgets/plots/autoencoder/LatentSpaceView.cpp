#include "plots/autoencoder/LatentSpaceView.h"

#include "data/Autoencoder.h"
#include "plots/PlotStyle.h"
#include "plots/PlotTheme.h"
#include "plots/autoencoder/AutoencoderRunner.h"

#include <qcustomplot.h>

#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace widgets {

LatentSpaceView::LatentSpaceView(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
    , m_runner(new AutoencoderRunner(this))
{
    PlotTheme::follow(m_plot);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_message);
    layout->addWidget(m_plot, 1);

    m_plot->setMinimumSize(260, 200);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    // Ten class names inside the axis rect would hide points, and a column beside it squeezes
    // the plot: the legend gets a row below, five names per line.
    m_plot->plotLayout()->addElement(1, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
    m_plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_plot->legend->setWrap(5);
    m_plot->legend->setFont(QFont(font().family(), 8));
    m_plot->legend->setBrush(QColor(255, 255, 255, 230));
    m_plot->legend->setVisible(false);
    m_plot->setVisible(false);
    setMessage(idleMessage());
    connect(m_runner, &AutoencoderRunner::resultReady, this, &LatentSpaceView::onResult);
}

LatentSpaceView::~LatentSpaceView() = default;

std::optional<engine::NodeId> LatentSpaceView::twoUnitBottleneck(
    const engine::Project& project, const std::optional<engine::GraphContext>& context)
{
    try {
        const engine::Graph g = project.buildGraph();
        const engine::GraphCheck check = g.check(context);
        const auto b = engine::autoencoderBottleneck(g, check);
        if (b && check.shapes.at(*b).size() == 2)
            return b;
    } catch (const std::exception&) {
        // An unfinished network has no latent space yet.
    }
    return std::nullopt;
}

bool LatentSpaceView::appliesTo(const TrainingSessionInfo& info)
{
    return info.architecture && info.cleanSamples && info.samples && info.samples->cols() > 0
        && twoUnitBottleneck(*info.architecture, info.context).has_value();
}

void LatentSpaceView::setMessage(const QString& text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

QString LatentSpaceView::message() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

void LatentSpaceView::startSession(const TrainingSessionInfo& info)
{
    m_codes.resize(0, 0);
    m_plot->clearGraphs();
    m_plot->legend->setVisible(false);
    m_dirty = false;
    const auto bottleneck
        = appliesTo(info) ? twoUnitBottleneck(*info.architecture, info.context) : std::nullopt;
    if (!bottleneck) {
        m_inputs.reset();
        m_bottleneckName.clear();
        m_runner->clear();
        m_plot->setVisible(false);
        setMessage(tr("The latent space is shown for autoencoders whose narrowest Dense layer has "
                      "2 units; this network has none."));
        return;
    }
    m_bottleneckName.clear();
    for (const engine::NodeRecord& n : info.architecture->nodes)
        if (n.id == *bottleneck)
            m_bottleneckName = QString::fromStdString(n.name);
    const long n = std::min(kMaxPoints, long(info.samples->cols()));
    m_inputs = std::make_shared<const engine::Matrix>(info.samples->leftCols(n));
    m_labels.assign(info.sampleLabels.begin(),
        info.sampleLabels.begin() + std::min<long>(n, long(info.sampleLabels.size())));
    m_classNames = info.classNames;
    m_plot->xAxis->setLabel(tr("%1 unit 1").arg(m_bottleneckName));
    m_plot->yAxis->setLabel(tr("%1 unit 2").arg(m_bottleneckName));
    m_plot->setVisible(true);
    setMessage(tr("Codes of %n %1 image(s) — waiting for the weights…", nullptr, int(n))
                   .arg(info.sampleSetName));
    m_runner->startSession(info.architecture, info.context);
    m_runner->setInputs(m_inputs);
    m_plot->replot();
}

QString LatentSpaceView::idleMessage()
{
    return tr("Train an autoencoder whose narrowest layer has 2 units to see where it puts "
              "each validation image.");
}

void LatentSpaceView::clearForProject(const ProjectIdentity&)
{
    startSession({});
    setMessage(idleMessage());
}

void LatentSpaceView::addSnapshot(const TrainingSnapshot& s)
{
    if (!s.weights || !m_inputs)
        return;
    m_runner->setWeights(s.weights);
    request();
}

void LatentSpaceView::request()
{
    m_dirty = true;
    if (isVisible() && m_runner->hasWeights()) {
        m_dirty = false;
        m_runner->request();
    }
}

void LatentSpaceView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        request();
}

int LatentSpaceView::pointClass(long i) const
{
    return i >= 0 && i < long(m_labels.size()) ? m_labels[std::size_t(i)] : -1;
}

QStringList LatentSpaceView::legendNames() const
{
    QStringList names;
    for (int i = 0; i < m_plot->graphCount(); ++i)
        names << m_plot->graph(i)->name();
    return names;
}

void LatentSpaceView::onResult(const AutoencoderResult& r)
{
    if (r.inputs != m_inputs)
        return;
    if (!r.error.isEmpty()) {
        setMessage(tr("Cannot compute the codes: %1").arg(r.error));
        return;
    }
    if (r.codes.rows() != 2 || r.codes.cols() != m_inputs->cols()) {
        setMessage(tr("The bottleneck gave %1 values per image, expected 2.").arg(r.codes.rows()));
        return;
    }
    setMessage({});
    m_codes = r.codes;
    // One graph per class, in class order, so the legend reads like the class list.
    std::map<int, std::pair<QVector<double>, QVector<double>>> byClass;
    for (long i = 0; i < m_codes.cols(); ++i) {
        auto& [xs, ys] = byClass[pointClass(i)];
        xs << double(m_codes(0, i));
        ys << double(m_codes(1, i));
    }
    m_plot->clearGraphs();
    for (auto& [label, points] : byClass) {
        QCPGraph* g = m_plot->addGraph();
        const QColor color = label < 0 ? QColor(0x55, 0x55, 0x55) : plotstyle::classColor(label);
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, 4));
        g->setPen(QPen(color));
        g->setName(label < 0                  ? tr("unlabelled")
                : label < m_classNames.size() ? m_classNames[label]
                                              : tr("class %1").arg(label));
        // Not sorted by x: QCustomPlot sorts them, else it would take the first and last
        // point for the key range and the view would cut off the points beyond them.
        g->setData(points.first, points.second);
    }
    m_plot->legend->setVisible(m_plot->graphCount() > 0);
    // The codes' own extent with a margin, so the outermost dots are drawn whole; every result
    // (live during training) sets it again.
    QCPAxis* const axes[2] = {m_plot->xAxis, m_plot->yAxis};
    for (int unit = 0; unit < 2; ++unit) {
        const double lo = double(m_codes.row(unit).minCoeff());
        const double hi = double(m_codes.row(unit).maxCoeff());
        // Equal codes (a dead unit) still get a window around them.
        const double pad = std::max(kRangeMargin * (hi - lo), 1e-3 * std::max(1.0, std::abs(hi)));
        axes[unit]->setRange(lo - pad, hi + pad);
    }
    plotstyle::replotIfVisible(m_plot);
    emit codesUpdated();
}

} // namespace widgets
