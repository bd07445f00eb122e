#include "teaching/StepThroughPanel.h"

#include "data/Dataset.h"
#include "data/DatasetLoader.h"
#include "data/DatasetLoading.h"
#include "document/GraphDocument.h"
#include "plots/WeightHeatmap.h"
#include "teaching/StepExplanation.h"
#include "training/TrainingController.h"
#include "training/TrainingSnapshot.h"

#include <nlohmann/json.hpp>

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QTextBrowser>
#include <QTextDocument>
#include <QThreadPool>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <utility>

namespace widgets {

namespace {

using engine::StepNode;

const StepNode* nodeById(const engine::StepTrace& t, engine::NodeId id)
{
    const int i = t.indexOf(id);
    return i < 0 ? nullptr : &t.nodes[std::size_t(i)];
}

} // namespace

StepThroughPanel::StepThroughPanel(QWidget* parent)
    : QWidget(parent)
    , m_loader(new DatasetLoader(this))
    , m_splitter(new QThreadPool(this))
{
    m_splitter->setMaxThreadCount(1);
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
    m_epoch = new QLabel(this);
    m_epoch->setObjectName(QStringLiteral("StepEpoch"));
    m_epoch->setWordWrap(true);
    m_epoch->setVisible(false);
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
    layout->addWidget(m_epoch);
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
    connect(m_loader, &DatasetLoader::loaded, this, &StepThroughPanel::onLoaded);
    connect(m_loader, &DatasetLoader::failed, this, [this](const QString& message) {
        if (m_loading)
            finishLoad(nullptr, message);
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
    // The loader (a child) joins its thread: a load stops at the engine's next stage, one waiting
    // for the Dataset dock's load of the same data waits for that load. A split in flight ends
    // (its result dropped) before the panel goes.
    dropData();
    m_splitter->waitForDone();
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

void StepThroughPanel::showCheckpoint(CheckpointPtr checkpoint)
{
    if (checkpoint == m_checkpoint)
        return;
    m_checkpoint = std::move(checkpoint);
    m_epoch->setText(m_checkpoint
            ? tr("<b>Epoch %1</b> (the loss plot's marker): the step uses the weights the run "
                 "had then; Update is off until the marker is back at the latest epoch.")
                  .arg(m_checkpoint->epoch)
            : QString());
    m_epoch->setVisible(m_checkpoint != nullptr);
    if (m_step)
        discard(m_checkpoint ? tr("Epoch %1 selected on the timeline: press Forward step.")
                                   .arg(m_checkpoint->epoch)
                             : tr("Back at the latest weights: press Forward step."));
    updateControls();
}

QString StepThroughPanel::epochText() const
{
    return m_epoch->isVisibleTo(this) ? m_epoch->text() : QString();
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
    m_loader->cancel(); // its result, if any, is dropped
    ++m_splitRequest; // and so is a split in flight
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
    {
        QSignalBlocker block(m_sample);
        m_sample->setRange(0, 0);
    }
    m_sampleInfo->setText(tr("Loading data…"));
    updateControls();
    // Fashion-MNIST takes seconds to read: on the GUI thread the window froze when shown. The
    // loader goes through DatasetCache, so what the Dataset dock loaded (or is loading) is reused.
    const engine::Project& p = m_doc->project();
    m_loader->load(p.dataset, m_projectDir);
}

void StepThroughPanel::onLoaded(const LoadedDataset& result)
{
    if (!m_loading)
        return;
    if (!m_doc || m_dataKey != currentDataKey()) {
        finishLoad(nullptr, {}); // the old settings' data
        return;
    }
    // The trainer's own split, so sample i is the sample it trains on as index i. It copies the
    // whole dataset (0.7 s for Fashion-MNIST), so it runs off the GUI thread too; a later request
    // or dropData() makes its result stale.
    const engine::TrainingConfig& t = m_doc->project().training;
    m_splitter->start([this, parts = result.parts, validation = t.validationSplit,
                          test = t.testSplit, seed = t.seed, request = ++m_splitRequest] {
        std::shared_ptr<engine::DatasetSplits> data;
        QString error;
        try {
            data = std::make_shared<engine::DatasetSplits>(
                engine::splitSourceData(*parts, validation, test, seed));
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        // `this` outlives the task (the destructor waits for it).
        QMetaObject::invokeMethod(
            this,
            [this, request, data = std::move(data), error] {
                if (request == m_splitRequest && m_loading)
                    finishLoad(data, error);
            },
            Qt::QueuedConnection);
    });
}

void StepThroughPanel::finishLoad(std::shared_ptr<engine::DatasetSplits> data, const QString& error)
{
    m_loading = false;
    if (!m_doc || m_dataKey != currentDataKey()) {
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
    QString x = d.x.rows() <= 4 ? QStringLiteral("x = ") + StepExplanation::vector(d.x.col(i))
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
        y = d.y.rows() <= 4 ? QStringLiteral("y = ") + StepExplanation::vector(d.y.col(i))
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
        // new training session starts from (same seed). The timeline's marker may show an
        // earlier epoch: then its weights.
        if (m_checkpoint)
            graph->setWeights(m_checkpoint->weights, false);
        else if (!p.weights.empty())
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
    if (m_checkpoint) {
        fail(tr("The weights shown are epoch %1's: move the marker back to the latest epoch "
                "(or Continue from here) to change the run's weights.")
                 .arg(m_checkpoint->epoch));
        return false;
    }
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
    m_update->setEnabled(
        !running && traced && m_lossShown && backwardDone && !m_updated && !m_checkpoint);
    m_reset->setEnabled(!running && (traced || m_optimizer));
    if (running)
        m_status->setText(tr("Training is running: pause or stop it to step through a sample."));
    else if (!traced && m_status->text().startsWith(tr("Training is running")))
        m_status->setText(tr("Press Forward step to follow one training step."));
}

void StepThroughPanel::render()
{
    if (!m_step) {
        m_text->clear();
        return;
    }
    const engine::StepTrace& t = m_step->last();
    const int total = lastForwardIndex();
    StepExplanation explanation(
        t, m_data && m_data->train.task == engine::TaskKind::Classification);
    const QString html
        = explanation.page({m_forwardShown, m_lossShown, m_backwardShown, m_updated, m_stored});
    for (const StepImage& image : explanation.images())
        m_text->document()->addResource(QTextDocument::ImageResource, image.url, image.image);
    m_text->setHtml(html);
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
        m_status->setText(tr("Loss %1: press Backward step.").arg(StepExplanation::number(t.loss)));
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
