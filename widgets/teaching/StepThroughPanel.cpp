#include "teaching/StepThroughPanel.h"

#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "data/DatasetLoading.h"
#include "document/GraphDocument.h"
#include "plots/WeightHeatmap.h"
#include "teaching/UpdateRuleText.h"
#include "training/TrainingController.h"
#include "training/TrainingSnapshot.h"

#include <nlohmann/json.hpp>

#include <QGridLayout>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QTextBrowser>
#include <QTextDocument>
#include <QThread>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <utility>

namespace widgets {

namespace {

using engine::ActivationKind;
using engine::Matrix;
using engine::StepNode;
using engine::StepNodeKind;

/// Four significant digits: enough to follow the arithmetic by hand.
QString num(double v)
{
    if (v == 0)
        return QStringLiteral("0");
    return QString::number(v, 'g', 4);
}

/// A factor in a product: negative numbers in parentheses.
QString factor(double v)
{
    return v < 0 ? '(' + num(v) + ')' : num(v);
}

QString functionName(ActivationKind k)
{
    return QString::fromStdString(engine::activationName(k));
}

/// f'(z) as a formula, for the chain-rule line.
QString derivativeFormula(ActivationKind k)
{
    switch (k) {
    case ActivationKind::Sigmoid:
        return QStringLiteral("a(1 − a)");
    case ActivationKind::Tanh:
        return QStringLiteral("1 − a²");
    case ActivationKind::ReLU:
        return QStringLiteral("1 if z > 0, else 0");
    case ActivationKind::LeakyReLU:
        return QStringLiteral("1 if z > 0, else α");
    case ActivationKind::ELU:
        return QStringLiteral("1 if z > 0, else a + α");
    case ActivationKind::GELU:
        return QStringLiteral("Φ(z) + z φ(z)");
    case ActivationKind::Identity:
        return QStringLiteral("1");
    case ActivationKind::Softmax:
        return QStringLiteral("the softmax Jacobian");
    }
    return {};
}

QString vectorText(const Matrix& v)
{
    QStringList parts;
    for (Eigen::Index i = 0; i < v.size(); ++i)
        parts << num(double(v.data()[i]));
    return '(' + parts.join(QStringLiteral(", ")) + ')';
}

QString summaryText(const Matrix& m)
{
    if (m.size() == 0)
        return {};
    const double mean = double(m.mean());
    return QStringLiteral("min %1, mean %2, max %3, ‖·‖ %4")
        .arg(
            num(double(m.minCoeff())), num(mean), num(double(m.maxCoeff())), num(double(m.norm())));
}

/// Diverging blue-white-red scale centred on zero, like the weight heatmaps.
QRgb divergingColor(double t)
{
    t = std::clamp(t, -1.0, 1.0);
    const QColor neg(33, 102, 172), pos(178, 24, 43);
    const QColor& c = t < 0 ? neg : pos;
    const double s = std::abs(t);
    const auto mix = [s](int from, int to) { return int(std::lround(from + (to - from) * s)); };
    return qRgb(mix(255, c.red()), mix(255, c.green()), mix(255, c.blue()));
}

QString section(const QString& title, const QString& body, bool current)
{
    const QString background = current ? QStringLiteral("#fff4cc") : QStringLiteral("#f4f6f8");
    return QStringLiteral("<table width='100%' cellpadding='6' style='margin-bottom:6px'>"
                          "<tr><td style='background:%1'><b>%2</b><br>%3</td></tr></table>")
        .arg(background, title, body);
}

const StepNode* nodeById(const engine::StepTrace& t, engine::NodeId id)
{
    const int i = t.indexOf(id);
    return i < 0 ? nullptr : &t.nodes[std::size_t(i)];
}

} // namespace

StepThroughPanel::StepThroughPanel(QWidget* parent)
    : QWidget(parent)
{
    m_sample = new QSpinBox(this);
    m_sample->setObjectName(QStringLiteral("StepSample"));
    m_sample->setRange(0, 0);
    m_sample->setToolTip(tr("Index of the sample in the training set; or click a point on the "
                            "Decision boundary view"));
    m_sampleInfo = new QLabel(this);
    m_sampleInfo->setObjectName(QStringLiteral("StepSampleInfo"));
    m_sampleInfo->setWordWrap(true);
    m_sampleInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_forward = new QPushButton(tr("Forward step"), this);
    m_forward->setObjectName(QStringLiteral("StepForwardButton"));
    m_forward->setToolTip(tr("Compute the next layer: z = W x + b, a = f(z); then the loss"));
    m_backward = new QPushButton(tr("Backward step"), this);
    m_backward->setObjectName(QStringLiteral("StepBackwardButton"));
    m_backward->setToolTip(tr("Back-propagate through the next layer: dL/da, dL/dz, dL/dW, dL/db"));
    m_update = new QPushButton(tr("Update"), this);
    m_update->setObjectName(QStringLiteral("StepUpdateButton"));
    m_update->setToolTip(tr("Apply the optimizer's step to every weight and store the weights"));
    m_reset = new QPushButton(tr("Reset"), this);
    m_reset->setObjectName(QStringLiteral("StepResetButton"));
    m_reset->setToolTip(tr("Start over from the forward pass (the weights stay as they are)"));

    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_text = new QTextBrowser(this);
    m_text->setObjectName(QStringLiteral("StepExplanation"));
    m_text->setOpenLinks(false);
    m_heatmap = new WeightHeatmap(this);
    m_heatmap->setMinimumHeight(170);
    m_heatmap->setVisible(false);

    auto* sampleRow = new QHBoxLayout;
    sampleRow->addWidget(new QLabel(tr("Sample:"), this));
    sampleRow->addWidget(m_sample);
    sampleRow->addWidget(m_sampleInfo, 1);
    // Two rows of two: four buttons side by side made the dock (and with it the window) too wide
    // for a 1366-pixel laptop screen.
    auto* buttons = new QGridLayout;
    buttons->addWidget(m_forward, 0, 0);
    buttons->addWidget(m_backward, 0, 1);
    buttons->addWidget(m_update, 1, 0);
    buttons->addWidget(m_reset, 1, 1);
    buttons->setColumnStretch(2, 1);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_text);
    splitter->addWidget(m_heatmap);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(sampleRow);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);

    connect(m_sample, &QSpinBox::valueChanged, this, [this](int index) {
        updateSampleInfo();
        emit sampleSelected(index);
        if (m_step)
            discard(tr("Sample %1 selected: press Forward step.").arg(m_sample->value()));
    });
    connect(m_forward, &QPushButton::clicked, this, &StepThroughPanel::forwardStep);
    connect(m_backward, &QPushButton::clicked, this, &StepThroughPanel::backwardStep);
    connect(m_update, &QPushButton::clicked, this, &StepThroughPanel::applyUpdate);
    connect(m_reset, &QPushButton::clicked, this, &StepThroughPanel::reset);
    m_status->setText(tr("Pick a sample and press Forward step to follow one training step "
                         "through the network."));
    updateControls();
}

