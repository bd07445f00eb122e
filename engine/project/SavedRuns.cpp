#include "project/SavedRuns.h"

#include "core/Errors.h"
#include "core/JsonPath.h"
#include "project/Project.h"
#include "project/TrainerStateJson.h"

#include <set>
#include <string>

namespace engine {

namespace {

using jsonpath::indexed;
using jsonpath::prefixed;

std::string shapeText(const Matrix& m)
{
    return "[" + std::to_string(m.rows()) + "," + std::to_string(m.cols()) + "]";
}

/// "" when every tensor is finite, else where the first one that is not is ("2.W").
std::string firstNonFinite(const WeightTensors& w)
{
    for (const auto& [id, params] : w)
        for (const auto& [name, m] : params)
            if (!m.allFinite())
                return std::to_string(id) + "." + name;
    return {};
}

/// Throws InputError("weights.2.W", ...) where a tensor is not finite.
void requireFinite(const Checkpoint& c)
{
    if (const std::string at = firstNonFinite(c.weights); !at.empty())
        throw InputError("weights." + at, "not a finite number (NaN or infinity) in the tensor");
    if (const std::string at = firstNonFinite(c.state.bestWeights); !at.empty())
        throw InputError("trainingState.earlyStopping.bestWeights." + at,
            "not a finite number (NaN or infinity) in the tensor");
    for (const auto& [slot, tensors] : c.state.optimizerSlots)
        if (const std::string at = firstNonFinite(tensors); !at.empty())
            throw InputError("trainingState.optimizer.slots." + slot + "." + at,
                "not a finite number (NaN or infinity) in the tensor");
}

/// Throws InputError("weights.2.W", ...) where `w` differs from `reference`.
void requireFit(const WeightTensors& w, const WeightTensors& reference)
{
    for (const auto& [id, params] : reference) {
        const auto node = w.find(id);
        if (node == w.end())
            throw InputError("weights." + std::to_string(id),
                "missing: the network has parameters on node " + std::to_string(id));
        for (const auto& [name, m] : params) {
            const auto p = node->second.find(name);
            if (p == node->second.end())
                throw InputError("weights." + std::to_string(id) + "." + name, "missing");
            if (p->second.rows() != m.rows() || p->second.cols() != m.cols())
                throw InputError("weights." + std::to_string(id) + "." + name,
                    "shape " + shapeText(p->second) + " does not match the network's "
                        + shapeText(m));
        }
    }
    for (const auto& [id, params] : w) {
        const auto node = reference.find(id);
        if (node == reference.end())
            throw InputError("weights." + std::to_string(id),
                "the network has no parameters on node " + std::to_string(id));
        for (const auto& [name, m] : params)
            if (!node->second.contains(name))
                throw InputError("weights." + std::to_string(id) + "." + name,
                    "the network has no such parameter");
    }
}

/// "[i]": where a run is in the array. Appended piecewise: GCC 12 warns falsely (-Wrestrict)
/// about "[" + std::string.
std::string runPlace(std::size_t i)
{
    std::string place = "[";
    place += std::to_string(i);
    place += ']';
    return place;
}

const WeightTensors* referenceOf(const std::vector<SavedRun>& runs, const WeightTensors& given)
{
    if (!given.empty())
        return &given;
    for (const SavedRun& run : runs)
        if (!run.checkpoints.empty())
            return &run.checkpoints.front().weights;
    return nullptr;
}

nlohmann::json checkpointToJson(const Checkpoint& c)
{
    return {{"epoch", c.epoch}, {"weights", weightsToJson(c.weights)},
        {"trainingState", trainerStateToJson(c.state)}};
}

Checkpoint checkpointFromJson(const nlohmann::json& j, int previousEpoch)
{
    if (!j.is_object())
        throw InputError("",
            "expected an object with epoch, weights and trainingState, got "
                + std::string(j.type_name()));
    Checkpoint c;
    const auto epoch = j.find("epoch");
    if (epoch == j.end() || !epoch->is_number_integer() || epoch->get<long long>() <= previousEpoch
        || epoch->get<long long>() > (1LL << 30))
        throw InputError("epoch",
            "expected an integer above " + std::to_string(previousEpoch) + ", got "
                + (epoch == j.end() ? std::string("nothing") : epoch->dump()));
    c.epoch = epoch->get<int>();
    const auto weights = j.find("weights");
    if (weights == j.end())
        throw InputError("weights", "missing");
    c.weights = prefixed("weights", [&] { return weightsFromJson(*weights); });
    if (c.weights.empty())
        throw InputError("weights", "empty: a checkpoint holds the network's weights");
    if (const auto state = j.find("trainingState"); state != j.end())
        c.state = prefixed("trainingState", [&] { return trainerStateFromJson(*state); });
    else
        c.state.epochsDone = c.epoch;
    if (c.state.epochsDone != c.epoch)
        throw InputError("trainingState.epochsDone",
            "expected " + std::to_string(c.epoch) + " (the checkpoint's epoch), got "
                + std::to_string(c.state.epochsDone));
    requireFinite(c);
    return c;
}

SavedRun runFromJson(const nlohmann::json& j, const std::set<int>& earlierIds)
{
    if (!j.is_object())
        throw InputError(
            "", "expected an object with id, label and epochs, got " + std::string(j.type_name()));
    SavedRun run;
    const auto id = j.find("id");
    if (id == j.end() || !id->is_number_integer() || id->get<long long>() < 1
        || id->get<long long>() > (1LL << 30))
        throw InputError("id",
            "expected a positive integer, got "
                + (id == j.end() ? std::string("nothing") : id->dump()));
    run.id = id->get<int>();
    if (earlierIds.contains(run.id))
        throw InputError("id", "another run has id " + std::to_string(run.id));
    if (const auto parent = j.find("parent"); parent != j.end() && !parent->is_null()) {
        if (!parent->is_number_integer())
            throw InputError("parent", "expected the id of an earlier run, got " + parent->dump());
        const long long p = parent->get<long long>();
        if (p < 1 || p > (1LL << 30) || !earlierIds.contains(int(p)))
            throw InputError("parent",
                "no earlier run has id " + parent->dump() + " (a fork follows the run it forks)");
        run.parent = int(p);
    }
    if (const auto fork = j.find("forkEpoch"); fork != j.end()) {
        if (!fork->is_number_integer() || fork->get<long long>() < 0
            || fork->get<long long>() > (1LL << 30))
            throw InputError(
                "forkEpoch", "expected an epoch (an integer of at least 0), got " + fork->dump());
        run.forkEpoch = fork->get<int>();
    }
    if (run.parent && run.forkEpoch < 0)
        throw InputError("forkEpoch", "missing: a run with a parent forked at some epoch");
    nlohmann::json history = nlohmann::json::object();
    for (const char* key : {"label", "settings", "epochs"})
        if (const auto it = j.find(key); it != j.end())
            history[key] = *it;
    run.history = TrainingHistory::fromJson(history);
    if (run.forkEpoch >= 0 && !run.history.epochs.empty()
        && run.history.epochs.front().epoch <= run.forkEpoch)
        throw InputError("epochs[0].epoch",
            "expected an epoch after the fork's (" + std::to_string(run.forkEpoch) + "), got "
                + std::to_string(run.history.epochs.front().epoch));
    if (const auto checkpoints = j.find("checkpoints"); checkpoints != j.end()) {
        if (!checkpoints->is_array())
            throw InputError("checkpoints", "expected an array, got " + checkpoints->dump());
        int previous = -1;
        for (std::size_t i = 0; i < checkpoints->size(); ++i) {
            run.checkpoints.push_back(prefixed(indexed("checkpoints", i),
                [&] { return checkpointFromJson((*checkpoints)[i], previous); }));
            previous = run.checkpoints.back().epoch;
        }
    }
    return run;
}

} // namespace

std::size_t SavedRun::checkpointBytes() const
{
    std::size_t n = 0;
    for (const Checkpoint& c : checkpoints)
        n += c.bytes();
    return n;
}

nlohmann::json savedRunsToJson(const std::vector<SavedRun>& runs, bool withCheckpoints)
{
    auto out = nlohmann::json::array();
    for (const SavedRun& run : runs) {
        nlohmann::json j = run.history.toJson();
        j["id"] = run.id;
        if (run.parent)
            j["parent"] = *run.parent;
        if (run.forkEpoch >= 0)
            j["forkEpoch"] = run.forkEpoch;
        if (withCheckpoints && !run.checkpoints.empty()) {
            auto cs = nlohmann::json::array();
            for (const Checkpoint& c : run.checkpoints)
                cs.push_back(checkpointToJson(c));
            j["checkpoints"] = std::move(cs);
        }
        out.push_back(std::move(j));
    }
    return out;
}

std::vector<SavedRun> savedRunsFromJson(const nlohmann::json& j)
{
    if (!j.is_array())
        throw InputError("", "expected an array of runs, got " + std::string(j.type_name()));
    std::vector<SavedRun> runs;
    std::set<int> ids;
    for (std::size_t i = 0; i < j.size(); ++i) {
        runs.push_back(prefixed(runPlace(i), [&] { return runFromJson(j[i], ids); }));
        ids.insert(runs.back().id);
    }
    return runs;
}

void checkSavedRunsFit(const std::vector<SavedRun>& runs, const WeightTensors& reference)
{
    const WeightTensors* network = referenceOf(runs, reference);
    if (!network)
        return;
    for (std::size_t r = 0; r < runs.size(); ++r)
        for (std::size_t c = 0; c < runs[r].checkpoints.size(); ++c)
            prefixed(runPlace(r) + "." + indexed("checkpoints", c),
                [&] { requireFit(runs[r].checkpoints[c].weights, *network); });
}

int dropCheckpointsThatDoNotFit(std::vector<SavedRun>& runs, const WeightTensors& reference)
{
    const WeightTensors network = reference.empty() && referenceOf(runs, reference)
        ? *referenceOf(runs, reference)
        : reference;
    int dropped = 0;
    for (SavedRun& run : runs) {
        const auto before = run.checkpoints.size();
        std::erase_if(run.checkpoints, [&network](const Checkpoint& c) {
            try {
                requireFit(c.weights, network);
                requireFinite(c);
                return false;
            } catch (const InputError&) {
                return true;
            }
        });
        if (run.checkpoints.size() != before)
            ++dropped;
    }
    return dropped;
}

} // namespace engine
