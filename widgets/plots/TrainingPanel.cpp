#include "plots/TrainingPanel.h"

#include "plots/PlaneChoice.h"
#include "plots/TimelineScrubber.h"

#include "training/RunTimeline.h"
#include <qcustomplot.h>

#include "common/FlowLayout.h"
#include "document/GraphDocument.h"
#include "plots/ConfusionMatrixView.h"
#include "plots/DecisionBoundaryView.h"
#include "plots/FeatureMapView.h"
#include "plots/GradientFlowPlot.h"
#include "plots/LossPlot.h"
#include "plots/MostWrongView.h"
#include "plots/NeuronView.h"
#include "plots/WeightHeatmap.h"
#include "plots/WeightHistogramView.h"
#include "plots/autoencoder/LatentSpaceView.h"
#include "plots/autoencoder/ReconstructionView.h"
#include "plots/sequence/ForecastPlot.h"
#include "plots/sequence/HiddenStateView.h"
#include "plots/sequence/TextSamplingPanel.h"
#include "training/StoredTraining.h"
#include "training/TrainingProgressWidget.h"
#include "training/ViewChooser.h"

#include "data/Autoencoder.h"

#include <QAction>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>
#include <tuple>

namespace widgets {

namespace {

/// Why Train is disabled in state `s`, for its tooltip; "" when it is enabled.
QString whyTrainIsDisabled(const GraphDocument* document, TrainingController::State s)
{
    using State = TrainingController::State;
    if (s == State::Running)
        return TrainingPanel::tr("Training is running: pause or stop it first");
    if (s == State::Stopping)
        return TrainingPanel::tr("Training is stopping");
    if (s == State::Paused)
        return {};
    if (!document)
        return TrainingPanel::tr("No project is open");
    const std::vector<engine::GraphIssue>& errors = document->check().errors;
    QStringList lines;
    for (const engine::GraphIssue& e : errors) {
        const QString message = QString::fromStdString(e.message);
        lines << (e.node >= 0 ? QStringLiteral("%1: %2").arg(document->nodeName(e.node), message)
                              : message);
    }
    if (lines.size() == 1)
        return TrainingPanel::tr("The network has an error: %1").arg(lines.first());
    if (!lines.isEmpty())
        return TrainingPanel::tr("The network has %n errors:\n%1", nullptr, int(lines.size()))
            .arg(lines.join(QLatin1Char('\n')));
    if (!document->isReadyToTrain())
        return TrainingPanel::tr("The network has no Input node");
    return {};
}

QToolButton* buttonFor(QAction* action, QWidget* parent)
{
    auto* b = new QToolButton(parent);
    b->setDefaultAction(action);
    b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    b->setAutoRaise(false);
    return b;
}

} // namespace

TrainingPanel::TrainingPanel(QWidget* parent)
    : QWidget(parent)
    , m_controller(new TrainingController(this))
{
    QStyle* st = style();
    m_train = new QAction(st->standardIcon(QStyle::SP_MediaPlay), tr("Train"), this);
    m_train->setShortcut(Qt::Key_F5);
    m_train->setToolTip(tr("Train the network (F5); continues a stopped run"));
    m_pause = new QAction(st->standardIcon(QStyle::SP_MediaPause), tr("Pause"), this);
    m_pause->setShortcut(Qt::Key_F6);
    m_pause->setToolTip(tr("Pause or resume training (F6)"));
    m_step = new QAction(st->standardIcon(QStyle::SP_MediaSkipForward), tr("Step"), this);
    m_step->setShortcut(Qt::Key_F10);
    m_step->setToolTip(tr("Train exactly one mini-batch, then pause (F10)"));
    m_stop = new QAction(st->standardIcon(QStyle::SP_MediaStop), tr("Stop"), this);
    m_stop->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
    m_stop->setToolTip(tr("Stop training and keep the weights (Shift+F5)"));
    m_reset = new QAction(st->standardIcon(QStyle::SP_BrowserReload), tr("Reset weights"), this);
    m_reset->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_reset->setToolTip(tr("Re-initialize the weights with the project's seed (Ctrl+Shift+R)"));
    m_resetNewSeed = new QAction(tr("Reset with a new seed"), this);
    m_resetNewSeed->setToolTip(tr("Re-initialize the weights with a new random seed"));
    addActions(trainingActions());
    connect(m_train, &QAction::triggered, this, &TrainingPanel::train);
    connect(m_pause, &QAction::triggered, this, &TrainingPanel::togglePause);
    connect(m_step, &QAction::triggered, this, &TrainingPanel::step);
    connect(m_stop, &QAction::triggered, this, &TrainingPanel::stop);
    connect(m_reset, &QAction::triggered, this, [this] { resetWeights(false); });
    connect(m_resetNewSeed, &QAction::triggered, this, [this] { resetWeights(true); });

    m_lr = new QDoubleSpinBox(this);
    m_lr->setDecimals(6);
    m_lr->setRange(1e-6, 10.0);
    m_lr->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    m_lr->setValue(0.01);
    m_lr->setToolTip(tr("Learning rate; a change applies at the next mini-batch"));
    m_l2 = new QDoubleSpinBox(this);
    m_l2->setDecimals(6);
    m_l2->setRange(0.0, 1.0);
    m_l2->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    m_l2->setSingleStep(0.0001);
    m_l2->setToolTip(tr("L2 regularization strength; applies at the next mini-batch"));
    m_batch = new QSpinBox(this);
    m_batch->setRange(1, 65536);
    m_batch->setValue(32);
    m_batch->setToolTip(tr("Mini-batch size; applies at the next mini-batch"));
    connect(
        m_lr, &QDoubleSpinBox::valueChanged, m_controller, &TrainingController::setLearningRate);
    connect(m_l2, &QDoubleSpinBox::valueChanged, m_controller, &TrainingController::setL2);
    connect(m_batch, &QSpinBox::valueChanged, m_controller, &TrainingController::setBatchSize);

    // One flow of groups rather than one row: at a larger font (presentation mode) the editors
    // move to a second line instead of making the dock, and the window, wider than the screen.
    auto* controls = new FlowLayout(nullptr, 12);
    auto* runButtons = new QWidget(this);
    auto* runRow = new QHBoxLayout(runButtons);
    runRow->setContentsMargins(0, 0, 0, 0);
    runRow->setSpacing(4);
    runRow->addWidget(buttonFor(m_train, runButtons));
    runRow->addWidget(buttonFor(m_pause, runButtons));
    runRow->addWidget(buttonFor(m_step, runButtons));
    runRow->addWidget(buttonFor(m_stop, runButtons));
    QToolButton* reset = buttonFor(m_reset, runButtons);
    auto* resetMenu = new QMenu(reset);
    resetMenu->addAction(m_reset);
    resetMenu->addAction(m_resetNewSeed);
    reset->setMenu(resetMenu);
    reset->setPopupMode(QToolButton::MenuButtonPopup);
    runRow->addWidget(reset);
    controls->addWidget(runButtons);
    // The three live editors as one group: at most two lines, so the dock reserves little height.
    auto* editors = new QWidget(this);
    auto* editorRow = new QHBoxLayout(editors);
    editorRow->setContentsMargins(0, 0, 0, 0);
    editorRow->setSpacing(4);
    auto addEditor = [&](const QString& label, QWidget* editor) {
        if (editorRow->count() > 0)
            editorRow->addSpacing(8);
        auto* l = new QLabel(label, editors);
        l->setBuddy(editor);
        editorRow->addWidget(l);
        editor->setParent(editors);
        editorRow->addWidget(editor);
    };
    addEditor(tr("&Learning rate"), m_lr);
    addEditor(tr("L&2"), m_l2);
    addEditor(tr("&Batch"), m_batch);
    controls->addWidget(editors);

    m_progress = new TrainingProgressWidget(m_controller, this);
    m_progress->setTextWraps(true);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_progress, 2);
    statusRow->addWidget(m_status, 3);

