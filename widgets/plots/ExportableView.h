#pragma once

#include <QString>

class QCustomPlot;

namespace widgets {

/// A live view that can be saved as a picture (PNG, PDF) and as the data behind it (CSV).
/// plotexport (PlotExport.h) saves any widget that implements it, and knows no view by name.
class ExportableView {
public:
    virtual ~ExportableView() = default;

    /// The data behind the view as CSV text with a header line; only the header while the view
    /// has no data yet.
    virtual QString csvText() const = 0;
    /// The plot that is the view's picture while it is shown (the view's tool rows are left
    /// out); null when the view is drawn as a whole (several plots, or painted by hand). A
    /// hidden plot (the view shows another page) also draws the view as a whole.
    virtual QCustomPlot* picturePlot() const = 0;

protected:
    /// `text` as one CSV field: in quotes (inner quotes doubled) when it holds a comma, a quote
    /// or a line break (RFC 4180), else as it is.
    static QString csvField(QString text);
    /// `value` with 8 significant digits.
    static QString csvNumber(double value);
};

} // namespace widgets