StepThroughPanel::~StepThroughPanel()
{
    dropData();
    // A load stops at the engine's next stage; one waiting for the Dataset dock's load of the
    // same data waits for that load.
    for (QThread* t : std::as_const(m_loadThreads)) {
        t->disconnect(this);
        t->wait();
        delete t;
    }
}

void StepThroughPanel::setDocument(GraphDocument* document)
{
    if (m_doc)
        disconnect(m_doc, nullptr, this, nullptr);
    m_doc = document;
    dropData();
    if (!m_doc)
        return;
    const auto changed = [this] { discard(tr("The network changed: press Forward step.")); };
    connect(m_doc, &GraphDocument::nodeAdded, this, changed);
    connect(m_doc, &GraphDocument::nodeRemoved, this, changed);
    connect(m_doc, &GraphDocument::edgeAdded, this, changed);
    connect(m_doc, &GraphDocument::edgeRemoved, this, changed);
    connect(m_doc, &GraphDocument::attributesChanged, this, changed);
    connect(m_doc, &GraphDocument::settingsChanged, this, [this] {
        discard(tr("The settings changed: press Forward step."));
        if (isVisible())
            ensureData();
    });
    connect(m_doc, &GraphDocument::reset, this, [this] {
        reset();
        if (isVisible())
            ensureData();
    });
    connect(m_doc, &GraphDocument::weightsChanged, this, [this] {
        if (!m_writing)
            discard(tr("The weights changed: press Forward step."));
    });
}

void StepThroughPanel::setController(TrainingController* controller)
{
    if (m_controller)
        disconnect(m_controller, nullptr, this, nullptr);
    m_controller = controller;
    if (m_controller)
        connect(m_controller, &TrainingController::stateChanged, this,
            &StepThroughPanel::updateControls);
    updateControls();
}

void StepThroughPanel::setProjectDirectory(const QString& dir)
{
    if (dir == m_projectDir)
        return;
    m_projectDir = dir;
    if (isVisible())
        ensureData();
}

int StepThroughPanel::sample() const
{
    return m_sample->value();
}

long StepThroughPanel::sampleCount() const
{
    return m_data ? m_data->train.size() : 0;
}

const engine::StepTrace* StepThroughPanel::trace() const
{
    return m_step ? &m_step->last() : nullptr;
}

QString StepThroughPanel::explanation() const
{
    return m_text->toPlainText();
}

void StepThroughPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    ensureData();
}

void StepThroughPanel::setSample(int index)
{
    if (!ensureData() && m_loading) {
        m_pendingSample = index; // selected when the data is there
        return;
    }
    if (index < 0 || index > m_sample->maximum())
        return;
    if (index == m_sample->value()) {
        if (m_step)
            discard(tr("Sample %1 selected: press Forward step.").arg(index));
        return;
    }
    m_sample->setValue(index); // valueChanged discards the trace
}

std::string StepThroughPanel::currentDataKey() const
{
    const engine::Project& p = m_doc->project();
    return p.dataset.toJson().dump() + '|' + m_projectDir.toStdString() + '|'
        + std::to_string(p.training.validationSplit) + '|' + std::to_string(p.training.testSplit)
        + '|' + std::to_string(p.training.seed);
}

bool StepThroughPanel::ensureData()
{
    if (!m_doc)
        return false;
    const std::string key = currentDataKey();
    if (key == m_dataKey && m_data)
        return m_data->train.size() > 0;
    if (key == m_dataKey && m_loading)
        return false;
    startLoad(key); // also after a failed load: the file may be there now
    return false;
}

void StepThroughPanel::dropData()
{
    ++m_loadRequest;
    if (m_loadCancel)
        m_loadCancel->store(true);
    m_loadCancel.reset();
    m_loading = false;
    m_pendingSample = -1;
    m_dataKey.clear();
    m_data.reset();
}

