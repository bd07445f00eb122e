#include "SweepCommand.h"

#include "Interrupt.h"
#include "Support.h"
#include "TrainCommand.h"
#include "TrainReport.h"

#include "core/Errors.h"
#include "core/Parallel.h"
#include "data/Dataset.h"
#include "project/Project.h"
#include "sweep/Sweep.h"
#include "sweep/SweepRunner.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <mutex>
#include <ostream>

namespace cli {

namespace {

engine::SweepSpec parseSpec(const std::vector<std::string>& sweeps)
{
    engine::SweepSpec spec;
    try {
        for (const std::string& text : sweeps)
            spec.addAxis(engine::SweepAxis::parse(text));
    } catch (const engine::InputError& e) {
        throw UsageError("--sweep " + std::string(e.what()));
    }
    return spec;
}

/// A swept value as JSON: a number where it reads as one, else the text ("adam").
nlohmann::ordered_json settingJson(const std::string& value)
{
    const auto j = nlohmann::ordered_json::parse(value, nullptr, false);
    if (!j.is_discarded() && (j.is_number() || j.is_boolean()))
        return j;
    return value;
}

nlohmann::ordered_json runJson(const engine::SweepRunResult& r)
{
    nlohmann::ordered_json j;
    j["run"] = r.run.index;
    nlohmann::ordered_json settings = nlohmann::ordered_json::object();
    for (const auto& [key, value] : r.run.settings)
        settings[key] = settingJson(value);
    j["settings"] = settings;
    j["seed"] = r.seed;
    j["threads"] = r.threads;
    j.update(summaryObject(r.result));
    if (r.bestValidation) {
        nlohmann::ordered_json best
            = {{"loss", jsonNumber(r.bestValidation->loss)}, {"loss_epoch", r.bestLossEpoch}};
        if (r.bestValidation->accuracy) {
            best["accuracy"] = jsonNumber(*r.bestValidation->accuracy);
            best["accuracy_epoch"] = r.bestAccuracyEpoch;
        }
        j["best_validation"] = best;
    }
    j["seconds"] = std::round(r.seconds * 1000) / 1000;
    j["history"] = nlohmann::ordered_json::parse(r.history.toJson().at("epochs").dump());
    return j;
}

/// Prints the runs' final lines in run order as they finish (runs end out of order).
class OrderedFinalLines {
public:
    OrderedFinalLines(std::ostream& out, int count)
        : m_out(out)
        , m_lines(std::size_t(count))
    { }
    /// Call with the printing lock held.
    void finished(int index, std::string line)
    {
        m_lines[std::size_t(index - 1)] = std::move(line);
        while (m_next < m_lines.size() && !m_lines[m_next].empty())
            m_out << m_lines[m_next++] << '\n';
        m_out.flush();
    }

private:
    std::ostream& m_out;
    std::vector<std::string> m_lines;
    std::size_t m_next = 0;
};

std::string tagsOf(const engine::SweepRun& run)
{
    return run.label() + " run=" + std::to_string(run.index);
}

} // namespace

int runSweep(const TrainOptions& o, std::ostream& out, std::ostream& err)
{
    installInterruptHandler();
    const engine::SweepSpec spec = parseSpec(o.sweeps);
    // The threads of a single run (as runTrain sets them) also when the sweep runs one at a time.
    if (o.threads)
        engine::setThreadCount(*o.threads);
    const int totalThreads = engine::threadCount();

    const engine::PathPolicy policy = pathPolicy(o.allowPaths);
    // As runTrain: --seed and --epochs replace the project's, and the sweep may replace them again.
    engine::Project project = loadProjectToTrain(o);

    std::optional<engine::SweepRunner> runner;
    try {
        runner.emplace(project, spec.runs(),
            [&](const engine::Project& p) { return loadData(p, o.project, policy); });
    } catch (const engine::InputError& e) {
        throw CommandError(withFile(o.project, "--sweep " + std::string(e.what())));
    }
    if (interruptRequested()) {
        err << "netcanvas-train: interrupted before training started; nothing written\n";
        return ExitInterrupted;
    }

    std::mutex printing;
    OrderedFinalLines finals(out, runner->runCount());
    std::map<int, int> epochsOf; // run index -> its total epochs, for "epoch 3/20"
    for (int i = 0; i < runner->runCount(); ++i)
        epochsOf[i + 1] = runner->projectOf(i).training.epochs;
    engine::SweepCallbacks callbacks;
    if (!o.quiet)
        callbacks.onEpochEnd = [&](const engine::SweepRun& run, const engine::EpochStats& e) {
            const std::string line
                = tagsOf(run) + ": " + progressLine(e, epochsOf.at(run.index)) + '\n';
            const std::lock_guard lock(printing);
            err << line << std::flush;
        };
    callbacks.onRunFinished = [&](const engine::SweepRunResult& r) {
        const std::lock_guard lock(printing);
        if (!r.error.empty())
            err << "netcanvas-train: " << tagsOf(r.run) << ": " << oneLine(r.error) << '\n';
        finals.finished(r.run.index, finalLine(r.result, tagsOf(r.run)));
    };
    const std::vector<engine::SweepRunResult> results
        = runner->run(totalThreads, callbacks, [] { return interruptRequested(); });

    if (interruptRequested()) {
        err << "netcanvas-train: interrupted; nothing written\n";
        return ExitInterrupted;
    }
    if (!o.summary.empty()) {
        nlohmann::ordered_json runs = nlohmann::ordered_json::array();
        for (const engine::SweepRunResult& r : results)
            runs.push_back(runJson(r));
        writeFileAtomically(o.summary, runs.dump(2) + "\n");
    }
    return ExitOk;
}

} // namespace cli
