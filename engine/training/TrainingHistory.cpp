#include "training/TrainingHistory.h"

#include "core/Errors.h"
#include "training/Trainer.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace engine {

namespace {

/// JSON has no NaN or infinity: a diverged loss is written as null.
nlohmann::json number(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

/// A number or null (not finite) under `key`; absent keys leave `out` empty.
std::optional<double> readOptional(const nlohmann::json& j, const char* key)
{
    const auto it = j.find(key);
    if (it == j.end())
        return std::nullopt;
    if (it->is_null())
        return std::numeric_limits<double>::quiet_NaN();
    if (!it->is_number())
        throw InputError(key, "expected a number or null, got " + it->dump());
    return it->get<double>();
}

EpochRecord recordFromJson(const nlohmann::json& j, int previousEpoch)
{
    if (!j.is_object())
        throw InputError("", "expected an object with epoch and trainLoss, got " + j.dump());
    EpochRecord r;
    const auto epoch = j.find("epoch");
    if (epoch == j.end() || !epoch->is_number_integer() || epoch->get<long long>() <= previousEpoch
        || epoch->get<long long>() > std::numeric_limits<int>::max())
        throw InputError("epoch",
            "expected an integer above " + std::to_string(previousEpoch) + ", got "
                + (epoch == j.end() ? std::string("nothing") : epoch->dump()));
    r.epoch = epoch->get<int>();
    const std::optional<double> trainLoss = readOptional(j, "trainLoss");
    if (!trainLoss)
        throw InputError("trainLoss", "missing (expected a number)");
    r.trainLoss = *trainLoss;
    r.trainAccuracy = readOptional(j, "trainAccuracy");
    r.validationLoss = readOptional(j, "validationLoss");
    r.validationAccuracy = readOptional(j, "validationAccuracy");
    return r;
}

} // namespace

EpochRecord EpochRecord::from(const EpochStats& stats)
{
    EpochRecord r;
    r.epoch = stats.epoch;
    r.trainLoss = stats.train.loss;
    r.trainAccuracy = stats.train.accuracy;
    if (stats.validation) {
        r.validationLoss = stats.validation->loss;
        r.validationAccuracy = stats.validation->accuracy;
    }
    return r;
}

nlohmann::json TrainingHistory::toJson() const
{
    nlohmann::json j = {{"label", label}};
    if (!settings.is_null())
        j["settings"] = settings;
    auto records = nlohmann::json::array();
    for (const EpochRecord& r : epochs) {
        nlohmann::json e = {{"epoch", r.epoch}, {"trainLoss", number(r.trainLoss)}};
        if (r.trainAccuracy)
            e["trainAccuracy"] = number(*r.trainAccuracy);
        if (r.validationLoss)
            e["validationLoss"] = number(*r.validationLoss);
        if (r.validationAccuracy)
            e["validationAccuracy"] = number(*r.validationAccuracy);
        records.push_back(std::move(e));
    }
    j["epochs"] = std::move(records);
    return j;
}

TrainingHistory TrainingHistory::fromJson(const nlohmann::json& j)
{
    if (!j.is_object())
        throw InputError("", "expected an object with label and epochs, got " + j.dump());
    TrainingHistory h;
    if (const auto label = j.find("label"); label != j.end()) {
        if (!label->is_string())
            throw InputError("label", "expected a string, got " + label->dump());
        h.label = label->get<std::string>();
    }
    if (const auto settings = j.find("settings"); settings != j.end()) {
        if (!settings->is_object())
            throw InputError("settings", "expected an object, got " + settings->dump());
        h.settings = *settings;
    }
    const auto epochs = j.find("epochs");
    if (epochs == j.end())
        return h;
    if (!epochs->is_array())
        throw InputError("epochs", "expected an array, got " + epochs->dump());
    for (std::size_t i = 0; i < epochs->size(); ++i) {
        try {
            h.epochs.push_back(
                recordFromJson((*epochs)[i], h.epochs.empty() ? 0 : h.epochs.back().epoch));
        } catch (const InputError& e) {
            const std::string where = "epochs[" + std::to_string(i) + "]";
            throw InputError(e.where().empty() ? where : where + "." + e.where(), e.message());
        }
    }
    return h;
}

TrainingHistory TrainingHistory::startedWith(const TrainingConfig& config)
{
    TrainingHistory h;
    h.label = runLabel(config);
    h.settings = config.toJson();
    return h;
}

std::string runLabel(const TrainingConfig& config)
{
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.3g", config.optimizer.learningRate);
    return "lr " + std::string(rate) + ", " + config.optimizer.type + ", batch "
        + std::to_string(config.batchSize) + ", seed " + std::to_string(config.seed);
}

} // namespace engine
