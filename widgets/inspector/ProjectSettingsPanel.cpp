#include "inspector/ProjectSettingsPanel.h"

#include "common/FormTextLabel.h"
#include "data/BuiltInDatasets.h"
#include "data/DatasetGenerators.h"
#include "data/DatasetSpec.h"
#include "data/TimeSeriesCsv.h"
#include "document/GraphDocument.h"
#include "document/UndoCommands.h"
#include "graph/Loss.h"
#include "inspector/CompactDoubleSpinBox.h"
#include "training/TrainingConfig.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace widgets {

namespace {

QGroupBox* group(QVBoxLayout* layout, const QString& title, QFormLayout*& form)
{
    auto* box = new QGroupBox(title);
    form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    layout->addWidget(box);
    return box;
}

QString optimizerLabel(const std::string& type)
{
    static const std::map<std::string, QString> labels {
        {"sgd", QStringLiteral("SGD")},
        {"momentum", QStringLiteral("SGD + momentum")},
        {"nesterov", QStringLiteral("Nesterov momentum")},
        {"rmsprop", QStringLiteral("RMSprop")},
        {"adam", QStringLiteral("Adam")},
        {"adamw", QStringLiteral("AdamW")},
    };
    const auto it = labels.find(type);
    return it != labels.end() ? it->second : QString::fromStdString(type);
}

void setComboData(QComboBox* combo, const QString& data)
{
    int index = combo->findData(data);
    if (index < 0) {
        // A value this build does not list (a newer file): show it rather than lie.
        combo->addItem(data, data);
        index = combo->count() - 1;
    }
    combo->setCurrentIndex(index);
}

} // namespace

