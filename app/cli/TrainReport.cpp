#include "TrainReport.h"

#include "Support.h"

#include "core/Errors.h"
#include "data/Dataset.h"
#include "data/DatasetLoading.h"
#include "project/Project.h"
#include "training/Trainer.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

namespace cli {

nlohmann::ordered_json jsonNumber(double v)
{
    return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json metricsJson(const engine::Metrics& m)
{
    nlohmann::ordered_json j = {{"loss", jsonNumber(m.loss)}};
    if (m.accuracy)
        j["accuracy"] = jsonNumber(*m.accuracy);
    return j;
}

namespace {

void appendMetrics(std::ostream& s, const char* prefix, const engine::Metrics& m)
{
    s << ' ' << prefix << "_loss=" << formatNumber(m.loss);
    if (m.accuracy)
        s << ' ' << prefix << "_accuracy=" << formatNumber(*m.accuracy);
}

} // namespace

std::string progressLine(const engine::EpochStats& e, int totalEpochs)
{
    std::ostringstream s;
    s << "epoch " << e.epoch << '/' << totalEpochs;
    appendMetrics(s, "train", e.train);
    if (e.validation)
        appendMetrics(s, "val", *e.validation);
    char tail[64];
    std::snprintf(
        tail, sizeof tail, " samples/s=%.0f elapsed=%.2fs", e.samplesPerSecond, e.elapsedSeconds);
    s << tail;
    return s.str();
}

std::string finalLine(const engine::TrainResult& r, const std::string& tags)
{
    std::ostringstream s;
    s << "final: ";
    if (!tags.empty())
        s << tags << ' ';
    s << "epochs=" << r.epochs;
    if (r.last) {
        appendMetrics(s, "train", r.last->train);
        if (r.last->validation)
            appendMetrics(s, "val", *r.last->validation);
    }
    if (r.test)
        appendMetrics(s, "test", *r.test);
    char rate[48];
    std::snprintf(rate, sizeof rate, " samples_per_s=%.0f", r.samplesPerSecond);
    s << rate << " stopped=" << engine::stopReasonName(r.reason);
    return s.str();
}

nlohmann::ordered_json summaryObject(const engine::TrainResult& r)
{
    // Ordered as CLI.md lists the keys, so people reading the file find them where expected.
    nlohmann::ordered_json j;
    j["epochs"] = r.epochs;
    if (r.last) {
        j["train"] = metricsJson(r.last->train);
        if (r.last->validation)
            j["validation"] = metricsJson(*r.last->validation);
    }
    if (r.test)
        j["test"] = metricsJson(*r.test);
    j["samples_per_s"] = std::llround(r.samplesPerSecond);
    j["stopped"] = engine::stopReasonName(r.reason);
    if (!r.message.empty())
        j["message"] = r.message;
    return j;
}

std::string summaryJson(const engine::TrainResult& r)
{
    return summaryObject(r).dump(2) + "\n";
}

/// Loads and splits the data (a source's own test split, e.g. Fashion-MNIST's, is kept) and
/// reports failures against the project file (dataset settings) or the data file itself (which
/// the dataset loader names at the start of where()).
engine::DatasetSplits loadData(const engine::Project& project, const std::string& projectFile,
    const engine::PathPolicy& policy)
{
    const std::filesystem::path dir = std::filesystem::path(projectFile).parent_path();
    try {
        return engine::loadDatasetSplits(project.dataset, dir.empty() ? "." : dir,
            project.training.validationSplit, project.training.testSplit, project.training.seed,
            policy);
    } catch (const engine::InputError& e) {
        const std::string& where = e.where();
        if (where.empty())
            throw CommandError(projectFile + ": dataset: " + e.message());
        if (where.rfind("dataset", 0) == 0 || where == "split")
            throw CommandError(projectFile + ": " + e.what());
        throw CommandError(e.what());
    }
}

} // namespace cli
