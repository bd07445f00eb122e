#pragma once
// The NetCanvas project file (JSON), documented in docs/project-format.md:
//
// {"format":"netcanvas","version":1,"name":"...","description":"...",
//  "nodes":[{"id":1,"type":"Dense","name":"hidden","position":[x,y],"attributes":{...}}],
//  "edges":[{"from":1,"fromPort":0,"to":2,"toPort":0}],
//  "groups":[{"id":1,"name":"encoder","members":[2,3],"collapsed":false}],
//  "dataset":{...DatasetSpec...}, "training":{...TrainingConfig...},
//  "history":{"label":"lr 0.03, adam, batch 16, seed 1","epochs":[{"epoch":1,"trainLoss":...}]},
//  "weights":{"2":{"W":{"shape":[rows,cols],"data":[...] | "base64":"..."}, ...}},
//  "trainingState":{...project/TrainerStateJson.h...},
//  "runs":[{"id":1,"label":...,"epochs":[...],"checkpoints":[...]},...project/SavedRuns.h...]}
//
// Architecture and weights are separate: "weights" may be absent (untrained project), and so
// may "history" (the run that produced the weights).

#include "data/DatasetSpec.h"
#include "graph/Graph.h"
#include "project/NodeGroups.h"
#include "project/SavedRuns.h"
#include "training/TrainerState.h"
#include "training/TrainingConfig.h"
#include "training/TrainingHistory.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace engine {

using WeightMap = std::map<NodeId, std::map<std::string, Matrix>>;

struct NodeRecord {
    NodeId id = -1;
    std::string type;
    std::string name;
    double x = 0; ///< canvas position
    double y = 0;
    nlohmann::json attributes = nlohmann::json::object();
};

struct Project {
    static constexpr int kFormatVersion = 1;

    std::string name;
    std::string description;
    std::vector<NodeRecord> nodes;
    std::vector<Edge> edges;
    DatasetSpec dataset;
    TrainingConfig training;
    WeightMap weights;
    /// Top-level keys this version does not know (lesson, view state of later versions),
    /// kept so that saving never loses them.
    nlohmann::json extra = nlohmann::json::object();
    /// The run that trained `weights` (empty when unknown or untrained). Last, so that aggregate
    /// initializations listing the fields above leave it empty.
    TrainingHistory history;
    /// What continuing the run that trained `weights` needs beyond them (optimizer state, epoch,
    /// random generators): set by the trainer with the weights, dropped whenever the weights
    /// change otherwise. Absent in files of older versions: --resume then restarts the
    /// optimizer from zero.
    std::optional<TrainerState> trainingState;
    /// The timeline's runs (the first and its forks), the last being the one that trained
    /// `weights`; with or without their checkpoints. Empty in files of older versions and in
    /// projects saved before any run; checked against `weights` on reading.
    std::vector<SavedRun> runs;
    /// Cards drawn together as one collapsible block (optional "groups"; project/NodeGroups.h).
    /// View data only: buildGraph() ignores it.
    std::vector<NodeGroup> groups;

    /// Builds the graph (layers from the registry, attributes, edges). Throws InputError whose
    /// where() locates the problem, e.g. "nodes[3].attributes.units".
    Graph buildGraph() const;
    /// Replaces nodes and edges by the graph's, keeping positions of nodes that still exist.
    void setGraph(const Graph& g);

    nlohmann::json toJson() const;
    /// Throws InputError with where() like "nodes[3].attributes.units" or "training.batchSize".
    static Project fromJson(const nlohmann::json& j);
};

/// Reads and validates a project file. Throws InputError whose what() starts with the file
/// name: "xor.json: nodes[3].attributes.units: expected a positive integer".
Project loadProject(const std::filesystem::path& file);
/// The file's text: the known keys in reading order, weights one node per line, the runs one
/// run per line at the end.
std::string projectFileText(const Project& project);
/// Writes atomically (temporary file in the same folder, then rename). Throws InputError.
/// Written as writeFileAtomically() writes (`commit` asked before the rename; false: nothing
/// replaced, returns false).
bool saveProject(const Project& project, const std::filesystem::path& file,
    const std::function<bool()>& commit = {});

/// Weight (de)serialization, shared with the GUI's clipboard and exports.
nlohmann::json weightsToJson(const WeightMap& w);
WeightMap weightsFromJson(const nlohmann::json& j); ///< throws InputError ("2.W.shape", ...)

} // namespace engine
