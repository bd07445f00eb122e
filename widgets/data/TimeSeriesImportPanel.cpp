#include "data/TimeSeriesImportPanel.h"

#include "core/Errors.h"

#include <QDoubleSpinBox>
#include <QEvent>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace widgets {

TimeSeriesImportPanel::TimeSeriesImportPanel(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    auto* inputBox = new QGroupBox(tr("Input column(s)"), this);
    auto* inputLayout = new QVBoxLayout(inputBox);
    m_inputs = new QListWidget(inputBox);
    m_inputs->setObjectName(QStringLiteral("seriesInputs"));
    m_inputs->setToolTip(tr("The columns each window shows the network, step by step. None "
                            "checked: the target column(s), i.e. the series' own past."));
    m_inputs->setMaximumHeight(110);
    inputLayout->addWidget(m_inputs);
    row->addWidget(inputBox, 1);

    auto* windowBox = new QGroupBox(tr("Windows"), this);
    auto* form = new QFormLayout(windowBox);
    m_window = new QSpinBox(windowBox);
    m_window->setObjectName(QStringLiteral("seriesWindow"));
    m_window->setRange(1, 10000);
    m_window->setValue(10);
    m_window->setSuffix(tr(" steps"));
    m_window->setToolTip(tr("T: consecutive rows in one input window (shape T × inputs)"));
    form->addRow(tr("&Window:"), m_window);
    m_horizon = new QSpinBox(windowBox);
    m_horizon->setObjectName(QStringLiteral("seriesHorizon"));
    m_horizon->setRange(1, 10000);
    m_horizon->setValue(1);
    m_horizon->setSuffix(tr(" ahead"));
    m_horizon->setToolTip(tr("H: the target is the value H rows after the window's last row"));
    form->addRow(tr("Hori&zon:"), m_horizon);
    m_validation = new QDoubleSpinBox(windowBox);
    m_validation->setObjectName(QStringLiteral("seriesValidation"));
    m_validation->setRange(0.0, 0.9);
    m_validation->setSingleStep(0.05);
    m_validation->setDecimals(2);
    m_validation->setValue(0.2);
    m_validation->setToolTip(tr("The last part of the series, in time order, for validation. "
                                "No window crosses into it and it is never shuffled into "
                                "training."));
    form->addRow(tr("&Validation (last):"), m_validation);
    row->addWidget(windowBox, 1);
    layout->addLayout(row);

    m_previewPart = new QWidget(this);
    auto* previewLayout = new QVBoxLayout(m_previewPart);
    previewLayout->setContentsMargins(0, 0, 0, 0);
    previewLayout->addWidget(new QLabel(tr("First windows (inputs → target):"), m_previewPart));
    m_preview = new QTableWidget(m_previewPart);
    m_preview->setObjectName(QStringLiteral("seriesPreview"));
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->setMinimumHeight(120);
    m_preview->verticalHeader()->setDefaultSectionSize(m_preview->fontMetrics().height() + 6);
    m_preview->horizontalHeader()->setDefaultSectionSize(kMinColumnWidth);
    previewLayout->addWidget(m_preview, 1);
    m_note = new QLabel(m_previewPart);
    m_note->setObjectName(QStringLiteral("seriesNote"));
    m_note->setWordWrap(true);
    m_note->setTextFormat(Qt::PlainText); // engine messages may hold '<'
    previewLayout->addWidget(m_note);
    layout->addWidget(m_previewPart, 1);
    m_previewPart->installEventFilter(this);

    const auto changed = [this] {
        refreshPreview();
        emit settingsChanged();
    };
    connect(m_window, &QSpinBox::valueChanged, this, changed);
    connect(m_horizon, &QSpinBox::valueChanged, this, changed);
    connect(m_validation, &QDoubleSpinBox::valueChanged, this, changed);
    connect(m_inputs, &QListWidget::itemChanged, this, changed);
}