ProjectSettingsPanel::ProjectSettingsPanel(
    GraphDocument* document, QUndoStack* stack, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
    , m_stack(stack)
    , m_choosers(FileChoosers::defaults(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    // --- dataset -------------------------------------------------------------------------------
    group(layout, tr("Dataset"), m_datasetForm);
    QFormLayout* dataForm = m_datasetForm;
    // The sources picked in one step; file sources come through File ▸ Import Dataset and are
    // listed only while they are the project's (refresh adds that entry).
    m_source = new QComboBox;
    m_source->addItem(tr("Generated 2-D data"), QStringLiteral("generator"));
    m_source->addItem(QStringLiteral("Fashion-MNIST"), QStringLiteral("fashion-mnist"));
    m_source->addItem(tr("MNIST (choose its folder)…"), QStringLiteral("mnist"));
    m_source->setItemData(1,
        tr("70,000 clothing images, 28×28 grey, 10 classes (Debian package "
           "dataset-fashion-mnist)"),
        Qt::ToolTipRole);
    m_source->setItemData(2,
        tr("70,000 handwritten digits, 28×28 grey, 10 classes (a folder of the four MNIST files)"),
        Qt::ToolTipRole);
    dataForm->addRow(tr("Source:"), m_source);
    connect(m_source, &QComboBox::activated, this,
        [this](int index) { pickSource(m_source->itemData(index).toString()); });
    // Form labels that wrap are FormTextLabels: QFormLayout mis-sizes wrapped QLabels.
    m_sourceLabel = new FormTextLabel;
    m_sourceLabel->setObjectName(QStringLiteral("datasetSourceLabel"));
    dataForm->addRow(tr("From:"), m_sourceLabel);
    m_generator = new QComboBox;
    for (const std::string& name : engine::generatorNames()) {
        const QString n = QString::fromStdString(name);
        m_generator->addItem(
            engine::isGeneratorRegression(name) ? tr("%1 (regression)").arg(n) : n, n);
    }
    m_generator->setToolTip(tr("Synthetic 2-D data, as in the TensorFlow Playground"));
    dataForm->addRow(tr("Generator:"), m_generator);
    connect(m_generator, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index < 0)
            return;
        const std::string name = m_generator->itemData(index).toString().toStdString();
        editDataset(QStringLiteral("generator"), [&](engine::DatasetSpec& s) {
            s.source = "generator";
            s.generator = name;
        });
    });

    m_samples = new QSpinBox;
    m_samples->setRange(4, 1000000);
    m_samples->setSingleStep(100);
    dataForm->addRow(tr("Samples:"), m_samples);
    connect(m_samples, &QSpinBox::valueChanged, this, [this](int v) {
        editDataset(QStringLiteral("samples"), [v](engine::DatasetSpec& s) { s.samples = v; });
    });

    m_noise = new CompactDoubleSpinBox;
    m_noise->setRange(0.0, 1.0);
    m_noise->setSingleStep(0.05);
    m_noise->setDecimals(2);
    m_noise->setToolTip(tr("Noise as a fraction of the data's scale"));
    dataForm->addRow(tr("Noise:"), m_noise);
    connect(m_noise, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        editDataset(QStringLiteral("noise"), [v](engine::DatasetSpec& s) { s.noise = v; });
    });

    m_dataSeed = new QSpinBox;
    m_dataSeed->setRange(0, std::numeric_limits<int>::max());
    dataForm->addRow(tr("Data seed:"), m_dataSeed);
    connect(m_dataSeed, &QSpinBox::valueChanged, this, [this](int v) {
        editDataset(QStringLiteral("seed"),
            [v](engine::DatasetSpec& s) { s.seed = static_cast<std::uint64_t>(v); });
    });

    m_subset = new QSpinBox;
    m_subset->setRange(0, 10000000);
    m_subset->setSingleStep(1000);
    m_subset->setSpecialValueText(tr("all images"));
    m_subset->setSuffix(tr(" images"));
    m_subset->setToolTip(tr("Train on the first N images (and test on the first N test images): "
                            "a quicker run. 0 uses all of them."));
    dataForm->addRow(tr("Subset size:"), m_subset);
    connect(m_subset, &QSpinBox::valueChanged, this, [this](int v) {
        editDataset(QStringLiteral("options.limit"), [v](engine::DatasetSpec& s) {
            if (v > 0)
                s.options["limit"] = v;
            else
                s.options.erase("limit");
        });
    });

    m_classNames = new QLineEdit;
    m_classNames->setToolTip(tr("The names of classes 0, 1, 2, … separated by commas; empty uses "
                                "the source's own names (shown greyed)"));
    dataForm->addRow(tr("Class names:"), m_classNames);
    connect(m_classNames, &QLineEdit::editingFinished, this, [this] {
        const auto names = classNamesFromText(m_classNames->text());
        editDataset(QStringLiteral("classNames"),
            [&names](engine::DatasetSpec& s) { s.classNames = names; });
    });

    m_datasetHint = new FormTextLabel;
    m_datasetHint->setForegroundRole(QPalette::PlaceholderText);
    // In the field column rather than spanning: Qt 6.4's QFormLayout mis-sizes rows above a
    // spanning row once setRowVisible() has hidden some of them.
    dataForm->addRow(QString(), m_datasetHint);

    m_refreshers.push_back([this] {
        const engine::DatasetSpec& s = m_doc->datasetSpec();
        const bool generated = s.source == "generator";
        // File data shows no Generator row: the Source box is where generated data comes back.
        if (generated)
            setComboData(m_generator, QString::fromStdString(s.generator));
        if (m_samples->value() != s.samples)
            m_samples->setValue(s.samples);
        if (m_noise->value() != s.noise)
            m_noise->setValue(s.noise);
        m_dataSeed->setValue(
            static_cast<int>(std::min<std::uint64_t>(s.seed, std::numeric_limits<int>::max())));
        for (QWidget* w : {static_cast<QWidget*>(m_generator), static_cast<QWidget*>(m_samples),
                 static_cast<QWidget*>(m_noise), static_cast<QWidget*>(m_dataSeed)})
            m_datasetForm->setRowVisible(w, generated);
        const bool images = isBuiltInImageSource(s.source) || s.source == "idx";
        m_datasetForm->setRowVisible(m_subset, images);
        m_datasetForm->setRowVisible(m_classNames, images);
        const auto limit = s.options.find("limit");
        m_subset->setValue(limit != s.options.end() && limit->is_number_integer()
                ? int(std::clamp<long long>(limit->get<long long>(), 0, m_subset->maximum()))
                : 0);
        const QString names = classNamesText(s.classNames);
        if (m_classNames->text() != names)
            m_classNames->setText(names);
        engine::DatasetSpec own = s;
        own.classNames.clear();
        const auto ownNames = engine::sourceClassNames(own);
        m_classNames->setPlaceholderText(
            ownNames.empty() ? tr("0, 1, 2, … (the labels' numbers)") : classNamesText(ownNames));

        QString source = QString::fromStdString(s.source);
        if (generated)
            source = tr("Generated 2-D data");
        else if (s.source == "fashion-mnist")
            source = tr("Fashion-MNIST");
        else if (s.source == "mnist")
            source = tr("MNIST");
        else if (s.source == "csv")
            source = tr("CSV file");
        else if (s.source == "idx")
            source = tr("IDX files");
        else if (s.source == "timeseries")
            source = tr("Time series");
        if (!s.hasData())
            source = tr("No data yet");
        while (m_source->count() > 3)
            m_source->removeItem(3);
        if (m_source->findData(QString::fromStdString(s.source)) < 0)
            m_source->addItem(source, QString::fromStdString(s.source)); // an imported file
        m_source->setCurrentIndex(m_source->findData(QString::fromStdString(s.source)));
        const QString path = QDir::toNativeSeparators(QString::fromStdString(
            s.path.empty() && s.source == "fashion-mnist" ? engine::kFashionMnistDir : s.path));
        QString text = path.isEmpty() || generated ? source : tr("%1: %2").arg(source, path);
        if (!s.hasData()) // an imported model before its data is chosen: what to do, not a type
            text = tr("No data yet: choose it with File ▸ Import Dataset or a source above");
        if (s.source == "timeseries") {
            // The window and horizon say what one sample is; bad options are reported when the
            // data loads, so here they only leave the shape out.
            try {
                const auto ts = engine::TimeSeriesOptions::fromJson(s.options);
                text += ts.horizon == 1 ? tr(", %n-step windows", nullptr, ts.window)
                                        : tr(", %n-step windows, ", nullptr, ts.window)
                        + tr("target %n steps ahead", nullptr, ts.horizon);
            } catch (const std::exception&) { }
        }
        m_sourceLabel->setText(text);
        m_sourceLabel->setToolTip(path);
    });

    // --- loss ----------------------------------------------------------------------------------
    QFormLayout* lossForm = nullptr;
    group(layout, tr("Loss"), lossForm);
    m_lossLabel = new FormTextLabel;
    m_lossLabel->setTextFormat(Qt::RichText);
    lossForm->addRow(m_lossLabel);

    // --- optimizer -----------------------------------------------------------------------------
    group(layout, tr("Optimizer"), m_optimizerForm);
    m_optimizer = new QComboBox;
    for (const std::string& type : engine::OptimizerConfig::types())
        m_optimizer->addItem(optimizerLabel(type), QString::fromStdString(type));
    m_optimizerForm->addRow(tr("Type:"), m_optimizer);
    connect(m_optimizer, &QComboBox::currentIndexChanged, this, [this](int index) {
        const std::string type = m_optimizer->itemData(index).toString().toStdString();
        editTraining(QStringLiteral("optimizer.type"),
            [&](engine::TrainingConfig& c) { c.optimizer.type = type; });
    });
    m_refreshers.push_back([this] {
        setComboData(m_optimizer, QString::fromStdString(m_doc->trainingConfig().optimizer.type));
    });

    // Up to 1000, like the Training dock's live box: the learning-rate lesson's "too large"
    // variant trains at 500, and a clamped field would show (and store) another rate.
    m_learningRate = realField(
        m_optimizerForm, tr("Learning rate:"), 1e-6, 1000.0, 6, 0.001,
        QStringLiteral("optimizer.learningRate"),
        [](const engine::TrainingConfig& c) { return c.optimizer.learningRate; },
        [](engine::TrainingConfig& c, double v) { c.optimizer.learningRate = v; });
    m_momentum = realField(
        m_optimizerForm, tr("Momentum:"), 0.0, 0.9999, 4, 0.05,
        QStringLiteral("optimizer.momentum"),
        [](const engine::TrainingConfig& c) { return c.optimizer.momentum; },
        [](engine::TrainingConfig& c, double v) { c.optimizer.momentum = v; });
    m_rho = realField(
        m_optimizerForm, tr("Decay (rho):"), 0.0, 0.9999, 4, 0.01, QStringLiteral("optimizer.rho"),
        [](const engine::TrainingConfig& c) { return c.optimizer.rho; },
        [](engine::TrainingConfig& c, double v) { c.optimizer.rho = v; },
        tr("Decay of the running average of squared gradients"));
    m_beta1 = realField(
        m_optimizerForm, tr("Beta 1:"), 0.0, 0.9999, 4, 0.01, QStringLiteral("optimizer.beta1"),
        [](const engine::TrainingConfig& c) { return c.optimizer.beta1; },
        [](engine::TrainingConfig& c, double v) { c.optimizer.beta1 = v; },
        tr("Decay of the first-moment (mean) estimate"));
    m_beta2 = realField(
        m_optimizerForm, tr("Beta 2:"), 0.0, 0.99999, 5, 0.001, QStringLiteral("optimizer.beta2"),
        [](const engine::TrainingConfig& c) { return c.optimizer.beta2; },
        [](engine::TrainingConfig& c, double v) { c.optimizer.beta2 = v; },
        tr("Decay of the second-moment (variance) estimate"));
    m_weightDecay = realField(
        m_optimizerForm, tr("Weight decay:"), 0.0, 1.0, 4, 0.001,
        QStringLiteral("optimizer.weightDecay"),
        [](const engine::TrainingConfig& c) { return c.optimizer.weightDecay; },
        [](engine::TrainingConfig& c, double v) { c.optimizer.weightDecay = v; },
        tr("Decoupled weight decay (AdamW)"));
    realField(
        m_optimizerForm, tr("L1:"), 0.0, 1.0, 5, 0.0001, QStringLiteral("optimizer.l1"),
        [](const engine::TrainingConfig& c) { return c.optimizer.l1; },
        [](engine::TrainingConfig& c, double v) { c.optimizer.l1 = v; },
        tr("L1 penalty on weights (not biases)"));
    realField(
        m_optimizerForm, tr("L2:"), 0.0, 1.0, 5, 0.0001, QStringLiteral("optimizer.l2"),
        [](const engine::TrainingConfig& c) { return c.optimizer.l2; },
        [](engine::TrainingConfig& c, double v) { c.optimizer.l2 = v; },
        tr("L2 penalty on weights (not biases)"));

    // --- schedule ------------------------------------------------------------------------------
    group(layout, tr("Learning-rate schedule"), m_scheduleForm);
    m_schedule = new QComboBox;
    m_schedule->addItem(tr("Constant"), QStringLiteral("constant"));
    m_schedule->addItem(tr("Step decay"), QStringLiteral("step"));
    m_schedule->addItem(tr("Cosine"), QStringLiteral("cosine"));
    m_scheduleForm->addRow(tr("Schedule:"), m_schedule);
    connect(m_schedule, &QComboBox::currentIndexChanged, this, [this](int index) {
        const std::string type = m_schedule->itemData(index).toString().toStdString();
        editTraining(QStringLiteral("schedule.type"),
            [&](engine::TrainingConfig& c) { c.schedule.type = type; });
    });
    m_refreshers.push_back([this] {
        setComboData(m_schedule, QString::fromStdString(m_doc->trainingConfig().schedule.type));
    });
    m_stepEpochs = intField(
        m_scheduleForm, tr("Every (epochs):"), 1, 100000, QStringLiteral("schedule.stepEpochs"),
        [](const engine::TrainingConfig& c) { return c.schedule.stepEpochs; },
        [](engine::TrainingConfig& c, int v) { c.schedule.stepEpochs = v; });
    m_gamma = realField(
        m_scheduleForm, tr("Multiply by:"), 0.001, 1.0, 3, 0.05, QStringLiteral("schedule.gamma"),
        [](const engine::TrainingConfig& c) { return c.schedule.gamma; },
        [](engine::TrainingConfig& c, double v) { c.schedule.gamma = v; });
    m_minLearningRate = realField(
        m_scheduleForm, tr("Final rate:"), 0.0, 10.0, 6, 0.0001,
        QStringLiteral("schedule.minLearningRate"),
        [](const engine::TrainingConfig& c) { return c.schedule.minLearningRate; },
        [](engine::TrainingConfig& c, double v) { c.schedule.minLearningRate = v; });
    realField(
        m_scheduleForm, tr("Warm-up (epochs):"), 0.0, 1000.0, 1, 1.0,
        QStringLiteral("schedule.warmupEpochs"),
        [](const engine::TrainingConfig& c) { return c.schedule.warmupEpochs; },
        [](engine::TrainingConfig& c, double v) { c.schedule.warmupEpochs = v; },
        tr("Linear warm-up from 0 to the learning rate"));

    // --- training ------------------------------------------------------------------------------
    group(layout, tr("Training"), m_trainingForm);
    m_batchSize = intField(
        m_trainingForm, tr("Batch size:"), 1, 65536, QStringLiteral("batchSize"),
        [](const engine::TrainingConfig& c) { return c.batchSize; },
        [](engine::TrainingConfig& c, int v) { c.batchSize = v; });
    m_epochs = intField(
        m_trainingForm, tr("Epochs:"), 1, 1000000, QStringLiteral("epochs"),
        [](const engine::TrainingConfig& c) { return c.epochs; },
        [](engine::TrainingConfig& c, int v) { c.epochs = v; });
    m_validationSplit = realField(
        m_trainingForm, tr("Validation split:"), 0.0, 0.9, 2, 0.05,
        QStringLiteral("validationSplit"),
        [](const engine::TrainingConfig& c) { return c.validationSplit; },
        [](engine::TrainingConfig& c, double v) { c.validationSplit = v; },
        tr("Fraction of the data held out to watch for overfitting"));
    m_testSplit = realField(
        m_trainingForm, tr("Test split:"), 0.0, 0.9, 2, 0.05, QStringLiteral("testSplit"),
        [](const engine::TrainingConfig& c) { return c.testSplit; },
        [](engine::TrainingConfig& c, double v) { c.testSplit = v; },
        tr("Fraction of the data held out for the final test"));
    m_patience = intField(
        m_trainingForm, tr("Early stopping:"), 0, 100000, QStringLiteral("earlyStoppingPatience"),
        [](const engine::TrainingConfig& c) { return c.earlyStoppingPatience; },
        [](engine::TrainingConfig& c, int v) { c.earlyStoppingPatience = v; },
        tr("Stop after this many epochs without validation improvement"));
    m_patience->setSpecialValueText(tr("off"));
    m_patience->setSuffix(tr(" epochs"));
    m_minDelta = realField(
        m_trainingForm, tr("Min. improvement:"), 0.0, 10.0, 5, 0.0001,
        QStringLiteral("earlyStoppingMinDelta"),
        [](const engine::TrainingConfig& c) { return c.earlyStoppingMinDelta; },
        [](engine::TrainingConfig& c, double v) { c.earlyStoppingMinDelta = v; });
    m_restoreBest = new QCheckBox(tr("Restore best weights"));
    m_trainingForm->addRow(QString(), m_restoreBest);
    connect(m_restoreBest, &QCheckBox::toggled, this, [this](bool on) {
        editTraining(QStringLiteral("restoreBestWeights"),
            [on](engine::TrainingConfig& c) { c.restoreBestWeights = on; });
    });
    m_refreshers.push_back(
        [this] { m_restoreBest->setChecked(m_doc->trainingConfig().restoreBestWeights); });
    intField(
        m_trainingForm, tr("Seed:"), 0, std::numeric_limits<int>::max(), QStringLiteral("seed"),
        [](const engine::TrainingConfig& c) {
            return static_cast<int>(
                std::min<std::uint64_t>(c.seed, std::numeric_limits<int>::max()));
        },
        [](engine::TrainingConfig& c, int v) { c.seed = static_cast<std::uint64_t>(v); },
        tr("Seeds initial weights, shuffling, dropout and the data split"));

    layout->addStretch(1);

    connect(m_doc, &GraphDocument::settingsChanged, this, &ProjectSettingsPanel::refresh);
    connect(m_doc, &GraphDocument::reset, this, &ProjectSettingsPanel::refresh);
    connect(m_doc, &GraphDocument::validationChanged, this, &ProjectSettingsPanel::updateHints);
    connect(m_doc, &GraphDocument::attributesChanged, this, &ProjectSettingsPanel::updateHints);
    refresh();
}

