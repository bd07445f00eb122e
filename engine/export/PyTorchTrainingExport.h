#pragma once
// Export of a project as a PyTorch training project, for designs that outgrow one machine: a
// folder that trains the same network on the same data with the same settings under
// `python3 train.py` or `torchrun --nproc_per_node=N train.py` (DistributedDataParallel).
//
// The folder holds:
//   model.py                the nn.Module with the starting weights (pytorchScript(), so the
//                           input scaling is its input_shift/input_scale buffers, as always)
//   train.py                the training loop (engine/export/templates/train.py)
//   weight_layout.py        for every state-dict entry, which engine weights its values are
//                           (1-based global indices, as model.py's weight table), so train.py
//                           writes the trained weights back as a NetCanvas project
//   netcanvas_project.json  the project (its "training" settings drive train.py; the dataset's
//                           scaling statistics are stored, its path made absolute)
//   netcanvas_export.json   what train.py needs beyond the project: loss, task, shapes, the
//                           engine's parameters (node, name, shape, regularized) and the scaling
//   x_train.npy y_train.npy x_validation.npy y_validation.npy x_test.npy y_test.npy
//                           the split NetCanvas trains on (loadDatasetSplits() with the
//                           project's seed), inputs already scaled, one sample per row; class
//                           indices for classification, target rows for regression
//   README.txt              the commands
// The starting weights are the project's trained weights, or else NetCanvas's initialization
// for the project's seed (the graph compiled as netcanvas-train compiles it), so train.py and
// netcanvas-train start from the same numbers.

#include "core/AtomicFile.h"
#include "core/PathPolicy.h"
#include "project/Project.h"

#include <filesystem>
#include <vector>

namespace engine {

/// The files of the folder (see above). `projectDir` resolves the dataset's relative paths.
/// Throws InputError ("dataset..." for the data, "nodes '<name>'" for a layer PyTorch export
/// does not map, "weights..." for stored weights that do not fit the network).
std::vector<FolderFile> pytorchTrainingFiles(
    const Project& project, const std::filesystem::path& projectDir, const PathPolicy& policy = {});

/// Writes pytorchTrainingFiles() into `folder` with writeFolderAtomically(). Throws InputError.
void exportPyTorchTraining(const Project& project, const std::filesystem::path& projectDir,
    const std::filesystem::path& folder, const PathPolicy& policy = {});

} // namespace engine
