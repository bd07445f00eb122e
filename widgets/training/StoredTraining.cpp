#include "training/StoredTraining.h"

#include "graph/Graph.h"

#include <QCoreApplication>

namespace widgets {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("widgets::StoredTraining", text);
}

EpochPoint pointOf(const engine::EpochRecord& r)
{
    EpochPoint p;
    p.epoch = r.epoch;
    p.trainLoss = r.trainLoss;
    p.trainAccuracy = r.trainAccuracy;
    p.validationLoss = r.validationLoss;
    p.validationAccuracy = r.validationAccuracy;
    return p;
}

/// "Trained: 40 epochs, validation accuracy 100.0 %" from the run's last epoch; the best
/// measure it has (validation before training, accuracy before loss).
QString summaryOf(const engine::TrainingHistory& history)
{
    if (history.empty())
        return tr("Trained: weights stored in the file (no run history)");
    const engine::EpochRecord& last = history.epochs.back();
    QString text = QCoreApplication::translate(
        "widgets::StoredTraining", "Trained: %n epochs", nullptr, last.epoch);
    if (last.validationAccuracy)
        text += tr(", validation accuracy %1 %").arg(100 * *last.validationAccuracy, 0, 'f', 1);
    else if (last.validationLoss)
        text += tr(", validation loss %1").arg(*last.validationLoss, 0, 'g', 4);
    else if (last.trainAccuracy)
        text += tr(", training accuracy %1 %").arg(100 * *last.trainAccuracy, 0, 'f', 1);
    else
        text += tr(", training loss %1").arg(last.trainLoss, 0, 'g', 4);
    return text;
}

} // namespace

std::optional<StoredTraining> StoredTraining::of(const engine::Project& project, int runId)
{
    if (project.weights.empty())
        return std::nullopt;
    engine::Graph graph;
    try {
        graph = project.buildGraph();
    } catch (const std::exception&) {
        return std::nullopt; // the document reports the broken network
    }
    engine::TrainingHistory history = project.history;
    if (history.label.empty())
        history.label = engine::runLabel(project.training);
    StoredTraining stored = curvesOf(history, runId);
    TrainingSnapshot& s = stored.snapshot;
    // In the order of the file's nodes, as the canvas lists them.
    for (const engine::NodeRecord& node : project.nodes) {
        const auto tensors = project.weights.find(node.id);
        if (tensors == project.weights.end() || !graph.hasNode(node.id))
            continue;
        const QString name = QString::fromStdString(graph.name(node.id));
        for (const auto& [param, value] : tensors->second)
            s.params.push_back(ParamCopy::of(node.id, name, graph.layer(node.id), param, value));
    }
    return stored;
}

StoredTraining StoredTraining::curvesOf(const engine::TrainingHistory& history, int runId)
{
    StoredTraining stored;
    stored.summary = summaryOf(history);

    TrainingSessionInfo& info = stored.info;
    info.runId = runId;
    info.fromFile = true;
    info.label = QString::fromStdString(history.label);
    info.classification = false;
    for (const engine::EpochRecord& r : history.epochs)
        info.classification = info.classification || r.trainAccuracy || r.validationAccuracy;
    info.totalEpochs = history.empty() ? 0 : history.epochs.back().epoch;

    TrainingSnapshot& s = stored.snapshot;
    s.runId = runId;
    s.trigger = SnapshotTrigger::Finished;
    s.finished = true;
    s.epoch = s.totalEpochs = info.totalEpochs;
    s.progressX = info.totalEpochs;
    for (const engine::EpochRecord& r : history.epochs)
        s.epochs.push_back(pointOf(r));
    return stored;
}

} // namespace widgets
