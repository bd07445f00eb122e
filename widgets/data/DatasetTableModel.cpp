#include "data/DatasetTableModel.h"

#include "data/VocabularyTable.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QPalette>

#include <cmath>

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
    m_hasParts = m_data && (!m_data->test.empty() || m_data->splitInOrder);
    endResetModel();
}

int DatasetTableModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_data)
        return 0;
    return int(m_data->data.size() + m_data->validation.size() + m_data->test.size());
}

int DatasetTableModel::columnCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_data)
        return 0;
    return m_features + m_targets + (m_hasParts ? 1 : 0);
}

std::pair<const engine::Dataset*, long> DatasetTableModel::sample(int row) const
{
    const long n = m_data->data.size();
    const long v = n + m_data->validation.size();
    if (row < n)
        return {&m_data->data, long(row)};
    return row < v ? std::pair {&m_data->validation, row - n} : std::pair {&m_data->test, row - v};
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
    if (col < m_features) {
        const double v = double(d->x(col, i));
        if (role == Qt::EditRole)
            return v;
        const auto& vocab = d->vocabulary;
        const long id = std::lround(v);
        if (!vocab.empty() && id >= 0 && std::size_t(id) < vocab.size())
            return role == Qt::ToolTipRole
                ? tr("token %1: “%2”").arg(id).arg(QString::fromStdString(vocab[std::size_t(id)]))
                : VocabularyTable::visibleToken(vocab[std::size_t(id)]);
        return QString::number(v, 'g', 5);
    }
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
    if (d == &m_data->test)
        return tr("test");
    if (d == &m_data->validation)
        return tr("validation");
    return m_data->splitInOrder ? tr("train") : tr("train/validation");
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
        if (d.inputShape.isSequence()) {
            const int f = d.inputShape.stepFeatures();
            return f == 1 ? tr("x[%1]").arg(section)
                          : tr("x[%1,%2]").arg(section / f).arg(section % f);
        }
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
