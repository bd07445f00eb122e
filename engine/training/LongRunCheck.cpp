#include "training/LongRunCheck.h"

#include "training/ResourceEstimate.h"

namespace engine {

LongRunCheck::LongRunCheck(long epochs, double limitSeconds)
    : m_epochs(epochs)
    , m_limitSeconds(limitSeconds)
{ }

std::optional<std::string> LongRunCheck::afterBatch(
    long batchesDone, long batchesPerEpoch, double seconds)
{
    if (m_judged || batchesDone < 1 || (batchesDone < kBatches && seconds < kSeconds))
        return std::nullopt;
    m_judged = true;
    return longRunWarning(seconds, batchesDone, batchesPerEpoch, m_epochs, m_limitSeconds);
}

} // namespace engine