    m_loss = new LossPlot(this);
    m_heatmap = new WeightHeatmap(this);
    m_histogram = new WeightHistogramView(this);
    m_boundary = new DecisionBoundaryView(this);
    m_neurons = new NeuronView(this);
    // A plane chosen in the boundary view applies to the neuron view too, and back.
    m_planeChoice = new PlaneChoice(this);
    m_boundary->setPlaneChoice(m_planeChoice);
    m_neurons->setPlaneChoice(m_planeChoice);
    m_gradients = new GradientFlowPlot(this);
    m_confusion = new ConfusionMatrixView(this);
    m_featureMaps = new FeatureMapView(this);
    auto* neuronScroll = new QScrollArea(this);
    neuronScroll->setWidget(m_neurons);
    neuronScroll->setWidgetResizable(true);
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(m_boundary, tr("Boundary"));
    m_tabs->addTab(neuronScroll, tr("Neurons"));
    m_tabs->addTab(m_heatmap, tr("Weights"));
    m_tabs->addTab(m_histogram, tr("Distributions"));
    m_tabs->addTab(m_gradients, tr("Gradients"));
    m_tabs->addTab(m_confusion, tr("Confusion"));
    m_tabs->addTab(m_featureMaps, tr("Feature maps"));
    m_tabs->setTabToolTip(0, tr("Decision boundary or regression surface over the 2-D inputs"));
    m_tabs->setTabToolTip(1, tr("Output of each neuron of the small layers over the inputs"));
    m_tabs->setTabToolTip(2, tr("Weight (or gradient) heatmap of a layer"));
    m_tabs->setTabToolTip(3, tr("Distribution of a layer's weights over time"));
    m_tabs->setTabToolTip(4, tr("Gradient norm per layer over time (vanishing gradients)"));
    m_tabs->setTabToolTip(5, tr("Confusion matrix on the validation set"));
    m_tabs->setTabToolTip(
        6, tr("Activations of the convolution and pooling layers for one validation image"));
    m_mostWrong = new MostWrongView(this);
    auto* mostWrongScroll = new QScrollArea(this);
    mostWrongScroll->setWidget(m_mostWrong);
    mostWrongScroll->setWidgetResizable(true);
    m_tabs->setTabToolTip(m_tabs->addTab(mostWrongScroll, tr("Most wrong")),
        tr("The validation images with the lowest probability of their true class"));
    m_reconstructions = new ReconstructionView(this);
    m_latent = new LatentSpaceView(this);
    m_tabs->setTabToolTip(m_tabs->addTab(m_reconstructions, tr("Reconstructions")),
        tr("Validation images above the autoencoder's reconstructions of them"));
    m_tabs->setTabToolTip(m_tabs->addTab(m_latent, tr("Latent space")),
        tr("Where the autoencoder's 2-unit bottleneck puts each validation image, by class"));
    updateAutoencoderTabs();
    m_hiddenStates = new HiddenStateView(this);
    m_forecast = new ForecastPlot(this);
    m_textSampling = new TextSamplingPanel(this);
    for (auto [view, label, tip] :
        {std::tuple<QWidget*, QString, QString> {m_hiddenStates, tr("Hidden state"),
             tr("Hidden state h_t of a recurrent layer over one validation sequence")},
            {m_forecast, tr("Forecast"),
                tr("Input series, target and prediction of one validation window")},
            {m_textSampling, tr("Sample text"),
                tr("Text generated by the network from a seed at a chosen temperature")}}) {
        const int i = m_tabs->addTab(view, label);
        m_tabs->setTabToolTip(i, tip);
        m_tabs->setTabVisible(i, false);
    }
    m_views = {m_loss, m_heatmap, m_histogram, m_boundary, m_neurons, m_gradients, m_confusion,
        m_featureMaps, m_mostWrong, m_hiddenStates, m_forecast, m_textSampling, m_reconstructions,
        m_latent};
    m_tabs->setDocumentMode(true);
    // Every label stays whole: no elision, and where the tabs do not fit the chooser above
    // replaces the bar rather than scroll arrows that cover the last label. Views that do not
    // apply to the network are hidden (updateViewTabs()), so the bar usually fits.
    m_tabs->setElideMode(Qt::ElideNone);
    auto* views = new QWidget(this);
    auto* viewsLayout = new QVBoxLayout(views);
    viewsLayout->setContentsMargins(0, 0, 0, 0);
    viewsLayout->setSpacing(2);
    viewsLayout->addWidget(new ViewChooser(m_tabs, views));
    viewsLayout->addWidget(m_tabs, 1);
    m_timeline = new RunTimeline(m_controller, this);
    m_scrubber = new TimelineScrubber(m_timeline, m_loss->plot(), this);
    m_loss->plot()->setToolTip(m_loss->plot()->toolTip()
        + tr("\nDrag the epoch marker to see the network at an earlier epoch in every view; "
             "right-click the marker for Continue from here"));
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_loss);
    split->addWidget(views);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addLayout(statusRow);
    layout->addWidget(split, 1);

    connect(m_controller, &TrainingController::stateChanged, this, &TrainingPanel::updateActions);
    connect(m_controller, &TrainingController::sessionStarted, this, &TrainingPanel::onSession);
    connect(m_controller, &TrainingController::storedWeightsShown, this,
        &TrainingPanel::onStoredWeightsShown);
    connect(m_controller, &TrainingController::snapshotReady, this, &TrainingPanel::onSnapshot);
    connect(m_controller, &TrainingController::finished, this, &TrainingPanel::onFinished);
    connect(m_controller, &TrainingController::failed, this,
        [this](const QString& text) { showStatus(tr("Cannot train: %1").arg(text), true); });
    connect(m_controller, &TrainingController::message, this,
        [this](const QString& text) { showStatus(text); });
    connect(m_scrubber, &TimelineScrubber::scrubbed, this, [this](int runId, int epoch) {
        m_latestRequest.reset();
        m_timeline->show(runId, epoch);
        // The newest epoch of a finished run is the latest weights (those Update may change).
        const std::vector<int> runs = m_timeline->runs();
        const bool latest = !m_controller->isRunning() && !runs.empty() && runId == runs.back()
            && epoch == m_timeline->epochs(runId).back();
        emit shownCheckpointChanged(latest ? nullptr : m_timeline->checkpoint(runId, epoch));
    });
    connect(m_scrubber, &TimelineScrubber::latestRequested, this, &TrainingPanel::showLatest);
    connect(m_scrubber, &TimelineScrubber::continueRequested, this, &TrainingPanel::continueFrom);
    connect(m_timeline, &RunTimeline::checkpointShown, this, &TrainingPanel::onCheckpointShown);
    connect(m_timeline, &RunTimeline::checkpointFailed, this,
        [this](int runId, int epoch, const QString& message) {
            const std::pair<int, int> asked {runId, epoch};
            if (m_scrubber->scrubbedTo() == asked || m_latestRequest == asked)
                showStatus(tr("Cannot show epoch %1: %2").arg(epoch).arg(message), true);
        });
    connect(m_heatmap, &WeightHeatmap::nodeSelected, this,
        [this](engine::NodeId id) { m_controller->setWatchedNodes({id}); });
    // The feature-map view runs its own copy of the network; image sessions send it weights.
    m_controller->setFullWeightsWanted(true);
    updateActions();
}

