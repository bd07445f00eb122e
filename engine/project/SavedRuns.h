#pragma once
// The runs of a project's timeline as the project file keeps them under "runs"
// (docs/project-format.md): the first run and the runs forked from it, each with its per-epoch
// curves and, when saved with checkpoints, its weights and trainer state at kept epochs.
//
// "runs":[{"id":1,"label":"lr 0.03, adam, batch 16, seed 1","settings":{...},
//          "epochs":[{"epoch":1,"trainLoss":...}],
//          "checkpoints":[{"epoch":0,"weights":{<weights>},"trainingState":{<TrainerStateJson>}}]},
//         {"id":2,"parent":1,"forkEpoch":3,"label":...,"epochs":[{"epoch":4,...}],...}]
//
// The last run is the one whose weights the project's "weights" hold. Optional: files without
// "runs" (older ones, untrained projects) stay valid.

#include "graph/Graph.h"
#include "training/CheckpointStore.h"
#include "training/TrainingHistory.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace engine {

using WeightTensors = std::map<NodeId, std::map<std::string, Matrix>>;

struct SavedRun {
    int id = 0; ///< unique in the file, positive
    std::optional<int> parent; ///< the run this one forked from (an earlier one's id)
    int forkEpoch = -1; ///< the parent's epoch it forked at (-1: started afresh)
    /// Label, settings and the run's own epochs (a fork's begin after forkEpoch).
    TrainingHistory history;
    std::vector<Checkpoint> checkpoints; ///< by epoch, oldest first; empty: curves only

    /// Bytes of the checkpoints' tensors (Checkpoint::bytes()).
    std::size_t checkpointBytes() const;
};

/// `withCheckpoints` false writes the curves only.
nlohmann::json savedRunsToJson(const std::vector<SavedRun>& runs, bool withCheckpoints);
/// Throws InputError whose where() is relative to the array ("[1].parent",
/// "[0].checkpoints[2].weights.2.W"): a parent that is not an earlier run, epochs out of order,
/// a tensor that is not finite.
std::vector<SavedRun> savedRunsFromJson(const nlohmann::json& j);
/// Checks every checkpoint's weights against the network's: the same nodes, parameter names and
/// shapes as `reference` (the project's weights; when those are empty, the first checkpoint's).
/// Without data the network's shapes are not known, and a file's checkpoints all belong to the
/// network its weights belong to. Throws InputError ("[0].checkpoints[2].weights.2.W").
void checkSavedRunsFit(const std::vector<SavedRun>& runs, const WeightTensors& reference);
/// Before saving: the runs whose checkpoints all fit `reference` (checkSavedRunsFit()) and are
/// finite keep them; the others keep their curves only (a run trained before the network was
/// edited, an epoch that diverged). Returns how many runs lost checkpoints.
int dropCheckpointsThatDoNotFit(std::vector<SavedRun>& runs, const WeightTensors& reference);

} // namespace engine
