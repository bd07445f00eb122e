#pragma once

#include "Options.h"

#include <iosfwd>

namespace cli {

/// Trains every combination of the --sweep settings (sweep/Sweep.h): per-epoch lines tagged
/// with the run on `err` (unless --quiet), one "final:" line per run on `out`, swept settings
/// first and in run order, and with --summary a JSON array of every run. Runs train in parallel
/// as the threads allow (sweep/SweepRunner.h). Returns 0 when all runs ended (a diverged run
/// is a result of the sweep, not a failure), 130 on Ctrl+C (nothing written); throws
/// UsageError / CommandError for bad input (exit 1) before any run starts.
int runSweep(const TrainOptions& options, std::ostream& out, std::ostream& err);

} // namespace cli