void ProjectSettingsPanel::refresh()
{
    const QList<QWidget*> editors = findChildren<QWidget*>();
    std::vector<std::unique_ptr<QSignalBlocker>> blockers;
    blockers.reserve(static_cast<std::size_t>(editors.size()));
    for (QWidget* w : editors)
        blockers.push_back(std::make_unique<QSignalBlocker>(w));
    for (const auto& refresher : m_refreshers)
        refresher();
    blockers.clear();
    updateVisibility();
    updateHints();
}

bool ProjectSettingsPanel::isFieldShown(QWidget* field) const
{
    for (QFormLayout* form : {m_datasetForm, m_optimizerForm, m_scheduleForm, m_trainingForm}) {
        if (form->indexOf(field) >= 0)
            return form->isRowVisible(field);
    }
    return field->isVisibleTo(const_cast<ProjectSettingsPanel*>(this));
}

void ProjectSettingsPanel::editDataset(const QString& key, const DatasetEdit& edit)
{
    engine::DatasetSpec spec = m_doc->datasetSpec();
    edit(spec);
    if (spec.toJson() == m_doc->datasetSpec().toJson())
        return;
    m_stack->push(new SetDatasetCommand(m_doc, spec, key));
}

void ProjectSettingsPanel::pickSource(const QString& source)
{
    const engine::DatasetSpec& current = m_doc->datasetSpec();
    // Picking MNIST again chooses another folder.
    if (source.toStdString() == current.source && source != QLatin1String("mnist"))
        return;
    if (source == QLatin1String("generator")) {
        editDataset(QStringLiteral("source"), [](engine::DatasetSpec& s) {
            s.source = "generator";
            s.path.clear();
            s.options = nlohmann::json::object(); // file options mean nothing to a generator
            s.classNames.clear();
        });
        return;
    }
    QString folder;
    if (source == QLatin1String("mnist")) {
        folder = m_choosers.directory(tr("Choose the MNIST Folder (train-images-idx3-ubyte.gz, …)"),
            QDir::homePath(), QString());
        if (folder.isEmpty()) {
            refresh(); // cancelled: the combo shows the project's source again
            return;
        }
    }
    const auto limit = current.options.find("limit");
    const int subset = isBuiltInImageSource(current.source) && limit != current.options.end()
            && limit->is_number_integer()
        ? limit->get<int>()
        : 0;
    const engine::DatasetSpec spec
        = builtInImageSpec(source.toStdString(), folder, current, subset);
    m_stack->push(new SetDatasetCommand(m_doc, spec, QStringLiteral("source")));
}

