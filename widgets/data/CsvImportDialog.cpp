#include "data/CsvImportDialog.h"

#include "core/Errors.h"
#include "data/CsvReader.h"
#include "data/TimeSeriesImportPanel.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScreen>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <set>

namespace widgets {

namespace {

QString delimiterName(char d)
{
    switch (d) {
    case ';':
        return CsvImportDialog::tr("semicolon");
    case '\t':
        return CsvImportDialog::tr("tab");
    default:
        return CsvImportDialog::tr("comma");
    }
}

QStringList splitCsvLine(const QString& line, QChar d)
{
    QStringList out;
    QString cur;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) {
                    cur += c;
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                cur += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == d) {
            out << cur.trimmed();
            cur.clear();
        } else {
            cur += c;
        }
    }
    out << cur.trimmed();
    return out;
}

bool isMissing(const QString& cell)
{
    static const QSet<QString> missing {QString(), QStringLiteral("NA"), QStringLiteral("N/A"),
        QStringLiteral("NaN"), QStringLiteral("nan"), QStringLiteral("?"), QStringLiteral("null")};
    return missing.contains(cell);
}

/// The engine's number rule: a decimal comma is accepted with ';' or tab delimiters.
bool isNumber(QString cell, char delimiter)
{
    if (delimiter != ',' && !cell.contains(QLatin1Char('.')) && cell.count(QLatin1Char(',')) == 1)
        cell.replace(QLatin1Char(','), QLatin1Char('.'));
    bool ok = false;
    const double v = cell.toDouble(&ok);
    return ok && std::isfinite(v);
}

QStringList fileLines(const QString& text)
{
    QStringList lines = text.split(QLatin1Char('\n'));
    for (QString& l : lines)
        if (l.endsWith(QLatin1Char('\r')))
            l.chop(1);
    return lines;
}

} // namespace

