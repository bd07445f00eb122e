#include "data/DatasetPanel.h"

#include "common/FontSizing.h"
#include "data/BuiltInDatasets.h"
#include "data/ClassCountsView.h"
#include "data/DatasetTableModel.h"
#include "data/ImageGridView.h"
#include "data/PathConsent.h"
#include "data/VocabularyTable.h"
#include "document/GraphDocument.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace widgets {

namespace {

QString count(long n)
{
    return QLocale().toString(qlonglong(n));
}

QString sourceText(const engine::DatasetSpec& spec)
{
    if (spec.source == "generator")
        return DatasetPanel::tr("generated “%1”").arg(QString::fromStdString(spec.generator));
    if (spec.source == "fashion-mnist")
        return QStringLiteral("Fashion-MNIST");
    if (spec.source == "mnist")
        return QStringLiteral("MNIST");
    const QString file = QFileInfo(QString::fromStdString(spec.path)).fileName();
    if (spec.source == "timeseries")
        return DatasetPanel::tr("time series %1").arg(file);
    return spec.source == "csv" ? DatasetPanel::tr("CSV %1").arg(file)
                                : DatasetPanel::tr("IDX %1").arg(file);
}

} // namespace

DatasetPanel::DatasetPanel(GraphDocument* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
    , m_loader(new DatasetLoader(this))
    , m_reloadTimer(new QTimer(this))
{
    m_reloadTimer->setSingleShot(true);
    m_reloadTimer->setInterval(150); // dragging the noise slider should not load every step
    connect(m_reloadTimer, &QTimer::timeout, this, &DatasetPanel::reload);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("datasetSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);

    m_loadingRow = new QWidget(this);
    auto* loadingLayout = new QHBoxLayout(m_loadingRow);
    loadingLayout->setContentsMargins(0, 0, 0, 0);
    m_progress = new QProgressBar(m_loadingRow);
    m_progress->setRange(0, 100);
    m_progress->setTextVisible(true);
    m_stage = new QLabel(m_loadingRow);
    m_cancel = new QPushButton(tr("Cancel"), m_loadingRow);
    m_cancel->setToolTip(tr("Stop loading the dataset"));
    loadingLayout->addWidget(m_progress, 1);
    loadingLayout->addWidget(m_stage, 1);
    loadingLayout->addWidget(m_cancel);
    layout->addWidget(m_loadingRow);
    m_loadingRow->hide();

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("datasetMessage"));
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::RichText);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    m_message->setFrameShape(QFrame::StyledPanel);
    connect(m_message, &QLabel::linkActivated, this, [this](const QString& link) {
        if (link == QLatin1String("reload"))
            reload();
    });
    m_message->setMargin(6);
    m_message->hide();
    layout->addWidget(m_message);

    m_tabs = new QTabWidget(this);
    m_table = new QTableView(m_tabs);
    m_model = new DatasetTableModel(m_table);
    m_table->setModel(m_model);
    m_table->setObjectName(QStringLiteral("datasetTable"));
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    // Fixed row heights: no per-row measuring, so 70,000 rows open instantly.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    // Row height and column width follow the font (presentation mode enlarges it): a column of
    // fixed pixels cuts "label (target)" at a larger font.
    followFont(m_table, [this] {
        m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
        m_table->horizontalHeader()->setDefaultSectionSize(charsWidth(m_table, 14));
    });
    m_images = new ImageGridView(m_tabs);
    m_images->setObjectName(QStringLiteral("datasetImages"));
    m_tabs->addTab(m_images, tr("Images"));
    m_tabs->addTab(m_table, tr("Table"));
    m_vocabulary = new VocabularyTable(m_tabs);
    m_vocabulary->setObjectName(QStringLiteral("datasetVocabulary"));
    m_tabs->addTab(m_vocabulary, tr("Vocabulary"));
    m_tabs->setTabVisible(m_tabs->indexOf(m_vocabulary), false);
    layout->addWidget(m_tabs, 1);

    m_countsTitle = new QLabel(tr("<b>Samples per class</b>"), this);
    layout->addWidget(m_countsTitle);
    m_counts = new ClassCountsView(this);
    auto* countsScroll = new QScrollArea(this);
    countsScroll->setWidget(m_counts);
    countsScroll->setWidgetResizable(true);
    countsScroll->setFrameShape(QFrame::NoFrame);
    countsScroll->setMaximumHeight(10 * ClassCountsView::kRowHeight + 8);
    countsScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    layout->addWidget(countsScroll);
    m_split = new QLabel(this);
    m_split->setObjectName(QStringLiteral("datasetSplit"));
    m_split->setWordWrap(true);
    layout->addWidget(m_split);

    connect(m_cancel, &QPushButton::clicked, m_loader, &DatasetLoader::cancel);
    connect(m_loader, &DatasetLoader::started, this, [this] { setLoading(true); });
    connect(m_loader, &DatasetLoader::progress, this, [this](double f, const QString& stage) {
        m_progress->setValue(int(std::lround(f * 100)));
        m_stage->setText(stage);
    });
    connect(m_loader, &DatasetLoader::loaded, this, &DatasetPanel::onLoaded);
    connect(m_loader, &DatasetLoader::failed, this, &DatasetPanel::onFailed);
    connect(m_loader, &DatasetLoader::pathNotAllowed, this,
        [this](const QString& path) { onPathNotAllowed(path); });
    connect(m_loader, &DatasetLoader::cancelled, this, [this] {
        setLoading(false);
        m_key.clear(); // a later change (or reload()) loads again
        m_message->setText(tr("Loading cancelled. Training loads the data when it starts."));
        m_message->show();
    });
    connect(m_doc, &GraphDocument::settingsChanged, this, &DatasetPanel::onSettingsChanged);
    connect(m_doc, &GraphDocument::reset, this, &DatasetPanel::scheduleReload);
    countsScroll->hide();
    m_countsTitle->hide();
    connect(this, &DatasetPanel::dataShown, this, [this, countsScroll] {
        const bool classes = m_data && m_data->data.task == engine::TaskKind::Classification;
        countsScroll->setVisible(classes);
        m_countsTitle->setVisible(classes);
    });
    scheduleReload();
}

