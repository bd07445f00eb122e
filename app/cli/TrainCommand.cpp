#include "TrainCommand.h"

#include "Interrupt.h"
#include "Support.h"
#include "TrainReport.h"

#include "core/Errors.h"
#include "core/Parallel.h"
#include "data/Dataset.h"
#include "data/DatasetLoading.h"
#include "project/Project.h"
#include "training/ResourceEstimate.h"
#include "training/Trainer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <ostream>
#include <sstream>

namespace cli {

engine::Project loadProjectToTrain(const TrainOptions& o)
{
    engine::Project project;
    try {
        project = engine::loadProject(o.project);
    } catch (const engine::InputError& e) {
        throw CommandError(withFile(o.project, e.what()));
    }
    // --seed replaces training.seed only (weights, shuffling, dropout, split): the generated
    // data is part of the problem a project poses, so different seeds train on the same data.
    if (o.seed)
        project.training.seed = *o.seed;
    if (o.epochs)
        project.training.epochs = *o.epochs;
    return project;
}

int runTrain(const TrainOptions& o, std::ostream& out, std::ostream& err)
{
    installInterruptHandler();
    if (o.threads)
        engine::setThreadCount(*o.threads);

    const engine::PathPolicy policy = pathPolicy(o.allowPaths);
    engine::Project project = loadProjectToTrain(o);

    if (o.resume && project.weights.empty())
        throw CommandError(o.project
            + ": --resume: the file stores no trained weights (train it with --out first, or "
              "leave out --resume)");

    // --resume trains --epochs (or training.epochs) more epochs after those of the stored run,
    // numbered on from them; the learning-rate schedule spans both. The saved project keeps its
    // own training.epochs, so that resuming again trains as many more.
    const std::optional<engine::TrainerState>& stored
        = o.resume ? project.trainingState : std::nullopt;
    if (o.resume && !stored)
        err << "netcanvas-train: note: " << o.project
            << " stores weights but no optimizer state (a file of an older version, or weights "
               "set by hand): the optimizer starts afresh\n";

    engine::Graph graph;
    std::optional<engine::Trainer> trainer;
    try {
        engine::DatasetSplits splits = loadData(project, o.project, policy);
        graph = project.buildGraph();
        trainer.emplace(graph, std::move(splits), project.training);
        // The Trainer compiled the graph with fresh weights; --resume replaces all of them, or
        // names the first that does not fit (InputError "weights.<id>.<name>"), then restores
        // what continuing exactly needs (InputError "trainingState...").
        if (o.resume)
            graph.setWeights(project.weights, true);
        if (stored)
            trainer->restoreState(*stored);
    } catch (const engine::InputError& e) {
        throw CommandError(withFile(o.project, e.what()));
    } catch (const engine::ShapeError& e) {
        throw CommandError(withFile(o.project, e.what()));
    } catch (const std::invalid_argument& e) {
        throw CommandError(withFile(o.project, e.what()));
    }
    if (interruptRequested()) {
        err << "netcanvas-train: interrupted before training started; nothing written\n";
        return ExitInterrupted;
    }

    // A resumed run numbers its epochs on from the stored ones; the warnings judge what is left.
    const int totalEpochs = trainer->config().epochs;
    const int epochsToRun = totalEpochs - trainer->epochsDone();
    const long stepsBefore = trainer->stepsDone();
    {
        // A run whose arithmetic alone takes hours says so before its first (maybe minutes long)
        // batch; the pace of the first batches refines it below.
        const engine::Dataset& train = trainer->data().train;
        const engine::GraphCheck check = graph.check(engine::GraphContext {train.inputShape,
            train.task == engine::TaskKind::Classification ? train.numClasses : 0, train.y.rows()});
        if (const auto warning
            = engine::arithmeticRunWarning(check, train.size(), epochsToRun, engine::threadCount()))
            err << "netcanvas-train: warning: " << *warning << '\n' << std::flush;
    }
    engine::TrainerControl control;
    engine::TrainerCallbacks callbacks;
    // A run that will take hours says so early, from the pace of its first mini-batches.
    const auto started = std::chrono::steady_clock::now();
    bool paceChecked = false;
    callbacks.onBatchEnd = [&control, &err, &paceChecked, started, epochsToRun, stepsBefore](
                               const engine::BatchStats& b) {
        if (interruptRequested() && !control.stopRequested())
            control.requestStop();
        const double seconds
            = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        const long steps = b.step - stepsBefore;
        if (!paceChecked && (steps >= 5 || seconds >= 2)) {
            paceChecked = true;
            if (const auto warning
                = engine::longRunWarning(seconds, steps, b.batchesPerEpoch, epochsToRun))
                err << "netcanvas-train: warning: " << *warning << '\n' << std::flush;
        }
    };
    // The curves go into --out with the weights: a reopened project shows how it was trained.
    // A resumed run extends the stored curves (its epochs are numbered on from them).
    engine::TrainingHistory history = stored && !project.history.empty()
        ? project.history
        : engine::TrainingHistory::startedWith(project.training);
    callbacks.onEpochEnd
        = [&err, &history, totalEpochs, quiet = o.quiet](const engine::EpochStats& e) {
              history.epochs.push_back(engine::EpochRecord::from(e));
              if (!quiet)
                  err << progressLine(e, totalEpochs) << '\n' << std::flush;
          };

    engine::TrainResult result;
    try {
        result = trainer->run(callbacks, &control);
    } catch (const engine::InputError& e) {
        throw CommandError(withFile(o.project, e.what()));
    } catch (const engine::ShapeError& e) {
        throw CommandError(withFile(o.project, e.what()));
    }
    // A Ctrl+C that arrives during the last mini-batch still counts: the user asked for no
    // output.
    if (interruptRequested())
        result.reason = engine::StopReason::Interrupted;

    // --out first, so that a Ctrl+C during its (possibly long) write still counts: the file is
    // then left as it was, and the final line says interrupted.
    const bool keep = result.reason == engine::StopReason::Completed
        || result.reason == engine::StopReason::EarlyStop;
    if (keep && !o.out.empty()) {
        project.setGraph(graph);
        project.weights = graph.weights();
        project.history = std::move(history);
        project.trainingState = trainer->captureState();
        // The model only makes sense on inputs scaled as in training: predict reads these.
        if (const engine::FeatureScaling& s = trainer->data().train.scaling; !s.isIdentity())
            project.dataset.options["scalingStats"] = engine::scalingToJson(s);
        try {
            if (!engine::saveProject(project, o.out, [] { return !interruptRequested(); }))
                result.reason = engine::StopReason::Interrupted;
        } catch (const engine::InputError& e) {
            throw CommandError(withFile(o.out, e.what()));
        }
    }

    out << finalLine(result) << std::endl;
    if (!result.message.empty() && result.reason != engine::StopReason::Completed)
        err << "netcanvas-train: " << oneLine(result.message) << '\n';

    switch (result.reason) {
    case engine::StopReason::Interrupted:
        err << "netcanvas-train: interrupted; nothing written\n";
        return ExitInterrupted;
    case engine::StopReason::Diverged:
        if (!o.summary.empty())
            writeFileAtomically(o.summary, summaryJson(result));
        if (!o.out.empty())
            err << "netcanvas-train: " << o.out << ": not written because training diverged\n";
        return ExitDiverged;
    case engine::StopReason::Completed:
    case engine::StopReason::EarlyStop:
        break;
    }

    if (!o.summary.empty())
        writeFileAtomically(o.summary, summaryJson(result));
    return ExitOk;
}

} // namespace cli
