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

int runTrain(const TrainOptions& o, std::ostream& out, std::ostream& err)
{
    installInterruptHandler();
    if (o.threads)
        engine::setThreadCount(*o.threads);

    const engine::PathPolicy policy = pathPolicy(o.allowPaths);
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

    if (o.resume && project.weights.empty())
        throw CommandError(o.project
            + ": --resume: the file stores no trained weights (train it with --out first, or "
              "leave out --resume)");

    engine::Graph graph;
    std::optional<engine::Trainer> trainer;
    try {
        engine::DatasetSplits splits = loadData(project, o.project, policy);
        graph = project.buildGraph();
        trainer.emplace(graph, std::move(splits), project.training);
        // The Trainer compiled the graph with fresh weights; --resume replaces all of them, or
        // names the first that does not fit (InputError "weights.<id>.<name>").
        if (o.resume)
            graph.setWeights(project.weights, true);
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

    const int totalEpochs = project.training.epochs;
    {
        // A run whose arithmetic alone takes hours says so before its first (maybe minutes long)
        // batch; the pace of the first batches refines it below.
        const engine::Dataset& train = trainer->data().train;
        const engine::GraphCheck check = graph.check(engine::GraphContext {train.inputShape,
            train.task == engine::TaskKind::Classification ? train.numClasses : 0, train.y.rows()});
        if (const auto warning
            = engine::arithmeticRunWarning(check, train.size(), totalEpochs, engine::threadCount()))
            err << "netcanvas-train: warning: " << *warning << '\n' << std::flush;
    }
    engine::TrainerControl control;
    engine::TrainerCallbacks callbacks;
    // A run that will take hours says so early, from the pace of its first mini-batches.
    const auto started = std::chrono::steady_clock::now();
    bool paceChecked = false;
    callbacks.onBatchEnd = [&control, &err, &paceChecked, started, totalEpochs](
                               const engine::BatchStats& b) {
        if (interruptRequested() && !control.stopRequested())
            control.requestStop();
        const double seconds
            = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (!paceChecked && (b.step >= 5 || seconds >= 2)) {
            paceChecked = true;
            if (const auto warning
                = engine::longRunWarning(seconds, b.step, b.batchesPerEpoch, totalEpochs))
                err << "netcanvas-train: warning: " << *warning << '\n' << std::flush;
        }
    };
    // The curves go into --out with the weights: a reopened project shows how it was trained.
    engine::TrainingHistory history = engine::TrainingHistory::startedWith(project.training);
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