void StepThroughPanel::startLoad(const std::string& key)
{
    dropData();
    m_dataKey = key;
    m_loading = true;
    m_loadCancel = std::make_shared<std::atomic<bool>>(false);
    {
        QSignalBlocker block(m_sample);
        m_sample->setRange(0, 0);
    }
    m_sampleInfo->setText(tr("Loading data…"));
    updateControls();

    const engine::Project& p = m_doc->project();
    // Fashion-MNIST takes seconds to read: on the GUI thread the window froze when shown.
    QThread* thread = QThread::create(
        [this, spec = p.dataset, dir = m_projectDir, validation = p.training.validationSplit,
            test = p.training.testSplit, seed = p.training.seed, cancel = m_loadCancel,
            request = m_loadRequest, key] {
            std::shared_ptr<engine::DatasetSplits> data;
            QString error;
            try {
                engine::LoadMonitor monitor;
                monitor.cancel = cancel.get();
                // The cache hands over what the Dataset dock loaded (or waits for its load).
                const SharedSourceData parts = DatasetCache::acquire(spec, dir, monitor);
                if (cancel->load())
                    return;
                // The trainer's own split, so sample i is the sample it trains on as index i.
                data = std::make_shared<engine::DatasetSplits>(
                    engine::splitSourceData(*parts, validation, test, seed));
            } catch (const engine::LoadCancelled&) {
                return;
            } catch (const std::exception& e) {
                error = QString::fromStdString(e.what());
            }
            // `this` outlives the thread (the destructor joins it); the queued call is dropped when
            // a later request or a settings change made this one stale.
            QMetaObject::invokeMethod(
                this,
                [this, request, key, data = std::move(data), error] {
                    onDataLoaded(request, key, data, error);
                },
                Qt::QueuedConnection);
        });
    m_loadThreads.push_back(thread);
    connect(thread, &QThread::finished, this, [this, thread] {
        m_loadThreads.removeOne(thread);
        thread->deleteLater();
    });
    thread->start(QThread::LowPriority);
}

void StepThroughPanel::onDataLoaded(int request, const std::string& key,
    std::shared_ptr<engine::DatasetSplits> data, const QString& error)
{
    if (request != m_loadRequest || !m_loading || key != m_dataKey)
        return;
    m_loading = false;
    if (!m_doc || key != currentDataKey()) {
        // The settings changed while the panel was hidden: this is the old project's data.
        dropData();
        if (m_doc && isVisible())
            ensureData();
        return;
    }
    const int pending = std::exchange(m_pendingSample, -1);
    if (!data) {
        m_sampleInfo->setText(tr("No data: %1").arg(error));
        updateControls();
        emit dataLoaded(false);
        return;
    }
    m_data = std::move(data);
    {
        QSignalBlocker block(m_sample);
        m_sample->setRange(0, int(std::max<long>(0, m_data->train.size() - 1)));
    }
    updateSampleInfo();
    updateControls();
    if (pending >= 0)
        setSample(pending);
    emit dataLoaded(true);
}

void StepThroughPanel::updateSampleInfo()
{
    if (!m_data || m_data->train.empty()) {
        m_sampleInfo->clear();
        return;
    }
    const engine::Dataset& d = m_data->train;
    const long i = std::clamp<long>(m_sample->value(), 0, d.size() - 1);
    QString x = d.x.rows() <= 4 ? QStringLiteral("x = ") + vectorText(d.x.col(i))
                                : tr("%1 inputs").arg(d.x.rows());
    QString y;
    if (d.task == engine::TaskKind::Classification) {
        const int label = d.label(i);
        y = tr("class %1").arg(label);
        if (label >= 0 && std::size_t(label) < d.classNames.size())
            y += QStringLiteral(" (%1)").arg(
                QString::fromStdString(d.classNames[std::size_t(label)]));
    } else {
        // An autoencoder's target is a whole image: its values belong in the loss step's
        // heatmap, not in this one-line label.
        y = d.y.rows() <= 4 ? QStringLiteral("y = ") + vectorText(d.y.col(i))
                            : tr("%1 targets").arg(d.y.rows());
    }
    m_sampleInfo->setText(tr("of %1 training samples: %2, %3").arg(d.size()).arg(x, y));
}

void StepThroughPanel::fail(const QString& message)
{
    m_problem = message;
    m_status->setText(
        QStringLiteral("<span style='color:#b00020'>%1</span>").arg(message.toHtmlEscaped()));
}

bool StepThroughPanel::prepare()
{
    m_problem.clear();
    if (!m_doc) {
        fail(tr("No project is open."));
        return false;
    }
    if (m_controller && m_controller->state() == TrainingController::State::Paused)
        m_controller->stop(5000); // keeps the session; its weights go to the document
    if (m_controller && m_controller->isRunning()) {
        fail(tr("Pause or stop training first: the weights change with every mini-batch."));
        return false;
    }
    if (!m_doc->check().ok()) {
        fail(tr("The network has errors; fix them first (see the canvas)."));
        return false;
    }
    if (!ensureData()) {
        fail(m_loading ? tr("The data is still loading: press Forward step when the sample line "
                            "shows it.")
                       : tr("The dataset could not be loaded; see the Project settings."));
        return false;
    }
    const engine::Project& p = m_doc->project();
    const engine::Dataset& train = m_data->train;
    try {
        auto graph = std::make_unique<engine::Graph>(p.buildGraph());
        graph->compile({train.inputShape,
                           train.task == engine::TaskKind::Classification ? train.numClasses : 0,
                           train.y.rows()},
            p.training.seed);
        // Stored weights are the current ones; without any, these are the initial weights a
        // new training session starts from (same seed).
        if (!p.weights.empty())
            graph->setWeights(p.weights, false);
        auto step = std::make_unique<engine::StepThrough>(*graph);
        step->trace(train, m_sample->value());
        m_step = std::move(step);
        m_graph = std::move(graph);
    } catch (const std::exception& e) {
        m_step.reset();
        m_graph.reset();
        fail(QString::fromStdString(e.what()));
        return false;
    }

    engine::OptimizerConfig oc = p.training.optimizer;
    if (m_controller && m_controller->hasSession()) {
        const engine::LiveSettings& live = m_controller->liveSettings();
        if (live.learningRate > 0)
            oc.learningRate = live.learningRate;
        oc.l1 = live.l1;
        oc.l2 = live.l2;
    }
    const std::string key = oc.toJson().dump();
    if (!m_optimizer || key != m_optimizerKey) {
        m_optimizer = engine::Optimizer::create(oc);
        m_optimizerKey = key;
    }
    m_learningRate = oc.learningRate;
    m_forwardShown = 0;
    m_lossShown = false;
    m_backwardShown = 0;
    m_updated = false;
    return true;
}

