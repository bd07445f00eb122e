#pragma once

#include "plots/ExportableView.h"
#include "training/TrainingView.h"

#include <QString>
#include <QWidget>

#include <map>
#include <vector>

class QComboBox;
class QCPBars;
class QCPGraph;
class QCPItemStraightLine;
class QCustomPlot;

namespace widgets {

/// How one layer's weights are distributed, over time and now: bands between the quantiles
/// (0/7/16/31/50/69/84/93/100 %, as TensorBoard's distributions) against epoch progress, and a
/// histogram of the latest values.
class WeightHistogramView : public QWidget, public TrainingView, public ExportableView {
    Q_OBJECT
public:
    explicit WeightHistogramView(QWidget* parent = nullptr);
    ~WeightHistogramView() override;

    void startSession(const TrainingSessionInfo& info) override;
    void addSnapshot(const TrainingSnapshot& snapshot) override;
    void clearForProject(const ProjectIdentity& project) override;

    /// tensor,series,x,value rows: the quantile bands ("quantile_0.5") over time, then the
    /// histogram's bars ("histogram_count"). The picture is the whole view (two plots).
    QString csvText() const override;
    QCustomPlot* picturePlot() const override;
    /// Samples kept for the selected tensor.
    int historyCount() const;

    /// The timeline scrubbed to `epoch`: the histogram shows the weights of `checkpoint` (its
    /// params) and a line marks the epoch on the bands, whose history stays whole.
    void showEpoch(const TrainingSnapshot& checkpoint, int epoch);
    /// Back to the newest weights (the live run's or the run's end).
    void showLatestWeights();
    /// The epoch shown by showEpoch(), or -1 for the newest weights.
    int shownEpoch() const { return m_shownEpoch; }
    /// The histogram's bar counts (for tests).
    QVector<double> histogramCounts() const;

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Sample {
        double x = 0;
        std::vector<double> quantiles;
    };
    /// fillBands(), fillHistogram() and paced replots of both.
    void render();
    void fillBands(); ///< quantile bands of the selected tensor's history
    void fillHistogram(); ///< histogram of the selected tensor's latest values

    QComboBox* m_choice = nullptr;
    QCustomPlot* m_bands = nullptr;
    QCustomPlot* m_histogram = nullptr;
    std::vector<QCPGraph*> m_quantileGraphs;
    QCPBars* m_bars = nullptr;
    std::map<QString, std::vector<Sample>> m_history;
    std::map<QString, engine::Matrix> m_latest;
    /// The scrubbed epoch's weights, drawn instead of m_latest while m_shownEpoch >= 0.
    std::map<QString, engine::Matrix> m_atEpoch;
    int m_shownEpoch = -1;
    QCPItemStraightLine* m_epochLine = nullptr;
    bool m_bandsStale = false; ///< m_history is newer than the bands: fill before drawing
    bool m_histogramStale = false; ///< likewise m_latest and the histogram
};

} // namespace widgets