void DatasetPanel::setProjectDirectory(const QString& dir)
{
    if (dir == m_projectDir)
        return;
    m_projectDir = dir;
    if (DatasetCache::key(m_doc->datasetSpec(), m_projectDir) != m_key)
        scheduleReload();
}

void DatasetPanel::scheduleReload()
{
    m_reloadTimer->start();
}

void DatasetPanel::onSettingsChanged()
{
    if (DatasetCache::key(m_doc->datasetSpec(), m_projectDir) != m_key)
        scheduleReload();
    else
        updateSplit();
}

void DatasetPanel::reload()
{
    m_reloadTimer->stop();
    const engine::DatasetSpec spec = m_doc->datasetSpec();
    m_key = DatasetCache::key(spec, m_projectDir);
    if (m_overrideSet) {
        m_overrideSet = false;
        m_doc->setContextOverride(std::nullopt);
    }
    m_summary->setText(tr("<b>%1</b>").arg(sourceText(spec).toHtmlEscaped()));
    m_message->hide();
    if (const QString missing = missingBuiltInDataMessage(spec); !missing.isEmpty()) {
        m_loader->cancel();
        setLoading(false);
        showData(nullptr);
        m_message->setText(missing);
        m_message->show();
        return;
    }
    if (spec.source != "generator" && !isBuiltInImageSource(spec.source) && spec.path.empty()) {
        showData(nullptr);
        m_message->setText(tr("No data file chosen yet: use File ▸ Import Dataset."));
        m_message->show();
        return;
    }
    if (SharedSourceData cached = DatasetCache::cached(spec, m_projectDir)) {
        m_loader->cancel();
        setLoading(false);
        m_message->hide();
        showData(std::move(cached));
        return;
    }
    m_loader->load(spec, m_projectDir);
}

void DatasetPanel::setLoading(bool loading)
{
    m_loadingRow->setVisible(loading);
    if (loading) {
        m_progress->setValue(0);
        m_stage->setText(tr("loading…"));
    }
}

void DatasetPanel::onLoaded(const LoadedDataset& result)
{
    setLoading(false);
    if (result.key != m_key)
        return;
    m_message->hide();
    showData(result.parts);
}

void DatasetPanel::onFailed(const QString& message)
{
    setLoading(false);
    showData(nullptr);
    const QString missing = missingBuiltInDataMessage(m_doc->datasetSpec());
    m_message->setText(missing.isEmpty()
            ? tr("<b>The data could not be loaded.</b><br>%1").arg(message.toHtmlEscaped())
            : missing);
    m_message->show();
}

void DatasetPanel::onPathNotAllowed(const QString& path)
{
    setLoading(false);
    showData(nullptr);
    if (m_asking)
        return; // the open question's answer reloads what is current then
    const QString key = m_key;
    const QString folder
        = QDir(m_projectDir.isEmpty() ? QStringLiteral(".") : m_projectDir).absolutePath();
    m_message->setText(
        tr("Waiting for your answer: may the project read %1?").arg(path.toHtmlEscaped()));
    m_message->show();
    m_asking = true;
    const QPointer<DatasetPanel> alive(this); // the question runs a nested event loop
    const bool allowed = PathConsent::ask(window(), path, tr("the project in %1").arg(folder));
    if (!alive)
        return;
    m_asking = false;
    if (allowed || m_key != key) {
        reload(); // with the folder allowed, or what the project names now
        return;
    }
    m_key.clear(); // a later change (or reload()) asks again
    m_message->setText(
        tr("<b>The data was not loaded.</b><br>The project names %1, outside its folder %2. "
           "You did not allow that folder, so nothing was read. <a href=\"reload\">Ask again</a>")
            .arg(path.toHtmlEscaped(), folder.toHtmlEscaped()));
    m_message->show();
    emit attentionNeeded();
}