CsvImportDialog::CsvImportDialog(const QString& projectDir, QWidget* parent)
    : QDialog(parent)
    , m_projectDir(projectDir)
{
    setWindowTitle(tr("Import CSV Dataset"));
    auto* layout = new QVBoxLayout(this);

    auto* fileRow = new QHBoxLayout;
    m_path = new QLineEdit(this);
    m_path->setReadOnly(true);
    m_path->setPlaceholderText(tr("Choose a CSV file"));
    auto* browseButton = new QPushButton(tr("Browse…"), this);
    fileRow->addWidget(new QLabel(tr("File:"), this));
    fileRow->addWidget(m_path, 1);
    fileRow->addWidget(browseButton);
    layout->addLayout(fileRow);
    connect(browseButton, &QPushButton::clicked, this, &CsvImportDialog::browse);

    m_detection = new QLabel(this);
    m_detection->setObjectName(QStringLiteral("csvDetection"));
    m_detection->setWordWrap(true);
    layout->addWidget(m_detection);

    auto* form = new QFormLayout;
    m_delimiter = new QComboBox(this);
    m_delimiter->addItem(tr("Detected"), QVariant());
    m_delimiter->addItem(tr("Comma ,"), int(','));
    m_delimiter->addItem(tr("Semicolon ;"), int(';'));
    m_delimiter->addItem(tr("Tab"), int('\t'));
    form->addRow(tr("&Delimiter:"), m_delimiter);
    m_header = new QComboBox(this);
    m_header->addItem(tr("Detected"), QVariant());
    m_header->addItem(tr("First row holds column names"), true);
    m_header->addItem(tr("No header: data from the first row"), false);
    form->addRow(tr("&Header:"), m_header);
    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("csvMode"));
    m_mode->addItem(tr("Table: one sample per row"), int(Mode::Table));
    m_mode->addItem(tr("Time series: windows of consecutive rows"), int(Mode::TimeSeries));
    m_mode->setToolTip(tr("Time series: rows are time steps in order; each sample is a window "
                          "of rows and its target a later row"));
    form->addRow(tr("&Samples:"), m_mode);

    // Settings on the left, what the file and its windows look like on the right: stacked, the
    // time-series mode needed some 870 pixels of height, more than a 1366 x 768 screen has.
    auto* columns = new QHBoxLayout;
    auto* left = new QVBoxLayout;
    auto* right = new QVBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    layout->addLayout(columns, 1);
    left->addLayout(form);

    m_preview = new QTableWidget(this);
    m_preview->setObjectName(QStringLiteral("csvPreview"));
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->setMinimumHeight(160);
    m_preview->verticalHeader()->setDefaultSectionSize(m_preview->fontMetrics().height() + 6);
    m_preview->setMinimumWidth(320);
    right->addWidget(m_preview, 1);

    auto* choices = new QHBoxLayout;
    auto* targetBox = new QGroupBox(tr("Target column(s)"), this);
    auto* targetLayout = new QVBoxLayout(targetBox);
    m_targets = new QListWidget(targetBox);
    m_targets->setObjectName(QStringLiteral("csvTargets"));
    m_targets->setToolTip(tr("The column(s) the network learns to predict; the others are inputs"));
    targetLayout->addWidget(m_targets);
    choices->addWidget(targetBox, 1);

    auto* settingsBox = new QGroupBox(tr("Task and inputs"), this);
    auto* settings = new QFormLayout(settingsBox);
    m_task = new QComboBox(settingsBox);
    m_task->addItem(tr("Automatic"), QStringLiteral("auto"));
    m_task->addItem(tr("Classification"), QStringLiteral("classification"));
    m_task->addItem(tr("Regression"), QStringLiteral("regression"));
    m_task->setToolTip(tr("Automatic: text labels or few integer values are classes"));
    settings->addRow(tr("&Task:"), m_task);
    m_scaling = new QComboBox(settingsBox);
    m_scaling->addItem(tr("None"), QStringLiteral("none"));
    m_scaling->addItem(tr("Standardize (mean 0, sd 1)"), QStringLiteral("standardize"));
    m_scaling->addItem(tr("Min-max to [0, 1]"), QStringLiteral("minmax"));
    m_scaling->setCurrentIndex(1);
    m_scaling->setToolTip(tr("Saved with the project, so predictions scale new inputs the same "
                             "way"));
    settings->addRow(tr("&Scaling:"), m_scaling);
    m_taskHint = new QLabel(settingsBox);
    m_taskHint->setWordWrap(true);
    settings->addRow(m_taskHint);
    choices->addWidget(settingsBox, 1);
    left->addLayout(choices);

    m_seriesBox = new QGroupBox(tr("Time series"), this);
    auto* seriesLayout = new QVBoxLayout(m_seriesBox);
    m_series = new TimeSeriesImportPanel(m_seriesBox);
    seriesLayout->addWidget(m_series);
    m_series->placePreview(right);
    left->addWidget(m_seriesBox);
    left->addStretch(1);
    m_seriesBox->hide();
    m_series->previewPart()->hide();
    connect(m_mode, &QComboBox::currentIndexChanged, this, &CsvImportDialog::updateMode);
    connect(m_targets, &QListWidget::itemChanged, this, [this] {
        m_series->setTargets(targetColumns());
        markTargetsInPreview();
    });

    right->addWidget(new QLabel(tr("Problems:"), this));
    m_problemList = new QListWidget(this);
    m_problemList->setObjectName(QStringLiteral("csvProblems"));
    m_problemList->setMaximumHeight(110);
    right->addWidget(m_problemList);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Import"));
    connect(buttons, &QDialogButtonBox::accepted, this, &CsvImportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &CsvImportDialog::reject);
    layout->addWidget(buttons);

    connect(m_delimiter, &QComboBox::currentIndexChanged, this, &CsvImportDialog::refreshPreview);
    connect(m_header, &QComboBox::currentIndexChanged, this, &CsvImportDialog::refreshPreview);
    connect(m_task, &QComboBox::currentIndexChanged, this, &CsvImportDialog::updateTaskHint);
    updateTaskHint();
    resize(980, 560);
}

void CsvImportDialog::browse()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Import CSV Dataset"), m_projectDir,
        tr("CSV files (*.csv *.tsv *.txt);;All files (*)"));
    if (!path.isEmpty())
        setFile(path);
}

QString CsvImportDialog::setFile(const QString& path)
{
    m_problemList->clear();
    m_problems.clear();
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        const QString error
            = tr("%1: cannot open: %2").arg(QDir::toNativeSeparators(path), f.errorString());
        m_problemList->addItem(error);
        m_problems << error;
        return error;
    }
    m_file = QFileInfo(path).absoluteFilePath();
    m_path->setText(QDir::toNativeSeparators(m_file));
    QStringList head;
    while (!f.atEnd() && head.size() < 200)
        head << QString::fromUtf8(f.readLine());
    m_head = head.join(QString());
    detect();
    refreshPreview();
    return {};
}