void TimeSeriesImportPanel::setSource(
    const QStringList& columns, const QString& head, char delimiter, bool header)
{
    const QList<int> previous = inputColumns();
    m_columns = columns;
    m_head = head;
    m_delimiter = delimiter;
    m_header = header;
    const QSignalBlocker block(m_inputs);
    m_inputs->clear();
    for (const QString& c : columns) {
        auto* item = new QListWidgetItem(c, m_inputs);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
        item->setCheckState(
            previous.contains(int(m_inputs->count() - 1)) ? Qt::Checked : Qt::Unchecked);
    }
    refreshPreview();
}

void TimeSeriesImportPanel::setTargets(const QList<int>& targets)
{
    m_targets = targets;
    refreshPreview();
}

QList<int> TimeSeriesImportPanel::inputColumns() const
{
    QList<int> out;
    for (int i = 0; i < m_inputs->count(); ++i)
        if (m_inputs->item(i)->checkState() == Qt::Checked)
            out << i;
    return out;
}

void TimeSeriesImportPanel::setInputColumns(const QList<int>& columns)
{
    {
        const QSignalBlocker block(m_inputs);
        for (int i = 0; i < m_inputs->count(); ++i)
            m_inputs->item(i)->setCheckState(columns.contains(i) ? Qt::Checked : Qt::Unchecked);
    }
    refreshPreview();
}

std::vector<std::string> TimeSeriesImportPanel::columnKeys(const QList<int>& columns) const
{
    std::vector<std::string> keys;
    for (int c : columns)
        keys.push_back(
            m_header && c < m_columns.size() ? m_columns[c].toStdString() : std::to_string(c));
    return keys;
}

engine::TimeSeriesOptions TimeSeriesImportPanel::options() const
{
    engine::TimeSeriesOptions o;
    o.inputs = columnKeys(inputColumns());
    o.targets = columnKeys(m_targets);
    o.window = m_window->value();
    o.horizon = m_horizon->value();
    o.validation = m_validation->value();
    o.delimiter = m_delimiter;
    o.header = m_header;
    return o;
}

void TimeSeriesImportPanel::refreshPreview()
{
    m_preview->clear();
    m_preview->setRowCount(0);
    m_preview->setColumnCount(0);
    if (m_head.isEmpty() || m_targets.isEmpty()) {
        setNote(m_head.isEmpty() ? tr("Choose a CSV file first.")
                                 : tr("Choose at least one target column."));
        return;
    }
    // The first lines only, without a validation part, so a long file previews instantly.
    engine::TimeSeriesOptions o = options();
    o.validation = 0.0;
    o.test = 0.0;
    engine::SourceData parts;
    try {
        parts = engine::parseTimeSeries(m_head.toStdString(), "preview", o);
    } catch (const std::exception& e) {
        setNote(tr("No preview: %1").arg(QString::fromStdString(e.what())));
        return;
    }
    const engine::Dataset& d = parts.data;
    const int inputs = int(d.x.rows());
    const int targets = int(d.y.rows());
    const int rows = int(std::min<long>(kPreviewWindows, d.size()));
    m_preview->setColumnCount(inputs + targets);
    m_preview->setRowCount(rows);
    QStringList headers;
    for (const auto& n : d.featureNames)
        headers << QString::fromStdString(n);
    for (const auto& n : d.targetNames)
        headers << tr("→ %1").arg(QString::fromStdString(n));
    m_preview->setHorizontalHeaderLabels(headers);
    QFont bold = m_preview->font();
    bold.setBold(true);
    for (int t = 0; t < targets; ++t)
        if (QTableWidgetItem* h = m_preview->horizontalHeaderItem(inputs + t))
            h->setFont(bold);
    QStringList rowLabels;
    for (int r = 0; r < rows; ++r) {
        rowLabels << tr("window %1").arg(r + 1);
        for (int c = 0; c < inputs; ++c)
            m_preview->setItem(
                r, c, new QTableWidgetItem(QString::number(double(d.x(c, r)), 'g', 6)));
        for (int t = 0; t < targets; ++t) {
            auto* item = new QTableWidgetItem(QString::number(double(d.y(t, r)), 'g', 6));
            item->setBackground(QColor(255, 236, 179)); // the dataset panel's target mark
            m_preview->setItem(r, inputs + t, item);
        }
    }
    m_preview->setVerticalHeaderLabels(rowLabels);
    // Headers as wide as their (bold) text, so a long target name is not cut; short ones keep
    // a common width.
    m_preview->resizeColumnsToContents();
    for (int c = 0; c < m_preview->columnCount(); ++c)
        m_preview->setColumnWidth(c, std::max(m_preview->columnWidth(c), kMinColumnWidth));
    setNote(tr("Each window: %1 step(s) × %2 input(s), shape {%1, %2}; the target is %3 "
               "step(s) after its last row. Windows slide by one row.")
                .arg(o.window)
                .arg(d.inputShape.size() / std::max(1L, long(o.window)))
                .arg(o.horizon));
}