void DatasetPanel::showData(SharedSourceData data)
{
    m_data = std::move(data);
    // File data tells the graph its shapes once loaded (the document cannot know them from the
    // spec alone), so the canvas checks the network against the real data.
    const std::string& source = m_doc->datasetSpec().source;
    if (source == "csv" || source == "idx" || source == "timeseries") {
        std::optional<engine::GraphContext> ctx;
        if (m_data) {
            const engine::Dataset& d = m_data->data;
            ctx = engine::GraphContext {};
            ctx->inputShape = d.inputShape;
            ctx->numClasses = d.task == engine::TaskKind::Classification ? d.numClasses : 0;
            ctx->targetRows = d.targetRows();
        }
        if (ctx || m_overrideSet)
            m_doc->setContextOverride(ctx);
        m_overrideSet = ctx.has_value();
    }
    m_model->setData(m_data);
    m_images->setData(m_data);
    m_vocabulary->setData(m_data);
    m_tabs->setTabVisible(
        m_tabs->indexOf(m_vocabulary), m_data && !m_data->data.vocabulary.empty());
    const bool images = m_data && ImageGridView::isImageData(m_data->data);
    m_tabs->setTabVisible(m_tabs->indexOf(m_images), images);
    m_tabs->setCurrentWidget(images ? static_cast<QWidget*>(m_images) : m_table);
    if (!m_data) {
        m_counts->setCounts({}, {});
        m_split->clear();
        emit dataShown();
        return;
    }
    const engine::Dataset& d = m_data->data;
    const engine::DatasetSpec& spec = m_doc->datasetSpec();
    QStringList facts;
    facts
        << tr("%1 samples").arg(count(d.size() + m_data->validation.size() + m_data->test.size()));
    if (images) {
        const auto g = ImageGridView::imageGeometry(d);
        facts
            << tr("%1×%2 %3 images").arg(g[0]).arg(g[1]).arg(g[2] == 3 ? tr("colour") : tr("grey"));
    } else if (d.inputShape.isSequence()) {
        facts << tr("sequences of %n step(s)", nullptr, d.inputShape.steps())
                + tr(" × %n feature(s)", nullptr, d.inputShape.stepFeatures());
    } else {
        facts << tr("%n input feature(s)", nullptr, int(d.x.rows()));
    }
    if (!d.vocabulary.empty())
        facts << tr("vocabulary of %n token(s)", nullptr, int(d.vocabulary.size()));
    if (d.task == engine::TaskKind::Classification)
        facts << tr("%n class(es)", nullptr, d.numClasses);
    else
        facts << tr("regression, %n target(s)", nullptr, int(d.y.rows()));
    if (!d.scaling.isIdentity())
        facts << tr("inputs %1")
                     .arg(d.scaling.method == "standardize" ? tr("standardized")
                                                            : tr("min-max scaled"));
    m_summary->setText(
        tr("<b>%1</b> · %2")
            .arg(sourceText(spec).toHtmlEscaped(), facts.join(QStringLiteral(" · "))));

    if (d.task == engine::TaskKind::Classification) {
        std::vector<long> counts = d.classCounts();
        const std::vector<long> test = m_data->test.classCounts();
        counts.resize(std::max(counts.size(), test.size()), 0);
        for (std::size_t i = 0; i < test.size(); ++i)
            counts[i] += test[i];
        QStringList names;
        for (const auto& n : d.classNames)
            names << QString::fromStdString(n);
        m_counts->setCounts(counts, names);
    } else {
        m_counts->setCounts({}, {});
    }
    updateSplit();
    emit dataShown();
}

void DatasetPanel::updateSplit()
{
    if (!m_data) {
        m_split->clear();
        return;
    }
    if (m_data->splitInOrder) {
        m_split->setText(tr("<b>Split by time</b>: train %1 · validation %2 · test %3 windows "
                            "(in time order; no window crosses from one part into the next)")
                             .arg(count(m_data->data.size()), count(m_data->validation.size()),
                                 count(m_data->test.size())));
        return;
    }
    const engine::TrainingConfig& t = m_doc->trainingConfig();
    const long n = m_data->data.size();
    const bool ownTest = !m_data->test.empty();
    const long val = std::lround(double(n) * t.validationSplit);
    const long test = ownTest ? m_data->test.size() : std::lround(double(n) * t.testSplit);
    const long train = n - val - (ownTest ? 0 : test);
    QString text = tr("<b>Split</b>: train %1 · validation %2 · test %3")
                       .arg(count(train), count(val), count(test));
    if (ownTest)
        text += tr(" (the source's own test set)");
    m_split->setText(text);
}

} // namespace widgets
