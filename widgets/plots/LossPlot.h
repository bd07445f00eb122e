#pragma once

#include "plots/ExportableView.h"
#include "training/TrainingView.h"

#include <QString>
#include <QWidget>

#include <optional>
#include <vector>

class QCheckBox;
class QCPLegend;
class QCPGraph;
class QCPRange;
class QCustomPlot;

namespace widgets {
class LossPlotOverlays;
}

namespace widgets {

/// Training and validation loss of the current run (per mini-batch and per epoch) and, for
/// classification, accuracy on the right axis. Earlier runs stay on the plot, dimmed and named by
/// their hyperparameters, so runs can be compared; Clear runs removes them.
///
/// The horizontal axis is epoch progress (see StepPoint::x). Dragging pans, the wheel zooms;
/// after either the view stops following new data until a double-click.
class LossPlot : public QWidget, public TrainingView, public ExportableView {
    Q_OBJECT
public:
    explicit LossPlot(QWidget* parent = nullptr);
    ~LossPlot() override;

    /// Starts a new curve set, named by the project's name and the session's label; the
    /// previous run (if it has points) is dimmed and kept.
    void startSession(const TrainingSessionInfo& info) override;
    void addSnapshot(const TrainingSnapshot& snapshot) override;
    /// Keeps the runs when `project` has the key of the runs' project, else removes them all.
    void clearForProject(const ProjectIdentity& project) override;
    /// Removes every earlier run and the sweep's curves (overlays()); the current run stays.
    void clearRuns();
    void setLogScale(bool on);
    bool logScale() const;

    /// Both write through plotexport (PlotExport.h), atomically; false on error.
    bool exportPng(const QString& file);
    bool exportCsv(const QString& file) const;
    /// run,label,series,x,value rows for every point of every run (accuracies as fractions),
    /// then the sweep's curves (run "sweep-<key>", LossPlotOverlays::csvRows()).
    QString csvText() const override;
    /// The plot without the check boxes above it.
    QCustomPlot* picturePlot() const override { return m_plot; }

    int runCount() const { return int(m_runs.size()); }
    /// The highest run id shown (0: none). A session under the id of a shown run replaces it.
    int lastRunId() const;
    /// Mini-batch losses received in the current run (the plot may average blocks of them).
    long stepPointCount() const;
    /// Epoch points of the current run.
    int epochPointCount() const;
    QCustomPlot* plot() const { return m_plot; }
    /// Extra curves over the runs (a sweep's), in a legend of their own; cleared with the runs
    /// when another project opens.
    LossPlotOverlays* overlays() const { return m_overlays; }

private:
    struct Series {
        QString name;
        QCPGraph* graph = nullptr;
    };
    struct Run {
        int id = 0;
        QString label;
        bool fromFile = false; ///< the run stored in the project file (TrainingSessionInfo)
        bool classification = false;
        // Mini-batch losses are drawn as means of blocks of `block` batches so that a long run
        // stays at most kMaxStepPoints points (a replot is then cheap however long it runs).
        long block = 1;
        long pending = 0;
        double pendingX = 0, pendingSum = 0;
        long stepCount = 0; ///< mini-batches received
        Series stepLoss, trainLoss, validationLoss, trainAccuracy, validationAccuracy;
        std::vector<Series*> all()
        {
            return {&stepLoss, &trainLoss, &validationLoss, &trainAccuracy, &validationAccuracy};
        }
    };
    static constexpr int kMaxStepPoints = 4000;
    static constexpr int kNamedRuns = 2; ///< earlier runs named in the legend; older: counted
    void addStep(Run& run, double x, double loss);
    /// The current run becomes an earlier one (dimmed), or goes when it has no points.
    void endCurrentRun();
    void dimRun(Run& run, int index);
    void nameEarlierRuns();
    void addLegendRow(QCPLegend* legend);
    void arrangeLegend();
    void arrangeLegendColumns(QCPLegend* legend);
    void removeRun(Run& run);
    /// Fits time to the current run (or, without one, the earlier runs) and the losses to the
    /// curves within that time.
    void rescale();
    /// Union of the key ranges of the runs' visible loss curves; nullopt when they are empty.
    std::optional<QCPRange> keyRange(const std::vector<const Run*>& runs) const;
    void updateAccuracyAxis();
    QCPGraph* makeGraph(
        bool rightAxis, const QColor& color, Qt::PenStyle style, double width, const QString& name);

    QCustomPlot* m_plot = nullptr;
    QCheckBox* m_log = nullptr;
    QCheckBox* m_showSteps = nullptr;
    std::vector<Run> m_runs; ///< the last one is the current run when m_lastIsCurrent
    bool m_lastIsCurrent = false;
    QCPLegend* m_runLegend = nullptr; ///< earlier runs, under the current run's legend
    QCPLegend* m_overlayLegend = nullptr; ///< the overlays', under the earlier runs'
    LossPlotOverlays* m_overlays = nullptr;
    bool m_follow = true;
    ProjectIdentity m_project; ///< whose runs these are
};

} // namespace widgets
