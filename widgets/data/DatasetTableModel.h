#pragma once

#include "data/DatasetLoader.h"

#include <QAbstractTableModel>

namespace widgets {

/// A read-only table over a loaded dataset: one row per sample (the source's own validation and
/// test splits, if any, after the rest, in order), one column per input feature, then the target
/// column(s) and, when the source has its own parts, a "part" column.
///
/// Sequences ({T, F} inputs) read as one row per window: without feature names the columns are
/// "x[t]" (one feature) or "x[t,f]"; a token dataset (Dataset::vocabulary) shows each input
/// cell as its token text, so a row reads as the text of the window (the id is in the tooltip).
/// Cells are computed on demand from the shared matrices, so 60,000 rows cost nothing until shown.
///
/// Target columns are marked: their header says "(target)" and they have their own background
/// (TargetRole is true); classification targets show the class name.
class DatasetTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    /// data(index, TargetRole) is true for target columns.
    static constexpr int TargetRole = Qt::UserRole + 1;

    explicit DatasetTableModel(QObject* parent = nullptr);

    /// Shows `data` (may be null: empty table). Resets the model.
    void setData(SharedSourceData data);
    const SharedSourceData& sourceData() const { return m_data; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    int featureColumns() const { return m_features; }
    int targetColumns() const { return m_targets; }
    bool isTargetColumn(int column) const
    {
        return column >= m_features && column < m_features + m_targets;
    }

private:
    /// The dataset holding row `row` and the column index in it.
    std::pair<const engine::Dataset*, long> sample(int row) const;

    SharedSourceData m_data;
    int m_features = 0;
    int m_targets = 0;
    bool m_hasParts = false;
};

} // namespace widgets
