#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace engine {

/// The highest learning rate (and minimum rate of a schedule) a project may set: far beyond any
/// useful rate, and low enough that rate * gradient stays within float.
inline constexpr double kMaxLearningRate = 1000;

/// Learning-rate schedule, evaluated before every mini-batch.
struct ScheduleConfig {
    std::string type = "constant"; ///< "constant", "step", "cosine"
    int stepEpochs = 10;           ///< step: multiply by gamma every stepEpochs epochs
    double gamma = 0.5;            ///< step
    double minLearningRate = 0.0;  ///< cosine: the rate reached at the last epoch
    double warmupEpochs = 0.0;     ///< linear warm-up from 0 over this many epochs (any type)

    nlohmann::json toJson() const;
    static ScheduleConfig fromJson(const nlohmann::json& j); ///< throws InputError
};

/// Learning rate at `progress` epochs into training (fractional: 2.5 is half-way through the
/// third epoch) of `totalEpochs`, for base rate `baseLr`.
double learningRateAt(const ScheduleConfig& s, double baseLr, double progress, int totalEpochs);

} // namespace engine
