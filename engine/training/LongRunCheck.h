#pragma once
// When a training run says that it will take hours: once, early, from the pace of its first
// mini-batches. The CLI prints the warning on stderr, the window in its training progress.

#include <optional>
#include <string>

namespace engine {

/// Decides once per run whether to warn (longRunWarning(): over an hour by default). The pace
/// is judged after kBatches mini-batches or kSeconds seconds, whichever comes first.
class LongRunCheck {
public:
    static constexpr long kBatches = 5;
    static constexpr double kSeconds = 2;

    explicit LongRunCheck(long epochs, double limitSeconds = 3600);

    /// Call after each mini-batch with the batches done and the seconds spent since the pace
    /// measurement began. Returns the warning at most once ("this run will take about 37 days
    /// (9.2 h per epoch, 1000000 epochs)"), and nothing once the pace has been judged.
    std::optional<std::string> afterBatch(long batchesDone, long batchesPerEpoch, double seconds);
    bool judged() const { return m_judged; }

private:
    long m_epochs;
    double m_limitSeconds;
    bool m_judged = false;
};

} // namespace engine