void ProjectSettingsPanel::editTraining(const QString& key, const TrainingEdit& edit)
{
    engine::TrainingConfig config = m_doc->trainingConfig();
    edit(config);
    if (config.toJson() == m_doc->trainingConfig().toJson())
        return;
    m_stack->push(new SetTrainingConfigCommand(m_doc, config, key));
}

void ProjectSettingsPanel::updateVisibility()
{
    const std::string opt = m_doc->trainingConfig().optimizer.type;
    const bool adam = opt == "adam" || opt == "adamw";
    m_optimizerForm->setRowVisible(m_momentum, opt == "momentum" || opt == "nesterov");
    m_optimizerForm->setRowVisible(m_rho, opt == "rmsprop");
    m_optimizerForm->setRowVisible(m_beta1, adam);
    m_optimizerForm->setRowVisible(m_beta2, adam);
    m_optimizerForm->setRowVisible(m_weightDecay, opt == "adamw");

    const std::string schedule = m_doc->trainingConfig().schedule.type;
    m_scheduleForm->setRowVisible(m_stepEpochs, schedule == "step");
    m_scheduleForm->setRowVisible(m_gamma, schedule == "step");
    m_scheduleForm->setRowVisible(m_minLearningRate, schedule == "cosine");

    // A time series splits itself in time order (engine::SourceData::splitInOrder) with the
    // fractions of its dataset options; the random-split fractions would be ignored.
    const engine::DatasetSpec& data = m_doc->datasetSpec();
    const bool byTime = data.source == "timeseries";
    const auto fraction = [&data](const char* key, double fallback) {
        const auto it = data.options.find(key);
        return it != data.options.end() && it->is_number() ? it->get<double>() : fallback;
    };
    const QString percent = QStringLiteral("%1 %");
    m_validationSplit->setEnabled(!byTime);
    m_validationSplit->setToolTip(byTime
            ? tr("Not used: a time series is split by time. Its last %1 of the rows are "
                 "validation, as chosen when it was imported (Import Dataset ▸ CSV, Time "
                 "series mode).")
                  .arg(percent.arg(100.0 * fraction("validation", 0.2)))
            : tr("Fraction of the data held out to watch for overfitting"));
    m_testSplit->setEnabled(!byTime);
    const double test = fraction("test", 0.0);
    m_testSplit->setToolTip(!byTime ? tr("Fraction of the data held out for the final test")
            : test > 0
            ? tr("Not used: a time series is split by time. Its last %1 of the rows are the "
                 "test part (dataset option \"test\").")
                  .arg(percent.arg(100.0 * test))
            : tr("Not used: a time series is split by time; this one has no test part "
                 "(dataset option \"test\")."));

    m_trainingForm->setRowVisible(m_minDelta, m_doc->trainingConfig().earlyStoppingPatience > 0);
    m_trainingForm->setRowVisible(m_restoreBest, m_doc->trainingConfig().earlyStoppingPatience > 0);
}

