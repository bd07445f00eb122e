#pragma once
// Colours shared by the live training views, so that a class or a sign looks the same in every
// plot.

#include <QColor>

class QCPColorGradient;

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
/// The diverging colour of v in [-1, 1] (clamped), for hand-painted thumbnails.
QColor divergingAt(double v);

} // namespace widgets::plotstyle
