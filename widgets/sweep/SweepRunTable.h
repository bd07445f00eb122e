#pragma once

#include "sweep/SweepRunner.h"

#include <QTableWidget>

#include <map>
#include <optional>

namespace widgets {

/// The progress table of a sweep: one row per run with its settings, status, epoch, final and
/// best validation loss and accuracy, and time. Fed with the values SweepController delivers;
/// knows the best run (lowest best validation loss, or final training loss without validation).
class SweepRunTable : public QTableWidget {
    Q_OBJECT
public:
    enum Column {
        RunColumn,
        SettingsColumn,
        StatusColumn,
        EpochColumn,
        LossColumn,
        BestLossColumn,
        AccuracyColumn,
        BestAccuracyColumn,
        TimeColumn,
        ColumnCount
    };

    explicit SweepRunTable(QWidget* parent = nullptr);

    /// One "queued" row per run.
    void setRuns(const std::vector<engine::SweepRun>& runs, int totalEpochs);
    void clearRuns();
    /// Shows `color` (its curve's on the loss plot) beside the number of run `index`.
    void setRunColor(int index, const QColor& color);
    void runStarted(int index);
    void addEpochs(int index, const QVector<engine::EpochRecord>& records);
    void runFinished(const engine::SweepRunResult& result);
    /// Rows of runs that never started say so.
    void markUnstarted(const QString& status);

    /// The finished run with the best validation loss (1-based index), if any.
    std::optional<int> bestRun() const;
    const engine::SweepRunResult* result(int index) const;
    /// The run index of `row`, 0 for none.
    int runAt(int row) const;

private:
    void setCell(int row, int column, const QString& text);
    void markBest();
    /// The figure runs are ranked by; nullopt when the run has none.
    static std::optional<double> rankOf(const engine::SweepRunResult& r);

    int m_totalEpochs = 0;
    std::map<int, engine::SweepRunResult> m_results;
    std::map<int, std::optional<double>> m_bestLoss; ///< best validation loss so far, per run
    std::map<int, std::optional<double>> m_bestAccuracy;
};

} // namespace widgets