void CsvImportDialog::detect()
{
    // The engine's own detection on the first lines; a malformed cell there makes it throw, and
    // then the same rules run here on the first line only.
    try {
        engine::CsvOptions o;
        o.task = "classification";
        o.limit = 100;
        const engine::CsvData d = engine::parseCsv(m_head.toStdString(), m_file.toStdString(), o);
        m_detectedDelimiter = d.delimiter;
        m_detectedHeader = d.hasHeader;
    } catch (const std::exception&) {
        const QString first = m_head.section(QLatin1Char('\n'), 0, 0);
        m_detectedDelimiter = first.contains(QLatin1Char('\t')) ? '\t'
            : first.contains(QLatin1Char(';'))                  ? ';'
                                                                : ',';
        const QStringList cells = splitCsvLine(first, QLatin1Char(m_detectedDelimiter));
        m_detectedHeader = std::any_of(cells.begin(), cells.end(), [this](const QString& c) {
            return !isMissing(c) && !isNumber(c, m_detectedDelimiter);
        });
    }
    m_delimiter->setItemText(0, tr("Detected: %1").arg(delimiterName(m_detectedDelimiter)));
    m_header->setItemText(0,
        m_detectedHeader ? tr("Detected: first row holds column names")
                         : tr("Detected: no header"));
    m_detection->setText(
        tr("Detected: %1-separated, %2.")
            .arg(delimiterName(m_detectedDelimiter),
                m_detectedHeader ? tr("first row is a header") : tr("no header row")));
}

char CsvImportDialog::delimiter() const
{
    const QVariant v = m_delimiter->currentData();
    return v.isValid() ? char(v.toInt()) : m_detectedDelimiter;
}

bool CsvImportDialog::hasHeader() const
{
    const QVariant v = m_header->currentData();
    return v.isValid() ? v.toBool() : m_detectedHeader;
}

std::vector<QStringList> CsvImportDialog::splitLines(int maxRows) const
{
    std::vector<QStringList> rows;
    for (const QString& line : fileLines(m_head)) {
        if (line.trimmed().isEmpty())
            continue;
        rows.push_back(splitCsvLine(line, QLatin1Char(delimiter())));
        if (int(rows.size()) >= maxRows)
            break;
    }
    return rows;
}

void CsvImportDialog::refreshPreview()
{
    std::vector<QStringList> rows = splitLines(kPreviewRows + 1);
    int cols = 0;
    for (const auto& r : rows)
        cols = std::max(cols, int(r.size()));
    m_columns.clear();
    if (hasHeader() && !rows.empty()) {
        m_columns = rows.front();
        rows.erase(rows.begin());
    }
    for (int c = int(m_columns.size()); c < cols; ++c)
        m_columns << tr("column %1").arg(c + 1);
    for (QString& name : m_columns)
        if (name.isEmpty())
            name = tr("column %1").arg(&name - m_columns.data() + 1);
    m_preview->clear();
    m_preview->setColumnCount(cols);
    m_preview->setRowCount(std::min(int(rows.size()), kPreviewRows));
    m_preview->setHorizontalHeaderLabels(m_columns);
    for (int r = 0; r < m_preview->rowCount(); ++r)
        for (int c = 0; c < int(rows[std::size_t(r)].size()); ++c)
            m_preview->setItem(r, c, new QTableWidgetItem(rows[std::size_t(r)][c]));
    QStringList rowLabels;
    for (int r = 0; r < m_preview->rowCount(); ++r)
        rowLabels << QString::number(r + 1 + (hasHeader() ? 1 : 0)); // the file's line numbers
    m_preview->setVerticalHeaderLabels(rowLabels);
    refreshTargets();
    m_series->setSource(m_columns, m_head, delimiter(), hasHeader());
    m_series->setTargets(targetColumns());
}

CsvImportDialog::Mode CsvImportDialog::mode() const
{
    return Mode(m_mode->currentData().toInt());
}

void CsvImportDialog::setMode(Mode mode)
{
    m_mode->setCurrentIndex(m_mode->findData(int(mode)));
}

void CsvImportDialog::updateMode()
{
    const bool series = mode() == Mode::TimeSeries;
    m_seriesBox->setVisible(series);
    m_series->previewPart()->setVisible(series);
    // The file preview, target list and problems give room to the window preview.
    m_preview->setMinimumHeight(series ? 100 : 160);
    m_targets->setMaximumHeight(series ? 90 : QWIDGETSIZE_MAX);
    m_problemList->setMaximumHeight(series ? 70 : 110);
    m_task->setEnabled(!series);
    if (series) {
        m_taskHint->setText(tr("Time series: regression of the target column(s) H steps after "
                               "each window (MSE loss); scaling statistics from the training "
                               "part only."));
        // As tall as the contents would like (wrapped labels included), within the screen.
        const QScreen* shown = screen();
        const int room = shown ? shown->availableGeometry().height() - 40 : 900;
        resize(width(), std::max(height(), std::min(layout()->totalHeightForWidth(width()), room)));
    } else {
        updateTaskHint();
    }
    m_series->setTargets(targetColumns());
}

