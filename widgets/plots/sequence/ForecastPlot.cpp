#include "plots/sequence/ForecastPlot.h"

#include "graph/Graph.h"
#include "plots/PlotStyle.h"
#include "plots/PlotTheme.h"
#include "plots/sequence/SequenceModelRunner.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QSpinBox>

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
    : SequenceSampleView(tr("&Window:"), tr("Index of the window in the %1 set (%2 windows)"),
        tr("The forecast needs a sequence regression dataset (e.g. sine)."), parent)
{
    m_allBox = new QCheckBox(tr("&All windows"), this);
    m_allBox->setToolTip(tr("Prediction against target over every validation window"));
    addControl(m_allBox);
    plot()->legend->setVisible(true);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    plot()->legend->setFont(small);

    connect(m_allBox, &QCheckBox::toggled, this, [this] {
        sampleBox()->setEnabled(!m_allBox->isChecked() && applies());
        request();
    });
}

ForecastPlot::~ForecastPlot() = default;

void ForecastPlot::startSession(const TrainingSessionInfo& info)
{
    m_prediction.clear();
    m_allPredictions.clear();
    beginSession(info,
        info.sequence && !info.classification && info.sampleTargets
            && info.context.inputShape.rank() >= 1,
        tr("Train or step the network once to see its forecast."));
    if (applies()) {
        m_targets = info.sampleTargets;
        m_scaling = info.scaling;
        m_steps = info.context.inputShape.steps();
        m_features = info.context.inputShape.stepFeatures();
        sampleBox()->setEnabled(!m_allBox->isChecked());
    } else {
        m_targets.reset();
    }
    render();
}

void ForecastPlot::setAllWindows(bool on)
{
    m_allBox->setChecked(on);
}

void ForecastPlot::submitRequest(int i)
{
    const bool all = m_allBox->isChecked();
    auto samples = this->samples();
    auto one = std::make_shared<std::vector<double>>();
    auto many = std::make_shared<std::vector<double>>();
    auto input = std::make_shared<engine::Matrix>();
    runner()->submit(
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
            setResultSample(i);
            m_resultAll = all;
            setMessage({});
            render();
            emit forecastUpdated();
        });
}

void ForecastPlot::render()
{
    plot()->clearGraphs();
    plot()->clearItems();
    if (!applies() || resultSample() < 0 || resultSample() >= sampleCount()) {
        setInfo({});
        plotstyle::replotIfVisible(plot());
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
        QCPGraph* diag = plot()->addGraph();
        diag->setName(tr("perfect (prediction = target)"));
        diag->setPen(QPen(PlotTheme::current().quiet, 1, Qt::DashLine));
        diag->setData({lo, hi}, {lo, hi});
        QCPGraph* pts = plot()->addGraph();
        pts->setName(tr("validation windows"));
        pts->setLineStyle(QCPGraph::lsNone);
        pts->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssDisc, plotstyle::seriesColor(0), 4));
        pts->setData(tx, py, true);
        plot()->xAxis->setLabel(tr("target"));
        plot()->yAxis->setLabel(tr("prediction"));
        const double pad = std::max(1e-6, 0.05 * (hi - lo));
        plot()->xAxis->setRange(lo - pad, hi + pad);
        plot()->yAxis->setRange(lo - pad, hi + pad);
        setInfo(tr("%1 windows, RMSE %2")
                    .arg(tx.size())
                    .arg(std::sqrt(se / std::max<qsizetype>(1, tx.size())), 0, 'g', 3));
        plotstyle::replotIfVisible(plot());
        return;
    }

    // Inputs as the dataset holds them, before scaling, so they share the targets' units.
    engine::Matrix x = samples()->col(resultSample());
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
        QCPGraph* g = plot()->addGraph();
        g->setName(m_features > 1 ? tr("input %1").arg(f) : tr("input"));
        const PlotTheme& theme = PlotTheme::current();
        g->setPen(seriesPen(f == 0 ? theme.neutral : theme.quiet));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 3));
        g->setData(t, v, true);
    }
    const long k = y.rows();
    const int offset = k == m_steps ? 1 : m_steps;
    QVector<double> tt, tv, pv;
    for (long r = 0; r < k; ++r) {
        tt << offset + r;
        tv << double(y(r, resultSample()));
        extend(tv.back());
        if (r < long(m_prediction.size())) {
            pv << m_prediction[std::size_t(r)];
            extend(pv.back());
        }
    }
    QCPGraph* target = plot()->addGraph();
    target->setName(tr("target"));
    target->setPen(seriesPen(plotstyle::seriesColor(0)));
    target->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 7));
    target->setData(tt, tv, true);
    QCPGraph* pred = plot()->addGraph();
    pred->setName(tr("prediction"));
    pred->setPen(seriesPen(plotstyle::seriesColor(1), Qt::DashLine));
    pred->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, 9));
    pred->setData(tt.mid(0, pv.size()), pv, true);
    plot()->xAxis->setLabel(tr("time step t"));
    plot()->yAxis->setLabel(tr("value"));
    plot()->xAxis->setRange(-0.5, offset + k - 0.5);
    const double pad = std::max(1e-6, 0.08 * (hi - lo));
    plot()->yAxis->setRange(lo - pad, hi + pad);
    if (!pv.isEmpty())
        setInfo(
            tr("target %1, prediction %2").arg(tv.front(), 0, 'g', 3).arg(pv.front(), 0, 'g', 3));
    plotstyle::replotIfVisible(plot());
}

} // namespace widgets
