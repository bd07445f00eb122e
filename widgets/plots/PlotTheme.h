#pragma once
// The colours every live training view paints its frame with (background, axes, tick labels,
// grid, legend, colour-bar labels), light or dark, and the one current theme they all follow.

#include <QColor>
#include <QObject>
#include <QPalette>

class QCustomPlot;

namespace widgets {

/// Light or dark colours for the plots' frames. Data colours (series, classes, the diverging
/// and Playground gradients) are the same in both: they are chosen to read on either background.
struct PlotTheme {
    bool isDark = false;
    QColor background; ///< plot and hand-painted view background
    QColor text; ///< tick labels, axis labels, legend text, colour-bar labels
    QColor axis; ///< axis lines and ticks
    QColor grid;
    QColor subGrid;
    QColor zeroLine;
    QColor legendFill; ///< legend boxes that have a fill (most legends have none)
    QColor legendBorder;
    QColor neutral; ///< data without a class or sign: the forecast's input curve
    QColor quiet; ///< secondary marks: the timeline's idle handle, other inputs, the diagonal
    QColor quietFill; ///< fill behind a quiet label

    static PlotTheme light();
    static PlotTheme dark();

    /// A widget palette with these colours (Base, Window, Text, ...), for hand-painted views and
    /// for the application in forced dark or light mode.
    QPalette palette() const;

    /// The theme every view follows (light until setCurrent()).
    static const PlotTheme& current();
    /// Makes `theme` current and, when it differs, emits PlotThemeNotifier::changed().
    static void setCurrent(const PlotTheme& theme);

    /// Paints `plot`'s background, every axis (also colour scales'), grid and legend with `theme`.
    /// Does not replot.
    static void apply(QCustomPlot* plot, const PlotTheme& theme);
    /// `plot` follows current(): applied before each replot (so layout elements added later are
    /// themed too), and replotted when the theme changes.
    static void follow(QCustomPlot* plot);
};

/// Tells views that PlotTheme::current() changed (hand-painted views repaint, plots replot).
class PlotThemeNotifier : public QObject {
    Q_OBJECT
public:
    static PlotThemeNotifier* instance();

signals:
    void changed();
};

} // namespace widgets