bool CsvImportDialog::validateTimeSeries()
{
    m_problems.clear();
    m_problemList->clear();
    const QString relative
        = m_projectDir.isEmpty() ? QString() : QDir(m_projectDir).relativeFilePath(m_file);
    const std::string path = QFile::encodeName(
        !relative.isEmpty() && !relative.startsWith(QLatin1String("..")) ? relative : m_file)
                                 .toStdString();
    engine::DatasetSpec spec;
    QString summary;
    const QString problem = m_series->validate(
        m_file, path, m_scaling->currentData().toString().toStdString(), spec, summary);
    if (!problem.isEmpty()) {
        m_problems << problem;
        m_problemList->addItems(m_problems);
        return false;
    }
    m_problemList->addItem(summary);
    m_spec = spec;
    return true;
}

void CsvImportDialog::refreshTargets()
{
    const QList<int> previous = targetColumns();
    m_targets->clear();
    for (int c = 0; c < m_columns.size(); ++c) {
        auto* item = new QListWidgetItem(m_columns[c], m_targets);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
        item->setCheckState(Qt::Unchecked);
    }
    QList<int> keep;
    for (int c : previous)
        if (c < m_columns.size())
            keep << c;
    if (keep.isEmpty() && !m_columns.isEmpty())
        keep << int(m_columns.size()) - 1; // the usual place of the label
    setTargetColumns(keep);
}

QList<int> CsvImportDialog::targetColumns() const
{
    QList<int> out;
    for (int i = 0; i < m_targets->count(); ++i)
        if (m_targets->item(i)->checkState() == Qt::Checked)
            out << i;
    return out;
}

void CsvImportDialog::setTargetColumns(const QList<int>& columns)
{
    for (int i = 0; i < m_targets->count(); ++i)
        m_targets->item(i)->setCheckState(columns.contains(i) ? Qt::Checked : Qt::Unchecked);
    markTargetsInPreview();
}

void CsvImportDialog::markTargetsInPreview()
{
    const QList<int> targets = targetColumns();
    for (int c = 0; c < m_preview->columnCount() && c < m_columns.size(); ++c) {
        QTableWidgetItem* h = m_preview->horizontalHeaderItem(c);
        if (!h)
            continue;
        // Marked as the dataset panel marks them: bold, with "(target)".
        const bool target = targets.contains(c);
        h->setText(target ? tr("%1 (target)").arg(m_columns[c]) : m_columns[c]);
        QFont f = m_preview->horizontalHeader()->font();
        f.setBold(target);
        h->setFont(f);
    }
    // Wide enough for every header, the bold marked names included, so none is cut.
    m_preview->resizeColumnsToContents();
}

void CsvImportDialog::updateTaskHint()
{
    // Labels are stored once, as class indices; the network's last layer decides how they are
    // compared (one-hot for one output per class, 0/1 for a single output), so there is
    // nothing to choose here, only to explain.
    const QString task = m_task->currentData().toString();
    if (task == QStringLiteral("regression"))
        m_taskHint->setText(tr("Regression: one linear output per target column (MSE loss)."));
    else
        m_taskHint->setText(
            tr("Classification: labels (text or integers) become classes 0, 1, 2, … Give the "
               "last layer one output per class (softmax cross-entropy; targets become one-hot "
               "rows), or for two classes one output (binary cross-entropy; targets 0/1)."));
}

engine::CsvOptions CsvImportDialog::csvOptions() const
{
    engine::CsvOptions o;
    o.delimiter = delimiter();
    o.header = hasHeader();
    for (int c : targetColumns())
        o.targets.push_back(std::to_string(c));
    o.task = m_task->currentData().toString().toStdString();
    return o;
}