TrainingPanel::~TrainingPanel() = default;

QList<QAction*> TrainingPanel::trainingActions() const
{
    return {m_train, m_pause, m_step, m_stop, m_reset, m_resetNewSeed};
}

TrainingProgressWidget* TrainingPanel::createProgressWidget(QWidget* parent) const
{
    return new TrainingProgressWidget(m_controller, parent);
}

void TrainingPanel::setDocument(GraphDocument* document)
{
    if (m_document)
        disconnect(m_document, nullptr, this, nullptr);
    m_document = document;
    m_controller->setDocument(document);
    if (!document)
        return;
    connect(
        document, &GraphDocument::settingsChanged, this, &TrainingPanel::loadSettingsFromDocument);
    connect(document, &GraphDocument::reset, this, &TrainingPanel::loadSettingsFromDocument);
    connect(document, &GraphDocument::validationChanged, this, &TrainingPanel::updateActions);
    for (auto signal :
        {&GraphDocument::nodeAdded, &GraphDocument::nodeRemoved, &GraphDocument::attributesChanged})
        connect(document, signal, this, &TrainingPanel::onDocumentEdited);
    connect(document, &GraphDocument::edgeAdded, this, &TrainingPanel::onDocumentEdited);
    connect(document, &GraphDocument::edgeRemoved, this, &TrainingPanel::onDocumentEdited);
    connect(document, &GraphDocument::reset, this, &TrainingPanel::onDocumentEdited);
    connect(document, &GraphDocument::reset, this, &TrainingPanel::showStoredTraining);
    connect(document, &GraphDocument::validationChanged, this, [this] { updateAutoencoderTabs(); });
    connect(document, &GraphDocument::validationChanged, this, [this] {
        if (!m_controller->hasSession())
            updateSequenceTabs();
    });
    loadSettingsFromDocument();
    updateAutoencoderTabs();
    updateSequenceTabs();
    connect(document, &GraphDocument::validationChanged, this, [this] { updateViewTabs(); });
    updateViewTabs();
    updateActions();
}