void StepThroughPanel::discard(const QString& why)
{
    if (!m_step)
        return;
    m_step.reset();
    m_graph.reset();
    m_forwardShown = 0;
    m_lossShown = false;
    m_backwardShown = 0;
    m_updated = false;
    m_text->clear();
    m_heatmap->setVisible(false);
    m_status->setText(why);
    updateControls();
    emit currentNodeChanged(-1);
}

void StepThroughPanel::reset()
{
    m_optimizer.reset();
    m_optimizerKey.clear();
    m_problem.clear();
    if (m_step) {
        discard(tr("Press Forward step to start again with the current weights."));
    } else {
        m_text->clear();
        updateControls();
    }
}

int StepThroughPanel::lastForwardIndex() const
{
    return m_step ? int(m_step->last().nodes.size()) : 0;
}

int StepThroughPanel::backwardTotal() const
{
    return std::max(0, lastForwardIndex() - 1); // the Input node has nothing to back-propagate
}

bool StepThroughPanel::forwardStep()
{
    const bool startNew = !m_step || m_updated;
    if (!startNew && m_lossShown)
        return false; // the backward pass and the update come next
    if (startNew && !prepare()) {
        updateControls();
        return false;
    }
    engine::NodeId current = -1;
    const engine::StepTrace& t = m_step->last();
    if (m_forwardShown < lastForwardIndex()) {
        ++m_forwardShown;
        current = t.nodes[std::size_t(m_forwardShown - 1)].id;
    } else if (!m_lossShown) {
        m_lossShown = true;
        current = t.nodes.back().id;
    } else {
        return false;
    }
    render();
    updateControls();
    emit currentNodeChanged(current);
    return true;
}

bool StepThroughPanel::backwardStep()
{
    if (!m_step || !m_lossShown || m_updated || m_backwardShown >= backwardTotal())
        return false;
    ++m_backwardShown;
    const engine::StepTrace& t = m_step->last();
    const engine::NodeId current = t.nodes[t.nodes.size() - std::size_t(m_backwardShown)].id;
    render();
    updateControls();
    emit currentNodeChanged(current);
    return true;
}

bool StepThroughPanel::applyUpdate()
{
    if (!m_step || m_updated || !m_lossShown || m_backwardShown < backwardTotal())
        return false;
    if (m_controller && m_controller->isRunning()) {
        fail(tr("Training is running: pause or stop it first."));
        return false;
    }
    try {
        m_step->update(*m_optimizer, m_learningRate);
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()));
        return false;
    }
    m_updated = true;
    const engine::WeightMap weights = m_graph->weights();
    bool stored = true;
    m_writing = true;
    if (m_controller)
        stored = m_controller->setWeights(weights);
    else if (m_doc)
        m_doc->setWeights(weights);
    m_writing = false;
    m_stored = stored;
    render();
    updateControls();
    if (!stored)
        fail(tr("The new weights were not stored: the network was changed since training "
                "started. Train or reset the weights first."));
    emit currentNodeChanged(-1);
    emit weightsUpdated();
    return stored;
}

void StepThroughPanel::updateControls()
{
    const bool running = m_controller && m_controller->isRunning()
        && m_controller->state() != TrainingController::State::Paused;
    const bool traced = m_step != nullptr;
    const bool backwardDone = traced && m_backwardShown >= backwardTotal();
    m_sample->setEnabled(!running && !m_loading);
    m_forward->setEnabled(!running && !m_loading && (!traced || !m_lossShown || m_updated));
    m_backward->setEnabled(!running && traced && m_lossShown && !m_updated && !backwardDone);
    m_update->setEnabled(!running && traced && m_lossShown && backwardDone && !m_updated);
    m_reset->setEnabled(!running && (traced || m_optimizer));
    if (running)
        m_status->setText(tr("Training is running: pause or stop it to step through a sample."));
    else if (!traced && m_status->text().startsWith(tr("Training is running")))
        m_status->setText(tr("Press Forward step to follow one training step."));
}

// --- the side text ----------------------------------------------------------------------------

