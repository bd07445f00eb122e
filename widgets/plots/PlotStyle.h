#pragma once
// Colours shared by the live training views, so that a class or a sign looks the same in every
// plot.

#include <QColor>

class QCPAxis;
class QCPColorGradient;
class QCustomPlot;

namespace widgets::plotstyle {

/// Blue (negative) - white (zero) - red (positive); use with a data range symmetric about 0.
QCPColorGradient diverging();
/// TensorFlow Playground's orange (class 0 / low) - white - blue (class 1 / high).
QCPColorGradient playground();
/// `n` flat levels, one categorical colour per class.
QCPColorGradient categorical(int n);
/// Categorical colour of a class: orange and blue for the first two, as in the Playground.
QColor classColor(int index);
/// Colour of series `index` in plots with one curve per layer.
QColor seriesColor(int index);
/// Queues a replot when the plot is on screen, paced by its ReplotPacer (a plot's live replots
/// take at most a small share of the GUI thread); hidden plots (other tabs) are replotted by
/// their view's showEvent() instead, so they cost the GUI thread nothing while training.
void replotIfVisible(QCustomPlot* plot);
/// The diverging colour of v in [-1, 1] (clamped), for hand-painted thumbnails.
QColor divergingAt(double v);
/// Ticks on whole numbers only, for axes of indices (units, time steps, columns).
void useIntegerTicks(QCPAxis* axis);
/// Keeps `axis`'s tick labels apart however short the axis is: re-targets its ticker's tick
/// count after every layout to as many labels as fit (at most QCustomPlot's default 5), each as
/// wide as its widest (the range's ends) plus two characters, and replots when that changed.
void fitTicksToLength(QCustomPlot* plot, QCPAxis* axis);

} // namespace widgets::plotstyle
