#pragma once
// Pictures (PNG, PDF) and data (CSV) of the live training views: the one place that knows how
// each view exports, used by their right-click menus, by File > Export > Current Plot and by the
// loss plot's own PNG/CSV buttons.

#include <QByteArray>
#include <QImage>
#include <QString>

class QWidget;

namespace widgets::plotexport {

/// What a file name asks for, by its suffix (case-insensitive).
enum class Format {
    Png, ///< .png: the picture at twice the view's size (device pixel ratio 2)
    Pdf, ///< .pdf: vector picture, one page of the view's size in points
    Csv, ///< .csv: the data behind the picture
    Unknown
};
Format formatOf(const QString& file);

/// Writes `bytes` through QSaveFile, so a reader never sees a half-written file and a failed
/// write leaves the old file alone. Returns "" or "<file>: cannot write: <reason>".
QString writeFileAtomically(const QString& file, const QByteArray& bytes);

/// True for the views this helper knows: LossPlot, GradientFlowPlot, WeightHistogramView,
/// ConfusionMatrixView, DecisionBoundaryView, WeightHeatmap.
bool isExportable(const QWidget* view);

/// The view's picture at `scale` times its size (a QCustomPlot view draws only the plot, without
/// its tool row); white background. Null when the view has no size yet.
QImage renderImage(QWidget* view, double scale = 2.0);

/// The data behind the view as CSV text with a header line (see the .cpp for each view's
/// columns); only the header while the view has no data yet. Empty for an unknown view.
QString csvText(const QWidget* view);

/// Saves the picture or data by the file's suffix (.png, .pdf, .csv). Returns "" or a message
/// naming the file and the reason.
QString save(QWidget* view, const QString& file);

} // namespace widgets::plotexport
