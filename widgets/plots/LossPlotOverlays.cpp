#include "plots/LossPlotOverlays.h"

#include "plots/PlotStyle.h"
#include "plots/TextLegendItem.h"

#include <qcustomplot.h>

#include <QTextStream>

namespace widgets {

LossPlotOverlays::LossPlotOverlays(QCustomPlot* plot, QCPLegend* legend, QObject* parent)
    : QObject(parent)
    , m_plot(plot)
    , m_legend(legend)
{
    m_legend->setVisible(false);
}

void LossPlotOverlays::setCurve(int key, const QString& name)
{
    QCPGraph*& g = m_curves[key];
    if (!g) {
        g = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis);
        g->setAdaptiveSampling(true);
        g->removeFromLegend();
    }
    g->setName(name);
    restyle();
    emit changed();
}

void LossPlotOverlays::addPoint(int key, double epoch, double loss, const QString& series)
{
    const auto it = m_curves.find(key);
    if (it == m_curves.end())
        return;
    it->second->addData(epoch, loss);
    m_series[key] = series;
    emit changed();
}

void LossPlotOverlays::highlight(int key)
{
    m_highlighted = m_curves.count(key) ? key : -1;
    restyle();
    emit changed();
}

QColor LossPlotOverlays::color(int key) const
{
    // By position, well apart from the current run's blue and orange.
    int index = 0;
    for (const auto& [k, g] : m_curves) {
        if (k == key)
            return plotstyle::seriesColor(index + 2);
        ++index;
    }
    return {};
}

void LossPlotOverlays::fillLegend()
{
    m_legend->clearItems();
    // "+ 1 more run" would take the row the run's own entry takes.
    const int toName = count() <= kNamedCurves + 1 ? count() : kNamedCurves;
    int named = 0;
    if (QCPGraph* g = graph(m_highlighted)) {
        g->addToLegend(m_legend);
        ++named;
    }
    for (const auto& [key, g] : m_curves) {
        if (named >= toName)
            break;
        if (key != m_highlighted) {
            g->addToLegend(m_legend);
            ++named;
        }
    }
    const int more = count() - named;
    if (more > 0)
        m_legend->addItem(new TextLegendItem(m_legend,
            more == 1 ? tr("+ 1 more run (colours in the Sweep table)")
                      : tr("+ %1 more runs (colours in the Sweep table)").arg(more)));
    m_legend->setVisible(count() > 0);
}

void LossPlotOverlays::restyle()
{
    // The highlighted curve is drawn over the others.
    int index = 0;
    for (const auto& [key, g] : m_curves) {
        QColor c = plotstyle::seriesColor(index++ + 2); // as color()
        const bool faded = m_highlighted >= 0 && key != m_highlighted;
        c.setAlpha(faded ? 70 : 230);
        g->setPen(QPen(c, key == m_highlighted ? 3.0 : 1.5, Qt::SolidLine));
        if (key == m_highlighted)
            g->setLayer(QStringLiteral("main")); // re-added on top of its layer
    }
    fillLegend();
}

void LossPlotOverlays::clear()
{
    m_legend->clearItems(); // QCustomPlot only cleans its main legend
    for (const auto& [key, g] : m_curves)
        m_plot->removeGraph(g);
    m_curves.clear();
    m_series.clear();
    m_highlighted = -1;
    m_legend->setVisible(false);
    emit changed();
}

QString LossPlotOverlays::csvRows() const
{
    QString text;
    QTextStream out(&text);
    for (const auto& [key, g] : m_curves) {
        QString name = g->name();
        name.replace('"', QStringLiteral("\"\""));
        const auto series = m_series.find(key);
        const QString seriesName
            = series == m_series.end() ? QStringLiteral("loss") : series->second;
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
            out << "sweep-" << key << ",\"" << name << "\"," << seriesName << ','
                << QString::number(it->key, 'g', 8) << ',' << QString::number(it->value, 'g', 8)
                << '\n';
    }
    out.flush();
    return text;
}

QCPGraph* LossPlotOverlays::graph(int key) const
{
    const auto it = m_curves.find(key);
    return it == m_curves.end() ? nullptr : it->second;
}

QVector<QCPGraph*> LossPlotOverlays::graphs() const
{
    QVector<QCPGraph*> all;
    for (const auto& [key, g] : m_curves)
        all << g;
    return all;
}

} // namespace widgets
