#pragma once

#include "Options.h"

#include "project/Project.h"

#include <iosfwd>

namespace cli {

/// Exit statuses of netcanvas-train (CLI.md).
enum ExitCode : int { ExitOk = 0, ExitBadInput = 1, ExitDiverged = 2, ExitInterrupted = 130 };

/// Trains a project headless: progress lines on `err`, the "final:" line on `out`. Returns the
/// exit status; throws CommandError for bad input (exit 1). Writes --out and --summary only
/// when training ended normally (--summary also on divergence, to report it), never after an
/// interrupt.
int runTrain(const TrainOptions& options, std::ostream& out, std::ostream& err);

/// The project a training command trains: PROJECT.json with --seed and --epochs in place of its
/// own. Throws CommandError naming the file and the place.
engine::Project loadProjectToTrain(const TrainOptions& options);

} // namespace cli