QString StepThroughPanel::image(const QString& key, const Matrix& m, int maxWidth)
{
    if (m.size() == 0)
        return {};
    long rows = m.rows(), cols = m.cols();
    if (cols == 1) {
        // A long vector reads better as a square when it is one (28 x 28 images), else as a row.
        const long side = long(std::lround(std::sqrt(double(rows))));
        if (rows >= 64 && side * side == rows) {
            cols = side;
            rows = side;
        } else {
            cols = rows;
            rows = 1;
        }
    }
    const double scale = std::max(1e-12, double(m.cwiseAbs().maxCoeff()));
    QImage img(int(cols), int(rows), QImage::Format_RGB32);
    for (long r = 0; r < rows; ++r) {
        for (long c = 0; c < cols; ++c) {
            // Square layouts of a vector are row-major (image order: H x W).
            const double v = m.cols() == 1 ? double(m.data()[r * cols + c]) : double(m(r, c));
            img.setPixel(int(c), int(r), divergingColor(v / scale));
        }
    }
    const int maxHeight = 140;
    int cell = int(std::min<long>(
        14, std::min(maxWidth / std::max(1L, cols), maxHeight / std::max(1L, rows))));
    QImage shown;
    if (cell >= 1) {
        shown = img.scaled(int(cols) * cell, int(rows) * std::max(cell, rows == 1 ? 10 : cell),
            Qt::IgnoreAspectRatio, Qt::FastTransformation);
    } else {
        shown = img.scaled(maxWidth, std::min(maxHeight, std::max(10, int(rows))),
            Qt::KeepAspectRatio, Qt::SmoothTransformation);
    }
    const QUrl url(QStringLiteral("step://img/") + key);
    m_text->document()->addResource(QTextDocument::ImageResource, url, shown);
    return QStringLiteral("<img src='%1' width='%2' height='%3'> <small>(blue &lt; 0 &lt; red, "
                          "|max| %4)</small>")
        .arg(url.toString())
        .arg(shown.width())
        .arg(shown.height())
        .arg(num(scale));
}

QString StepThroughPanel::vectorHtml(const QString& key, const QString& name, const Matrix& v)
{
    if (v.size() <= kSmallLayer)
        return QStringLiteral("%1 = %2").arg(name, vectorText(v));
    return QStringLiteral("%1: %2 values, %3<br>%4")
        .arg(name)
        .arg(v.size())
        .arg(summaryText(v), image(key, v));
}

QString StepThroughPanel::forwardHtml(const StepNode& n, int step, int total)
{
    const QString title = tr("Forward %1/%2 · %3 (%4)")
                              .arg(step)
                              .arg(total)
                              .arg(QString::fromStdString(n.name).toHtmlEscaped(),
                                  QString::fromStdString(n.summary).toHtmlEscaped());
    const QString key = QStringLiteral("f%1").arg(n.id);
    QString body;
    if (n.kind == StepNodeKind::Input) {
        body = vectorHtml(key + "x", QStringLiteral("x"), n.a);
        return section(title, body, false);
    }
    const Matrix& x = n.inputs.empty() ? n.a : n.inputs.front();
    const QString f = functionName(n.activation);
    if (n.kind == StepNodeKind::Dense) {
        const Matrix& w = n.params.at(0).value;
        const bool hasBias = n.params.size() > 1;
        const long units = n.z.rows();
        if (units <= kSmallLayer && x.rows() <= kSmallLayer) {
            body += QStringLiteral("x = %1<br>").arg(vectorText(x));
            body += QStringLiteral("<table cellspacing='0' cellpadding='2'><tr><th>j</th>"
                                   "<th align='left'>z[j] = W[j,:]·x + b[j]</th>"
                                   "<th align='left'>a[j] = %1(z[j])</th></tr>")
                        .arg(f);
            for (long j = 0; j < units; ++j) {
                QString sum;
                if (x.rows() <= 3) {
                    QStringList terms;
                    for (long k = 0; k < x.rows(); ++k)
                        terms << factor(double(w(j, k))) + QStringLiteral("×")
                                + factor(double(x(k, 0)));
                    sum = terms.join(QStringLiteral(" + "));
                } else {
                    sum = num(double(w.row(j) * x.col(0)));
                }
                if (hasBias)
                    sum += QStringLiteral(" + ") + factor(double(n.params.at(1).value(j, 0)));
                const QString act = n.activation == ActivationKind::Identity
                    ? QStringLiteral("= z[j] = ") + num(double(n.a(j, 0)))
                    : QStringLiteral("%1(%2) = %3")
                          .arg(f, num(double(n.z(j, 0))), num(double(n.a(j, 0))));
                body += QStringLiteral("<tr><td>%1</td><td>%2 = <b>%3</b></td><td>%4</td></tr>")
                            .arg(j)
                            .arg(sum, num(double(n.z(j, 0))), act);
            }
            body += QStringLiteral("</table>");
        } else {
            body += vectorHtml(key + "x", QStringLiteral("x"), x) + QStringLiteral("<br>");
            body += tr("W: %1 × %2 weights, %3<br>%4<br>")
                        .arg(w.rows())
                        .arg(w.cols())
                        .arg(summaryText(w), image(key + "W", w));
            body += vectorHtml(key + "z", QStringLiteral("z = W x + b"), n.z)
                + QStringLiteral("<br>");
            if (n.activation != ActivationKind::Identity) {
                body += vectorHtml(key + "a", QStringLiteral("a = %1(z)").arg(f), n.a);
                if (n.activation == ActivationKind::ReLU) {
                    const long zeros = long((n.a.array() == 0).count());
                    body += tr("<br>%1 of %2 units are 0 (z ≤ 0)").arg(zeros).arg(n.a.size());
                }
            } else {
                body += tr("a = z (no activation)");
            }
        }
    } else if (n.kind == StepNodeKind::Activation) {
        if (n.a.size() <= kSmallLayer) {
            body += QStringLiteral("<table cellspacing='0' cellpadding='2'><tr><th>j</th>"
                                   "<th align='left'>a[j] = %1(z[j])</th></tr>")
                        .arg(f);
            for (long j = 0; j < n.a.rows(); ++j)
                body += QStringLiteral("<tr><td>%1</td><td>%2(%3) = <b>%4</b></td></tr>")
                            .arg(j)
                            .arg(f, num(double(n.z(j, 0))), num(double(n.a(j, 0))));
            body += QStringLiteral("</table>");
        } else {
            body += vectorHtml(key + "z", QStringLiteral("z"), n.z) + QStringLiteral("<br>");
            body += vectorHtml(key + "a", QStringLiteral("a = %1(z)").arg(f), n.a);
        }
    } else {
        body += vectorHtml(key + "x", QStringLiteral("input"), x) + QStringLiteral("<br>");
        body += vectorHtml(key + "a", QStringLiteral("output"), n.a);
    }
    return section(title, body, false);
}