void ProjectSettingsPanel::updateHints()
{
    QString hint;
    if (const QString missing = missingBuiltInDataMessage(m_doc->datasetSpec());
        !missing.isEmpty()) {
        hint = missing;
    } else if (!m_doc->datasetProblem().isEmpty()) {
        hint = m_doc->datasetProblem();
    } else if (const auto& ctx = m_doc->context()) {
        const QString inputs = QString::fromStdString(ctx->inputShape.toString());
        hint = ctx->numClasses > 0
            ? tr("%1 inputs → %2 classes").arg(inputs).arg(ctx->numClasses)
            : (ctx->targetRows == 1
                    ? tr("%1 inputs → 1 regression target").arg(inputs)
                    : tr("%1 inputs → %2 regression targets").arg(inputs).arg(ctx->targetRows));
    }
    m_datasetHint->setText(hint);
    m_datasetHint->setVisible(!hint.isEmpty());

    QString loss;
    for (NodeId id : m_doc->nodeIds()) {
        if (m_doc->nodeType(id) != QLatin1String("Loss"))
            continue;
        const nlohmann::json attrs = m_doc->attributes(id);
        std::string type;
        for (const char* key : {"loss", "function", "type"}) {
            if (attrs.contains(key) && attrs[key].is_string()) {
                type = attrs[key].get<std::string>();
                break;
            }
        }
        const QString name
            = type.empty() ? m_doc->summary(id) : QString::fromStdString(engine::Loss::label(type));
        loss = tr("<b>%1</b><br><small>Set on the Loss node “%2”; select it to change."
                  "</small>")
                   .arg(name.toHtmlEscaped(), m_doc->nodeName(id).toHtmlEscaped());
        break;
    }
    if (loss.isEmpty())
        loss = tr("<i>No Loss node: drag one from the palette (Output) onto the network's "
                  "last layer.</i>");
    m_lossLabel->setText(loss);
}

