#include "sweep/SweepRunTable.h"

#include <QHeaderView>

#include <cmath>

namespace widgets {

namespace {

QString lossText(std::optional<double> v)
{
    if (!v)
        return QStringLiteral("–");
    return std::isfinite(*v) ? QString::number(*v, 'g', 4) : QStringLiteral("NaN");
}

QString accuracyText(std::optional<double> v)
{
    if (!v || !std::isfinite(*v))
        return QStringLiteral("–");
    return QString::number(100.0 * *v, 'f', 1) + QStringLiteral(" %");
}

} // namespace

SweepRunTable::SweepRunTable(QWidget* parent)
    : QTableWidget(0, ColumnCount, parent)
{
    setHorizontalHeaderLabels(
        {tr("Run"), tr("Settings"), tr("Status"), tr("Epoch"), tr("Val. loss"),
            tr("Best\nval. loss"), tr("Val. acc."), tr("Best\nval. acc."), tr("Time")});
    horizontalHeaderItem(LossColumn)->setToolTip(tr("Validation loss after the last epoch"));
    horizontalHeaderItem(BestLossColumn)->setToolTip(tr("Lowest validation loss of any epoch"));
    horizontalHeaderItem(BestAccuracyColumn)
        ->setToolTip(tr("Highest validation accuracy of any epoch"));
    verticalHeader()->setVisible(false);
    setEditTriggers(NoEditTriggers);
    setSelectionBehavior(SelectRows);
    setSelectionMode(SingleSelection);
    // One line per run, every column as wide as its text; the settings take what is left.
    setWordWrap(false);
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setSectionResizeMode(SettingsColumn, QHeaderView::Stretch);
}

void SweepRunTable::setCell(int row, int column, const QString& text)
{
    QTableWidgetItem* it = item(row, column);
    if (!it) {
        it = new QTableWidgetItem;
        if (column != SettingsColumn && column != StatusColumn)
            it->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        setItem(row, column, it);
    }
    it->setText(text);
}

void SweepRunTable::setRuns(const std::vector<engine::SweepRun>& runs, int totalEpochs)
{
    clearRuns();
    m_totalEpochs = totalEpochs;
    setRowCount(int(runs.size()));
    for (int row = 0; row < int(runs.size()); ++row) {
        setCell(row, RunColumn, QString::number(runs[std::size_t(row)].index));
        setCell(row, SettingsColumn, QString::fromStdString(runs[std::size_t(row)].label()));
        setCell(row, StatusColumn, tr("queued"));
        for (int c = EpochColumn; c < ColumnCount; ++c)
            setCell(row, c, QStringLiteral("–"));
    }
}

void SweepRunTable::clearRuns()
{
    setRowCount(0);
    m_results.clear();
    m_bestLoss.clear();
    m_bestAccuracy.clear();
}

void SweepRunTable::setRunColor(int index, const QColor& color)
{
    if (index >= 1 && index <= rowCount())
        item(index - 1, RunColumn)->setData(Qt::DecorationRole, color);
}

void SweepRunTable::runStarted(int index)
{
    if (index >= 1 && index <= rowCount())
        setCell(index - 1, StatusColumn, tr("training"));
}

void SweepRunTable::addEpochs(int index, const QVector<engine::EpochRecord>& records)
{
    if (index < 1 || index > rowCount() || records.isEmpty())
        return;
    const int row = index - 1;
    for (const engine::EpochRecord& e : records) {
        if (e.validationLoss && std::isfinite(*e.validationLoss)
            && (!m_bestLoss[index] || *e.validationLoss < *m_bestLoss[index]))
            m_bestLoss[index] = e.validationLoss;
        if (e.validationAccuracy
            && (!m_bestAccuracy[index] || *e.validationAccuracy > *m_bestAccuracy[index]))
            m_bestAccuracy[index] = e.validationAccuracy;
    }
    const engine::EpochRecord& last = records.back();
    setCell(row, EpochColumn, QStringLiteral("%1/%2").arg(last.epoch).arg(m_totalEpochs));
    setCell(row, LossColumn, lossText(last.validationLoss));
    setCell(row, BestLossColumn, lossText(m_bestLoss[index]));
    setCell(row, AccuracyColumn, accuracyText(last.validationAccuracy));
    setCell(row, BestAccuracyColumn, accuracyText(m_bestAccuracy[index]));
}

void SweepRunTable::runFinished(const engine::SweepRunResult& r)
{
    const int index = r.run.index;
    if (index < 1 || index > rowCount())
        return;
    m_results[index] = r;
    const int row = index - 1;
    QString status;
    if (!r.error.empty())
        status = tr("failed: %1").arg(QString::fromStdString(r.error));
    else
        switch (r.result.reason) {
        case engine::StopReason::Completed:
            status = tr("done");
            break;
        case engine::StopReason::EarlyStop:
            status = tr("early stop");
            break;
        case engine::StopReason::Diverged:
            status = tr("diverged");
            break;
        case engine::StopReason::Interrupted:
            status = tr("cancelled");
            break;
        }
    setCell(row, StatusColumn, status);
    if (!r.error.empty())
        item(row, StatusColumn)->setToolTip(QString::fromStdString(r.error));
    setCell(row, EpochColumn, QStringLiteral("%1/%2").arg(r.result.epochs).arg(r.training.epochs));
    const std::optional<engine::Metrics> validation
        = r.result.last ? r.result.last->validation : std::nullopt;
    setCell(row, LossColumn, lossText(validation ? std::optional(validation->loss) : std::nullopt));
    setCell(row, AccuracyColumn, accuracyText(validation ? validation->accuracy : std::nullopt));
    setCell(row, BestLossColumn,
        lossText(r.bestValidation ? std::optional(r.bestValidation->loss) : std::nullopt));
    setCell(row, BestAccuracyColumn,
        accuracyText(r.bestValidation ? r.bestValidation->accuracy : std::nullopt));
    setCell(row, TimeColumn, QStringLiteral("%1 s").arg(r.seconds, 0, 'f', r.seconds < 10 ? 2 : 1));
    markBest();
}

void SweepRunTable::markUnstarted(const QString& status)
{
    for (int row = 0; row < rowCount(); ++row)
        if (!m_results.count(row + 1))
            setCell(row, StatusColumn, status);
}

std::optional<double> SweepRunTable::rankOf(const engine::SweepRunResult& r)
{
    if (!r.error.empty() || r.result.reason == engine::StopReason::Diverged || !r.result.last)
        return std::nullopt;
    if (r.bestValidation)
        return r.bestValidation->loss;
    return std::isfinite(r.result.last->train.loss) ? std::optional(r.result.last->train.loss)
                                                    : std::nullopt;
}

std::optional<int> SweepRunTable::bestRun() const
{
    std::optional<int> best;
    double bestValue = 0;
    for (const auto& [index, r] : m_results) {
        const std::optional<double> v = rankOf(r);
        if (v && (!best || *v < bestValue)) {
            best = index;
            bestValue = *v;
        }
    }
    return best;
}

void SweepRunTable::markBest()
{
    const std::optional<int> best = bestRun();
    for (int row = 0; row < rowCount(); ++row) {
        const bool isBest = best && *best == row + 1;
        for (int c = 0; c < ColumnCount; ++c)
            if (QTableWidgetItem* it = item(row, c)) {
                QFont f = it->font();
                f.setBold(isBest);
                it->setFont(f);
            }
        if (const auto it = m_results.find(row + 1);
            it != m_results.end() && it->second.error.empty()) {
            QString status = item(row, StatusColumn)->text();
            const QString mark = tr(" (best)");
            if (status.endsWith(mark))
                status.chop(mark.size());
            setCell(row, StatusColumn, isBest ? status + mark : status);
        }
    }
}

const engine::SweepRunResult* SweepRunTable::result(int index) const
{
    const auto it = m_results.find(index);
    return it == m_results.end() ? nullptr : &it->second;
}

int SweepRunTable::runAt(int row) const
{
    return row >= 0 && row < rowCount() ? row + 1 : 0;
}

} // namespace widgets
