#pragma once

#include <QObject>

#include <optional>
#include <utility>

class QCPItemStraightLine;
class QCPItemText;
class QCustomPlot;
class QMenu;

namespace widgets {

class RunTimeline;

/// The loss plot's scrubber: a marker line at an epoch of the timeline (RunTimeline). Drag it
/// and every data view shows the network as it was at that epoch (scrubbed()); right-click it for
/// "Continue from here" (a new run forked from it with the current settings), "Latest" and the
/// run whose epochs it goes through. It takes no room of its own: the plot keeps its height.
/// Dragging elsewhere still pans the plot.
class TimelineScrubber : public QObject {
    Q_OBJECT
public:
    TimelineScrubber(RunTimeline* timeline, QCustomPlot* plot, QObject* parent = nullptr);

    /// The (run, epoch) shown, or none while the views follow training.
    std::optional<std::pair<int, int>> scrubbedTo() const { return m_scrubbed; }
    /// The run whose epochs the marker goes through (the newest unless one was chosen).
    int run() const { return m_run; }
    /// Moves the marker to the kept epoch nearest `epoch` of `runId` (as a drag does).
    void scrubTo(int runId, int epoch);
    /// Back to the live views, marker at the newest epoch.
    void followLatest();
    /// What the marker's label says ("epoch 6", or "epoch 12 (latest)").
    QString epochText() const;
    /// The right-click menu (built on demand; for tests).
    QMenu* contextMenu();
    /// The menu a right-click last opened (null before any).
    QMenu* shownMenu() const { return m_menu; }
    /// The marker's horizontal position in the plot's pixels (tests drag it from there).
    double markerPixel() const;
    bool isShown() const;

signals:
    void scrubbed(int runId, int epoch);
    void latestRequested();
    void continueRequested(int runId, int epoch);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void refresh();
    /// The kept epoch of the chosen run nearest to plot x `pixel`.
    std::optional<int> epochAtPixel(double pixel) const;
    int newestRun() const;

    RunTimeline* m_timeline;
    QCustomPlot* m_plot;
    QCPItemStraightLine* m_line = nullptr;
    QCPItemText* m_label = nullptr;
    QMenu* m_menu = nullptr;
    int m_run = -1; ///< chosen run, -1: the newest
    bool m_dragging = false;
    std::optional<std::pair<int, int>> m_scrubbed;
};

} // namespace widgets