bool CsvImportDialog::validate()
{
    if (mode() == Mode::TimeSeries)
        return validateTimeSeries();
    m_problems.clear();
    m_problemList->clear();
    long hidden = 0;
    const auto problem = [&](const QString& text) {
        if (m_problems.size() < kMaxProblems)
            m_problems << text;
        else
            ++hidden;
    };
    const QString name = QFileInfo(m_file).fileName();
    const QList<int> targets = targetColumns();
    const QString task = m_task->currentData().toString();
    if (m_file.isEmpty())
        problem(tr("Choose a CSV file first."));
    else if (targets.isEmpty())
        problem(tr("Choose at least one target column."));
    else if (targets.size() >= m_columns.size())
        problem(tr("Leave at least one column as an input."));
    else if (targets.size() > 1 && task == QStringLiteral("classification"))
        problem(tr("Classification takes one target column; choose regression for several."));

    QString text;
    if (m_problems.isEmpty()) {
        QFile f(m_file);
        if (!f.open(QIODevice::ReadOnly))
            problem(tr("%1: cannot open: %2").arg(name, f.errorString()));
        else
            text = QString::fromUtf8(f.readAll());
    }
    if (m_problems.isEmpty()) {
        // Every cell, so the user sees all the places to fix rather than the first one.
        const QChar d = QLatin1Char(delimiter());
        const QStringList lines = fileLines(text);
        const int expected = int(m_columns.size());
        bool headerSkipped = !hasHeader();
        long dataRows = 0;
        std::set<QString> labels;
        for (int i = 0; i < lines.size(); ++i) {
            if (lines[i].trimmed().isEmpty())
                continue;
            if (!headerSkipped) {
                headerSkipped = true;
                continue;
            }
            ++dataRows;
            const int row = i + 1;
            const QStringList cells = splitCsvLine(lines[i], d);
            if (cells.size() != expected) {
                problem(tr("row %1: expected %2 cells, found %3")
                            .arg(row)
                            .arg(expected)
                            .arg(cells.size()));
                continue;
            }
            for (int c = 0; c < expected; ++c) {
                const QString& cell = cells[c];
                const QString where
                    = tr("row %1, column %2 (%3)").arg(row).arg(c + 1).arg(m_columns[c]);
                if (isMissing(cell)) {
                    problem(tr("%1: missing value").arg(where));
                } else if (targets.contains(c)) {
                    labels.insert(cell);
                    if (task == QStringLiteral("regression") && !isNumber(cell, delimiter()))
                        problem(tr("%1: \"%2\" is not a number (text labels need "
                                   "classification)")
                                    .arg(where, cell.left(40)));
                } else if (!isNumber(cell, delimiter())) {
                    problem(tr("%1: \"%2\" is not a number").arg(where, cell.left(40)));
                }
            }
        }
        if (dataRows == 0)
            problem(tr("%1: no data rows").arg(name));
    }

    engine::CsvData data;
    if (m_problems.isEmpty()) {
        // The engine has the last word: it is what training will read.
        try {
            data = engine::parseCsv(text.toStdString(), name.toStdString(), csvOptions());
        } catch (const std::exception& e) {
            problem(QString::fromStdString(e.what()));
        }
    }
    if (hidden > 0)
        m_problems << tr("… and %n more problem(s)", nullptr, int(hidden));
    if (!m_problems.isEmpty()) {
        m_problemList->addItems(m_problems);
        return false;
    }
    const int classes = data.data.numClasses;
    const bool classification = data.data.task == engine::TaskKind::Classification;
    m_problemList->addItem(
        tr("No problems: %n row(s), %1 input(s), %2.", nullptr, int(data.data.size()))
            .arg(data.data.x.rows())
            .arg(classification ? tr("%n class(es)", nullptr, classes)
                                : tr("%n target(s)", nullptr, int(data.data.y.rows()))));
    m_problemList->addItem(classification
            ? (classes == 2 ? tr("Network output: 2 units with softmax cross-entropy, or 1 unit "
                                 "with binary cross-entropy.")
                            : tr("Network output: %1 units with softmax cross-entropy (one per "
                                 "class).")
                                  .arg(classes))
            : tr("Network output: %n linear unit(s) with mean squared error.", nullptr,
                int(data.data.y.rows())));

    engine::DatasetSpec spec;
    spec.source = "csv";
    const QString relative
        = m_projectDir.isEmpty() ? QString() : QDir(m_projectDir).relativeFilePath(m_file);
    spec.path = QFile::encodeName(
        !relative.isEmpty() && !relative.startsWith(QLatin1String("..")) ? relative : m_file)
                    .toStdString();
    nlohmann::json o = nlohmann::json::object();
    o["delimiter"] = std::string(1, delimiter());
    o["header"] = hasHeader();
    nlohmann::json t = nlohmann::json::array();
    for (int c : targets) {
        if (hasHeader())
            t.push_back(m_columns[c].toStdString());
        else
            t.push_back(c);
    }
    o["target"] = t.size() == 1 ? t[0] : t;
    o["task"]
        = data.data.task == engine::TaskKind::Classification ? "classification" : "regression";
    const std::string method = m_scaling->currentData().toString().toStdString();
    o["scaling"] = method;
    if (method != "none")
        o["scalingStats"]
            = engine::scalingToJson(engine::FeatureScaling::compute(data.data.x, method));
    spec.options = o;
    m_spec = spec;
    return true;
}

void CsvImportDialog::accept()
{
    if (validate())
        QDialog::accept();
}

} // namespace widgets