QString StepThroughPanel::lossHtml()
{
    const engine::StepTrace& t = m_step->last();
    const QString type = QString::fromStdString(t.lossType);
    QString body;
    const bool classification = m_data && m_data->train.task == engine::TaskKind::Classification;
    // A long target (an autoencoder's 784 pixels) is summarized with a heatmap, like ŷ.
    const bool longTarget = !classification && t.target.size() > kSmallLayer;
    const QString target = classification
        ? tr("target: class %1").arg(int(t.target(0, 0)))
        : (longTarget ? vectorHtml(QStringLiteral("target"), tr("target y"), t.target)
                      : tr("target y = %1").arg(vectorText(t.target)));
    const QString afterTarget = longTarget ? QStringLiteral("<br>") : QStringLiteral("; ");
    body += vectorHtml(
                QStringLiteral("pred"), QStringLiteral("ŷ (the network's output)"), t.prediction)
        + QStringLiteral("<br>");
    if (type == QLatin1String("binary_crossentropy")) {
        const double p = double(t.transformed(0, 0));
        const double y = double(t.target(0, 0));
        body += tr("p = σ(ŷ) = %1, target y = %2<br>").arg(num(p), num(y));
        body += tr("L = −[y ln p + (1 − y) ln(1 − p)]<br>");
        body += tr("dL/dŷ = p − y = %1 − %2 = <b>%3</b>")
                    .arg(num(p), num(y), num(double(t.gradPrediction(0, 0))));
    } else if (type == QLatin1String("softmax_crossentropy")) {
        const int label = int(t.target(0, 0));
        body += vectorHtml(QStringLiteral("prob"), QStringLiteral("p = softmax(ŷ)"), t.transformed);
        body += tr("<br>%1; L = −ln p[%2] = −ln %3<br>")
                    .arg(target)
                    .arg(label)
                    .arg(num(label >= 0 && label < t.transformed.rows()
                            ? double(t.transformed(label, 0))
                            : 0.0));
        body += tr("dL/dŷ = p − onehot(y): ")
            + vectorHtml(QStringLiteral("gpred"), QStringLiteral("dL/dŷ"), t.gradPrediction);
    } else if (type == QLatin1String("mse")) {
        body += target + afterTarget + tr("L = mean((ŷ − y)²)<br>");
        body += tr("dL/dŷ = 2 (ŷ − y) / %1: ").arg(t.prediction.size())
            + vectorHtml(QStringLiteral("gpred"), QStringLiteral("dL/dŷ"), t.gradPrediction);
    } else if (type == QLatin1String("mae")) {
        body += target + afterTarget + tr("L = mean|ŷ − y|<br>");
        body += tr("dL/dŷ = sign(ŷ − y) / %1: ").arg(t.prediction.size())
            + vectorHtml(QStringLiteral("gpred"), QStringLiteral("dL/dŷ"), t.gradPrediction);
    } else {
        body += target + QStringLiteral("<br>")
            + vectorHtml(QStringLiteral("gpred"), QStringLiteral("dL/dŷ"), t.gradPrediction);
    }
    body += tr("<br>Loss of this sample: L = <b>%1</b>").arg(num(t.loss));
    return section(
        tr("Loss · %1").arg(QString::fromStdString(engine::Loss::label(t.lossType))), body, false);
}

