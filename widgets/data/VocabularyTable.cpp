#include "data/VocabularyTable.h"

#include <QHeaderView>

namespace widgets {

VocabularyTable::VocabularyTable(QWidget* parent)
    : QTableWidget(parent)
{
    setColumnCount(4);
    setHorizontalHeaderLabels({tr("id"), tr("token"), tr("in inputs"), tr("as target")});
    horizontalHeaderItem(InputCountColumn)
        ->setToolTip(tr("Occurrences in the input windows (overlapping windows count each time)"));
    horizontalHeaderItem(TargetCountColumn)->setToolTip(tr("Samples whose target is this token"));
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    verticalHeader()->hide();
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    horizontalHeader()->setStretchLastSection(true);
    setSortingEnabled(false);
}

QString VocabularyTable::visibleToken(const std::string& token)
{
    QString s = QString::fromStdString(token);
    s.replace(QLatin1Char(' '), QStringLiteral("␣"));
    s.replace(QLatin1Char('\n'), QStringLiteral("⏎"));
    s.replace(QLatin1Char('\t'), QStringLiteral("⇥"));
    return s;
}

void VocabularyTable::setData(const SharedSourceData& data)
{
    setRowCount(0);
    if (!data || data->data.vocabulary.empty())
        return;
    const auto& vocab = data->data.vocabulary;
    std::vector<long> inputs(vocab.size(), 0);
    std::vector<long> targets(vocab.size(), 0);
    for (const engine::Dataset* d : {&data->data, &data->validation, &data->test}) {
        for (Eigen::Index c = 0; c < d->x.cols(); ++c)
            for (Eigen::Index r = 0; r < d->x.rows(); ++r) {
                const long id = std::lround(double(d->x(r, c)));
                if (id >= 0 && std::size_t(id) < vocab.size())
                    ++inputs[std::size_t(id)];
            }
        if (d->task == engine::TaskKind::Classification && d->y.rows() == 1)
            for (Eigen::Index c = 0; c < d->y.cols(); ++c) {
                const long id = std::lround(double(d->y(0, c)));
                if (id >= 0 && std::size_t(id) < vocab.size())
                    ++targets[std::size_t(id)];
            }
    }
    setRowCount(int(vocab.size()));
    for (int id = 0; id < int(vocab.size()); ++id) {
        const auto cell = [&](int column, const QString& text, Qt::Alignment align) {
            auto* item = new QTableWidgetItem(text);
            item->setTextAlignment(align | Qt::AlignVCenter);
            setItem(id, column, item);
        };
        cell(IdColumn, QString::number(id), Qt::AlignRight);
        cell(TokenColumn, visibleToken(vocab[std::size_t(id)]), Qt::AlignHCenter);
        cell(InputCountColumn, QString::number(inputs[std::size_t(id)]), Qt::AlignRight);
        cell(TargetCountColumn, QString::number(targets[std::size_t(id)]), Qt::AlignRight);
    }
}

} // namespace widgets
