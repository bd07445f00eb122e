#include "ForecastPlot.h"

#include "Graph.h"
#include "PlotStyle.h"
#include "SequenceModelRunner.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace widgets {

namespace {

constexpr long kChunk = 512;

QPen seriesPen(const QColor& c, Qt::PenStyle style = Qt::SolidLine)
{
    QPen p(c, 2);
    p.setStyle(style);
    return p;
}

} // namespace

ForecastPlot::ForecastPlot(QWidget* parent)
    : QWidget(parent)
    , m_runner(new SequenceModelRunner(this))
{
    m_sampleBox = new QSpinBox(this);
    m_sampleBox->setRange(0, 0);
    m_sampleBox->setEnabled(false);
    auto* sampleLabel = new QLabel(tr("&Window:"), this);
    sampleLabel->setBuddy(m_sampleBox);
    m_allBox = new QCheckBox(tr("&All windows"), this);
    m_allBox->setToolTip(tr("Prediction against target over every validation window"));
    m_info = new QLabel(this);
    auto* top = new QHBoxLayout;
    top->addWidget(sampleLabel);
    top->addWidget(m_sampleBox);
    top->addWidget(m_allBox);
    top->addStretch(1);
    top->addWidget(m_info);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(240, 160);
    m_plot->legend->setVisible(true);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    m_plot->legend->setFont(small);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_message);
    layout->addWidget(m_plot, 1);
    setMessage(tr("The forecast needs a sequence regression dataset (e.g. sine)."));

    connect(m_sampleBox, &QSpinBox::valueChanged, this, [this] { request(); });
    connect(m_allBox, &QCheckBox::toggled, this, [this] {
        m_sampleBox->setEnabled(!m_allBox->isChecked() && m_applies);
        request();
    });
}

ForecastPlot::~ForecastPlot() = default;

void ForecastPlot::setMessage(const QString& text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

QString ForecastPlot::message() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

void ForecastPlot::startSession(const TrainingSessionInfo& info)
{
    m_prediction.clear();
    m_allPredictions.clear();
    m_resultSample = -1;
    m_applies = info.sequence && !info.classification && info.samples && info.sampleTargets
        && info.samples->cols() > 0 && info.context.inputShape.rank() >= 1;
    m_runner->startSession(info);
    if (!m_applies) {
        m_samples.reset();
        m_targets.reset();
        m_sampleBox->setEnabled(false);
        setMessage(tr("The forecast needs a sequence regression dataset (e.g. sine)."));
        render();
        return;
    }
    m_samples = info.samples;
    m_targets = info.sampleTargets;
    m_scaling = info.scaling;
    m_steps = info.context.inputShape.steps();
    m_features = info.context.inputShape.stepFeatures();
    {
        QSignalBlocker block(m_sampleBox);
        m_sampleBox->setRange(0, sampleCount() - 1);
        m_sampleBox->setEnabled(!m_allBox->isChecked());
    }
    m_sampleBox->setToolTip(tr("Index of the window in the %1 set (%2 windows)")
                                .arg(info.sampleSetName)
                                .arg(info.sampleSetSize));
    setMessage(tr("Train or step the network once to see its forecast."));
    render();
}

void ForecastPlot::addSnapshot(const TrainingSnapshot& s)
{
    if (!s.weights || !m_applies)
        return;
    m_runner->setWeights(s.weights);
    request();
}

void ForecastPlot::setSample(int index)
{
    m_sampleBox->setValue(index);
}

void ForecastPlot::setAllWindows(bool on)
{
    m_allBox->setChecked(on);
}

void ForecastPlot::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        request();
    m_plot->replot();
}

void ForecastPlot::request()
{
    m_dirty = true;
    const int i = m_sampleBox->value();
    if (!isVisible() || !m_applies || !m_runner->isReady() || i < 0 || i >= sampleCount())
        return;
    m_dirty = false;
    const bool all = m_allBox->isChecked();
    auto samples = m_samples;
    auto one = std::make_shared<std::vector<double>>();
    auto many = std::make_shared<std::vector<double>>();
    auto input = std::make_shared<engine::Matrix>();
    m_runner->submit(
        [samples, input, one, many, i, all](engine::Graph& g) {
            if (all) {
                for (long begin = 0; begin < samples->cols(); begin += kChunk) {
                    const long count = std::min(kChunk, samples->cols() - begin);
                    *input = samples->middleCols(begin, count);
                    const engine::Matrix& out = SequenceModelRunner::forward(g, *input);
                    for (long j = 0; j < count; ++j)
                        many->push_back(double(out(0, j)));
                }
            }
            *input = samples->col(i);
            const engine::Matrix& out = SequenceModelRunner::forward(g, *input);
            for (long r = 0; r < out.rows(); ++r)
                one->push_back(double(out(r, 0)));
        },
        [this, one, many, i, all](const QString& error) {
            if (!error.isEmpty()) {
                setMessage(tr("Cannot compute the forecast: %1").arg(error));
                return;
            }
            m_prediction = std::move(*one);
            m_allPredictions = std::move(*many);
            m_resultSample = i;
            m_resultAll = all;
            setMessage({});
            render();
            emit forecastUpdated();
        });
}

