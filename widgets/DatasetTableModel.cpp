#include "DatasetTableModel.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QPalette>

namespace widgets {

DatasetTableModel::DatasetTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void DatasetTableModel::setData(SharedSourceData data)
{
    beginResetModel();
    m_data = std::move(data);
    m_features = m_data ? int(m_data->data.x.rows()) : 0;
    m_targets = m_data ? int(m_data->data.y.rows()) : 0;
    m_hasTest = m_data && !m_data->test.empty();
    endResetModel();
}

int DatasetTableModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_data)
        return 0;
    return int(m_data->data.size() + m_data->test.size());
}

int DatasetTableModel::columnCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_data)
        return 0;
    return m_features + m_targets + (m_hasTest ? 1 : 0);
}

std::pair<const engine::Dataset*, long> DatasetTableModel::sample(int row) const
{
    const long n = m_data->data.size();
    return row < n ? std::pair {&m_data->data, long(row)} : std::pair {&m_data->test, row - n};
}

QVariant DatasetTableModel::data(const QModelIndex& index, int role) const
{
    if (!m_data || !index.isValid() || index.row() >= rowCount())
        return {};
    const int col = index.column();
    if (role == TargetRole)
        return isTargetColumn(col);
    if (role == Qt::BackgroundRole && isTargetColumn(col))
        return QBrush(QColor(255, 236, 179)); // amber 100: the same mark as the header
    if (role == Qt::TextAlignmentRole)
        return col < m_features + m_targets ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                            : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != Qt::EditRole)
        return {};
    const auto [d, i] = sample(index.row());
    if (col < m_features)
        return role == Qt::EditRole ? QVariant(double(d->x(col, i)))
                                    : QVariant(QString::number(double(d->x(col, i)), 'g', 5));
    if (col < m_features + m_targets) {
        const double v = double(d->y(col - m_features, i));
        if (role == Qt::EditRole)
            return v;
        if (d->task == engine::TaskKind::Classification) {
            const int c = int(v);
            if (c >= 0 && std::size_t(c) < d->classNames.size())
                return QStringLiteral("%1 (%2)")
                    .arg(QString::fromStdString(d->classNames[std::size_t(c)]))
                    .arg(c);
            return c;
        }
        return QString::number(v, 'g', 5);
    }
    return d == &m_data->test ? tr("test") : tr("train/validation");
}

QVariant DatasetTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!m_data)
        return {};
    if (orientation == Qt::Vertical) {
        if (role == Qt::DisplayRole)
            return section + 1;
        return {};
    }
    const engine::Dataset& d = m_data->data;
    if (role == Qt::FontRole && isTargetColumn(section)) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::BackgroundRole && isTargetColumn(section))
        return QBrush(QColor(255, 213, 79));
    if (role == Qt::ToolTipRole) {
        if (isTargetColumn(section))
            return d.task == engine::TaskKind::Classification
                ? tr("Target: the class the network learns to predict")
                : tr("Target: the value the network learns to predict");
        if (section < m_features && !d.scaling.isIdentity())
            return tr("Input feature, shown after %1 scaling")
                .arg(QString::fromStdString(d.scaling.method));
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    if (section < m_features) {
        if (std::size_t(section) < d.featureNames.size())
            return QString::fromStdString(d.featureNames[std::size_t(section)]);
        return tr("x%1").arg(section + 1);
    }
    if (isTargetColumn(section)) {
        const int t = section - m_features;
        const QString name = std::size_t(t) < d.targetNames.size()
            ? QString::fromStdString(d.targetNames[std::size_t(t)])
            : (m_targets == 1 ? tr("label") : tr("y%1").arg(t + 1));
        return tr("%1 (target)").arg(name);
    }
    return tr("part");
}

} // namespace widgets
