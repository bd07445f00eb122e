#pragma once

#include "training/TrainingSnapshot.h"

#include <optional>

namespace widgets {

/// What a project file keeps of its training (weights and the run history), in the form the
/// training views take: one session and its finished snapshot, so that a reopened trained
/// project shows its weights and loss curves without training again.
struct StoredTraining {
    TrainingSessionInfo info; ///< label, classification, epochs of the stored run
    TrainingSnapshot snapshot; ///< trigger Finished: every stored tensor and every epoch
    /// For the progress line: "Trained: 40 epochs, validation accuracy 100.0 %".
    QString summary;

    /// Nothing when `project` holds no weights. `runId` is the id the views file the run under.
    static std::optional<StoredTraining> of(const engine::Project& project, int runId);
    /// The curves of a run of the file's timeline (engine::SavedRun) under `runId`, without
    /// weights: an earlier run the loss plot shows beside the current one.
    static StoredTraining curvesOf(const engine::TrainingHistory& history, int runId);
};

} // namespace widgets
