#include "project/TrainerStateJson.h"

#include "core/Errors.h"
#include "core/JsonPath.h"
#include "project/Project.h"

#include <cmath>

namespace engine {

namespace {

const nlohmann::json* member(const nlohmann::json& j, const char* key)
{
    const auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

long long count(const nlohmann::json& j, const char* key)
{
    const auto* v = member(j, key);
    if (!v)
        return 0;
    if (!v->is_number_integer() || v->get<long long>() < 0 || v->get<long long>() > (1LL << 53))
        throw InputError(key, "expected a count (an integer of at least 0), got " + v->dump());
    return v->get<long long>();
}

double real(const nlohmann::json& j, const char* key, double fallback)
{
    const auto* v = member(j, key);
    if (!v || v->is_null()) // JSON has no infinity: an unset best loss is written as null
        return fallback;
    if (!v->is_number() || !std::isfinite(v->get<double>()))
        throw InputError(key, "expected a number, got " + v->dump());
    return v->get<double>();
}

std::string text(const nlohmann::json& j, const char* key)
{
    const auto* v = member(j, key);
    if (!v)
        return {};
    if (!v->is_string())
        throw InputError(key, "expected a string, got " + v->dump());
    return v->get<std::string>();
}

void requireObject(const nlohmann::json& j, const std::string& what)
{
    if (!j.is_object())
        throw InputError("", "expected an object with " + what + ", got " + j.type_name());
}

} // namespace

nlohmann::json trainerStateToJson(const TrainerState& s)
{
    nlohmann::json j = {{"epochsDone", s.epochsDone}, {"stepsDone", s.stepsDone},
        {"samplesSeen", s.samplesSeen}, {"shuffleRandom", s.shuffleRandom}};
    if (s.epochProgress.cursor > 0)
        j["epochProgress"] = {{"cursor", s.epochProgress.cursor}, {"batch", s.epochProgress.batch},
            {"lossSum", s.epochProgress.lossSum}, {"samples", s.epochProgress.samples},
            {"correct", s.epochProgress.correct}};
    if (!s.layerRandom.empty()) {
        auto layers = nlohmann::json::object();
        for (const auto& [id, state] : s.layerRandom)
            layers[std::to_string(id)] = state;
        j["layerRandom"] = std::move(layers);
    }
    auto slots = nlohmann::json::object();
    for (const auto& [name, weights] : s.optimizerSlots)
        slots[name] = weightsToJson(weights);
    j["optimizer"] = {{"type", s.optimizerType}, {"steps", s.optimizerSteps}, {"slots", slots}};
    nlohmann::json early = {{"epochsWithoutImprovement", s.epochsWithoutImprovement}};
    early["bestLoss"] = std::isfinite(s.bestLoss) ? nlohmann::json(s.bestLoss) : nlohmann::json();
    if (!s.bestWeights.empty())
        early["bestWeights"] = weightsToJson(s.bestWeights);
    j["earlyStopping"] = std::move(early);
    return j;
}

TrainerState trainerStateFromJson(const nlohmann::json& j)
{
    requireObject(j, "epochsDone, shuffleRandom and optimizer");
    TrainerState s;
    s.epochsDone = int(std::min(count(j, "epochsDone"), 100'000'000LL));
    s.stepsDone = long(count(j, "stepsDone"));
    s.samplesSeen = long(count(j, "samplesSeen"));
    s.shuffleRandom = text(j, "shuffleRandom");
    if (const auto* p = member(j, "epochProgress")) {
        jsonpath::prefixed("epochProgress", [&] {
            requireObject(*p, "cursor and batch");
            s.epochProgress.cursor = long(count(*p, "cursor"));
            s.epochProgress.batch = long(count(*p, "batch"));
            s.epochProgress.lossSum = real(*p, "lossSum", 0);
            s.epochProgress.samples = long(count(*p, "samples"));
            s.epochProgress.correct = long(count(*p, "correct"));
            return 0;
        });
    }
    if (const auto* layers = member(j, "layerRandom")) {
        jsonpath::prefixed("layerRandom", [&] {
            requireObject(*layers, "a generator state per node id");
            for (const auto& [key, value] : layers->items()) {
                NodeId id = -1;
                try {
                    id = std::stoll(key);
                } catch (const std::exception&) {
                    throw InputError(key, "expected a node id");
                }
                if (!value.is_string())
                    throw InputError(key, "expected a string, got " + value.dump());
                s.layerRandom[id] = value.get<std::string>();
            }
            return 0;
        });
    }
    if (const auto* o = member(j, "optimizer")) {
        jsonpath::prefixed("optimizer", [&] {
            requireObject(*o, "type, steps and slots");
            s.optimizerType = text(*o, "type");
            s.optimizerSteps = long(count(*o, "steps"));
            if (const auto* slots = member(*o, "slots")) {
                jsonpath::prefixed("slots", [&] {
                    requireObject(*slots, "a weights object per slot");
                    // Not a structured binding: clang 14 cannot capture one in the lambda.
                    for (const auto& slot : slots->items()) {
                        const nlohmann::json& weights = slot.value();
                        s.optimizerSlots[slot.key()] = jsonpath::prefixed(
                            slot.key(), [&] { return weightsFromJson(weights); });
                    }
                    return 0;
                });
            }
            return 0;
        });
    }
    if (const auto* e = member(j, "earlyStopping")) {
        jsonpath::prefixed("earlyStopping", [&] {
            requireObject(*e, "bestLoss and epochsWithoutImprovement");
            s.bestLoss = real(*e, "bestLoss", s.bestLoss);
            s.epochsWithoutImprovement
                = int(std::min(count(*e, "epochsWithoutImprovement"), 100'000'000LL));
            if (const auto* w = member(*e, "bestWeights"))
                s.bestWeights
                    = jsonpath::prefixed("bestWeights", [&] { return weightsFromJson(*w); });
            return 0;
        });
    }
    return s;
}

} // namespace engine
