#include "training/Schedule.h"

#include "core/Errors.h"
#include "core/JsonFields.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace engine {

namespace {

/// Warm-up offset in epochs. Progress is 0 at the first mini-batch; without the offset its
/// learning rate would be exactly 0 and that batch would be wasted (and Adam's moments would
/// see a gradient but no step). 1e-3 epochs keeps the first rate tiny yet non-zero.
constexpr double kWarmupOffset = 1e-3;

} // namespace

nlohmann::json ScheduleConfig::toJson() const
{
    return {{"type", type}, {"stepEpochs", stepEpochs}, {"gamma", gamma},
        {"minLearningRate", minLearningRate}, {"warmupEpochs", warmupEpochs}};
}

ScheduleConfig ScheduleConfig::fromJson(const nlohmann::json& j)
{
    using fields::readReal;
    fields::requireObject(j, "the learning-rate schedule");
    ScheduleConfig s;
    if (auto it = j.find("type"); it != j.end()) {
        const auto known = {"constant", "step", "cosine"};
        if (!it->is_string()
            || std::find(known.begin(), known.end(), it->get<std::string>()) == known.end())
            throw InputError(
                "type", "expected one of \"constant\", \"step\", \"cosine\", got " + it->dump());
        s.type = it->get<std::string>();
    }
    fields::readInt(j, "stepEpochs", s.stepEpochs, 1, 1000000);
    readReal(
        j, "gamma", s.gamma, [](double v) { return v > 0 && v <= 1; },
        "a number above 0 and at most 1");
    fields::readRange(j, "minLearningRate", s.minLearningRate, 0, kMaxLearningRate);
    readReal(
        j, "warmupEpochs", s.warmupEpochs, [](double v) { return v >= 0 && v <= 1e6; },
        "a number of epochs from 0 to 1000000");
    return s;
}

double learningRateAt(const ScheduleConfig& s, double baseLr, double progress, int totalEpochs)
{
    progress = std::max(0.0, progress);
    double lr = baseLr;
    if (s.type == "step") {
        lr = baseLr * std::pow(s.gamma, std::floor(progress / std::max(1, s.stepEpochs)));
    } else if (s.type == "cosine") {
        // SGDR without restarts [Loshchilov & Hutter 2017]; stays at the minimum past the end.
        const double total = std::max(1, totalEpochs);
        const double t = std::min(progress, total) / total;
        lr = s.minLearningRate
            + (baseLr - s.minLearningRate) * (1.0 + std::cos(std::numbers::pi * t)) / 2.0;
    }
    if (s.warmupEpochs > 0)
        lr *= std::min(1.0, (progress + kWarmupOffset) / s.warmupEpochs);
    return lr;
}

} // namespace engine