void TrainingPanel::setProjectDirectory(const QString& dir)
{
    m_projectDir = dir;
}

void TrainingPanel::setUndoStack(QUndoStack* stack)
{
    m_undo = stack;
}

QString TrainingPanel::statusText() const
{
    return m_status->text();
}

void TrainingPanel::loadSettingsFromDocument()
{
    if (!m_document || m_controller->isRunning())
        return;
    const engine::TrainingConfig& c = m_document->trainingConfig();
    const QSignalBlocker b1(m_lr), b2(m_l2), b3(m_batch);
    // train() reads these editors, so a clamped value would train another network than the
    // file's: the "too large" lesson's rate of 500 ran at 10. Widen the range instead.
    m_lr->setMaximum(qMax(m_lr->maximum(), c.optimizer.learningRate));
    m_l2->setMaximum(qMax(m_l2->maximum(), c.optimizer.l2));
    m_lr->setValue(c.optimizer.learningRate);
    m_l2->setValue(c.optimizer.l2);
    m_batch->setValue(c.batchSize);
    // What the boxes show is what the controller's live settings hold: the step-through read
    // the rate of the previous project's session from them.
    m_controller->setLearningRate(m_lr->value());
    m_controller->setL2(m_l2->value());
    m_controller->setBatchSize(m_batch->value());
}

engine::Project TrainingPanel::projectForTraining() const
{
    engine::Project p = m_document->project();
    p.runs.clear(); // the file's timeline is the panel's; a session would only copy it along
    p.training.optimizer.learningRate = m_lr->value();
    p.training.optimizer.l2 = m_l2->value();
    p.training.batchSize = m_batch->value();
    return p;
}

void TrainingPanel::train()
{
    if (m_controller->state() == TrainingController::State::Paused) {
        m_controller->resume();
        return;
    }
    if (!m_document)
        return;
    if (!m_document->isReadyToTrain()) {
        showStatus(tr("The network cannot be trained yet:\n%1")
                       .arg(QString::fromStdString(m_document->check().summary())),
            true);
        return;
    }
    if (!showMissingData())
        return;
    showStatus({});
    m_controller->train(projectForTraining(), m_projectDir);
}

bool TrainingPanel::showMissingData()
{
    if (m_document->datasetSpec().hasData())
        return true;
    showStatus(tr("No data to train on yet: choose it with File ▸ Import Dataset (or a source in "
                  "the inspector's Dataset box)."),
        true);
    return false;
}

