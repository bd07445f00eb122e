#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>

class QCustomPlot;

namespace widgets {

/// Spaces out the live replots of one plot so that it takes at most a fixed share of the GUI
/// thread while training: after a replot that took c ms, the next one waits c / budget() ms (at
/// least kMinIntervalMs, one 30 Hz frame; at most kMaxIntervalMs). Requests in between are
/// merged into one replot at the end of the pause, so the last data is always drawn.
///
/// The cost is QCustomPlot::replotTime() of the recent replots plus the time the view took to
/// fill the plot's data (setPrepare()), so a big or slow plot (a large heatmap, a long curve,
/// software rendering) slows down by itself instead of stealing time from the trainer, which
/// shares the cores with this thread. Owned by (a child of) its plot.
class ReplotPacer : public QObject {
public:
    static constexpr double kDefaultBudget = 0.02; ///< share of the GUI thread per plot
    static constexpr int kMinIntervalMs = 33;
    static constexpr int kMaxIntervalMs = 1000;

    /// The pacer of `plot`, created on first use.
    static ReplotPacer* of(QCustomPlot* plot);
    /// Changes the share for all plots (GUI thread only); 1 replots at up to 30 Hz whatever the
    /// cost, as without pacing (netcanvas-gui-bench --replot-budget compares the two).
    static void setBudget(double share);
    static double budget();

    /// Replots now when the pause after the previous replot is over, else at its end. A hidden
    /// plot is replotted when it is shown next.
    void request();
    /// `fill` runs right before each paced replot: a view that stores each snapshot and fills
    /// its plottables here converts only the data that is drawn, at the paced rate, and the fill
    /// counts in the pacing. A hidden plot's fill waits until it is shown, like its replot.
    void setPrepare(std::function<void()> fill) { m_prepare = std::move(fill); }
    /// The pause that follows the last replot, in ms.
    int intervalMs() const;
    long replotCount() const { return m_replots; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    explicit ReplotPacer(QCustomPlot* plot);
    void replotNow();

    QCustomPlot* m_plot;
    std::function<void()> m_prepare;
    double m_prepareMs = 0; ///< moving average of m_prepare's duration
    QTimer m_timer;
    QElapsedTimer m_sinceReplot;
    long m_replots = 0;
    bool m_missed = false; ///< a request came while the plot was hidden
};

} // namespace widgets