QSpinBox* ProjectSettingsPanel::intField(QFormLayout* form, const QString& label, int min, int max,
    const QString& key, std::function<int(const engine::TrainingConfig&)> get,
    std::function<void(engine::TrainingConfig&, int)> set, const QString& tooltip)
{
    auto* spin = new QSpinBox;
    spin->setRange(min, max);
    spin->setToolTip(tooltip);
    form->addRow(label, spin);
    connect(spin, &QSpinBox::valueChanged, this, [this, key, set](int v) {
        editTraining(key, [&](engine::TrainingConfig& c) { set(c, v); });
    });
    // Only on a real change: re-setting the value being typed would reformat the text under
    // the cursor.
    m_refreshers.push_back([this, spin, get] {
        const auto v = get(m_doc->trainingConfig());
        if (spin->value() != v)
            spin->setValue(v);
    });
    return spin;
}

QDoubleSpinBox* ProjectSettingsPanel::realField(QFormLayout* form, const QString& label, double min,
    double max, int decimals, double step, const QString& key,
    std::function<double(const engine::TrainingConfig&)> get,
    std::function<void(engine::TrainingConfig&, double)> set, const QString& tooltip)
{
    auto* spin = new CompactDoubleSpinBox;
    spin->setDecimals(decimals);
    spin->setRange(min, max);
    spin->setSingleStep(step);
    spin->setToolTip(tooltip);
    form->addRow(label, spin);
    connect(spin, &QDoubleSpinBox::valueChanged, this, [this, key, set](double v) {
        editTraining(key, [&](engine::TrainingConfig& c) { set(c, v); });
    });
    // Only on a real change: re-setting the value being typed would reformat the text under
    // the cursor.
    m_refreshers.push_back([this, spin, get] {
        const auto v = get(m_doc->trainingConfig());
        if (spin->value() != v)
            spin->setValue(v);
    });
    return spin;
}

} // namespace widgets
