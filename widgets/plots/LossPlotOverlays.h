#pragma once

#include <QColor>
#include <QObject>
#include <QString>
#include <QVector>

#include <map>

class QCPGraph;
class QCPLegend;
class QCustomPlot;

namespace widgets {

/// Extra loss curves over a LossPlot's runs, one per key (a sweep's runs), each in its own colour
/// (color(), for a table that lists them). One may be highlighted (drawn thick, the others
/// faded). Their legend names at most kNamedCurves of them, the highlighted one first, and counts
/// the rest, so that a dozen runs leave the curves their room. Owned by the LossPlot, which fits
/// its axes to them too and clears them with its runs when another project opens.
class LossPlotOverlays : public QObject {
    Q_OBJECT
public:
    static constexpr int kNamedCurves = 2;

    /// `legend` is the (empty) legend the overlays' entries go to, already placed in the plot.
    LossPlotOverlays(QCustomPlot* plot, QCPLegend* legend, QObject* parent = nullptr);

    /// Creates the curve of `key` (named `name` in the legend) or renames it.
    void setCurve(int key, const QString& name);
    /// Appends a point (epoch, loss) to the curve of `key`; ignored for an unknown key.
    /// `series` names what the loss is in the CSV export ("validation_loss", "train_loss").
    void addPoint(int key, double epoch, double loss, const QString& series);
    /// Draws `key` thick and the others faded; -1 draws all alike.
    void highlight(int key);
    int highlighted() const { return m_highlighted; }
    void clear();

    int count() const { return int(m_curves.size()); }
    /// The curve of `key`, null if none (for tests and rescaling).
    QCPGraph* graph(int key) const;
    QVector<QCPGraph*> graphs() const;
    QCPLegend* legend() const { return m_legend; }
    /// The colour of the curve of `key` (invalid for an unknown key).
    QColor color(int key) const;
    /// run,label,series,x,value rows of every curve, the run being "sweep-<key>" (no header).
    QString csvRows() const;

signals:
    /// Curves were added, extended or removed: the plot rescales and replots.
    void changed();

private:
    void restyle();
    void fillLegend();

    QCustomPlot* m_plot;
    QCPLegend* m_legend;
    std::map<int, QCPGraph*> m_curves;
    std::map<int, QString> m_series; ///< what each curve's loss is, by key
    int m_highlighted = -1;
};

} // namespace widgets