void TrainingPanel::togglePause()
{
    switch (m_controller->state()) {
    case TrainingController::State::Running:
        m_controller->pause();
        break;
    case TrainingController::State::Paused:
        m_controller->resume();
        break;
    default:
        break;
    }
}

void TrainingPanel::step()
{
    using State = TrainingController::State;
    const State s = m_controller->state();
    if (s == State::Paused || s == State::Running || m_controller->canResume()) {
        m_controller->step();
    } else if ((s == State::Idle || s == State::Ready) && m_document
        && m_document->isReadyToTrain()) {
        if (!showMissingData())
            return;
        showStatus({});
        m_controller->startStepping(projectForTraining(), m_projectDir);
    }
}

void TrainingPanel::stop()
{
    if (!m_controller->stop())
        showStatus(tr("Stopping after the current mini-batch…"));
}

void TrainingPanel::resetWeights(bool newSeed)
{
    if (!m_controller->hasSession()) {
        // Nothing trained in this window yet: forget weights stored in the document instead.
        if (m_document && !m_document->weights().empty()) {
            m_document->setWeights({});
            m_controller->setIdleSummary({});
            showStatus(tr("Stored weights cleared; the next run starts from fresh weights."));
        }
        return;
    }
    const std::uint64_t seed = m_controller->resetWeights(newSeed);
    if (seed)
        showStatus(tr("Weights re-initialized with seed %1.").arg(qulonglong(seed)));
}

