#include "training/TrainingConfig.h"

#include "core/Errors.h"
#include "core/JsonFields.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace engine {

nlohmann::json TrainingConfig::toJson() const
{
    nlohmann::json j {{"epochs", epochs}, {"batchSize", batchSize},
        {"optimizer", optimizer.toJson()}, {"schedule", schedule.toJson()},
        {"validationSplit", validationSplit}, {"testSplit", testSplit},
        {"earlyStoppingPatience", earlyStoppingPatience},
        {"earlyStoppingMinDelta", earlyStoppingMinDelta},
        {"restoreBestWeights", restoreBestWeights}, {"seed", seed}};
    // Written only when on, so projects without clipping keep their exact form.
    if (clipNorm > 0)
        j["clipNorm"] = clipNorm;
    return j;
}

double clipGradientsByGlobalNorm(std::span<const Param> params, double maxNorm)
{
    double sum = 0;
    for (const Param& p : params)
        sum += double(p.grad->squaredNorm());
    const double norm = std::sqrt(sum);
    if (maxNorm > 0 && norm > maxNorm) {
        const Scalar scale = Scalar(maxNorm / norm);
        for (const Param& p : params)
            *p.grad *= scale;
    }
    return norm;
}

TrainingConfig TrainingConfig::fromJson(const nlohmann::json& j)
{
    using fields::readReal;
    fields::requireObject(j, "the training settings");
    TrainingConfig c;
    fields::readInt(j, "epochs", c.epochs, 1, 1000000);
    fields::readInt(j, "batchSize", c.batchSize, 1, 65536);
    if (auto it = j.find("optimizer"); it != j.end())
        c.optimizer = fields::nested("optimizer", [&] { return OptimizerConfig::fromJson(*it); });
    if (auto it = j.find("schedule"); it != j.end())
        c.schedule = fields::nested("schedule", [&] { return ScheduleConfig::fromJson(*it); });

    const auto split = [](double v) { return v >= 0 && v <= 0.9; };
    readReal(j, "validationSplit", c.validationSplit, split, "a fraction from 0 to 0.9");
    readReal(j, "testSplit", c.testSplit, split, "a fraction from 0 to 0.9");
    // At least 5% of the samples must be left to train on.
    if (c.validationSplit + c.testSplit >= 0.95)
        throw InputError(j.contains("testSplit") ? "testSplit" : "validationSplit",
            "expected validationSplit + testSplit below 0.95, leaving at least 5% of "
            "the data for training, got "
                + fields::number(c.validationSplit) + " + " + fields::number(c.testSplit));

    fields::readInt(j, "earlyStoppingPatience", c.earlyStoppingPatience, 0, 1000000);
    fields::readRange(j, "earlyStoppingMinDelta", c.earlyStoppingMinDelta, 0, 1e6);
    fields::readBool(j, "restoreBestWeights", c.restoreBestWeights);
    fields::readRange(j, "clipNorm", c.clipNorm, 0, 1e6); // 0 = no clipping

    if (auto it = j.find("seed"); it != j.end()) {
        // A seed written by a C++ caller may be a signed JSON integer; parsed text is unsigned.
        if (it->is_number_unsigned())
            c.seed = it->get<std::uint64_t>();
        else if (it->is_number_integer() && it->get<std::int64_t>() >= 0)
            c.seed = static_cast<std::uint64_t>(it->get<std::int64_t>());
        else
            throw InputError("seed", "expected a non-negative integer, got " + it->dump());
    }
    return c;
}

} // namespace engine