QString StepThroughPanel::backwardHtml(const StepNode& n, int step, int total)
{
    const engine::StepTrace& t = m_step->last();
    const QString title = tr("Backward %1/%2 · %3 (%4)")
                              .arg(step)
                              .arg(total)
                              .arg(QString::fromStdString(n.name).toHtmlEscaped(),
                                  QString::fromStdString(n.summary).toHtmlEscaped());
    const QString key = QStringLiteral("b%1").arg(n.id);
    if (n.gradA.size() == 0)
        return section(title, tr("The loss does not depend on this node's output."), false);
    const bool isOutput = n.id == t.nodes.back().id;
    // Where dL/da comes from: the loss, or the layers this node feeds.
    QStringList consumers;
    for (const StepNode& m : t.nodes)
        if (std::find(m.inputIds.begin(), m.inputIds.end(), n.id) != m.inputIds.end())
            consumers << QString::fromStdString(m.name).toHtmlEscaped();
    QString source = isOutput ? tr("dL/dŷ from the loss")
                              : tr("passed back from %1").arg(consumers.join(QStringLiteral(", ")));
    const StepNode* next = nullptr;
    if (!isOutput && consumers.size() == 1)
        for (const StepNode& m : t.nodes)
            if (std::find(m.inputIds.begin(), m.inputIds.end(), n.id) != m.inputIds.end())
                next = &m;
    if (next && next->kind == StepNodeKind::Dense)
        source = tr("dL/da = W<sub>%1</sub>ᵀ · dL/dz<sub>%1</sub>")
                     .arg(QString::fromStdString(next->name).toHtmlEscaped());
    else if (next && next->kind == StepNodeKind::Activation)
        source = tr("dL/da = dL/dz of %1").arg(QString::fromStdString(next->name).toHtmlEscaped());

    QString body;
    const bool hasF = n.kind == StepNodeKind::Dense || n.kind == StepNodeKind::Activation;
    const QString f = functionName(n.activation);
    const long units = n.a.rows();
    if (hasF && units <= kSmallLayer) {
        body += tr("dL/da: %1<br>").arg(source);
        if (n.activation != ActivationKind::Identity && n.activation != ActivationKind::Softmax)
            body += tr("f = %1, f′(z) = %2<br>").arg(f, derivativeFormula(n.activation));
        body += QStringLiteral("<table cellspacing='0' cellpadding='2'><tr><th>j</th>"
                               "<th align='left'>dL/dz[j] = dL/da[j] · f′(z[j])</th></tr>");
        for (long j = 0; j < units; ++j) {
            QString line;
            const double ga = double(n.gradA(j, 0)), gz = double(n.gradZ(j, 0));
            if (n.derivative.size() > 0)
                line = QStringLiteral("%1 × %2 = <b>%3</b>")
                           .arg(factor(ga), factor(double(n.derivative(j, 0))), num(gz));
            else if (n.activation == ActivationKind::Identity)
                line = QStringLiteral("%1 × 1 = <b>%2</b>").arg(factor(ga), num(gz));
            else // softmax: every output depends on every input
                line = QStringLiteral("(J<sub>softmax</sub>ᵀ dL/da)[j] = <b>%1</b>").arg(num(gz));
            body += QStringLiteral("<tr><td>%1</td><td>dL/dz[%1] = %2</td></tr>").arg(j).arg(line);
        }
        body += QStringLiteral("</table>");
    } else if (hasF) {
        body += tr("dL/da: %1<br>").arg(source);
        body += vectorHtml(key + "ga", QStringLiteral("dL/da"), n.gradA) + QStringLiteral("<br>");
        if (n.activation != ActivationKind::Identity && n.activation != ActivationKind::Softmax)
            body += vectorHtml(key + "d", tr("f′(z) = %1").arg(derivativeFormula(n.activation)),
                        n.derivative)
                + QStringLiteral("<br>");
        body += vectorHtml(key + "gz", QStringLiteral("dL/dz = dL/da ⊙ f′(z)"), n.gradZ);
    } else {
        body += tr("dL/d(output): %1<br>").arg(source);
        body += vectorHtml(key + "ga", QStringLiteral("dL/d(output)"), n.gradA);
    }

    if (n.kind == StepNodeKind::Dense && !n.params.empty()) {
        const Matrix& x = n.inputs.front();
        const engine::StepParam& w = n.params.at(0);
        body += QStringLiteral("<br>");
        if (w.grad.size() <= 32) {
            body += tr("dL/dW[j,k] = dL/dz[j] · x[k]:<br>");
            for (long j = 0; j < w.grad.rows(); ++j)
                for (long k = 0; k < w.grad.cols(); ++k)
                    body += QStringLiteral("dL/dW[%1,%2] = %3 × %4 = <b>%5</b><br>")
                                .arg(j)
                                .arg(k)
                                .arg(factor(double(n.gradZ(j, 0))), factor(double(x(k, 0))),
                                    num(double(w.grad(j, k))));
        } else {
            body += tr("dL/dW = dL/dz · xᵀ: %1 × %2, %3<br>%4<br>")
                        .arg(w.grad.rows())
                        .arg(w.grad.cols())
                        .arg(summaryText(w.grad), image(key + "gW", w.grad));
            body += tr("for example dL/dW[0,0] = %1 × %2 = %3<br>")
                        .arg(factor(double(n.gradZ(0, 0))), factor(double(x(0, 0))),
                            num(double(w.grad(0, 0))));
        }
        if (n.params.size() > 1)
            body += vectorHtml(key + "gb", QStringLiteral("dL/db = dL/dz"), n.params.at(1).grad);
    } else if (!n.params.empty()) {
        for (const engine::StepParam& p : n.params)
            body += QStringLiteral("<br>")
                + vectorHtml(key + "g" + QString::fromStdString(p.name),
                    QStringLiteral("dL/d%1").arg(QString::fromStdString(p.name)),
                    Matrix(Eigen::Map<const Matrix>(p.grad.data(), p.grad.size(), 1)));
    }
    return section(title, body, false);
}