void TrainingPanel::updateActions()
{
    using State = TrainingController::State;
    const State s = m_controller->state();
    const bool ready = m_document && m_document->isReadyToTrain();
    const bool idle = s == State::Idle || s == State::Ready;
    m_train->setEnabled((idle && ready) || s == State::Paused);
    m_train->setText(
        s == State::Paused || m_controller->canResume() ? tr("Continue") : tr("Train"));
    // A disabled Train says why; an enabled one what it does, with its shortcut (as the
    // window's toolbar writes it).
    const QString why = whyTrainIsDisabled(m_document, s);
    m_train->setToolTip(why.isEmpty() ? QStringLiteral("%1 (%2)").arg(
                            m_train->text(), m_train->shortcut().toString(QKeySequence::NativeText))
                                      : why);
    m_pause->setEnabled(s == State::Running || s == State::Paused);
    m_pause->setText(s == State::Paused ? tr("Resume") : tr("Pause"));
    m_pause->setIcon(
        style()->standardIcon(s == State::Paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
    m_step->setEnabled(s == State::Paused || s == State::Running || (idle && ready));
    m_stop->setEnabled(s == State::Running || s == State::Paused);
    m_reset->setEnabled(s != State::Stopping);
    m_resetNewSeed->setEnabled(m_controller->hasSession() && s != State::Stopping);
}

void TrainingPanel::openProject(const ProjectIdentity& project)
{
    m_controller->forgetProject();
    m_sessionShown = false;
    m_timeline->clear();
    m_scrubber->followLatest();
    emit shownCheckpointChanged(nullptr);
    m_lastSession.reset();
    m_latestRequest.reset();
    m_planeChoice->setIndex(0);
    for (TrainingView* view : m_views)
        view->clearForProject(project);
    showStatus({});
    updateActions();
}

void TrainingPanel::showStoredTraining()
{
    if (!m_document || m_controller->hasSession() || m_sessionShown)
        return;
    // A file with a timeline: the current run is its last one, the others stand beside it.
    std::optional<engine::Project> current;
    const std::size_t savedRuns = m_document->project().runs.size();
    if (savedRuns > 0 && m_timeline->allRuns().empty())
        current = restoreSavedRuns(m_document->project());
    const engine::Project& project = current ? *current : m_document->project();
    // The file's runs are numbered as when they were saved (1..n, restoreSavedRuns()); a file
    // with weights but no runs holds one, the project's run 1.
    std::optional<StoredTraining> stored
        = StoredTraining::of(project, m_controller->runId() + (current ? 0 : 1));
    if (stored && !current)
        m_controller->reserveRunIds(1);
    if (stored && current)
        stored->info.moreOfFile = savedRuns > 1;
    // Runs trained in the window that the loss plot keeps (the same project opened again)
    // keep their numbers: the next run comes after them.
    m_controller->reserveRunIdsThrough(m_loss->lastRunId());
    m_controller->setIdleSummary(stored ? stored->summary : QString());
    if (!stored)
        return;
    // The views that need no data show the file's run at once; the ones that run the weights
    // over the data (boundary, neurons, confusion, feature maps) follow once the training
    // thread has loaded it (onStoredWeightsShown()).
    for (TrainingView* view : storedRunViews()) {
        view->startSession(stored->info);
        view->addSnapshot(stored->snapshot);
    }
    // The progress line beside the status line says how the weights were trained (the idle
    // summary, with a full bar); the status line stays free for what happens next.
    // Not the document: its runs' checkpoints need not go to the training thread.
    m_controller->showStoredWeights(project, m_projectDir, stored->info.runId);
    m_controller->continueFromDocument();
}

engine::Project TrainingPanel::restoreSavedRuns(const engine::Project& project)
{
    // What the checkpoints are evaluated with: the document without weights and runs (copied
    // once per run, so kept small), with each run's own settings.
    engine::Project base = project;
    base.weights.clear();
    base.trainingState.reset();
    base.runs.clear();
    base.history = {};
    const std::vector<engine::SavedRun>& runs = project.runs;
    // The last run is the document's weights: filed under runId(), as a file's single run is.
    const int first = m_controller->reserveRunIds(int(runs.size()));
    std::map<int, int> runIdOf; // id in the file -> run id here
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const engine::SavedRun& saved = runs[i];
        const int runId = first + int(i);
        runIdOf[saved.id] = runId;
        auto runProject = std::make_shared<engine::Project>(base);
        if (saved.history.settings.is_object()) {
            try {
                runProject->training = engine::TrainingConfig::fromJson(saved.history.settings);
            } catch (const std::exception&) {
                // Settings of another version: the project's own split and seed stay.
            }
        }
        engine::SavedRun restored = saved;
        const bool last = i + 1 == runs.size();
        // Saved without checkpoints: the current run can still be continued from the weights.
        if (last && restored.checkpoints.empty() && !project.weights.empty()) {
            engine::Checkpoint latest;
            latest.epoch = project.trainingState ? project.trainingState->epochsDone
                : saved.history.empty()          ? 0
                                                 : saved.history.epochs.back().epoch;
            latest.weights = project.weights;
            if (project.trainingState)
                latest.state = *project.trainingState;
            latest.state.epochsDone = latest.epoch;
            restored.checkpoints.push_back(std::move(latest));
        }
        const int parent = saved.parent ? runIdOf.at(*saved.parent) : -1;
        m_timeline->restore(runId, restored, parent, std::move(runProject), m_projectDir);
        // The last run's curves come with its weights (showStoredTraining()).
        if (!last || project.weights.empty()) {
            StoredTraining curves = StoredTraining::curvesOf(saved.history, runId);
            curves.info.moreOfFile = i > 0;
            m_loss->startSession(curves.info);
            m_loss->addSnapshot(curves.snapshot);
        }
    }
    m_timeline->setDocumentRun(m_controller->runId());
    engine::Project shown = base;
    shown.weights = project.weights;
    shown.trainingState = project.trainingState;
    // A last run that continued the file's weights without a parent run in the file (a file
    // trained before runs were saved, or by netcanvas-train) holds only its own epochs; the
    // document's history has the earlier ones too.
    const engine::SavedRun& last = runs.back();
    const bool continuedFile = last.forkEpoch > 0 && !last.parent;
    shown.history = last.history.empty() || continuedFile ? project.history : last.history;
    return shown;
}

std::vector<engine::SavedRun> TrainingPanel::runsToSave(bool withCheckpoints) const
{
    if (!m_document)
        return {};
    // Nothing shown of the file's runs (its network could not be built): they stay as read.
    std::vector<engine::SavedRun> runs = m_timeline->allRuns().empty()
        ? m_document->project().runs
        : m_timeline->savedRuns(
            withCheckpoints, TrainingController::architectureKey(m_document->project()));
    if (!withCheckpoints)
        for (engine::SavedRun& run : runs)
            run.checkpoints.clear();
    // Runs trained before the network was edited keep their curves only: their checkpoints
    // would not load into it.
    engine::dropCheckpointsThatDoNotFit(runs, m_document->weights());
    return runs;
}

engine::Project TrainingPanel::projectToSave(bool withCheckpoints) const
{
    engine::Project project = m_document ? m_document->project() : engine::Project {};
    project.runs = runsToSave(withCheckpoints);
    return project;
}

std::vector<TrainingView*> TrainingPanel::storedRunViews() const
{
    return {m_loss, m_heatmap, m_histogram};
}

void TrainingPanel::onStoredWeightsShown(
    const TrainingSessionInfo& info, const TrainingSnapshot& snapshot)
{
    if (m_sessionShown)
        return;
    // The scrubber went to an earlier epoch of the file's runs before this arrived: the state
    // views keep showing that epoch.
    const std::vector<TrainingView*> shown = storedRunViews();
    const std::vector<TrainingView*> held
        = m_scrubber->scrubbedTo() ? stateViews() : std::vector<TrainingView*> {};
    for (TrainingView* view : m_views) {
        if (std::find(shown.begin(), shown.end(), view) != shown.end()
            || std::find(held.begin(), held.end(), view) != held.end())
            continue;
        view->startSession(info);
        view->addSnapshot(snapshot);
    }
    updateSequenceTabs(&info);
    updateAutoencoderTabs(&info);
    updateViewTabs(&info);
}

void TrainingPanel::onSession(const TrainingSessionInfo& info)
{
    m_sessionShown = true;
    m_lastSession = info;
    m_scrubber->followLatest();
    emit shownCheckpointChanged(nullptr);
    m_latestRequest.reset();
    for (TrainingView* view : m_views)
        view->startSession(info);
    updateSequenceTabs(&info);
    updateAutoencoderTabs(&info);
    updateViewTabs(&info);
    updateActions();
}

void TrainingPanel::onSnapshot(const TrainingSnapshot& s)
{
    if (!m_sessionShown)
        return;
    // Views that are not on screen still keep their data current, but cheaply: the heavy ones
    // (colour maps) only redraw when visible through QCustomPlot's queued replot. While the
    // scrubber shows an earlier epoch, the state views keep showing it.
    const std::vector<TrainingView*> held
        = m_scrubber->scrubbedTo() ? stateViews() : std::vector<TrainingView*> {};
    for (TrainingView* view : m_views)
        if (std::find(held.begin(), held.end(), view) == held.end())
            view->addSnapshot(s);
}

std::vector<TrainingView*> TrainingPanel::stateViews() const
{
    std::vector<TrainingView*> views;
    for (TrainingView* view : m_views)
        if (view != m_loss && view != m_histogram && view != m_gradients)
            views.push_back(view);
    return views;
}

void TrainingPanel::onCheckpointShown(
    int runId, int epoch, const TrainingSessionInfo& info, const TrainingSnapshot& snapshot)
{
    const std::pair<int, int> shown {runId, epoch};
    if (m_scrubber->scrubbedTo() != shown && m_latestRequest != shown)
        return;
    for (TrainingView* view : stateViews()) {
        view->startSession(info);
        view->addSnapshot(snapshot);
    }
    // The histogram keeps the run's bands and shows the epoch's weights beside them.
    if (m_scrubber->scrubbedTo() == shown)
        m_histogram->showEpoch(snapshot, epoch);
    else
        m_histogram->showLatestWeights();
}

void TrainingPanel::showLatest()
{
    emit shownCheckpointChanged(nullptr);
    m_histogram->showLatestWeights();
    // The state views start over from the live session; while it trains, its next snapshot
    // fills them, otherwise the newest checkpoint does.
    if (m_lastSession)
        for (TrainingView* view : stateViews())
            view->startSession(*m_lastSession);
    const std::vector<int> runs = m_timeline->runs();
    if (m_controller->isRunning() || runs.empty() || m_timeline->epochs(runs.back()).empty())
        return;
    m_latestRequest = std::pair {runs.back(), m_timeline->epochs(runs.back()).back()};
    m_timeline->show(m_latestRequest->first, m_latestRequest->second);
}

void TrainingPanel::continueFrom(int runId, int epoch)
{
    if (!m_document)
        return;
    const CheckpointPtr checkpoint = m_timeline->checkpoint(runId, epoch);
    m_scrubber->followLatest();
    emit shownCheckpointChanged(nullptr);
    if (!checkpoint) {
        showStatus(tr("Could not continue from epoch %1: it has no checkpoint.").arg(epoch), true);
        updateActions();
        return;
    }
    engine::Project project = m_document->project();
    project.runs.clear();
    // The parent is named only for a fork that starts: its first checkpoint arrives queued,
    // after this. A fork that failed must not make the next run a child of this one.
    if (m_controller->forkFrom(project, m_projectDir, checkpoint))
        m_timeline->expectFork(runId);
    else
        showStatus(tr("Could not continue from epoch %1: training did not stop.").arg(epoch), true);
    updateActions();
}

void TrainingPanel::onFinished(const TrainingOutcome& outcome)
{
    if (!m_sessionShown) {
        updateActions();
        return;
    }
    const engine::TrainResult& r = outcome.result;
    const QString text = QString::fromStdString(r.message);
    switch (r.reason) {
    case engine::StopReason::Diverged:
        showStatus(tr("Training diverged: %1").arg(text), true);
        break;
    case engine::StopReason::EarlyStop:
        showStatus(tr("Stopped early: %1").arg(text));
        break;
    case engine::StopReason::Interrupted:
        showStatus(tr("Stopped after %1 epochs; Continue resumes the run.").arg(r.epochs));
        break;
    case engine::StopReason::Completed: {
        QString line = tr("Done: %1").arg(text);
        if (r.last && r.last->validation && r.last->validation->accuracy)
            line += tr(", validation accuracy %1 %")
                        .arg(100 * *r.last->validation->accuracy, 0, 'f', 1);
        if (r.test && r.test->accuracy)
            line += tr(", test accuracy %1 %").arg(100 * *r.test->accuracy, 0, 'f', 1);
        showStatus(line);
        break;
    }
    }
    updateActions();
}

void TrainingPanel::updateAutoencoderTabs(const TrainingSessionInfo* session)
{
    bool reconstruct = false;
    bool latent = false;
    if (session) {
        reconstruct = ReconstructionView::appliesTo(*session);
        latent = LatentSpaceView::appliesTo(*session);
    } else if (m_document) {
        const engine::Project& p = m_document->project();
        try {
            reconstruct
                = engine::reconstructionTargetRequested(p.dataset.options, p.dataset.source);
        } catch (const std::exception&) {
            reconstruct = false; // the document reports the bad option
        }
        latent = reconstruct
            && LatentSpaceView::twoUnitBottleneck(p, m_document->context()).has_value();
    }
    m_tabs->setTabVisible(m_tabs->indexOf(m_reconstructions), reconstruct);
    m_tabs->setTabVisible(m_tabs->indexOf(m_latent), latent);
}

void TrainingPanel::showStatus(const QString& text, bool error)
{
    m_status->setText(text);
    // Empty, it leaves its room to the progress line (a reopened project's "Trained: ...").
    m_status->setVisible(!text.isEmpty());
    m_status->setStyleSheet(
        error ? QStringLiteral("color: #b2182b; font-weight: bold;") : QString());
}

void TrainingPanel::onDocumentEdited()
{
    updateActions();
    if (!m_document || !m_controller->isRunning() || m_askPending)
        return;
    if (m_controller->sameArchitecture(m_document->project()))
        return;
    // Asked later, not inside the command's redo() that emitted this.
    m_askPending = true;
    QTimer::singleShot(0, this, [this] {
        m_askPending = false;
        if (!m_document || !m_controller->isRunning()
            || m_controller->sameArchitecture(m_document->project()))
            return;
        bool stopIt = true;
        if (isVisible() && m_undo && m_undo->canUndo()) {
            QMessageBox box(QMessageBox::Question, tr("Training is running"),
                tr("The network was edited while it is being trained. Stop training to keep the "
                   "edit, or undo the edit and keep training?"),
                QMessageBox::NoButton, this);
            QPushButton* stopButton = box.addButton(tr("Stop training"), QMessageBox::AcceptRole);
            box.addButton(tr("Undo the edit"), QMessageBox::RejectRole);
            box.setDefaultButton(stopButton);
            box.exec();
            stopIt = box.clickedButton() == stopButton;
        }
        if (stopIt) {
            m_controller->stop();
            showStatus(tr("Training stopped because the network was edited."));
        } else {
            m_undo->undo();
        }
    });
}

void TrainingPanel::updateViewTabs(const TrainingSessionInfo* session)
{
    // Unknown facts (no dataset context yet) keep a view visible: it explains itself.
    bool twoD = true;
    bool classification = true;
    bool images = true;
    bool table = true; ///< flat inputs of more features: drawn on a plane
    if (session) {
        twoD = session->twoD;
        classification = session->classification;
        images = session->architecture && session->context.inputShape.rank() == 3;
        table = planes::appliesToTable(*session);
    } else if (m_document) {
        const engine::GraphCheck& check = m_document->check();
        const auto& context = m_document->context();
        engine::Shape input;
        if (auto it = check.shapes.find(check.inputNode); it != check.shapes.end())
            input = it->second;
        else if (context)
            input = context->inputShape;
        if (!input.empty()) {
            twoD = input.rank() == 1 && input[0] == 2;
            table = input.rank() == 1 && input[0] > 2;
            images = input.rank() == 3;
        }
        if (context)
            classification = context->numClasses > 0;
    }
    auto show = [this](QWidget* view, bool visible) {
        // A view may sit inside a scroll area: the tab's page is its ancestor.
        for (QWidget* w = view; w; w = w->parentWidget()) {
            if (const int i = m_tabs->indexOf(w); i >= 0) {
                m_tabs->setTabVisible(i, visible);
                return;
            }
        }
    };
    show(m_boundary, twoD || table || (images && classification));
    show(m_neurons, twoD || table);
    show(m_confusion, classification);
    show(m_featureMaps, images);
    show(m_mostWrong, images && classification);
}

void TrainingPanel::updateSequenceTabs(const TrainingSessionInfo* info)
{
    bool recurrent = false, forecast = false, text = false;
    if (info) {
        recurrent = m_hiddenStates->applies();
        forecast = m_forecast->applies();
        text = m_textSampling->applies();
    } else if (m_document) {
        const engine::Project& p = m_document->project();
        for (const auto& n : p.nodes)
            recurrent = recurrent || n.type == "SimpleRNN" || n.type == "LSTM" || n.type == "GRU";
        // Regression on sequences from any source (generator, time-series CSV); text needs a
        // vocabulary, which only char_text's data has before loading.
        const auto& context = m_document->context();
        forecast = recurrent && context && context->numClasses == 0;
        text = recurrent && p.dataset.source == "generator" && p.dataset.generator == "char_text";
    }
    m_tabs->setTabVisible(m_tabs->indexOf(m_hiddenStates), recurrent);
    m_tabs->setTabVisible(m_tabs->indexOf(m_forecast), forecast);
    m_tabs->setTabVisible(m_tabs->indexOf(m_textSampling), text);
}

} // namespace widgets
