#pragma once
// The bench's results as a Markdown table for the README, with a caption naming the machine.

#include "CaseResult.h"
#include "MachineInfo.h"
#include "SgemmPeak.h"

#include <map>
#include <string>
#include <vector>

namespace bench {

/// A caption line (the command, CPU model, ISA, BLAS, SGEMM peaks by thread count, rounds) and
/// one table row per case.
std::string markdownTable(const std::vector<CaseResult>& results, const MachineInfo& machine,
    const std::map<int, SgemmPeak>& sgemmPeaks, const std::string& command, int rounds,
    int runsPerRound);

} // namespace bench