void ForecastPlot::render()
{
    m_plot->clearGraphs();
    m_plot->clearItems();
    if (!m_applies || m_resultSample < 0 || m_resultSample >= sampleCount()) {
        m_info->clear();
        plotstyle::replotIfVisible(m_plot);
        return;
    }
    const engine::Matrix& y = *m_targets;
    if (m_resultAll && !m_allPredictions.empty()) {
        // Prediction against target: points on the diagonal are exact.
        QVector<double> tx, py;
        double lo = 0, hi = 0, se = 0;
        for (long j = 0; j < long(m_allPredictions.size()) && j < y.cols(); ++j) {
            tx << double(y(0, j));
            py << m_allPredictions[std::size_t(j)];
            lo = j == 0 ? std::min(tx.back(), py.back()) : std::min({lo, tx.back(), py.back()});
            hi = j == 0 ? std::max(tx.back(), py.back()) : std::max({hi, tx.back(), py.back()});
            se += (py.back() - tx.back()) * (py.back() - tx.back());
        }
        QCPGraph* diag = m_plot->addGraph();
        diag->setName(tr("perfect (prediction = target)"));
        diag->setPen(QPen(Qt::gray, 1, Qt::DashLine));
        diag->setData({lo, hi}, {lo, hi});
        QCPGraph* pts = m_plot->addGraph();
        pts->setName(tr("validation windows"));
        pts->setLineStyle(QCPGraph::lsNone);
        pts->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssDisc, plotstyle::seriesColor(0), 4));
        pts->setData(tx, py, true);
        m_plot->xAxis->setLabel(tr("target"));
        m_plot->yAxis->setLabel(tr("prediction"));
        const double pad = std::max(1e-6, 0.05 * (hi - lo));
        m_plot->xAxis->setRange(lo - pad, hi + pad);
        m_plot->yAxis->setRange(lo - pad, hi + pad);
        m_info->setText(tr("%1 windows, RMSE %2")
                            .arg(tx.size())
                            .arg(std::sqrt(se / std::max<qsizetype>(1, tx.size())), 0, 'g', 3));
        plotstyle::replotIfVisible(m_plot);
        return;
    }

    // Inputs as the dataset holds them, before scaling, so they share the targets' units.
    engine::Matrix x = m_samples->col(m_resultSample);
    if (!m_scaling.isIdentity() && long(m_scaling.shift.size()) == x.rows())
        for (long r = 0; r < x.rows(); ++r)
            x(r, 0) = engine::Scalar(double(x(r, 0)) / m_scaling.scale[std::size_t(r)]
                + m_scaling.shift[std::size_t(r)]);
    double lo = 0, hi = 0;
    bool first = true;
    auto extend = [&](double v) {
        lo = first ? v : std::min(lo, v);
        hi = first ? v : std::max(hi, v);
        first = false;
    };
    for (int f = 0; f < m_features; ++f) {
        QVector<double> t, v;
        for (int s = 0; s < m_steps; ++s) {
            t << s;
            v << double(x(long(s) * m_features + f, 0));
            extend(v.back());
        }
        QCPGraph* g = m_plot->addGraph();
        g->setName(m_features > 1 ? tr("input %1").arg(f) : tr("input"));
        g->setPen(seriesPen(f == 0 ? QColor(0x55, 0x55, 0x55) : QColor(0xaa, 0xaa, 0xaa)));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 3));
        g->setData(t, v, true);
    }
    const long k = y.rows();
    const int offset = k == m_steps ? 1 : m_steps;
    QVector<double> tt, tv, pv;
    for (long r = 0; r < k; ++r) {
        tt << offset + r;
        tv << double(y(r, m_resultSample));
        extend(tv.back());
        if (r < long(m_prediction.size())) {
            pv << m_prediction[std::size_t(r)];
            extend(pv.back());
        }
    }
    QCPGraph* target = m_plot->addGraph();
    target->setName(tr("target"));
    target->setPen(seriesPen(plotstyle::seriesColor(0)));
    target->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 7));
    target->setData(tt, tv, true);
    QCPGraph* pred = m_plot->addGraph();
    pred->setName(tr("prediction"));
    pred->setPen(seriesPen(plotstyle::seriesColor(1), Qt::DashLine));
    pred->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, 9));
    pred->setData(tt.mid(0, pv.size()), pv, true);
    m_plot->xAxis->setLabel(tr("time step t"));
    m_plot->yAxis->setLabel(tr("value"));
    m_plot->xAxis->setRange(-0.5, offset + k - 0.5);
    const double pad = std::max(1e-6, 0.08 * (hi - lo));
    m_plot->yAxis->setRange(lo - pad, hi + pad);
    if (!pv.isEmpty())
        m_info->setText(
            tr("target %1, prediction %2").arg(tv.front(), 0, 'g', 3).arg(pv.front(), 0, 'g', 3));
    plotstyle::replotIfVisible(m_plot);
}

} // namespace widgets
