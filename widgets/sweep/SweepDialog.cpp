#include "sweep/SweepDialog.h"

#include "core/Errors.h"
#include "document/GraphDocument.h"
#include "document/UndoCommands.h"
#include "plots/LossPlot.h"
#include "plots/LossPlotOverlays.h"
#include "plots/TrainingPanel.h"
#include "sweep/SweepAxisEditor.h"
#include "sweep/SweepController.h"
#include "sweep/SweepRunTable.h"
#include "training/TrainingController.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QUndoStack>
#include <QVBoxLayout>

#include <thread>

namespace widgets {

namespace {

/// The curve of a run: its validation loss, or its training loss without a validation set.
std::optional<double> curveValue(const engine::EpochRecord& e)
{
    return e.validationLoss ? e.validationLoss : std::optional(e.trainLoss);
}

/// "Sweep run 2: 150 epochs, validation accuracy 100.0 %", for the progress displays while the
/// views show that run (its settings are in the table; the displays have room for one line).
QString runSummary(const engine::SweepRunResult& r)
{
    QString text = SweepDialog::tr("Sweep run %1: %2 epochs").arg(r.run.index).arg(r.result.epochs);
    const std::optional<engine::Metrics> v
        = r.result.last ? r.result.last->validation : std::nullopt;
    if (v && v->accuracy)
        text += SweepDialog::tr(", validation accuracy %1 %").arg(100.0 * *v->accuracy, 0, 'f', 1);
    else if (v)
        text += SweepDialog::tr(", validation loss %1").arg(v->loss, 0, 'g', 4);
    return text;
}

} // namespace

SweepDialog::SweepDialog(
    GraphDocument* document, QUndoStack* undoStack, TrainingPanel* training, QWidget* parent)
    : QDialog(parent)
    , m_doc(document)
    , m_undo(undoStack)
    , m_training(training)
    , m_controller(new SweepController(this))
    , m_axes {new SweepAxisEditor(false, this), new SweepAxisEditor(true, this)}
    , m_runCount(new QLabel(this))
    , m_run(new QPushButton(tr("Run"), this))
    , m_cancel(new QPushButton(tr("Cancel Runs"), this))
    , m_applyBest(new QPushButton(tr("Apply Best"), this))
    , m_status(new QLabel(this))
    , m_table(new SweepRunTable(this))
{
    setWindowTitle(tr("Sweep"));
    setModal(false);
    auto* intro = new QLabel(tr("Trains the project once for every combination of the values, "
                                "each from the project's seed, side by side as the cores "
                                "allow; each run's validation loss is drawn on the loss plot. "
                                "The project itself is not changed until you apply a run."),
        this);
    intro->setWordWrap(true);
    auto* settings = new QGroupBox(tr("Settings to compare"), this);
    auto* form = new QFormLayout(settings);
    form->addRow(tr("Sweep"), m_axes[0]);
    form->addRow(tr("and"), m_axes[1]);
    form->addRow(QString(), m_runCount);
    m_axes[0]->setAxis(QStringLiteral("learningRate"), QStringLiteral("0.001, 0.01, 0.1"));

    m_run->setDefault(true);
    m_run->setToolTip(tr("Train every combination in the background"));
    m_cancel->setToolTip(tr("Stop every run of the sweep"));
    m_applyBest->setToolTip(tr(
        "Set the settings of the run with the lowest validation loss on the project (undoable)"));
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(m_run);
    runRow->addWidget(m_cancel);
    runRow->addWidget(m_status, 1);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_table->setToolTip(tr("Click a run to highlight its curve on the loss plot and show its "
                           "weights in the views"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_applyBest, QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(settings);
    layout->addLayout(runRow);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    resize(960, 500);

    for (SweepAxisEditor* axis : m_axes)
        connect(axis, &SweepAxisEditor::changed, this, [this] {
            updateRunCount();
            updateButtons();
        });
    connect(m_run, &QPushButton::clicked, this, &SweepDialog::run);
    connect(m_cancel, &QPushButton::clicked, this, &SweepDialog::cancel);
    connect(m_applyBest, &QPushButton::clicked, this, &SweepDialog::applyBest);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::hide);
    connect(m_table, &QTableWidget::cellClicked, this,
        [this](int row, int) { showRun(m_table->runAt(row)); });

    connect(m_controller, &SweepController::prepared, this, [this](int parallel) {
        setStatus(parallel == 1 ? tr("Training one run at a time…")
                                : tr("Training %1 runs at a time…").arg(parallel));
    });
    connect(m_controller, &SweepController::failed, this, [this](const QString& message) {
        m_table->clearRuns();
        m_training->lossPlot()->overlays()->clear();
        setStatus(message, true);
        updateButtons();
        emit sweepFinished();
    });
    connect(m_controller, &SweepController::runStarted, m_table, &SweepRunTable::runStarted);
    connect(m_controller, &SweepController::epochs, this,
        [this](int index, const QVector<engine::EpochRecord>& records) {
            m_table->addEpochs(index, records);
            for (const engine::EpochRecord& e : records)
                if (const auto v = curveValue(e); v && std::isfinite(*v))
                    m_training->lossPlot()->overlays()->addPoint(index, e.epoch, *v,
                        e.validationLoss ? QStringLiteral("validation_loss")
                                         : QStringLiteral("train_loss"));
        });
    connect(m_controller, &SweepController::runFinished, this, &SweepDialog::onRunFinished);
    connect(m_controller, &SweepController::finished, this, &SweepDialog::onFinished);
    // The keys offered follow the network (a renamed or added layer) while no sweep runs.
    connect(m_doc, &GraphDocument::reset, this, &SweepDialog::refreshKeys);
    connect(m_doc, &GraphDocument::nodeAdded, this, &SweepDialog::refreshKeys);
    connect(m_doc, &GraphDocument::nodeRemoved, this, &SweepDialog::refreshKeys);
    connect(m_doc, &GraphDocument::attributesChanged, this, &SweepDialog::refreshKeys);
    refreshKeys();
    updateButtons();
}

SweepDialog::~SweepDialog() = default;

void SweepDialog::showEvent(QShowEvent* event)
{
    refreshKeys();
    QDialog::showEvent(event);
}

void SweepDialog::refreshKeys()
{
    for (SweepAxisEditor* axis : m_axes)
        axis->setProject(m_doc->project());
    updateRunCount();
}

bool SweepDialog::isRunning() const
{
    return m_controller->isRunning();
}

QString SweepDialog::statusText() const
{
    return m_status->text();
}

void SweepDialog::setStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

void SweepDialog::updateRunCount()
{
    int runs = 1;
    QString problem;
    for (SweepAxisEditor* axis : m_axes) {
        if (axis->isNone())
            continue;
        if (const auto a = axis->axis())
            runs *= int(a->values.size());
        else
            problem = axis->error();
    }
    if (!problem.isEmpty()) {
        m_runCount->setText(problem);
        return;
    }
    const int threads
        = m_threads > 0 ? m_threads : int(std::max(1u, std::thread::hardware_concurrency()));
    const int atOnce = std::min(runs, threads);
    m_runCount->setText(runs == 1
            ? tr("1 run")
            : tr("%1 runs, %2 at a time (one thread each)").arg(runs).arg(atOnce));
}

void SweepDialog::updateButtons()
{
    const bool running = isRunning();
    bool valid = true;
    for (SweepAxisEditor* axis : m_axes)
        valid = valid && (axis->isNone() || axis->axis());
    m_run->setEnabled(!running && valid && !m_axes[0]->isNone());
    m_cancel->setEnabled(running);
    m_applyBest->setEnabled(m_table->bestRun().has_value());
    for (SweepAxisEditor* axis : m_axes)
        axis->setEnabled(!running);
}

void SweepDialog::run()
{
    if (isRunning())
        return;
    engine::SweepSpec spec;
    try {
        for (SweepAxisEditor* axis : m_axes) {
            if (axis->isNone())
                continue;
            const auto a = axis->axis();
            if (!a)
                throw engine::InputError({}, axis->error().toStdString());
            spec.addAxis(*a);
        }
    } catch (const engine::InputError& e) {
        setStatus(QString::fromStdString(e.what()), true);
        return;
    }
    if (spec.empty())
        return;
    const std::vector<engine::SweepRun> runs = spec.runs();
    m_table->setRuns(runs, m_doc->trainingConfig().epochs);
    LossPlotOverlays* overlays = m_training->lossPlot()->overlays();
    overlays->clear();
    for (const engine::SweepRun& r : runs) {
        overlays->setCurve(
            r.index, QStringLiteral("#%1 %2").arg(r.index).arg(QString::fromStdString(r.label())));
        m_table->setRunColor(r.index, overlays->color(r.index));
    }
    m_clock.start();
    m_controller->start(m_doc->project(), m_projectDir, spec, m_threads);
    setStatus(
        runs.size() == 1 ? tr("Preparing the run…") : tr("Preparing %1 runs…").arg(runs.size()));
    updateButtons();
}

void SweepDialog::cancel()
{
    m_controller->cancel();
    setStatus(tr("Cancelling…"));
}

void SweepDialog::onRunFinished(const engine::SweepRunResult& result)
{
    m_table->runFinished(result);
    updateButtons();
}

void SweepDialog::onFinished(bool cancelled)
{
    const double seconds = double(m_clock.elapsed()) / 1000.0;
    if (cancelled) {
        m_table->markUnstarted(tr("cancelled"));
        setStatus(tr("Cancelled after %1 s.").arg(seconds, 0, 'f', 1));
    } else if (const auto best = m_table->bestRun()) {
        const engine::SweepRunResult* r = m_table->result(*best);
        setStatus(tr("Done in %1 s. Best: run %2 (%3).")
                      .arg(seconds, 0, 'f', 1)
                      .arg(*best)
                      .arg(QString::fromStdString(r->run.label())));
    } else {
        setStatus(tr("Done in %1 s; no run ended with a finite loss.").arg(seconds, 0, 'f', 1));
    }
    updateButtons();
    emit sweepFinished();
}

void SweepDialog::showRun(int index)
{
    if (index <= 0)
        return;
    m_training->lossPlot()->overlays()->highlight(index);
    const engine::SweepRunResult* r = m_table->result(index);
    if (!r || r->weights.empty())
        return;
    // The run's network must be the document's for its weights to mean anything there: only
    // runs that differ in training settings (or in node values the document has now) qualify.
    engine::Project runProject;
    try {
        runProject = engine::projectForRun(m_doc->project(), r->run);
    } catch (const engine::InputError& e) {
        setStatus(QString::fromStdString(e.what()), true);
        return;
    }
    for (std::size_t i = 0; i < runProject.nodes.size(); ++i)
        if (runProject.nodes[i].attributes != m_doc->project().nodes[i].attributes) {
            setStatus(tr("Run %1 trained another network than the document's (%2): Apply it to "
                         "see its network in the views.")
                          .arg(index)
                          .arg(QString::fromStdString(r->run.label())));
            return;
        }
    TrainingController* controller = m_training->controller();
    if (controller->isRunning()) {
        setStatus(tr("Stop training to show run %1's weights in the views.").arg(index));
        return;
    }
    // With a session the views follow the weights it loads; without one (nothing trained since
    // the project opened) the data views are filled as for a project opened with weights.
    const bool hadSession = controller->hasSession();
    if (controller->setWeights(r->weights)) {
        if (!hadSession) {
            controller->setIdleSummary(runSummary(*r));
            controller->showStoredWeights(m_doc->project(), m_projectDir, controller->runId());
        }
        setStatus(tr("The views show run %1 (%2).")
                      .arg(index)
                      .arg(QString::fromStdString(r->run.label())));
    } else {
        setStatus(tr("Run %1's weights do not fit the document's network any more.").arg(index));
    }
}

void SweepDialog::applyBest()
{
    if (const auto best = m_table->bestRun())
        applyRun(*best);
}

void SweepDialog::applyRun(int index)
{
    const engine::SweepRunResult* r = m_table->result(index);
    if (!r)
        return;
    engine::Project target;
    try {
        target = engine::projectForRun(m_doc->project(), r->run);
    } catch (const engine::InputError& e) {
        setStatus(QString::fromStdString(e.what()), true);
        return;
    }
    const engine::Project& current = m_doc->project();
    std::vector<QUndoCommand*> commands;
    if (target.training.toJson() != current.training.toJson())
        commands.push_back(new SetTrainingConfigCommand(m_doc, target.training));
    for (std::size_t i = 0; i < target.nodes.size() && i < current.nodes.size(); ++i) {
        const nlohmann::json& now = current.nodes[i].attributes;
        for (const auto& item : target.nodes[i].attributes.items())
            if (!now.contains(item.key()) || now[item.key()] != item.value())
                commands.push_back(
                    new SetAttributeCommand(m_doc, target.nodes[i].id, item.key(), item.value()));
    }
    const QString label = QString::fromStdString(r->run.label());
    if (m_undo) {
        m_undo->beginMacro(tr("Apply sweep run %1 (%2)").arg(index).arg(label));
        for (QUndoCommand* c : commands)
            m_undo->push(c);
        m_undo->endMacro();
    } else {
        for (QUndoCommand* c : commands) {
            c->redo();
            delete c;
        }
    }
    setStatus(tr("Applied run %1: %2.").arg(index).arg(label));
}

void SweepDialog::clearForProject()
{
    m_controller->forget();
    m_table->clearRuns();
    m_training->lossPlot()->overlays()->clear();
    setStatus({});
    refreshKeys();
    updateButtons();
}

} // namespace widgets
