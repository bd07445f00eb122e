#include "plots/PlotStyle.h"

#include "plots/ReplotPacer.h"

#include <qcustomplot.h>

#include <algorithm>

namespace widgets::plotstyle {

namespace {
const QColor kBlue(33, 102, 172);
const QColor kRed(178, 24, 43);
const QColor kOrange(245, 147, 34);
const QColor kPlaygroundBlue(8, 119, 189);
} // namespace

QCPColorGradient diverging()
{
    QCPColorGradient g;
    g.clearColorStops();
    g.setColorStopAt(0.0, kBlue);
    g.setColorStopAt(0.5, Qt::white);
    g.setColorStopAt(1.0, kRed);
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    return g;
}

QCPColorGradient playground()
{
    QCPColorGradient g;
    g.clearColorStops();
    g.setColorStopAt(0.0, kOrange);
    g.setColorStopAt(0.5, QColor(232, 234, 235));
    g.setColorStopAt(1.0, kPlaygroundBlue);
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    return g;
}

QCPColorGradient categorical(int n)
{
    n = std::max(2, n);
    QCPColorGradient g;
    g.clearColorStops();
    // With n levels over the data range [0, n - 1], level i is exactly the stop at i / (n - 1).
    // Pale, so that the data points drawn on top stay visible.
    for (int i = 0; i < n; ++i)
        g.setColorStopAt(double(i) / (n - 1), classColor(i).lighter(150));
    g.setLevelCount(n);
    return g;
}

QColor classColor(int index)
{
    static const QColor colors[] = {kOrange, kPlaygroundBlue, QColor(44, 160, 44),
        QColor(214, 39, 40), QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194),
        QColor(127, 127, 127), QColor(188, 189, 34), QColor(23, 190, 207)};
    return colors[std::size_t(std::max(0, index)) % std::size(colors)];
}

QColor seriesColor(int index)
{
    static const QColor colors[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
        QColor(214, 39, 40), QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194),
        QColor(127, 127, 127)};
    return colors[std::size_t(std::max(0, index)) % std::size(colors)];
}

void replotIfVisible(QCustomPlot* plot)
{
    if (plot->isVisible())
        ReplotPacer::of(plot)->request();
}

QColor divergingAt(double v)
{
    v = std::clamp(v, -1.0, 1.0);
    const QColor end = v < 0 ? kBlue : kRed;
    const double t = std::abs(v);
    return QColor::fromRgbF(float(1.0 + (end.redF() - 1.0) * t),
        float(1.0 + (end.greenF() - 1.0) * t), float(1.0 + (end.blueF() - 1.0) * t));
}

void useIntegerTicks(QCPAxis* axis)
{
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    axis->setTicker(ticker);
}

void fitTicksToLength(QCustomPlot* plot, QCPAxis* axis)
{
    // QCPAxisTicker's own default: a long axis looks as it did before.
    static constexpr int kDefaultTickCount = 5;
    QObject::connect(plot, &QCustomPlot::afterLayout, axis, [plot, axis] {
        const QFontMetrics metrics(axis->tickLabelFont());
        const QCPRange range = axis->range();
        const int label = std::max(
            metrics.horizontalAdvance(QString::number(range.lower, 'g', axis->numberPrecision())),
            metrics.horizontalAdvance(QString::number(range.upper, 'g', axis->numberPrecision())));
        const int length = axis->orientation() == Qt::Horizontal ? axis->axisRect()->width()
                                                                 : axis->axisRect()->height();
        const int room = axis->orientation() == Qt::Horizontal ? label : metrics.height();
        const int count
            = std::clamp(length / (room + 2 * metrics.averageCharWidth()), 2, kDefaultTickCount);
        if (axis->ticker()->tickCount() == count)
            return;
        axis->ticker()->setTickCount(count);
        // The ticks of this replot were placed before its layout: place them again.
        plot->replot(QCustomPlot::rpQueuedReplot);
    });
}

} // namespace widgets::plotstyle
