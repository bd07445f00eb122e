#include "export/PredictDialog.h"

#include "plots/PlotExport.h"

#include "core/Errors.h"
#include "export/Predictor.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace widgets {

namespace {

/// More input columns than this are left out of the preview (images have hundreds).
constexpr long kMaxInputColumns = 8;

QString describe(const engine::TrainedModel& m)
{
    const long inputs = m.inputs();
    const engine::GraphCheck& check = m.graph.compiled();
    const auto out = check.shapes.find(check.outputNode);
    const long outputs = out == check.shapes.end() ? 0 : out->second.size();
    const QString task = m.classification
        ? QObject::tr("classification, %1 classes").arg(m.context.numClasses)
        : QObject::tr("regression");
    return QObject::tr("Inputs: %1 · outputs: %2 (%3)").arg(inputs).arg(outputs).arg(task);
}

} // namespace

PredictDialog::PredictDialog(FileChoosers choosers, QWidget* parent)
    : QDialog(parent)
    , m_choosers(std::move(choosers))
{
    setObjectName(QStringLiteral("PredictDialog"));
    setWindowTitle(tr("Predict from CSV"));

    auto* modelBox = new QGroupBox(tr("Model"), this);
    m_useOpen = new QRadioButton(tr("Open project"), modelBox);
    m_useFile = new QRadioButton(tr("File:"), modelBox);
    m_modelPath = new QLineEdit(modelBox);
    m_modelPath->setPlaceholderText(tr("trained project (.json) or ONNX file from NetCanvas"));
    m_modelBrowse = new QPushButton(tr("Browse…"), modelBox);
    m_modelInfo = new QLabel(modelBox);
    m_modelInfo->setTextFormat(Qt::PlainText);
    m_modelInfo->setWordWrap(true);
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(m_useFile);
    fileRow->addWidget(m_modelPath, 1);
    fileRow->addWidget(m_modelBrowse);
    auto* modelLayout = new QVBoxLayout(modelBox);
    modelLayout->addWidget(m_useOpen);
    modelLayout->addLayout(fileRow);
    modelLayout->addWidget(m_modelInfo);

    auto* inputBox = new QGroupBox(tr("Input"), this);
    m_inputEdit = new QLineEdit(inputBox);
    m_inputEdit->setPlaceholderText(tr("CSV file, one sample per row"));
    auto* inputBrowse = new QPushButton(tr("Browse…"), inputBox);
    m_inputHint = new QLabel(inputBox);
    m_inputHint->setTextFormat(Qt::PlainText);
    m_inputHint->setWordWrap(true);
    auto* inputRow = new QHBoxLayout;
    inputRow->addWidget(m_inputEdit, 1);
    inputRow->addWidget(inputBrowse);
    auto* inputLayout = new QVBoxLayout(inputBox);
    inputLayout->addLayout(inputRow);
    inputLayout->addWidget(m_inputHint);

    m_table = new QTableWidget(this);
    m_table->setObjectName(QStringLiteral("predictionPreview"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    // Columns as wide as their contents (a stretched column elides "2.46e-05" to "2...."); the
    // table scrolls sideways when they do not fit.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setDefaultSectionSize(22);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("predictMessage"));
    m_message->setTextFormat(Qt::PlainText);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_save = buttons->addButton(tr("Save Predictions…"), QDialogButtonBox::ActionRole);
    m_save->setEnabled(false);
    m_save->setToolTip(tr("Write every prediction to a CSV file"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(modelBox);
    layout->addWidget(inputBox);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_message);
    layout->addWidget(buttons);
    resize(780, 560); // room for 4 inputs, 3 probabilities and the class name side by side

    // Enter in a path field confirms the path (editingFinished); no button may take it as a
    // click, as the first auto-default button (the model's Browse) otherwise would.
    for (QPushButton* button : findChildren<QPushButton*>()) {
        button->setAutoDefault(false);
        button->setDefault(false);
    }

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_save, &QPushButton::clicked, this, &PredictDialog::saveInteractively);
    connect(m_modelBrowse, &QPushButton::clicked, this, &PredictDialog::browseModel);
    connect(inputBrowse, &QPushButton::clicked, this, &PredictDialog::browseInput);
    connect(m_useOpen, &QRadioButton::clicked, this, &PredictDialog::useOpenProject);
    connect(m_useFile, &QRadioButton::clicked, this, [this] {
        if (!m_modelPath->text().isEmpty())
            setModelFile(m_modelPath->text());
    });
    connect(m_modelPath, &QLineEdit::editingFinished, this, [this] {
        if (!m_modelPath->text().isEmpty() && m_modelPath->isModified())
            setModelFile(m_modelPath->text());
    });
    connect(m_inputEdit, &QLineEdit::editingFinished, this, [this] {
        if (!m_inputEdit->text().isEmpty() && m_inputEdit->isModified())
            setInputFile(m_inputEdit->text());
    });
    setOpenProject({}, {}, tr("No project is open."));
}

PredictDialog::~PredictDialog() = default;

void PredictDialog::setOpenProject(
    ModelFactory factory, const QString& label, const QString& problem)
{
    m_openProject = std::move(factory);
    m_openProblem = m_openProject ? problem : tr("No project is open.");
    const bool usable = m_openProblem.isEmpty();
    m_useOpen->setText(label.isEmpty() ? tr("Open project") : tr("Open project “%1”").arg(label));
    m_useOpen->setEnabled(usable);
    m_useOpen->setToolTip(
        usable ? tr("The network in the window, with its trained weights") : m_openProblem);
    if (!usable)
        m_useFile->setChecked(true);
}

bool PredictDialog::useOpenProject()
{
    if (!m_openProblem.isEmpty()) {
        showMessage(m_openProblem, true);
        return false;
    }
    m_useOpen->setChecked(true);
    return loadModel() && run();
}

bool PredictDialog::setModelFile(const QString& path)
{
    m_useFile->setChecked(true);
    m_modelPath->setText(path);
    m_modelPath->setModified(false);
    return loadModel() && run();
}

bool PredictDialog::setInputFile(const QString& path)
{
    m_inputPath = path;
    m_inputEdit->setText(path);
    m_inputEdit->setModified(false);
    if (!m_model && !loadModel())
        return false;
    return run();
}

bool PredictDialog::loadModel()
{
    m_model.reset();
    m_predictions.reset();
    m_save->setEnabled(false);
    m_table->clear();
    m_table->setRowCount(0);
    m_table->setColumnCount(0);
    m_modelInfo->clear();
    m_inputHint->clear();
    try {
        if (m_useOpen->isChecked()) {
            m_model = std::make_unique<engine::TrainedModel>(m_openProject());
        } else {
            const QString path = m_modelPath->text();
            if (path.isEmpty()) {
                showMessage(tr("Choose a trained project (.json) or an ONNX file."), true);
                return false;
            }
            m_model = std::make_unique<engine::TrainedModel>(
                engine::loadTrainedModel(QFile::encodeName(path).toStdString()));
        }
    } catch (const std::exception& e) {
        showMessage(QString::fromStdString(e.what()), true);
        return false;
    }
    m_modelInfo->setText(describe(*m_model));
    m_inputHint->setText(tr("One sample per row: %1 numbers separated by commas; a header row "
                            "is optional.")
                             .arg(m_model->inputs()));
    showMessage(m_inputPath.isEmpty() ? tr("Choose a CSV file of inputs.") : QString(), false);
    return true;
}

bool PredictDialog::run()
{
    if (!m_model || m_inputPath.isEmpty())
        return m_model != nullptr;
    m_predictions.reset();
    m_save->setEnabled(false);
    const std::string path = QFile::encodeName(m_inputPath).toStdString();
    engine::PredictionInputs inputs;
    try {
        inputs = engine::readPredictionCsv(path, m_model->inputs());
        m_predictions = std::make_unique<engine::Predictions>(engine::predict(*m_model, inputs.x));
    } catch (const std::exception& e) {
        m_table->clear();
        m_table->setRowCount(0);
        m_table->setColumnCount(0);
        showMessage(QString::fromStdString(e.what()), true);
        return false;
    }
    QStringList names;
    if (inputs.hadHeader) {
        QFile file(m_inputPath);
        if (file.open(QIODevice::ReadOnly)) {
            while (!file.atEnd()) {
                const QString line = QString::fromUtf8(file.readLine()).trimmed();
                if (line.isEmpty())
                    continue;
                for (const QString& cell : line.split(QLatin1Char(',')))
                    names << cell.trimmed();
                break;
            }
        }
    }
    fillPreview(names, inputs.x);
    const long n = m_predictions->samples();
    showMessage(n > kPreviewRows
            ? tr("%1 samples predicted; the first %2 are shown.").arg(n).arg(kPreviewRows)
            : tr("%n sample(s) predicted.", nullptr, int(n)),
        false);
    m_save->setEnabled(true);
    return true;
}

void PredictDialog::fillPreview(const QStringList& inputNames, const engine::Matrix& x)
{
    const engine::Predictions& p = *m_predictions;
    const long inputs = x.rows() <= kMaxInputColumns ? long(x.rows()) : 0;
    QStringList headers;
    for (long i = 0; i < inputs; ++i)
        headers << (i < inputNames.size() && !inputNames[int(i)].isEmpty()
                ? inputNames[int(i)]
                : QStringLiteral("x%1").arg(i + 1));
    for (const std::string& c : p.columns)
        headers << QString::fromStdString(c);
    const int rows = int(std::min<long>(p.samples(), kPreviewRows));
    m_table->clear();
    m_table->setColumnCount(int(headers.size()));
    m_table->setRowCount(rows);
    m_table->setHorizontalHeaderLabels(headers);
    const QColor predictionBackground(0xe8, 0xf0, 0xfe);
    for (int r = 0; r < rows; ++r) {
        int col = 0;
        for (long i = 0; i < inputs; ++i)
            m_table->setItem(
                r, col++, new QTableWidgetItem(QString::number(double(x(i, r)), 'g', 6)));
        for (long k = 0; k < p.values.rows(); ++k) {
            auto* item = new QTableWidgetItem(previewText(double(p.values(k, r))));
            item->setBackground(predictionBackground);
            item->setToolTip(QString::fromStdString(engine::formatPrediction(p.values(k, r))));
            m_table->setItem(r, col++, item);
        }
        if (p.labels.empty())
            continue;
        auto* label = new QTableWidgetItem(QString::number(p.labels[std::size_t(r)]));
        label->setBackground(predictionBackground);
        m_table->setItem(r, col++, label);
        // The class's name where the data has names (label_name), else its number, in bold.
        QTableWidgetItem* shown = label;
        if (!p.classNames.empty()) {
            shown = new QTableWidgetItem(QString::fromStdString(p.labelName(r)));
            shown->setBackground(predictionBackground);
            m_table->setItem(r, col++, shown);
        }
        QFont bold = shown->font();
        bold.setBold(true);
        shown->setFont(bold);
    }
}

QString PredictDialog::previewText(double value)
{
    const double magnitude = std::abs(value);
    if (magnitude != 0 && magnitude < 1e-4)
        return QString::number(value, 'e', 2);
    return QString::number(value, 'g', 3);
}

QString PredictDialog::savePredictions(const QString& path)
{
    if (!m_predictions)
        return tr("%1: nothing to save: predict a CSV file first")
            .arg(QDir::toNativeSeparators(path));
    return plotexport::writeFileAtomically(
        path, QByteArray::fromStdString(engine::predictionsCsv(*m_predictions)));
}

QString PredictDialog::message() const
{
    return m_message->text();
}

void PredictDialog::showMessage(const QString& text, bool error)
{
    m_error = error;
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("QLabel { color: #b3261e; }") : QString());
}

void PredictDialog::browseModel()
{
    const QString path = m_choosers.openFile(tr("Choose a trained model"), m_modelPath->text(),
        tr("Trained models (*.json *.onnx);;All files (*)"));
    if (!path.isEmpty())
        setModelFile(path);
}

void PredictDialog::browseInput()
{
    const QString path = m_choosers.openFile(
        tr("Choose the inputs"), m_inputPath, tr("CSV files (*.csv *.txt);;All files (*)"));
    if (!path.isEmpty())
        setInputFile(path);
}

void PredictDialog::saveInteractively()
{
    QString suggestion = QStringLiteral("predictions.csv");
    if (!m_inputPath.isEmpty()) {
        const QFileInfo in(m_inputPath);
        suggestion = in.dir().filePath(in.completeBaseName() + QStringLiteral("_predictions.csv"));
    }
    QString path = m_choosers.saveFile(tr("Save predictions"), suggestion, tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".csv");
    const QString error = savePredictions(path);
    if (!error.isEmpty()) {
        m_choosers.error(tr("Cannot save predictions"), error);
        return;
    }
    showMessage(tr("Saved %n prediction(s) to %1.", nullptr, int(m_predictions->samples()))
                    .arg(QDir::toNativeSeparators(path)),
        false);
}

} // namespace widgets