QString StepThroughPanel::updateHtml()
{
    const engine::StepTrace& t = m_step->last();
    const QString opt = QString::fromStdString(t.optimizer);
    const QString lr = num(t.learningRate);
    QString rule = UpdateRuleText::html(opt, lr, t.optimizerStep);
    if (t.optimizerStep > 1)
        rule += tr(" — the state includes the earlier step-through updates");
    QString body = rule + QStringLiteral("<br>");
    const bool sgd = opt == QLatin1String("sgd");
    int lines = 0;
    constexpr int kMaxLines = 40;
    for (const StepNode& n : t.nodes) {
        for (const engine::StepParam& p : n.params) {
            const QString name = QString::fromStdString(n.name).toHtmlEscaped() + '.'
                + QString::fromStdString(p.name);
            if (p.value.size() > 32 || lines >= kMaxLines) {
                const Matrix delta = p.updated - p.value;
                body += tr("%1: %2 values changed, Δ %3<br>%4<br>")
                            .arg(name)
                            .arg(p.value.size())
                            .arg(summaryText(delta),
                                image(QStringLiteral("u%1%2").arg(n.id).arg(
                                          QString::fromStdString(p.name)),
                                    delta));
                continue;
            }
            for (long r = 0; r < p.value.rows(); ++r) {
                for (long c = 0; c < p.value.cols(); ++c) {
                    const double old = double(p.value(r, c)), g = double(p.appliedGrad(r, c));
                    const double now = double(p.updated(r, c));
                    const QString index = p.value.cols() == 1
                        ? QStringLiteral("[%1]").arg(r)
                        : QStringLiteral("[%1,%2]").arg(r).arg(c);
                    if (sgd)
                        body += QStringLiteral("%1%2 ← %3 − %4 × %5 = <b>%6</b>")
                                    .arg(name, index, num(old), lr, factor(g), num(now));
                    else
                        body
                            += QStringLiteral("%1%2 ← %3 − %4 = <b>%5</b> (g = %6)")
                                   .arg(name, index, num(old), factor(old - now), num(now), num(g));
                    if (g != double(p.grad(r, c)))
                        body += tr(" (g = dL/dw %1 + L1/L2 %2)")
                                    .arg(num(double(p.grad(r, c))), num(g - double(p.grad(r, c))));
                    body += QStringLiteral("<br>");
                    ++lines;
                }
            }
        }
    }
    // When they could not be stored, the status line says why.
    if (m_stored)
        body += tr("The new weights are stored: the canvas views show them, and Train continues "
                   "from them.");
    return section(tr("Update · %1").arg(QString::fromStdString(t.optimizer)), body, false);
}

void StepThroughPanel::render()
{
    if (!m_step) {
        m_text->clear();
        return;
    }
    const engine::StepTrace& t = m_step->last();
    QStringList parts;
    const int total = lastForwardIndex();
    for (int i = 0; i < m_forwardShown; ++i)
        parts << forwardHtml(t.nodes[std::size_t(i)], i + 1, total);
    if (m_lossShown)
        parts << lossHtml();
    for (int i = 0; i < m_backwardShown; ++i)
        parts << backwardHtml(t.nodes[t.nodes.size() - 1 - std::size_t(i)], i + 1, backwardTotal());
    if (m_updated)
        parts << updateHtml();
    // The newest step is highlighted.
    if (!parts.isEmpty())
        parts.last().replace(QStringLiteral("#f4f6f8"), QStringLiteral("#fff4cc"));
    m_text->setHtml(parts.join(QString()));
    m_text->verticalScrollBar()->setValue(m_text->verticalScrollBar()->maximum());

    // Status line and the heatmap of a large layer's weights.
    engine::NodeId current = -1;
    bool gradients = false;
    if (m_updated) {
        m_status->setText(tr("Updated with %1: Forward step starts the next step on sample %2.")
                              .arg(QString::fromStdString(t.optimizer))
                              .arg(t.sample));
    } else if (m_backwardShown > 0) {
        const StepNode& n = t.nodes[t.nodes.size() - std::size_t(m_backwardShown)];
        current = n.id;
        gradients = true;
        m_status->setText(m_backwardShown < backwardTotal()
                ? tr("Backward: %1 done; next %2.")
                      .arg(QString::fromStdString(n.name),
                          QString::fromStdString(
                              t.nodes[t.nodes.size() - 1 - std::size_t(m_backwardShown)].name))
                : tr("Backward pass done: press Update to apply the optimizer's step."));
    } else if (m_lossShown) {
        m_status->setText(tr("Loss %1: press Backward step.").arg(num(t.loss)));
    } else if (m_forwardShown > 0) {
        const StepNode& n = t.nodes[std::size_t(m_forwardShown - 1)];
        current = n.id;
        m_status->setText(tr("Forward: %1 (%2 of %3).")
                              .arg(QString::fromStdString(n.name))
                              .arg(m_forwardShown)
                              .arg(total));
    }
    showHeatmapFor(current, gradients);
}

void StepThroughPanel::showHeatmapFor(engine::NodeId node, bool gradients)
{
    const engine::StepTrace* t = trace();
    const StepNode* n = t ? nodeById(*t, node) : nullptr;
    if (!n || n->params.empty()) {
        m_heatmap->setVisible(false);
        return;
    }
    const engine::StepParam& w = n->params.front();
    if (w.value.rows() <= kSmallLayer && w.value.cols() <= kSmallLayer) {
        m_heatmap->setVisible(false);
        return;
    }
    TrainingSnapshot snap;
    for (const engine::StepParam& p : n->params) {
        ParamCopy c;
        c.node = n->id;
        c.nodeName = QString::fromStdString(n->name);
        c.param = QString::fromStdString(p.name);
        c.value = p.updated.size() > 0 ? p.updated : p.value;
        c.grad = p.grad;
        snap.params.push_back(std::move(c));
    }
    m_heatmap->addSnapshot(snap);
    m_heatmap->selectParam(n->id, QString::fromStdString(w.name));
    m_heatmap->setShowGradients(gradients);
    m_heatmap->setVisible(true);
}

} // namespace widgets
