#include "MarkdownTable.h"

#include <cstdio>

namespace bench {

namespace {

std::string format(const char* pattern, double value)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, pattern, value);
    return buf;
}

/// 61234 -> "61,234": the README's tables are read by people.
std::string thousands(double value)
{
    const std::string digits = format("%.0f", value);
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            grouped += ',';
        grouped += digits[i];
    }
    return grouped;
}

std::string rate(const RateSamples& side)
{
    return thousands(side.best()) + " (" + thousands(side.median()) + ")";
}

} // namespace

std::string markdownTable(const std::vector<CaseResult>& results, const MachineInfo& machine,
    const std::map<int, SgemmPeak>& sgemmPeaks, const std::string& command, int rounds,
    int runsPerRound)
{
    std::string peaks;
    for (const auto& [threads, peak] : sgemmPeaks) {
        if (!peaks.empty())
            peaks += ", ";
        peaks += format("%.0f", peak.gflops) + " GFLOP/s on " + std::to_string(threads)
            + (threads == 1 ? " thread" : " threads") + " (n=" + std::to_string(peak.n) + ")";
    }
    std::string s = "Measured with `" + command + "` on " + machine.cpuModel + " ("
        + machine.isaList(' ') + "; " + machine.blas + "; load average " + machine.loadAverage
        + " at the start). SGEMM peak (the best n^3 product, n = 512, 1024, 2048, measured in "
          "every round): "
        + peaks + ". Samples/s: the best of " + std::to_string(rounds * runsPerRound)
        + " timed runs per side (" + std::to_string(rounds) + (rounds == 1 ? " round" : " rounds")
        + " alternating the two sides), median in brackets; GFLOP/s and % of peak from "
          "the best.\n\n";
    s += "| Case | Threads | Batch | NetCanvas samples/s | GFLOP/s | % of SGEMM peak | Baseline "
         "| Baseline samples/s | NetCanvas / baseline |\n"
         "|---|---:|---:|---:|---:|---:|---|---:|---:|\n";
    for (const CaseResult& r : results) {
        s += "| " + r.title + " | " + std::to_string(r.threads) + " | " + std::to_string(r.batch)
            + " | " + rate(r.ours) + " | "
            + (r.flopsPerSample > 0 ? format("%.1f", r.gflops(r.ours)) : std::string("-")) + " | "
            + (r.flopsPerSample > 0 ? format("%.0f %%", 100 * r.peakFraction(r.ours))
                                    : std::string("-"))
            + " | " + r.baseline + " | "
            + (r.theirs.empty() ? std::string("not run") : rate(r.theirs)) + " | "
            + (r.theirs.empty() ? std::string("-") : format("%.2fx", r.ratio())) + " |\n";
    }
    return s;
}

} // namespace bench