void TimeSeriesImportPanel::setNote(const QString& text)
{
    m_note->setText(text);
    fitNote();
}

void TimeSeriesImportPanel::fitNote()
{
    // A wrapped label's extra lines are not part of the layout's minimum size: when the dialog
    // is short, the layout squeezed the preview to its minimum and drew the note's second line
    // over the last row. Holding the wrapped height as the minimum keeps them apart. (Measured
    // with the font: QLabel::heightForWidth() grows with the minimum it would set.)
    const int width = std::max(1, m_previewPart->contentsRect().width() - 2 * m_note->margin());
    const int height
        = m_note->fontMetrics()
              .boundingRect(QRect(0, 0, width, QWIDGETSIZE_MAX), Qt::TextWordWrap, m_note->text())
              .height()
        + 2 * m_note->margin();
    if (height != m_note->minimumHeight())
        m_note->setMinimumHeight(height);
}

bool TimeSeriesImportPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_previewPart && event->type() == QEvent::Resize)
        fitNote();
    return QWidget::eventFilter(watched, event);
}

void TimeSeriesImportPanel::placePreview(QBoxLayout* preview)
{
    layout()->removeWidget(m_previewPart);
    preview->addWidget(m_previewPart, 1);
}

QString TimeSeriesImportPanel::validate(const QString& file, const std::string& specPath,
    const std::string& scaling, engine::DatasetSpec& spec, QString& summary) const
{
    if (file.isEmpty())
        return tr("Choose a CSV file first.");
    if (m_targets.isEmpty())
        return tr("Choose at least one target column.");
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return tr("%1: cannot open: %2").arg(QFileInfo(file).fileName(), f.errorString());
    const std::string text = f.readAll().toStdString();
    engine::TimeSeriesOptions o = options();
    o.scaling = scaling;
    engine::SourceData parts;
    try {
        parts = engine::parseTimeSeries(text, QFileInfo(file).fileName().toStdString(), o);
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    const QLocale locale;
    summary = tr("No problems: %1 training and %2 validation windows of {%3, %4} → %5 "
                 "target(s), split by time.")
                  .arg(locale.toString(qlonglong(parts.data.size())),
                      locale.toString(qlonglong(parts.validation.size())))
                  .arg(o.window)
                  .arg(parts.data.x.rows() / o.window)
                  .arg(parts.data.y.rows());

    const auto keys = [this](const QList<int>& columns) {
        nlohmann::json list = nlohmann::json::array();
        for (int c : columns) {
            if (m_header && c < m_columns.size())
                list.push_back(m_columns[c].toStdString());
            else
                list.push_back(c);
        }
        return list.size() == 1 ? list[0] : list;
    };
    nlohmann::json opts = nlohmann::json::object();
    if (!inputColumns().isEmpty())
        opts["inputs"] = keys(inputColumns());
    opts["target"] = keys(m_targets);
    opts["window"] = o.window;
    opts["horizon"] = o.horizon;
    opts["validation"] = o.validation;
    opts["scaling"] = scaling;
    opts["header"] = m_header;
    opts["delimiter"] = std::string(1, m_delimiter);
    if (!parts.data.scaling.isIdentity())
        opts["scalingStats"] = engine::scalingToJson(parts.data.scaling);
    spec = engine::DatasetSpec {};
    spec.source = "timeseries";
    spec.path = specPath;
    spec.options = opts;
    return {};
}

} // namespace widgets
