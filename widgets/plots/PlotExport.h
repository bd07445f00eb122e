#pragma once
// Pictures (PNG, PDF) and data (CSV) of the live training views: the one place that knows how
// each view exports, used by their right-click menus, by File > Export > Current Plot and by the
// loss plot's own PNG/CSV buttons.

#include "plots/PlotTheme.h"

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

/// True for the views that implement ExportableView.
bool isExportable(const QWidget* view);

/// The view's picture at `scale` times its size in `theme` (light by default, whatever the
/// screen shows: pictures go on paper and slides): its ExportableView::picturePlot() while
/// shown (without the view's tool row), else the whole view on the theme's background. Null
/// when the view has no size yet. The view is back in PlotTheme::current() afterwards.
QImage renderImage(QWidget* view, double scale = 2.0, const PlotTheme& theme = PlotTheme::light());

/// ExportableView::csvText() (each view documents its columns): CSV text with a header line,
/// only the header while the view has no data yet. Empty for a view that is not exportable.
QString csvText(const QWidget* view);

/// Saves the picture (in `theme`, as renderImage()) or data by the file's suffix (.png, .pdf,
/// .csv). Returns "" or a message naming the file and the reason.
QString save(QWidget* view, const QString& file, const PlotTheme& theme = PlotTheme::light());

} // namespace widgets::plotexport
